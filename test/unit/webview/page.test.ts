// The page put together: the parts in order, what it tells the host (open a record, change
// the baseline, export, its saved state), and what it does with the host's notifications.
import { all, text } from './dom';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportPayload } from '../../../src/shared/protocol';
import { ReportPage } from '../../../webview/page';
import { RecordingHost, samplePayload, streamPayload } from './fixtures';

function newPage(standalone = false, payload: ReportPayload = samplePayload({ canChangeBaseline: true })) {
  const host = new RecordingHost(standalone);
  const root = document.createElement('main');
  root.id = 'app';
  document.body.replaceChildren(root);
  const page = new ReportPage(root, host);
  const shown = page.show(payload);
  return { host, root, page, payload, shown };
}

describe('report page', () => {
  test('header, findings, contents, then a section per chart, the templates after the text metrics; the report is saved', async () => {
    const { root, host, payload, shown, page } = newPage();
    const content = root.querySelector('.content')!;
    assert.equal(payload.charts[0]!.id, 'metrics-text');
    assert.deepEqual(
      [...content.children].map((c) => c.tagName.toLowerCase() + (c.className ? `.${c.className.split(' ')[0]}` : '')),
      ['header.report-header', 'section.findings', 'nav.toc', 'section.chart', 'section.templates', ...payload.charts.slice(1).map(() => 'section.chart')],
    );
    assert.deepEqual(all(content, 'section.chart').map((s) => s.dataset.chart), payload.charts.map((c) => c.id));
    assert.deepEqual(
      all<HTMLAnchorElement>(content, '.toc a').map((a) => a.getAttribute('href')),
      ['#chart-metrics-text', '#templates', ...payload.charts.slice(1).map((c) => `#chart-${c.id}`)],
    );
    assert.equal(document.title, `Collapse Lens: ${payload.title}`);
    assert.deepEqual(host.state?.payload, payload);
    assert.equal(root.dataset.render, 'pending');
    page.dispose();
    await shown;
  });

  test('clicking a finding posts the open-location command', async () => {
    const { root, host, payload, page, shown } = newPage();
    page.dispose();
    await shown;
    root.querySelector<HTMLElement>('.finding[data-index="1"] .finding-main')!.click();
    assert.deepEqual(host.posted, [{ method: 'location/open', params: payload.result.report.findings[1]!.location }]);
  });

  test('clicking a template example posts the open-location command; its table stays open across reloads', async () => {
    const { root, host, page, shown, payload } = newPage();
    page.dispose();
    await shown;
    root.querySelector<HTMLElement>('.templates button.template-example')!.click();
    assert.deepEqual(host.posted, [{ method: 'location/open', params: payload.result.report.groups[0]!.templates![0]!.example.location }]);
    root.querySelector<HTMLElement>('.templates summary')!.click();
    assert.deepEqual(host.state?.openTables, ['templates']);
  });

  test('no templates (a stream): no templates section, no link to it', async () => {
    const { root, page, shown } = newPage(false, streamPayload());
    page.dispose();
    await shown;
    assert.equal(root.querySelector('.templates, a[href="#templates"]'), null);
  });

  test('a new baseline: the page turns busy and asks the host to re-analyze', async () => {
    const { root, host, page, shown } = newPage();
    page.dispose();
    await shown;
    const select = root.querySelector('.report-header vscode-single-select') as HTMLElement & { value: string };
    Object.defineProperty(select, 'value', { value: 'gen4' });
    select.dispatchEvent(new Event('change'));
    assert.deepEqual(host.posted, [{ method: 'baseline/change', params: { groupId: 'gen4' } }]);
    assert.equal(root.getAttribute('aria-busy'), 'true');
    assert.equal(text(root.querySelector('.status')), 'Re-analyzing against gen4…');
  });

  test('exports go to the host, and its answer shows in the status line', async () => {
    const { root, host, page, shown } = newPage();
    page.dispose();
    await shown;
    assert.deepEqual(all(root, '.report-header vscode-button').map(text), ['Export JSON', 'Export HTML']);
    root.querySelector<HTMLElement>('.report-header vscode-button:last-child')!.click();
    assert.deepEqual(host.exports, [{ kind: 'html', name: 'runs-6-generations.collapse-lens.json' }]);
    page.handle({ method: 'export/didFinish', params: { kind: 'html', file: 'report.html' } });
    assert.equal(text(root.querySelector('.status')), 'Saved HTML to report.html');
  });

  test('a finding past the preview is listed, marked and focused when the host asks', async () => {
    const { root, host, page, shown } = newPage();
    page.dispose();
    await shown;
    assert.equal(root.querySelectorAll('.finding').length, 8);
    page.handle({ method: 'finding/didFocus', params: { index: 20 } });
    assert.equal(root.querySelectorAll('.finding').length, 29);
    assert.deepEqual(all(root, '.finding.focused').map((f) => f.dataset.index), ['20']);
    assert.equal(document.activeElement, root.querySelector('.finding[data-index="20"] .finding-main'));
    assert.equal(host.state?.showAllFindings, true);
    page.handle({ method: 'finding/didFocus', params: { index: 99 } });
    assert.deepEqual(all(root, '.finding.focused').map((f) => f.dataset.index), ['20'], 'an index past the end changes nothing');
  });

  test('a failed analysis shows an alert that opens the failing record; the next report clears it', async () => {
    const { root, host, page, shown } = newPage();
    page.dispose();
    await shown;
    page.handle({ method: 'report/didFail', params: { message: 'line 3: not JSON', location: { file: 'runs/gen2.jsonl', line: 3 } } });
    const alert = root.querySelector<HTMLElement>('.alert')!;
    assert.equal(alert.hidden, false);
    assert.equal(text(alert), 'line 3: not JSONruns/gen2.jsonl:3');
    alert.querySelector('button')!.click();
    assert.deepEqual(host.posted.at(-1), { method: 'location/open', params: { file: 'runs/gen2.jsonl', line: 3 } });
    page.handle({ method: 'report/didChange', params: streamPayload() });
    page.dispose();
    assert.equal(alert.hidden, true);
    assert.equal(text(root.querySelector('h1')), 'Collapse Lens monitor/stream.jsonl');
  });

  test('standalone: no links, no HTML export, no baseline select', async () => {
    const { root, page, shown } = newPage(true);
    page.dispose();
    await shown;
    assert.equal(root.querySelectorAll('.finding-list button, button.template-example, .report-header vscode-single-select').length, 0);
    assert.equal(text(root.querySelector('.templates .template-example .where')), 'runs/gen0.jsonl:52');
    assert.deepEqual(all(root, '.report-header vscode-button').map(text), ['Export JSON']);
  });

  test('every chart is drawn as SVG, then the page marks the render done', async () => {
    const { root, shown } = newPage(false, streamPayload());
    await shown;
    assert.equal(root.dataset.render, 'done');
    for (const body of all(root, '.chart-body')) {
      assert.ok(!body.classList.contains('placeholder'));
      assert.equal(body.querySelector('.chart-error'), null);
      assert.ok(body.querySelector('svg path, svg rect'), 'marks drawn');
    }
  });
});
