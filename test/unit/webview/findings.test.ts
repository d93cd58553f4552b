// The findings list: counts per severity, the preview and "Show all", a finding that opens its
// record, related places, the standalone file's plain text, and the empty state.
import { all, mount, text } from './dom';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Location } from '../../../src/shared/report';
import { FINDINGS_PREVIEW, findingsSection } from '../../../webview/components/findings';
import { finding, samplePayload } from './fixtures';

const sample = samplePayload().result.report.findings;

function opened(): { open: (l: Location) => void; locations: Location[] } {
  const locations: Location[] = [];
  return { open: (l) => locations.push(l), locations };
}

describe('findings', () => {
  test('the heading counts findings per severity, most severe first, singular and plural', async () => {
    const { element } = findingsSection(sample, { showAll: false, onShowAll: () => undefined });
    await mount(element);
    assert.equal(text(element.querySelector('h2')), 'Findings13 errors16 warnings');
    assert.deepEqual(all(element, '.count').map((c) => c.className), ['count severity-error', 'count severity-warning']);

    const mixed = [finding('info', 0), finding('warning', 1), finding('error', 2), finding('info', 3)];
    const counts = findingsSection(mixed, { showAll: true, onShowAll: () => undefined }).element;
    assert.deepEqual(all(counts, '.count').map(text), ['1 error', '1 warning', '2 notes']);
  });

  test('the findings are listed in report order, grouped by severity as the report sorts them', () => {
    const { element } = findingsSection(sample, { showAll: true, onShowAll: () => undefined });
    const items = all(element, '.finding');
    assert.equal(items.length, sample.length);
    assert.deepEqual(items.map((li) => li.dataset.index), sample.map((_, i) => String(i)));
    const severities = items.map((li) => /severity-(\w+)/u.exec(li.className)![1]);
    assert.deepEqual(severities, sample.map((f) => f.severity));
    // Errors first, then warnings: no warning before the last error.
    assert.ok(severities.lastIndexOf('error') < severities.indexOf('warning'));
    const first = items[0]!;
    assert.equal(text(first.querySelector('.visually-hidden')), 'error:');
    assert.equal(text(first.querySelector('.message')), sample[0]!.message);
    assert.equal(text(first.querySelector('.rule')), sample[0]!.rule);
    assert.equal(text(first.querySelector('.where')), `${sample[0]!.location.file}:${sample[0]!.location.line}`);
    assert.ok(first.querySelector('svg.icon.severity-error'), 'severity icon');
  });

  test(`the first ${FINDINGS_PREVIEW} are shown until "Show all", which lists every finding once`, async () => {
    let shownAll = 0;
    const section = findingsSection(sample, { showAll: false, onShowAll: () => shownAll++ });
    await mount(section.element);
    assert.equal(all(section.element, '.finding').length, FINDINGS_PREVIEW);
    const more = section.element.querySelector('vscode-button')!;
    assert.equal(text(more), `Show all ${sample.length} findings`);
    more.click();
    assert.equal(all(section.element, '.finding').length, sample.length);
    assert.equal(section.element.querySelector('vscode-button'), null, 'the button goes');
    assert.equal(shownAll, 1);
    section.showAll();
    assert.equal(shownAll, 1, 'listing them again changes nothing');
    assert.equal(all(section.element, '.finding').length, sample.length);
  });

  test('showAll() lists every finding, as the button does; with showAll set there is no button', () => {
    let shownAll = 0;
    const section = findingsSection(sample, { showAll: false, onShowAll: () => shownAll++ });
    section.showAll();
    assert.equal(all(section.element, '.finding').length, sample.length);
    assert.equal(shownAll, 1);

    const full = findingsSection(sample, { showAll: true, onShowAll: () => assert.fail('already all') });
    assert.equal(all(full.element, '.finding').length, sample.length);
    assert.equal(full.element.querySelector('vscode-button'), null);
    full.showAll();
  });

  test('a short list has no "Show all"', () => {
    const few = Array.from({ length: FINDINGS_PREVIEW }, (_, i) => finding('warning', i));
    const { element } = findingsSection(few, { showAll: false, onShowAll: () => undefined });
    assert.equal(all(element, '.finding').length, FINDINGS_PREVIEW);
    assert.equal(element.querySelector('vscode-button'), null);
  });

  test('clicking a finding opens its record; each related place opens its own', () => {
    const { open, locations } = opened();
    const { element } = findingsSection(sample, { showAll: false, onShowAll: () => undefined, onOpen: open });
    const main = element.querySelector<HTMLButtonElement>('.finding[data-index="2"] .finding-main')!;
    assert.equal(main.tagName, 'BUTTON');
    assert.equal(main.title, `Open ${sample[2]!.location.file}:${sample[2]!.location.line}`);
    main.click();
    assert.deepEqual(locations, [sample[2]!.location]);

    const related = element.querySelector<HTMLButtonElement>('.finding[data-index="0"] .related button.link')!;
    const r = sample[0]!.related![0]!;
    assert.equal(text(related), `${r.message} — ${r.location.file}:${r.location.line}`);
    related.click();
    assert.deepEqual(locations.at(-1), r.location);
  });

  test('standalone (no editor to open): findings and related places are plain text', () => {
    const { element } = findingsSection(sample, { showAll: false, onShowAll: () => undefined });
    assert.equal(element.querySelectorAll('.finding-list button').length, 0);
    const first = element.querySelector('.finding[data-index="0"]')!;
    assert.equal(first.querySelector('.finding-main')!.tagName, 'DIV');
    const r = sample[0]!.related![0]!;
    assert.equal(text(first.querySelector('.related li')), `${r.message} (${r.location.file}:${r.location.line})`);
  });

  test('no finding: a sentence says so, and nothing is counted', () => {
    const section = findingsSection([], { showAll: false, onShowAll: () => assert.fail('nothing to show') });
    assert.equal(text(section.element.querySelector('.empty')), 'No finding: no rule fired on these files.');
    assert.equal(section.element.querySelectorAll('.count, .finding, vscode-button').length, 0);
    assert.equal(text(section.element.querySelector('h2')), 'Findings');
    section.showAll();
  });
});
