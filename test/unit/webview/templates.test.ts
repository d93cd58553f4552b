// The syntactic templates: hidden without templates, the baseline beside the most changed
// generation (a select for the others), patterns as tags, shares, the example's matched
// words marked, a click that opens the example's record, the standalone file's plain text,
// and the table of every generation.
import { all, mount, settle, slotsChanged, text } from './dom';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupReport, Location, Report } from '../../../src/shared/report';
import { formatPoints, formatShare } from '../../../webview/format';
import { highlightMatch, mostChangedGeneration, templatesSection, templatesTable, type TemplatesProps } from '../../../webview/components/templates';
import { samplePayload, streamPayload, syntheticPayload } from './fixtures';

const props = (over: Partial<TemplatesProps> = {}): TemplatesProps => ({ tableOpen: false, onTableToggle: () => undefined, ...over });
const sample = (): Report => samplePayload().result.report;

function section(report: Report, over: Partial<TemplatesProps> = {}): HTMLElement {
  const el = templatesSection(report, props(over));
  assert.ok(el, 'a section');
  return el;
}

/** The panels: generation, then per template its pattern and share as the user reads them. */
function panels(el: HTMLElement): { generation: string; rows: [string, string][] }[] {
  return all(el, '.template-panel').map((p) => ({
    generation: p.dataset.generation!,
    rows: all(p, '.template').map((li) => [all(li, '.pos').map(text).join(' '), text(li.querySelector('.share-value')!.firstChild)]),
  }));
}

/** What the page renders a mark as: the text with the marked part in [brackets]. */
function marked(parts: (string | HTMLElement)[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : p.tagName === 'MARK' ? `[${p.textContent}]` : `{${p.textContent}}`)).join('');
}

describe('syntactic templates', () => {
  test('hidden when no generation lists templates', () => {
    assert.equal(templatesSection(streamPayload().result.report, props()), false);
    const bare = sample();
    for (const g of bare.groups) delete g.templates;
    assert.equal(templatesSection(bare, props()), false);
    for (const g of bare.groups) g.templates = [];
    assert.equal(templatesSection(bare, props()), false);
  });

  test('the baseline first, then the most changed generation, a row per template in report order', () => {
    const report = sample();
    const el = section(report);
    assert.equal(el.id, 'templates');
    assert.equal(text(el.querySelector('h2')), 'Syntactic templates');
    const shown = panels(el);
    assert.deepEqual(shown.map((p) => p.generation), ['gen0', 'gen5']);
    for (const p of shown) {
      const g = report.groups.find((x) => x.id === p.generation)!;
      assert.deepEqual(p.rows, g.templates!.map((t) => [t.pattern, formatShare(t.share)]));
    }
    assert.deepEqual(shown[1]!.rows[0], ['DET NOUN VERB ADP', '94%']);
    assert.deepEqual(all(el, '.template-panel h3').map(text), ['gen0baseline', 'gen5most changedlast']);
    assert.deepEqual(all(el, '.template-panel .template-list').map((l) => l.getAttribute('aria-label')), ['Top templates of gen0', 'Top templates of gen5']);
    assert.equal(text(el.querySelector('.template-facts')), '200 outputs tagged');
    // Each tag names its word class.
    assert.deepEqual(all(el.querySelector('.template')!, '.pos').map((a) => [a.tagName, a.title]), [
      ['ABBR', 'verb'],
      ['ABBR', 'adjective'],
      ['ABBR', 'noun'],
      ['ABBR', 'adposition (preposition)'],
    ]);
  });

  test('shares: percent to one decimal, the bar as wide, the change from the baseline in points', () => {
    assert.deepEqual([0.345, 0.72, 1, 0.2345, 0.0004, 0].map(formatShare), ['34.5%', '72%', '100%', '23.5%', '<0.1%', '0%']);
    assert.deepEqual([0.375, -0.03, 0].map(formatPoints), ['+37.5 pts', '−3 pts', '±0 pts']);
    const el = section(sample());
    const [base, last] = all(el, '.template-panel');
    const first = last!.querySelector<HTMLElement>('.template')!;
    assert.equal(first.querySelector<HTMLElement>('.share-fill')!.style.width, '94%');
    assert.equal(text(first.querySelector('.share-value')), '94% of outputs', 'the unit for a screen reader');
    assert.equal(first.querySelector<HTMLElement>('.share')!.title, '216 occurrences');
    // gen0 holds DET NOUN VERB ADP at 24%: +70 points; ADP NOUN PUNCT PRON at 24%: 12% is −12.
    assert.deepEqual(all(last!, '.share-change').map(text), ['+70 pts from gen0', '−12 pts from gen0', '−10.2 pts from gen0', "not in gen0's top 5", "not in gen0's top 5"]);
    assert.equal(base!.querySelectorAll('.share-change').length, 0, 'the baseline compares with nothing');
  });

  test('the example: its matched words marked, whatever the tokens\' spacing; all of it text', () => {
    assert.equal(marked(highlightMatch('The tide turns. Then the tide turns.', 'the tide turns .')), 'The tide turns. Then [the tide turns.]');
    assert.equal(marked(highlightMatch("I'm sorry, but I can't help with that request.", "I ca n't help")), "I'm sorry, but [I can't help] with that request.");
    assert.equal(marked(highlightMatch('In conclusion, there are many', 'In conclusion , there')), '[In conclusion, there] are many');
    assert.equal(marked(highlightMatch('An Apple a day', 'an apple')), '[An Apple] a day', 'case only when nothing else matches');
    assert.equal(marked(highlightMatch('a cat sat on the mat', 'at on')), 'a cat s[at on] the mat', 'whole words first, inside words last');
    assert.equal(marked(highlightMatch('Cut before the match', 'never seen')), 'Cut before the match {(matched: never seen)}');
    assert.equal(marked(highlightMatch('Nothing to mark', '')), 'Nothing to mark');
    assert.equal(marked(highlightMatch('a (b) c', '( b )')), 'a [(b)] c', 'regular expression characters are literal');

    const report = sample();
    const hostile = '<img src=x onerror=alert(1)> & </mark><b>bold</b>';
    report.groups[0]!.templates![0]!.example = { match: '<b> bold', text: hostile, location: { file: 'runs/<gen0>.jsonl', line: 4 } };
    const example = section(report).querySelector('.template-example')!;
    assert.equal(example.querySelectorAll('img, b').length, 0, 'no markup from the data');
    assert.equal(text(example.querySelector('.example-text')), hostile);
    assert.equal(text(example.querySelector('mark')), '<b>bold');
    assert.equal(text(example.querySelector('.where')), 'runs/<gen0>.jsonl:4');

    const first = section(sample()).querySelector('.template-panel[data-generation="gen5"] .template-example')!;
    assert.equal(text(first.querySelector('.example-text')), 'The answer depends on several factors, and it is important to consider all of them.');
    assert.equal(text(first.querySelector('mark')), 'The answer depends on');
  });

  test('clicking an example opens its record; a native button, so Enter and Space do too', () => {
    const locations: Location[] = [];
    const report = sample();
    const el = section(report, { onOpen: (l) => locations.push(l) });
    const buttons = all<HTMLButtonElement>(el, 'button.template-example');
    assert.equal(buttons.length, 10);
    const t = report.groups[5]!.templates![1]!;
    const button = el.querySelectorAll<HTMLButtonElement>('.template-panel[data-generation="gen5"] button.template-example')[1]!;
    assert.equal(button.type, 'button');
    assert.equal(button.title, `Open runs/gen5.jsonl:${t.example.location.line}`);
    assert.equal(text(button.querySelector('.where')), `runs/gen5.jsonl:${t.example.location.line}`);
    button.click();
    assert.deepEqual(locations, [{ file: 'runs/gen5.jsonl', line: 22 }]);
    assert.deepEqual(locations, [t.example.location]);
  });

  test('standalone (no editor to open): examples are text, with file:line', () => {
    const el = section(sample());
    assert.equal(el.querySelectorAll('button').length, 0);
    const example = el.querySelector('.template-example')!;
    assert.equal(example.tagName, 'DIV');
    assert.equal(text(example.querySelector('.where')), 'runs/gen0.jsonl:52');
  });

  test('a select brings any other generation beside the baseline, the most changed chosen first', async () => {
    const el = await mount(section(sample()));
    const select = el.querySelector('vscode-single-select') as HTMLElement & { value: string };
    await slotsChanged(select);
    assert.equal(select.getAttribute('aria-label'), 'Generation to compare with gen0');
    assert.deepEqual(all(select, 'vscode-option').map(text), ['gen1', 'gen2', 'gen3', 'gen4', 'gen5 · most changed · last']);
    assert.deepEqual(all(select, 'vscode-option').map((o) => o.hasAttribute('selected')), [false, false, false, false, true]);
    Object.defineProperty(select, 'value', { value: 'gen2', configurable: true });
    select.dispatchEvent(new Event('change'));
    await settle();
    assert.deepEqual(panels(el).map((p) => p.generation), ['gen0', 'gen2']);
    assert.equal(text(el.querySelector('#templates-compare-title')), 'gen2');
    assert.deepEqual(panels(el)[1]!.rows[0], ['DET NOUN VERB ADP', '45.3%']);
    assert.ok(el.querySelector('#templates-compare'), 'the select stays');
  });

  test('two generations: no select; one generation: the baseline alone', () => {
    const two = sample();
    two.groups = two.groups.slice(0, 2);
    const el = section(two);
    assert.equal(el.querySelector('vscode-single-select'), null);
    assert.deepEqual(panels(el).map((p) => p.generation), ['gen0', 'gen1']);
    two.groups = two.groups.slice(0, 1);
    assert.deepEqual(panels(section(two)).map((p) => p.generation), ['gen0']);
  });

  test('the most changed: the largest fall of POS n-gram diversity, else the largest rise of the top share', () => {
    const g = (id: string, top: number, diversity?: number): GroupReport => ({
      id,
      records: 10,
      location: { file: `${id}.jsonl`, line: 1 },
      metrics: diversity === undefined ? {} : { pos_ngram_diversity: diversity, template_rate: 1 },
      templates: [{ pattern: 'DET NOUN VERB PUNCT', count: 3, share: top, example: { match: 'a b', text: 'a b', location: { file: `${id}.jsonl`, line: 2 } } }],
    });
    const base = g('g0', 0.3, 0.13);
    assert.equal(mostChangedGeneration(base, [g('g1', 0.9, 0.12), g('g2', 0.4, 0.06), g('g3', 0.5, 0.1)])!.id, 'g2');
    assert.equal(mostChangedGeneration(g('g0', 0.3), [g('g1', 0.5), g('g2', 0.7), g('g3', 0.4)])!.id, 'g2');
    assert.equal(mostChangedGeneration(g('g0', 0.3), [g('g1', 0.5), g('g2', 0.5)])!.id, 'g2', 'the later on a tie');
    assert.equal(mostChangedGeneration(g('g0', 0.3), [g('g1', 0.2), g('g2', 0.1)])!.id, 'g2', 'none rose: the last');
    assert.equal(mostChangedGeneration(base, []), undefined);

    // The facts line shows the metrics and how far the diversity fell.
    const report = sample();
    report.groups = [base, g('g1', 0.9, 0.12), g('g2', 0.4, 0.065)];
    report.baseline = 'g0';
    const el = section(report);
    assert.deepEqual(all(el, '.template-facts').map(text), [
      '10 outputs tagged · template rate 100% · POS n-gram diversity 0.130',
      '10 outputs tagged · template rate 100% · POS n-gram diversity 0.065 (−50% against g0)',
    ]);
  });

  test('the baseline is the report\'s, wherever it stands', () => {
    const report = sample();
    report.baseline = 'gen3';
    const el = section(report);
    assert.deepEqual(panels(el).map((p) => p.generation), ['gen3', 'gen5']);
    assert.deepEqual(all(el, 'vscode-option').map(text), ['gen0', 'gen1', 'gen2', 'gen4', 'gen5 · most changed · last']);
  });

  test('every generation in a table: one row per template, lines that open their record', () => {
    const report = sample();
    const table = templatesTable(report);
    assert.deepEqual(table.columns, ['Generation', 'Rank', 'Template', 'Share (%)', 'Occurrences', 'File', 'Example line']);
    assert.equal(table.rows.length, 30);
    assert.deepEqual(table.rows[25], ['gen5', 1, 'DET NOUN VERB ADP', 94, 216, 'runs/gen5.jsonl', 8]);
    const toggles: boolean[] = [];
    const locations: Location[] = [];
    const el = section(report, { onOpen: (l) => locations.push(l), onTableToggle: (open) => toggles.push(open) });
    const details = el.querySelector('details.data-table') as HTMLDetailsElement;
    assert.equal(details.querySelector('table'), null, 'built when first opened');
    assert.equal(text(details.querySelector('summary')), 'Data table');
    details.querySelector('summary')!.click();
    assert.equal(all(details, 'tbody tr').length, 30);
    assert.deepEqual(toggles, [true]);
    details.querySelector<HTMLButtonElement>('tbody tr:last-child button.link')!.click();
    assert.deepEqual(locations, [report.groups[5]!.templates![4]!.example.location]);
    assert.ok(section(report, { tableOpen: true }).querySelector('details[open] table'), 'open again after a reload');
  });

  test('a hundred generations: still two panels, the others one select away', () => {
    const el = section(syntheticPayload(100, 20).result.report);
    assert.equal(all(el, '.template-panel').length, 2);
    assert.equal(all(el, '.template').length, 10);
    assert.equal(all(el, 'vscode-option').length, 99);
    assert.deepEqual(panels(el).map((p) => p.generation), ['gen0', 'gen99']);
  });
});
