// Export: the report's buttons and what each hands the host (the host writes in VS Code, the
// page downloads standalone), the chart buttons, and the status line an export leaves.
import { all, mount, text } from './dom';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chartExportButtons, exportReport, exportStatus, fileSlug, reportExportButtons, type ReportExportKind } from '../../../webview/components/export';
import { RecordingHost, samplePayload, type Export } from './fixtures';

describe('export', () => {
  test('the report exports as JSON, and as HTML where a host writes the standalone file', async () => {
    const asked: ReportExportKind[] = [];
    const withHost = await mount(reportExportButtons({ html: true, onExport: (k) => asked.push(k) }));
    const buttons = all(withHost, 'vscode-button');
    assert.deepEqual(buttons.map(text), ['Export JSON', 'Export HTML']);
    assert.deepEqual(buttons.map((b) => b.getAttribute('aria-label')), ['Export the report as JSON', 'Export a standalone HTML report']);
    assert.ok(buttons.every((b) => b.hasAttribute('secondary')));
    buttons[1]!.click();
    buttons[0]!.click();
    assert.deepEqual(asked, ['html', 'json']);

    const standalone = reportExportButtons({ html: false, onExport: () => undefined });
    assert.deepEqual(all(standalone, 'vscode-button').map(text), ['Export JSON']);
  });

  test('in VS Code the host writes the report it holds; standalone the page hands over its JSON', () => {
    const p = samplePayload();
    const host = new RecordingHost(false);
    exportReport(host, p, 'json');
    exportReport(host, p, 'html');
    assert.deepEqual(host.exports, [
      { kind: 'json', name: 'runs-6-generations.collapse-lens.json' },
      { kind: 'html', name: 'runs-6-generations.collapse-lens.json' },
    ] satisfies Export[]);

    const standalone = new RecordingHost(true);
    exportReport(standalone, p, 'json');
    const [saved] = standalone.exports;
    assert.equal(saved!.kind, 'json');
    assert.deepEqual(JSON.parse(saved!.data!), p.result.report);
    assert.ok(saved!.data!.endsWith('}\n'));
  });

  test('a chart exports as SVG or PNG under its id', async () => {
    const saved: Export[] = [];
    const errors: string[] = [];
    const el = await mount(
      chartExportButtons(
        { id: 'metrics-text', title: 'Text diversity by generation' },
        {
          image: async (kind) => (kind === 'svg' ? '<svg/>' : 'data:image/png;base64,AA=='),
          save: (kind, name, data, chartId) => saved.push({ kind, name, ...(data ? { data } : {}), ...(chartId ? { chartId } : {}) }),
          onError: (m) => errors.push(m),
        },
      ),
    );
    const [svg, png] = all(el, 'vscode-button');
    assert.deepEqual([text(svg), text(png)], ['SVG', 'PNG']);
    assert.equal(svg!.getAttribute('aria-label'), 'Export Text diversity by generation as SVG');
    assert.equal(png!.getAttribute('aria-label'), 'Export Text diversity by generation as PNG');
    svg!.click();
    png!.click();
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(saved, [
      { kind: 'svg', name: 'metrics-text.svg', data: '<svg/>', chartId: 'metrics-text' },
      { kind: 'png', name: 'metrics-text.png', data: 'data:image/png;base64,AA==', chartId: 'metrics-text' },
    ]);
    assert.deepEqual(errors, []);
  });

  test('a chart that cannot be drawn as an image says why, and saves nothing', async () => {
    const errors: string[] = [];
    const el = chartExportButtons(
      { id: 'projection', title: 'Embedding projection (PCA)' },
      { image: () => Promise.reject(new Error('chart projection is not rendered')), save: () => assert.fail('nothing to save'), onError: (m) => errors.push(m) },
    );
    el.querySelector('vscode-button')!.click();
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(errors, ['Export failed: chart projection is not rendered']);
  });

  test('the status line after an export: where it went, why it failed, nothing when cancelled', () => {
    assert.equal(exportStatus({ kind: 'svg', file: 'charts/metrics-text.svg' }), 'Saved SVG to charts/metrics-text.svg');
    assert.equal(exportStatus({ kind: 'html', error: 'EACCES: permission denied' }), 'Export failed: EACCES: permission denied');
    assert.equal(exportStatus({ kind: 'json' }), '');
  });

  test('file names keep letters and digits of any script, and nothing else', () => {
    assert.equal(fileSlug('runs (6 generations)'), 'runs-6-generations');
    assert.equal(fileSlug('monitor/stream.jsonl'), 'monitor-stream.jsonl');
    assert.equal(fileSlug('Génération ×3 — 日本語'), 'Génération-3-日本語');
    assert.equal(fileSlug('../..'), '..-..');
    assert.equal(fileSlug('///'), 'report');
  });
});
