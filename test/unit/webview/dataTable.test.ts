// A chart's data table: headers and rows as the chart's table has them, numbers aligned and
// formatted, line numbers that open their record, and the disclosure that builds it on demand.
import { all, text } from './dom';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChartTable } from '../../../src/shared/protocol';
import type { Location } from '../../../src/shared/report';
import { dataTable, dataTableDisclosure } from '../../../webview/components/dataTable';
import { samplePayload } from './fixtures';

const findings: ChartTable = {
  columns: ['Metric', 'File', 'Line', 'Value', 'Note'],
  rows: [
    ['distinct_2', 'runs/gen3.jsonl', 1204, 0.4125, ''],
    ['self_bleu', 'runs/gen5.jsonl', 17, 12345, 'after the baseline'],
  ],
};

describe('data table', () => {
  test('a header per column and a row per table row, the first cell heading its row', () => {
    for (const chart of samplePayload().charts) {
      const el = dataTable(chart.title, chart.table);
      assert.equal(el.getAttribute('role'), 'region');
      assert.equal(el.getAttribute('aria-label'), `${chart.title} data`);
      assert.equal(el.getAttribute('tabindex'), '0', 'scrollable by keyboard');
      assert.equal(text(el.querySelector('caption')), chart.title);
      assert.deepEqual(all(el, 'thead th').map(text), chart.table.columns, chart.id);
      const rows = all(el, 'tbody tr');
      assert.equal(rows.length, chart.table.rows.length, chart.id);
      assert.ok(rows.every((r) => r.firstElementChild!.tagName === 'TH' && r.firstElementChild!.getAttribute('scope') === 'row'));
    }
  });

  test('numbers: integers with separators, others as they are; number columns right-aligned', () => {
    const el = dataTable('Findings', findings);
    const cells = all(el, 'tbody tr').map((r) => [...r.children].map(text));
    assert.deepEqual(cells, [
      ['distinct_2', 'runs/gen3.jsonl', '1,204', '0.4125', ''],
      ['self_bleu', 'runs/gen5.jsonl', '17', '12,345', 'after the baseline'],
    ]);
    assert.deepEqual(all(el, 'thead th').map((th) => th.className), ['', '', 'num', 'num', '']);
    assert.equal(all(el, 'tbody td.num').length, 4);
  });

  test('a line number opens its record when the page has an editor; standalone it is text', () => {
    const opened: Location[] = [];
    const el = dataTable('Findings', findings, (l) => opened.push(l));
    const links = all<HTMLButtonElement>(el, 'tbody button.link');
    assert.deepEqual(links.map(text), ['1204', '17']);
    links[1]!.click();
    assert.deepEqual(opened, [{ file: 'runs/gen5.jsonl', line: 17 }]);

    assert.equal(dataTable('Findings', findings).querySelectorAll('button').length, 0);
    const noFile: ChartTable = { columns: ['Metric', 'Line'], rows: [['x', 3]] };
    assert.equal(dataTable('No file', noFile, (l) => opened.push(l)).querySelectorAll('button').length, 0, 'a line without a file links nowhere');
  });

  test('an empty table still has its headers', () => {
    const el = dataTable('Nothing', { columns: ['Generation', 'Value'], rows: [] });
    assert.deepEqual(all(el, 'thead th').map(text), ['Generation', 'Value']);
    assert.equal(el.querySelectorAll('tbody tr').length, 0);
  });

  test('the disclosure builds the table when the user first opens it, and reports each toggle', () => {
    const toggles: boolean[] = [];
    const details = dataTableDisclosure('Findings', findings, { open: false, onToggle: (open) => toggles.push(open) });
    assert.equal(text(details.querySelector('summary')), 'Data table');
    assert.equal(details.open, false);
    assert.equal(details.querySelector('table'), null, 'nothing built while closed');
    const summary = details.querySelector('summary')!;
    summary.click();
    assert.equal(details.open, true);
    assert.equal(details.querySelectorAll('table').length, 1);
    summary.click();
    summary.click();
    assert.equal(details.querySelectorAll('table').length, 1, 'built once');
    assert.deepEqual(toggles, [true, false, true]);
  });

  test('a table left open comes back open and filled', () => {
    const details = dataTableDisclosure('Findings', findings, { open: true, onToggle: () => undefined });
    assert.equal(details.open, true);
    assert.equal(details.querySelectorAll('tbody tr').length, 2);
  });
});
