// The report header: title and export buttons, the facts about the inputs, the baseline
// select that asks the host to re-analyze, verdicts, and the input files.
import { all, mount, settle, slotsChanged, text } from './dom';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportPayload } from '../../../src/shared/protocol';
import { reportHeader } from '../../../webview/components/header';
import { samplePayload, streamPayload, syntheticPayload } from './fixtures';

const actions = () => {
  const div = document.createElement('div');
  div.className = 'actions';
  return div;
};

/** term → what the user reads beside it. */
function facts(header: HTMLElement): Record<string, string> {
  return Object.fromEntries(all(header, '.fact').map((f) => [text(f.querySelector('dt')), text(f.querySelector('dd'))]));
}

describe('header', () => {
  test('title, product name and the actions beside them', () => {
    const p = samplePayload();
    const a = actions();
    const header = reportHeader(p, { actions: a });
    assert.equal(text(header.querySelector('h1')), 'Collapse Lens runs (6 generations)');
    assert.equal(text(header.querySelector('h1 .product')), 'Collapse Lens');
    assert.equal(header.querySelector('.title-row')!.lastElementChild, a);
  });

  test('facts: records, generations, baseline, malformed records with their lines, fields', () => {
    const header = reportHeader(samplePayload(), { actions: actions() });
    const f = facts(header);
    assert.equal(f.Records, '1,200');
    assert.equal(f.Generations, '6');
    assert.equal(f.Baseline, 'gen0');
    assert.match(f['Malformed records']!, /^2 in runs\/gen2\.jsonl \(line \d+, \d+\)$/u);
    assert.ok(header.querySelector('.malformed svg.severity-warning'), 'warning icon');
    assert.deepEqual(all(header, '.field-list li').map(text), ['text: output', 'vector: embedding', 'label: label', 'prediction: prediction', 'value: score']);
    assert.equal(f.Outputs, undefined, 'one output per record: no Outputs fact');
  });

  test('input files: how many, each with its record count', () => {
    const header = reportHeader(samplePayload(), { actions: actions() });
    assert.equal(text(header.querySelector('details.files summary')), '6 input files');
    assert.equal(text(header.querySelector('details.files li')), 'runs/gen0.jsonl — 200 records');

    const one = reportHeader(streamPayload(), { actions: actions() });
    assert.equal(text(one.querySelector('details.files summary')), '1 input file');
  });

  test('one generation: no baseline, no malformed record', () => {
    const f = facts(reportHeader(streamPayload(), { actions: actions() }));
    assert.equal(f.Generations, '1');
    assert.equal(f.Baseline, undefined);
    assert.equal(f['Malformed records'], '0');
  });

  test('the baseline select lists every generation and asks for another one', async () => {
    const changes: string[] = [];
    const header = await mount(reportHeader(samplePayload({ canChangeBaseline: true }), { actions: actions(), onBaselineChange: (id) => changes.push(id) }));
    const select = header.querySelector('vscode-single-select') as HTMLElement & { value: string };
    assert.equal(select.id, 'baseline-select');
    assert.equal(header.querySelector('label[for="baseline-select"]')!.textContent, 'Baseline');
    assert.equal(select.getAttribute('aria-label'), 'Baseline generation');
    assert.deepEqual(all(select, 'vscode-option').map((o) => o.getAttribute('value')), ['gen0', 'gen1', 'gen2', 'gen3', 'gen4', 'gen5']);
    assert.deepEqual(all(select, 'vscode-option[selected]').map(text), ['gen0']);

    await slotsChanged(select);
    assert.equal(select.value, 'gen0');
    select.dispatchEvent(new Event('change'));
    assert.deepEqual(changes, [], 'the current baseline again: nothing to do');
    select.value = 'gen3';
    await settle();
    select.dispatchEvent(new Event('change'));
    assert.deepEqual(changes, ['gen3']);
  });

  test('the baseline is text when the host cannot re-analyze, or in the standalone file', () => {
    for (const [p, onBaselineChange] of [
      [samplePayload({ canChangeBaseline: false }), () => undefined],
      [samplePayload({ canChangeBaseline: true }), undefined],
    ] as [ReportPayload, ((id: string) => void) | undefined][]) {
      const header = reportHeader(p, { actions: actions(), onBaselineChange });
      assert.equal(header.querySelector('vscode-single-select'), null);
      assert.equal(facts(header).Baseline, 'gen0');
    }
  });

  test('a verdict per role, and outputs counted apart from records', () => {
    const p = syntheticPayload(4, 6);
    const report = p.result.report;
    report.verdicts = [
      { role: 'text', severity: 'error', message: 'Text collapsed.' },
      { role: 'labels', message: 'Labels held.' },
    ];
    report.groups = report.groups.map((g) => ({ ...g, outputs: 3 * 200, prompts: 200 }));
    for (const input of report.inputs) {
      input.malformed = 0;
      delete input.malformedLines;
    }
    report.inputs[1]!.malformed = 7;
    report.inputs[1]!.malformedLines = [3, 9, 12, 40, 41, 50, 61];
    const header = reportHeader(p, { actions: actions() });
    const verdicts = all(header, '.verdicts li');
    assert.equal(header.querySelector('.verdicts')!.getAttribute('aria-label'), 'Verdict per role');
    assert.deepEqual(verdicts.map((v) => [v.className, text(v)]), [
      ['verdict error', 'Text collapsed.'],
      ['verdict held', '✓Labels held.'],
    ]);
    const f = facts(header);
    assert.equal(f.Outputs, '2,400 for 800 prompts');
    assert.equal(f['Malformed records'], '7 in runs/gen1.jsonl (line 3, 9, 12, 40, 41, …)');
  });
});
