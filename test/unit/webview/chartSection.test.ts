// A chart's section before it is drawn: its title per role, description, a placeholder as tall
// as the chart, export buttons and data table; the table of contents and the no-chart note.
import { all, mount, text } from './dom';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chartContents, chartSection, noChartsNote, type ChartSectionProps } from '../../../webview/components/chartSection';
import { samplePayload, streamPayload } from './fixtures';

const props = (over: Partial<ChartSectionProps> = {}): ChartSectionProps => ({
  tableOpen: false,
  onTableToggle: () => undefined,
  save: () => assert.fail('nothing to save'),
  onExportError: () => undefined,
  ...over,
});

describe('chart section', () => {
  test('a section per chart, titled per role, in page order', () => {
    const charts = samplePayload().charts;
    const titles = charts.map((c) => text(chartSection(c, props()).section.querySelector('h2')));
    assert.deepEqual(titles, [
      'Text diversity by generation',
      'Embedding diversity by generation',
      'Label diversity by generation',
      'Value distribution by generation',
      'Label shares',
      'Most repeated outputs',
      'Token rank–frequency',
      'Value distributions',
      'Embedding projection (PCA)',
    ]);
    assert.deepEqual(
      streamPayload().charts.map((c) => text(chartSection(c, props()).section.querySelector('h2'))),
      streamPayload().charts.map((c) => c.title),
    );
  });

  test('heading, description, a placeholder as tall as the chart, and a closed data table', () => {
    const chart = samplePayload().charts[0]!;
    const { section, body, view } = chartSection(chart, props());
    assert.equal(section.id, `chart-${chart.id}`);
    assert.equal(section.dataset.chart, chart.id);
    assert.equal(section.getAttribute('aria-labelledby'), `chart-${chart.id}-title`);
    assert.equal(section.querySelector('h2')!.id, `chart-${chart.id}-title`);
    assert.equal(text(section.querySelector('.description')), chart.description);
    assert.ok(body.classList.contains('placeholder'));
    assert.equal(body.style.minHeight, `${chart.height}px`);
    assert.equal(body.querySelector('.chart-canvas')!.childElementCount, 0, 'drawn later, by the render queue');
    assert.equal(view.chart, chart);
    const table = section.querySelector('details.data-table') as HTMLDetailsElement;
    assert.equal(table.open, false);
    assert.equal(section.lastElementChild, table);
  });

  test('the data table opens as it was left, and reports its toggles', () => {
    const chart = samplePayload().charts[1]!;
    const toggles: boolean[] = [];
    const { section } = chartSection(chart, props({ tableOpen: true, onTableToggle: (open) => toggles.push(open) }));
    const table = section.querySelector('details.data-table') as HTMLDetailsElement;
    assert.equal(table.open, true);
    assert.equal(section.querySelectorAll('tbody tr').length, chart.table.rows.length);
    table.querySelector('summary')!.click();
    assert.deepEqual(toggles, [false]);
  });

  test('SVG and PNG buttons name the chart; before it is drawn an export says so', async () => {
    const chart = samplePayload().charts[0]!;
    const errors: string[] = [];
    const section = await mount(chartSection(chart, props({ onExportError: (m) => errors.push(m) })).section);
    const buttons = all(section, '.chart-actions vscode-button');
    assert.deepEqual(buttons.map(text), ['SVG', 'PNG']);
    assert.equal(buttons[0]!.getAttribute('aria-label'), `Export ${chart.title} as SVG`);
    buttons[0]!.click();
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(errors, [`Export failed: chart ${chart.id} is not rendered`]);
  });

  test('the contents link every chart when there are two or more', () => {
    const charts = samplePayload().charts;
    const nav = chartContents(charts) as HTMLElement;
    assert.equal(nav.getAttribute('aria-label'), 'Charts');
    assert.deepEqual(all<HTMLAnchorElement>(nav, 'a').map((a) => [a.getAttribute('href'), text(a)]), charts.map((c) => [`#chart-${c.id}`, c.title]));
    assert.equal(chartContents(charts.slice(0, 1)), false);
    assert.equal(chartContents([]), false);
  });

  test('no chart: a sentence says why', () => {
    assert.equal(text(noChartsNote()), 'No chart: the analysis found no field to plot.');
    assert.equal(noChartsNote().className, 'empty');
  });
});
