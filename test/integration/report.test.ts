// The report webview panel in the real extension host: the panel and its HTML, the page's
// commands (open a record, change the baseline, export), reuse, disposal and the serializer.
// Page commands go through the internal collapseLens.reportCommand, the same path a message
// from the page takes; what the page itself draws is checked by test/e2e/ui-report.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import * as vscode from 'vscode';
import reportSchema from '../../schemas/report.schema.json';
import { formatJson } from '../../src/core/format/json';
import type { CollapseLensApi } from '../../src/extension';
import type { RunOutcome } from '../../src/host/analyzer';
import { PAYLOAD_ELEMENT_ID, type ReportPayload, type WebviewCommand } from '../../src/shared/protocol';
import { activate, clear, codeOf, EXTENSION_ID, fixture, ours, spyErrorMessages, waitFor, workspaceRoot } from './helpers';

const VIEW_TYPE = 'collapseLens.report';

/** Records the webview panels the extension creates (the window namespace is shared with it). */
function spyPanels(): { panels: vscode.WebviewPanel[]; restore(): void } {
  const window = vscode.window as { createWebviewPanel: typeof vscode.window.createWebviewPanel };
  const original = window.createWebviewPanel;
  const panels: vscode.WebviewPanel[] = [];
  window.createWebviewPanel = (...args: Parameters<typeof original>) => {
    const panel = original(...args);
    panels.push(panel);
    return panel;
  };
  return { panels, restore: () => void (window.createWebviewPanel = original) };
}

/** Answers the save dialog with `target` (undefined: the user cancelled) and keeps its options. */
function stubSaveDialog(target: vscode.Uri | undefined): { options: vscode.SaveDialogOptions[]; restore(): void } {
  const window = vscode.window as { showSaveDialog: typeof vscode.window.showSaveDialog };
  const original = window.showSaveDialog;
  const options: vscode.SaveDialogOptions[] = [];
  window.showSaveDialog = async (o?: vscode.SaveDialogOptions) => {
    options.push(o ?? {});
    return target;
  };
  return { options, restore: () => void (window.showSaveDialog = original) };
}

function pageCommand(uri: vscode.Uri | undefined, command: WebviewCommand | Record<string, unknown>): Thenable<unknown> {
  return vscode.commands.executeCommand('collapseLens.reportCommand', uri, command);
}

function reportTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(VIEW_TYPE));
}

function cspOf(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/u.exec(html);
  assert.ok(m, 'a CSP meta element');
  return m[1]!.replace(/&#39;/gu, "'");
}

describe('report panel', () => {
  let api: CollapseLensApi;
  let spy: ReturnType<typeof spyPanels>;
  let panel: vscode.WebviewPanel;
  const [g1, g2, g10] = ['gen1.jsonl', 'gen2.jsonl', 'gen10.jsonl'].map((f) => fixture('generations', f)) as [vscode.Uri, vscode.Uri, vscode.Uri];
  const exportDir = () => vscode.Uri.joinPath(workspaceRoot(), 'report-exports');

  before(async () => {
    api = await activate();
    await clear();
    const outcome = await vscode.commands.executeCommand<RunOutcome>('collapseLens.analyzeGenerations', g1, [g1, g2, g10]);
    assert.equal(outcome.outcomes[0]!.kind, 'result');
  });
  beforeEach(() => {
    spy = spyPanels();
  });
  afterEach(() => spy.restore());
  after(async () => {
    for (const tab of reportTabs()) await vscode.window.tabGroups.close(tab);
    await vscode.workspace.fs.delete(exportDir(), { recursive: true }).then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await clear();
  });

  it('Open Report creates a panel of the report view type, titled after the folder', async () => {
    const started = Date.now();
    await vscode.commands.executeCommand('collapseLens.openReport', g10);
    assert.equal(spy.panels.length, 1, 'one panel created');
    panel = spy.panels[0]!;
    assert.equal(panel.viewType, VIEW_TYPE);
    assert.equal(panel.title, 'Collapse Lens: generations');
    await waitFor('the report tab', () => reportTabs().length === 1);
    console.log(`    report panel opened in ${Date.now() - started} ms (charts compiled on the host)`);
  });

  it('HTML: strict CSP with a fresh nonce, no unsafe-eval or unsafe-inline, page script and style from the extension', () => {
    const html = panel.webview.html;
    const csp = cspOf(html);
    const nonce = /script-src 'nonce-([A-Za-z0-9_-]{16,})'/u.exec(csp)?.[1];
    assert.ok(nonce, `a nonce script-src: ${csp}`);
    const src = panel.webview.cspSource;
    assert.equal(csp, `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${src} 'nonce-${nonce}'; img-src ${src} data: blob:; font-src ${src}`);
    assert.doesNotMatch(html, /unsafe-eval|unsafe-inline/u);
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri;
    const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(ext, 'dist', 'webview.js')).toString();
    assert.ok(html.includes(`<script nonce="${nonce}" src="${script}"></script>`), 'the page bundle under the nonce');
    assert.ok(html.includes(panel.webview.asWebviewUri(vscode.Uri.joinPath(ext, 'media', 'report.css')).toString()), 'the stylesheet');
    const payload = JSON.parse(new RegExp(`id="${PAYLOAD_ELEMENT_ID}">([^]*?)</script>`, 'u').exec(html)![1]!) as ReportPayload;
    assert.deepEqual(payload.result.report.groups.map((g) => g.id), ['gen1', 'gen2', 'gen10']);
    assert.ok(payload.charts.length > 0 && payload.charts.every((c) => c.spec && !('$schema' in c.spec && String(c.spec.$schema).includes('vega-lite'))), 'charts compiled to Vega');
    assert.equal(payload.canChangeBaseline, true);
    assert.deepEqual(payload.source, { kind: 'generations', uris: [g1, g2, g10].map(String) }, 'what a restored panel analyzes again');
  });

  it('scripts on, nothing kept alive while hidden, resources only from dist/ and media/', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri;
    assert.equal(panel.webview.options.enableScripts, true);
    assert.equal(panel.options.retainContextWhenHidden, false);
    assert.equal(panel.webview.options.enableCommandUris ?? false, false);
    const roots = (panel.webview.options.localResourceRoots ?? []).map((u) => u.toString());
    assert.deepEqual(roots, [vscode.Uri.joinPath(ext, 'dist').toString(), vscode.Uri.joinPath(ext, 'media').toString()]);
  });

  it('Open Report again (and a quick fix\'s "at this finding") reuses the panel', async () => {
    await vscode.commands.executeCommand('collapseLens.openReport', g1);
    await vscode.commands.executeCommand('collapseLens.openReport', { uri: g10, findingIndex: 0 });
    assert.equal(spy.panels.length, 0, 'no second panel');
    assert.equal(reportTabs().length, 1);
  });

  it('the page\'s open-location command opens the record in the first column at its line', async () => {
    await pageCommand(g10, { method: 'location/open', params: { file: 'generations/gen10.jsonl', line: 3 } });
    const editor = await waitFor('the editor on gen10.jsonl', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.toString() === g10.toString() && e;
    });
    assert.equal(editor.selection.active.line, 2);
    assert.notEqual(editor.viewColumn, panel.viewColumn, 'beside the report, not over it');
    await pageCommand(g10, { method: 'location/open', params: { file: 'generations/gen2.jsonl', line: 5, column: 4 } });
    const second = await waitFor('the editor on gen2.jsonl', () => vscode.window.activeTextEditor?.document.uri.toString() === g2.toString() && vscode.window.activeTextEditor);
    assert.deepEqual([second.selection.active.line, second.selection.active.character], [4, 3]);
  });

  it('changing the baseline analyzes again in the worker and updates the diagnostics', async () => {
    const drops = () => [g1, g2, g10].flatMap((u) => ours(u)).filter((d) => codeOf(d) === 'diversity-drop');
    assert.ok(drops().length > 0, 'the generations dropped below gen1');
    const finished = new Promise<RunOutcome>((resolve) => {
      const sub = api.onDidFinishRun((o) => {
        sub.dispose();
        resolve(o);
      });
    });
    await pageCommand(g10, { method: 'baseline/change', params: { groupId: 'gen10' } });
    const outcome = await finished;
    assert.equal(outcome.outcomes[0]!.kind, 'result');
    assert.equal(api.resultFor(g10)?.report.baseline, 'gen10');
    assert.equal(drops().length, 0, 'against the collapsed gen10, nothing dropped');
    assert.equal(spy.panels.length, 0, 'shown in the same panel');

    await pageCommand(g10, { method: 'baseline/change', params: { groupId: 'gen1' } });
    assert.equal(api.resultFor(g10)?.report.baseline, 'gen1');
    assert.ok(drops().length > 0, 'back to gen1: the drop again');
  });

  it('exports the JSON report: a schema-valid file with the bytes of formatJson', async () => {
    const target = vscode.Uri.joinPath(exportDir(), 'report.json');
    const dialog = stubSaveDialog(target);
    try {
      const written = await pageCommand(g10, { method: 'export', params: { kind: 'json' } });
      assert.equal((written as vscode.Uri | undefined)?.toString(), target.toString());
    } finally {
      dialog.restore();
    }
    assert.equal(dialog.options.length, 1);
    assert.ok(dialog.options[0]!.defaultUri?.path.endsWith('/generations/generations.collapse-lens.json'), dialog.options[0]!.defaultUri?.path);
    assert.deepEqual(dialog.options[0]!.filters, { 'JSON report': ['json'] });
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    assert.equal(text, formatJson(api.resultFor(g10)!.report));
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(reportSchema);
    assert.ok(validate(JSON.parse(text)), JSON.stringify(validate.errors));
  });

  it('exports the standalone HTML report: page bundle and CSS inlined under a nonce, offline CSP, the report inside', async () => {
    const target = vscode.Uri.joinPath(exportDir(), 'report.html');
    const dialog = stubSaveDialog(target);
    try {
      await pageCommand(g10, { method: 'export', params: { kind: 'html' } });
    } finally {
      dialog.restore();
    }
    const html = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    const csp = cspOf(html);
    assert.match(csp, /^default-src 'none'; script-src 'nonce-[^']+'; style-src 'nonce-[^']+'; img-src data: blob:/u);
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline/u);
    assert.doesNotMatch(html.slice(0, html.indexOf('<style')), /<link\b/u, 'no stylesheet to fetch');
    for (const tag of html.match(/<script\b[^>]*>/gu) ?? []) assert.doesNotMatch(tag, /\ssrc=/u, 'no script to fetch');
    assert.ok(html.length > 400_000, `the page bundle is inlined (${html.length} characters)`);
    const payload = JSON.parse(new RegExp(`id="${PAYLOAD_ELEMENT_ID}">([^]*?)</script>`, 'u').exec(html)![1]!) as ReportPayload;
    assert.equal(payload.result.report.groups.length, 3);
    assert.equal(payload.source, undefined, 'no host paths in a file meant to be shared');
  });

  it('exports a chart as SVG and PNG from the page\'s data; refuses data that is not an image', async () => {
    const svgTarget = vscode.Uri.joinPath(exportDir(), 'chart.svg');
    const pngTarget = vscode.Uri.joinPath(exportDir(), 'chart.png');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    let dialog = stubSaveDialog(svgTarget);
    try {
      await pageCommand(g10, { method: 'export', params: { kind: 'svg', chartId: 'rank-frequency', data: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' } });
      assert.ok(dialog.options[0]!.defaultUri?.path.endsWith('/generations.rank-frequency.svg'));
    } finally {
      dialog.restore();
    }
    dialog = stubSaveDialog(pngTarget);
    try {
      await pageCommand(g10, { method: 'export', params: { kind: 'png', chartId: 'metrics-text', data: `data:image/png;base64,${png.toString('base64')}` } });
    } finally {
      dialog.restore();
    }
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(svgTarget)), '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(pngTarget)), png);

    const errors = spyErrorMessages();
    dialog = stubSaveDialog(pngTarget);
    try {
      const written = await pageCommand(g10, { method: 'export', params: { kind: 'png', data: 'data:text/html;base64,PHNjcmlwdD4=' } });
      assert.equal(written, undefined);
    } finally {
      dialog.restore();
      errors.restore();
    }
    assert.equal(dialog.options.length, 0, 'no save dialog for bad data');
    assert.match(errors.messages[0]?.message ?? '', /cannot export the PNG chart: the page sent something that is not a PNG image/u);
  });

  it('a cancelled save dialog writes nothing; a malformed page message is ignored', async () => {
    const dialog = stubSaveDialog(undefined);
    try {
      assert.equal(await pageCommand(g10, { method: 'export', params: { kind: 'json' } }), undefined);
    } finally {
      dialog.restore();
    }
    const before = vscode.window.activeTextEditor?.document.uri.toString();
    assert.equal(await pageCommand(g10, { method: 'location/open', params: { file: 42, line: 'x' } }), undefined);
    assert.equal(await pageCommand(g10, { method: 'no/such', params: {} }), undefined);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), before);
  });

  it('closing the panel disposes it; Open Report makes a new one', async () => {
    for (const tab of reportTabs()) await vscode.window.tabGroups.close(tab);
    await waitFor('the report tab to close', () => reportTabs().length === 0);
    await assert.rejects(Promise.resolve(pageCommand(g10, { method: 'webview/ready', params: { restored: false } })), /no Collapse Lens report is open/u);
    await vscode.commands.executeCommand('collapseLens.openReport', g10);
    assert.equal(spy.panels.length, 1);
    panel = spy.panels[0]!;
    assert.notEqual(cspOf(panel.webview.html), '', 'a page again');
  });

  it('a serializer restores the panel after a window reload (registered for the view type, activation event declared)', () => {
    assert.throws(() => vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, { deserializeWebviewPanel: async () => undefined }), /already registered/iu);
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { activationEvents: string[] };
    assert.ok(pkg.activationEvents.includes(`onWebviewPanel:${VIEW_TYPE}`));
  });
});

// The page is a web page and its saved state is whatever it stored: a location it asks to open
// must be in the report's own files, and a restored panel reads again only files in the workspace.
describe('report panel: what the page asks for is checked', () => {
  let api: CollapseLensApi;
  const [g1, g2, g10] = ['gen1.jsonl', 'gen2.jsonl', 'gen10.jsonl'].map((f) => fixture('generations', f)) as [vscode.Uri, vscode.Uri, vscode.Uri];
  const outside = vscode.Uri.file(path.join(os.tmpdir(), `collapse-lens-outside-${process.pid}-${Date.now()}.jsonl`));
  const restored: vscode.WebviewPanel[] = [];

  /** The text editors' files in every tab, and the active one. */
  const openFiles = () => ({
    tabs: vscode.window.tabGroups.all.flatMap((g) => g.tabs).flatMap((t) => (t.input instanceof vscode.TabInputText ? [t.input.uri.toString()] : [])).sort(),
    active: vscode.window.activeTextEditor?.document.uri.toString(),
  });

  /** A panel of the report's view type, restored from `state` the way the serializer does after a reload. */
  async function restore(state: unknown): Promise<{ panel: vscode.WebviewPanel; posted: unknown[] }> {
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Collapse Lens: restored', vscode.ViewColumn.One, { enableScripts: true });
    restored.push(panel);
    const posted: unknown[] = [];
    const webview = panel.webview as { postMessage: (m: unknown) => Thenable<boolean> };
    const original = webview.postMessage.bind(panel.webview);
    webview.postMessage = (m: unknown) => {
      posted.push(m);
      return original(m);
    };
    await vscode.commands.executeCommand('collapseLens.restoreReport', panel, state);
    return { panel, posted };
  }

  before(async () => {
    api = await activate();
    await clear();
    const outcome = await vscode.commands.executeCommand<RunOutcome>('collapseLens.analyzeGenerations', g1, [g1, g2, g10]);
    assert.equal(outcome.outcomes[0]!.kind, 'result');
    await vscode.commands.executeCommand('collapseLens.openReport', g10);
    await waitFor('the report tab', () => reportTabs().length === 1);
    fs.writeFileSync(outside.fsPath, ['first answer here', 'second answer there', 'a third one'].map((output) => JSON.stringify({ output })).join('\n') + '\n');
  });
  after(async () => {
    restored.forEach((p) => p.dispose());
    // The tabs of panels disposed a moment ago may still be listed: closing one of those throws.
    for (const tab of reportTabs()) {
      try {
        await vscode.window.tabGroups.close(tab);
      } catch {
        // already gone
      }
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(outside.fsPath, { force: true });
    await clear();
  });

  it('location/open with an absolute path, a ../ path, a file the report does not cover or a line past its end opens nothing', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('collapseLens.openReport', g10);
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri;
    const workspaceName = path.basename(workspaceRoot().fsPath);
    const hostile = [
      { file: vscode.Uri.joinPath(ext, 'package.json').fsPath, line: 1 },
      { file: outside.fsPath, line: 1 },
      { file: g10.fsPath, line: 1 },
      { file: '../../../../../../../../etc/hostname', line: 1 },
      { file: `../${workspaceName}/healthy.jsonl`, line: 1 },
      { file: 'generations/../healthy.jsonl', line: 1 },
      { file: 'healthy.jsonl', line: 1 },
      { file: 'generations/gen10.jsonl', line: 100_000 },
    ];
    const before = openFiles();
    const errors = spyErrorMessages();
    try {
      for (const params of hostile) {
        assert.equal(await pageCommand(g10, { method: 'location/open', params }), undefined, params.file);
        assert.deepEqual(openFiles(), before, `nothing opened for ${params.file} at line ${params.line}`);
      }
    } finally {
      errors.restore();
    }
    assert.deepEqual(errors.messages, [], 'ignored (and logged), not shown');
    for (const doc of vscode.workspace.textDocuments) {
      assert.notEqual(doc.uri.fsPath, hostile[0]!.file, 'package.json of the extension was not even read');
      assert.notEqual(doc.uri.fsPath, outside.fsPath, 'the file outside the workspace was not read');
    }
    await pageCommand(g10, { method: 'location/open', params: { file: 'generations/gen10.jsonl', line: 2 } });
    const editor = await waitFor('a location in the report still opens', () => vscode.window.activeTextEditor?.document.uri.toString() === g10.toString() && vscode.window.activeTextEditor);
    assert.equal(editor.selection.active.line, 1);
  });

  it('a panel restored from a state naming files outside the workspace reads none of them and says the files cannot be found', async () => {
    let runs = 0;
    const sub = api.onDidFinishRun(() => runs++);
    try {
      const root = workspaceRoot().toString();
      for (const uris of [[outside.toString()], [`${root}/generations/../../${path.basename(outside.fsPath)}`], ['https://example.com/gen1.jsonl'], [g1.toString(), outside.toString()]]) {
        const { panel, posted } = await restore({ payload: { source: { kind: uris.length > 1 ? 'generations' : 'file', uris } } });
        await waitFor('the restored panel to be active', () => panel.active);
        await pageCommand(undefined, { method: 'webview/ready', params: { restored: true } });
        await waitFor(`the files-not-found state for ${uris.join(', ')}`, () =>
          posted.some((m) => (m as { method?: string }).method === 'report/didFail' && /cannot find the files of this report in the workspace/u.test((m as { params: { message: string } }).params.message)),
        );
        assert.ok(!posted.some((m) => (m as { method?: string }).method === 'report/didChange'), 'no report sent');
        const files = openFiles();
        await pageCommand(undefined, { method: 'location/open', params: { file: path.basename(outside.fsPath), line: 1 } });
        assert.deepEqual(openFiles(), files, 'and it opens nothing');
        panel.dispose();
      }
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(runs, 0, 'no analysis ran');
      assert.equal(api.running, false);
      assert.equal(api.resultFor(outside), undefined);
    } finally {
      sub.dispose();
    }
  });

  it('a panel restored from a state naming files in the workspace analyzes them again', async () => {
    const healthy = fixture('healthy.jsonl');
    const finished = new Promise<RunOutcome>((resolve) => {
      const sub = api.onDidFinishRun((o) => {
        sub.dispose();
        resolve(o);
      });
    });
    const { panel } = await restore({ payload: { source: { kind: 'file', uris: [healthy.toString()] } } });
    const outcome = await finished;
    assert.equal(outcome.outcomes[0]!.kind, 'result');
    assert.ok(api.resultFor(healthy), 'healthy.jsonl analyzed again');
    assert.equal(panel.title, 'Collapse Lens: healthy.jsonl');
    panel.dispose();
  });
});
