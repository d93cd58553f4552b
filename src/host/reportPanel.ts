// The report webview: one panel per analysis (its files), restored after a window reload by a
// serializer, talking to the page (webview/) in the messages of src/shared/protocol.ts. Charts
// are compiled here, once per result; the page only runs the Vega runtime.
import { stripDataExtension } from '../shared/formats';
import * as vscode from 'vscode';
import { formatJson } from '../core/format/json';
import type { AnalysisResult } from '../shared/details';
import { isWebviewCommand } from '../shared/protocol';
import type { ExportKind, HostNotification, ReportPayload, ReportSource, WebviewCommand } from '../shared/protocol';
import type { Finding, Location } from '../shared/report';
import type { AnalysisRunner } from './analyzer';
import type { AnalysisTarget } from './diagnostics';
import { displayPath, isSupported, targetsOf } from './inputs';
import { base64Bytes, loadReportRenderer } from './platform';
import type { ReportPresenter } from './report';
import type { AnalysisEntry, AnalysisRequest, FindingsStore } from './store';

export const REPORT_VIEW_TYPE = 'collapseLens.report';
/**
 * Internal: hands a page command (`WebviewCommand`) to the report panel of the analysis that
 * covers a file, exactly as the page would post it. Arguments: (uri | undefined, command).
 */
export const COMMAND_REPORT_COMMAND = 'collapseLens.reportCommand';
/**
 * Internal: restores a report panel from a page's saved state, as the serializer does after a
 * window reload (the state is checked the same way). Arguments: (webviewPanel, state).
 */
export const COMMAND_RESTORE_REPORT = 'collapseLens.restoreReport';
/** What a restored panel says when its saved files are not ones it may read again. */
const filesNotFound = () => vscode.l10n.t('Collapse Lens cannot find the files of this report in the workspace; analyze them again.');

/** What the panels need from the extension. */
export interface ReportHost {
  readonly store: FindingsStore;
  readonly runner: AnalysisRunner;
  readonly log: vscode.LogOutputChannel;
}

type ReportRenderer = typeof import('./reportRender');

/** An analysis on screen: what was asked, the files, and the result with its diagnostics. */
interface ShownAnalysis {
  request: AnalysisRequest;
  targets: readonly AnalysisTarget[];
  result: AnalysisResult;
  /** Absent only when the store no longer holds the result (nothing to underline then). */
  entry?: AnalysisEntry;
}

const EXPORT_KINDS: ReadonlySet<string> = new Set<ExportKind>(['svg', 'png', 'json', 'html']);
// Functions, not tables: labels are translated when used (the l10n bundle may load after this module).
const exportLabel = (kind: ExportKind): string =>
  ({ json: vscode.l10n.t('JSON report'), html: vscode.l10n.t('HTML report'), svg: vscode.l10n.t('SVG chart'), png: vscode.l10n.t('PNG chart') })[kind];
const exportFilter = (kind: ExportKind): Record<string, string[]> =>
  ({
    json: { [vscode.l10n.t('JSON report')]: ['json'] },
    html: { [vscode.l10n.t('HTML report')]: ['html'] },
    svg: { [vscode.l10n.t('SVG image')]: ['svg'] },
    png: { [vscode.l10n.t('PNG image')]: ['png'] },
  })[kind];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Panels are found by the files they report on; a new baseline stays in the same panel. */
function keyOf(request: AnalysisRequest): string {
  return [request.kind, ...request.uris.map((u) => u.toString())].join('\n');
}

function sourceOf(request: AnalysisRequest): ReportSource {
  return { kind: request.kind, uris: request.uris.map((u) => u.toString()), ...(request.baseline ? { baseline: request.baseline } : {}) };
}

/** The source a restored page kept in its state, checked: the state is whatever the page saved. */
function restoredSource(state: unknown): ReportSource | undefined {
  const source = (state as { payload?: { source?: Partial<ReportSource> } } | undefined)?.payload?.source;
  if (!source || (source.kind !== 'file' && source.kind !== 'generations')) return undefined;
  if (!Array.isArray(source.uris) || source.uris.length === 0 || !source.uris.every((u) => typeof u === 'string')) return undefined;
  return { kind: source.kind, uris: source.uris, ...(typeof source.baseline === 'string' && source.baseline ? { baseline: source.baseline } : {}) };
}

/** A URI string from a saved state, or undefined when it does not parse. */
function parseUri(value: string): vscode.Uri | undefined {
  try {
    return vscode.Uri.parse(value, true);
  } catch {
    return undefined;
  }
}

/**
 * Whether a restored panel may read `uri` again: a data file, on a file system VS Code can read,
 * inside one of the workspace folders. A saved state is whatever the page stored, so a path with
 * `.`/`..` segments (or a backslash, a separator on Windows) is refused rather than normalized.
 */
function mayReadAgain(uri: vscode.Uri): boolean {
  if (!isSupported(uri) || vscode.workspace.fs.isWritableFileSystem(uri.scheme) === undefined) return false;
  if (uri.path.includes('\\') || uri.path.split('/').some((s) => s === '.' || s === '..')) return false;
  // A browser cannot tell the disk's case rules: compare as written there.
  const ignoreCase = uri.scheme === 'file' && typeof process !== 'undefined' && process.platform !== 'linux';
  const fold = (text: string) => (ignoreCase ? text.toLowerCase() : text);
  return (vscode.workspace.workspaceFolders ?? []).some(({ uri: root }) => {
    if (root.scheme !== uri.scheme || root.authority.toLowerCase() !== uri.authority.toLowerCase()) return false;
    const base = fold(root.path.endsWith('/') ? root.path : `${root.path}/`);
    const path = fold(uri.path);
    return path.length > base.length && path.startsWith(base);
  });
}

const baseName = (path: string) => path.slice(path.replace(/[\\/]+$/u, '').lastIndexOf('/') + 1);

function commonFolder(uris: readonly vscode.Uri[]): vscode.Uri | undefined {
  const dirs = uris.map((u) => vscode.Uri.joinPath(u, '..'));
  const first = dirs[0];
  return first && dirs.every((d) => d.toString() === first.toString()) ? first : undefined;
}

/** The tab says which file or folder; the page heading gives the path as the report names it. */
function titlesOf(request: AnalysisRequest): { tab: string; page: string } {
  const uris = request.uris;
  if (uris.length === 1) {
    const path = displayPath(uris[0]!);
    return { tab: vscode.l10n.t('Collapse Lens: {0}', baseName(path)), page: path };
  }
  const folder = commonFolder(uris);
  const root = folder && vscode.workspace.workspaceFolders?.find((f) => f.uri.toString() === folder.toString());
  const path = root ? root.name : folder ? displayPath(folder) : undefined;
  if (path) return { tab: vscode.l10n.t('Collapse Lens: {0}', baseName(path)), page: path };
  const files = vscode.l10n.t('{0} files', uris.length);
  return { tab: vscode.l10n.t('Collapse Lens: {0}', files), page: files };
}

/** A file name for exports: the data file without its extensions, or the folder of the generations. */
function exportStem(request: AnalysisRequest): string {
  const { page } = titlesOf(request);
  const stem = request.uris.length === 1 ? stripDataExtension(baseName(page)) : baseName(page);
  return stem.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/gu, '') || 'report';
}

/**
 * The file our own report names (not one a page asks for): a path in the workspace, as the
 * report shows it, or an absolute path for a file outside it.
 */
function resolveReportFile(file: string): vscode.Uri | undefined {
  if (/^(\/|[A-Za-z]:[\\/])/u.test(file)) return vscode.Uri.file(file);
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length > 1) {
    const [name, ...rest] = file.split('/');
    const folder = folders.find((f) => f.name === name);
    return folder && rest.length ? vscode.Uri.joinPath(folder.uri, ...rest) : undefined;
  }
  return folders[0] && vscode.Uri.joinPath(folders[0].uri, file);
}

function isLocation(value: unknown): value is Location {
  const l = value as Partial<Location> | undefined;
  return typeof l?.file === 'string' && typeof l.line === 'number' && Number.isInteger(l.line) && l.line >= 1 && (l.column === undefined || (Number.isInteger(l.column) && l.column >= 1));
}

/** The page's commands carry data from a web page: check what each one needs before acting. */
function validCommand(command: WebviewCommand): boolean {
  const p = command.params as unknown as Record<string, unknown> | undefined;
  if (typeof p !== 'object' || p === null) return false;
  switch (command.method) {
    case 'webview/ready':
      return true;
    case 'location/open':
      return isLocation(p);
    case 'baseline/change':
      return typeof p.groupId === 'string' && p.groupId !== '';
    case 'export':
      return typeof p.kind === 'string' && EXPORT_KINDS.has(p.kind) && (p.data === undefined || typeof p.data === 'string') && (p.chartId === undefined || typeof p.chartId === 'string');
  }
}

/** Every report panel, the presenter behind Open Report, and the serializer that restores them. */
export class ReportPanels implements ReportPresenter, vscode.WebviewPanelSerializer, vscode.Disposable {
  private readonly panels = new Map<string, ReportPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private loaded: ReportRenderer | undefined;

  /** Panels restored in the files-not-found state: each has a key of its own. */
  private unavailableCount = 0;

  constructor(
    readonly host: ReportHost,
    readonly extensionUri: vscode.Uri,
  ) {
    this.disposables.push(
      // A result that replaces the one a panel shows (saved file, quick fix, new baseline) shows there.
      host.store.onDidChange(() => this.panels.forEach((p) => p.refreshFromStore())),
      vscode.commands.registerCommand(COMMAND_RESTORE_REPORT, (panel: vscode.WebviewPanel, state: unknown) => this.deserializeWebviewPanel(panel, state)),
    );
  }

  /** Vega-Lite and the page HTML, parsed the first time a report opens. */
  renderer(): ReportRenderer {
    // Its own bundle on the desktop (dist/report.js), part of the web build's (platform.ts).
    this.loaded ??= loadReportRenderer(this.extensionUri);
    return this.loaded;
  }

  webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      // The page keeps its state with setState and redraws from it; no hidden page kept alive.
      retainContextWhenHidden: false,
      enableFindWidget: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  /** Opens (or reveals) the report of an analysis; `focus` is marked and scrolled into view. */
  async show(result: AnalysisResult, focus?: Finding): Promise<void> {
    const analysis = this.analysisOf(result);
    if (!analysis.request.uris.length) {
      void vscode.window.showErrorMessage(filesNotFound());
      return;
    }
    const key = keyOf(analysis.request);
    let panel = this.panels.get(key);
    if (panel) {
      panel.reveal();
      await panel.update(analysis);
    } else {
      const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
      const webviewPanel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, titlesOf(analysis.request).tab, { viewColumn: column, preserveFocus: false }, this.webviewOptions());
      panel = this.adopt(webviewPanel, analysis.request, analysis);
    }
    const index = focus ? result.report.findings.indexOf(focus) : -1;
    if (index >= 0) await panel.focusFinding(index);
  }

  /** Whether the report of this result is on screen now (then no need to offer it). */
  isVisible(result: AnalysisResult): boolean {
    const entry = this.host.store.entries().find((e) => e.result === result);
    const panel = entry && this.panels.get(keyOf(entry.request));
    return panel?.panel.visible === true;
  }

  /** After a window reload: the page shows its saved report at once, the host analyzes the files again. */
  async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const source = restoredSource(state);
    if (!source) {
      // A page that never showed a report (or saved by another version): nothing to restore.
      webviewPanel.dispose();
      return;
    }
    const uris = source.uris.map(parseUri);
    if ((source.kind === 'file' && uris.length !== 1) || !uris.every((u): u is vscode.Uri => u !== undefined && mayReadAgain(u))) {
      // Files outside the workspace, on no file system, or no data files: not read again.
      this.host.log.warn(`report panel: not analyzing again a restored report of files outside the workspace: ${source.uris.slice(0, 5).join(', ')}`);
      webviewPanel.webview.options = this.webviewOptions();
      const key = `unavailable\n${++this.unavailableCount}`;
      const panel = new ReportPanel(this, webviewPanel, { kind: source.kind, uris: [] }, undefined, () => {
        if (this.panels.get(key) === panel) this.panels.delete(key);
      }, filesNotFound());
      this.panels.set(key, panel);
      return;
    }
    const request: AnalysisRequest = { kind: source.kind, uris, ...(source.baseline ? { baseline: source.baseline } : {}) };
    if (this.panels.has(keyOf(request))) {
      webviewPanel.dispose();
      return;
    }
    webviewPanel.webview.options = this.webviewOptions();
    const entry = this.host.store.entryFor(request.uris[0]!);
    const inMemory = entry && keyOf(entry.request) === keyOf(request) ? entry : undefined;
    const panel = this.adopt(webviewPanel, request, inMemory && this.fromEntry(inMemory));
    if (!inMemory) void panel.reanalyze(request, vscode.l10n.t('Analyzing {0} again…', titlesOf(request).page));
  }

  /** Runs a page command on the panel of the analysis that covers `uri` (else the active or only panel). */
  async dispatch(uri: vscode.Uri | undefined, command: unknown): Promise<unknown> {
    const entry = uri && this.host.store.entryFor(uri);
    const panels = [...this.panels.values()];
    const panel = (entry && this.panels.get(keyOf(entry.request))) ?? panels.find((p) => p.panel.active) ?? (panels.length === 1 ? panels[0] : undefined);
    if (!panel) throw new Error('no Collapse Lens report is open for that file');
    return panel.receive(command);
  }

  private analysisOf(result: AnalysisResult): ShownAnalysis {
    const entry = this.host.store.entries().find((e) => e.result === result);
    if (entry) return this.fromEntry(entry);
    // The store dropped it meanwhile (cleared, replaced): find the files from the report.
    const targets = result.report.inputs.flatMap((i) => {
      const uri = resolveReportFile(i.file);
      return uri ? [{ uri, display: i.file }] : [];
    });
    const request: AnalysisRequest = { kind: targets.length > 1 ? 'generations' : 'file', uris: targets.map((t) => t.uri) };
    return { request, targets, result };
  }

  fromEntry(entry: AnalysisEntry): ShownAnalysis {
    return { request: entry.request, targets: entry.targets, result: entry.result, entry };
  }

  private adopt(webviewPanel: vscode.WebviewPanel, request: AnalysisRequest, analysis?: ShownAnalysis): ReportPanel {
    const key = keyOf(request);
    const panel = new ReportPanel(this, webviewPanel, request, analysis, () => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
    this.panels.set(key, panel);
    return panel;
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
    [...this.panels.values()].forEach((p) => p.panel.dispose());
    this.panels.clear();
  }
}

class ReportPanel {
  private request: AnalysisRequest;
  private analysis: ShownAnalysis | undefined;
  /** The result the page holds: embedded in its HTML or delivered by a notification. */
  private delivered: AnalysisResult | undefined;
  private compiled: { result: AnalysisResult; payload: ReportPayload } | undefined;
  /** The page listens (it said Ready and has not been torn down since). */
  private ready = false;
  private busy: string | undefined;
  private pendingFocus: number | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly owner: ReportPanels,
    readonly panel: vscode.WebviewPanel,
    request: AnalysisRequest,
    analysis: ShownAnalysis | undefined,
    private readonly onDispose: () => void,
    /** Set on a restored panel whose files it may not read: what the page says instead of a report. */
    private readonly unavailable?: string,
  ) {
    this.request = request;
    this.analysis = analysis;
    if (!unavailable) panel.title = titlesOf(request).tab;
    panel.iconPath = vscode.Uri.joinPath(owner.extensionUri, 'media', 'icon.png');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => {
        this.receive(m).catch((e) => this.owner.host.log.error('report panel message failed', e));
      }),
      // Without retainContextWhenHidden a hidden page is torn down; it says Ready again when shown.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    this.setHtml();
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  private setHtml(): void {
    const renderer = this.owner.renderer();
    const webview = this.panel.webview;
    const asset = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.owner.extensionUri, ...path)).toString();
    const result = this.analysis?.result;
    webview.html = renderer.renderReportHtml({
      result,
      title: titlesOf(this.request).page,
      scriptUri: asset('dist', 'webview.js'),
      styleUri: asset('media', 'report.css'),
      cspSource: webview.cspSource,
      nonce: renderer.createNonce(),
      mode: 'webview',
      canChangeBaseline: true,
      source: sourceOf(this.request),
    });
    this.delivered = result;
  }

  private payload(result: AnalysisResult): ReportPayload {
    if (this.compiled?.result !== result) {
      const payload = this.owner.renderer().buildReportPayload(result, titlesOf(this.request).page, { canChangeBaseline: true, source: sourceOf(this.request) });
      this.compiled = { result, payload };
    }
    return this.compiled.payload;
  }

  private async post(message: HostNotification): Promise<boolean> {
    try {
      return await this.panel.webview.postMessage(message);
    } catch {
      return false; // disposed meanwhile
    }
  }

  /** Shows a new result of this analysis; a page that is not listening gets it when it says Ready. */
  async update(analysis: ShownAnalysis): Promise<void> {
    const changed = analysis.result !== this.analysis?.result;
    this.analysis = analysis;
    this.request = analysis.request;
    this.busy = undefined;
    if (!changed) return;
    this.panel.title = titlesOf(this.request).tab;
    if (this.ready) await this.deliver();
  }

  private async deliver(): Promise<void> {
    const result = this.analysis?.result;
    if (!result) return;
    if (await this.post({ method: 'report/didChange', params: this.payload(result) })) this.delivered = result;
  }

  refreshFromStore(): void {
    const first = this.request.uris[0];
    if (!first) return;
    const entry = this.owner.host.store.entryFor(first);
    if (!entry || entry.result === this.analysis?.result || keyOf(entry.request) !== keyOf(this.request)) return;
    void this.update(this.owner.fromEntry(entry));
  }

  async focusFinding(index: number): Promise<void> {
    this.pendingFocus = index;
    if (this.ready && (await this.post({ method: 'finding/didFocus', params: { index } }))) this.pendingFocus = undefined;
  }

  /** Analyzes again in the worker (restored panel, new baseline); the page shows its busy state meanwhile. */
  async reanalyze(request: AnalysisRequest, message: string): Promise<void> {
    this.busy = message;
    if (this.ready) void this.post({ method: 'busy/didChange', params: { busy: true, message } });
    const outcome = await this.owner.host.runner.run([request], { location: vscode.ProgressLocation.Window });
    const first = outcome.outcomes[0];
    this.busy = undefined;
    if (first?.kind === 'result') {
      await this.update(this.owner.fromEntry(first.entry));
    } else if (first?.kind === 'error') {
      // The runner has told the user already (with Open Line or Show Log); the page says it too.
      await this.post({ method: 'report/didFail', params: { message: first.error.message } });
    } else {
      await this.post({ method: 'busy/didChange', params: { busy: false } });
    }
  }

  /** A message from the page (or the internal command): checked, then run. */
  async receive(message: unknown): Promise<unknown> {
    if (!isWebviewCommand(message) || !validCommand(message)) {
      this.owner.host.log.warn(`report panel: ignored a message that is not a valid page command: ${JSON.stringify(message)?.slice(0, 200)}`);
      return undefined;
    }
    switch (message.method) {
      case 'webview/ready':
        return this.onReady();
      case 'location/open':
        return this.openLocation(message.params);
      case 'baseline/change':
        return this.changeBaseline(message.params.groupId);
      case 'export':
        return this.export(message.params.kind, message.params.data, message.params.chartId);
    }
  }

  private async onReady(): Promise<void> {
    this.ready = true;
    if (this.unavailable) {
      await this.post({ method: 'report/didFail', params: { message: this.unavailable } });
      return;
    }
    // The page shows what its HTML embeds or its saved state holds; send the report only if that is old.
    if (this.analysis && this.delivered !== this.analysis.result) await this.deliver();
    if (this.busy !== undefined) await this.post({ method: 'busy/didChange', params: { busy: true, message: this.busy } });
    if (this.pendingFocus !== undefined) await this.focusFinding(this.pendingFocus);
  }

  private async fail(message: string, location?: Location): Promise<void> {
    this.owner.host.log.warn(message);
    await this.post({ method: 'report/didFail', params: { message, ...(location ? { location } : {}) } });
    void vscode.window.showErrorMessage(message);
  }

  /**
   * The file a page's location may name: one of the report's inputs, as the URI the analysis
   * read. Anything else (an absolute path, `../`, a file the report does not cover) is not.
   */
  private locationTarget(location: Location): AnalysisTarget | undefined {
    if (this.unavailable) return undefined;
    const analysis = this.analysis;
    if (!analysis) return targetsOf(this.request.uris).find((t) => t.display === location.file);
    if (!analysis.result.report.inputs.some((i) => i.file === location.file)) return undefined;
    return analysis.targets.find((t) => t.display === location.file);
  }

  /** Opens the record in the first column (beside the report when the report is there). */
  private async openLocation(location: Location): Promise<vscode.TextEditor | undefined> {
    // The page is a web page: it may only point into the files analysed, at a line they have.
    const ignore = (why: string) => {
      this.owner.host.log.warn(`report panel: ignored a request to open ${JSON.stringify(location.file).slice(0, 200)} at line ${location.line}: ${why}`);
      return undefined;
    };
    const target = this.locationTarget(location);
    if (!target) return ignore('not one of the files of this report');
    const uri = target.uri;
    let document: vscode.TextDocument;
    try {
      document = await vscode.workspace.openTextDocument(uri);
    } catch (e) {
      await this.fail(vscode.l10n.t('Collapse Lens cannot open {0} at line {1}: {2}', location.file, location.line, (e as Error).message));
      return undefined;
    }
    if (location.line > document.lineCount) return ignore(`the file has ${document.lineCount} lines`);
    const line = location.line - 1;
    let at = new vscode.Position(line, Math.max(0, (location.column ?? 1) - 1));
    if (location.column === undefined) {
      // The start of the underlined value, when a finding's diagnostic sits on that line.
      const item = this.analysis?.entry?.files.get(uri.toString())?.items.find((i) => i.diagnostic.range.start.line === line);
      if (item) at = item.diagnostic.range.start;
    }
    const viewColumn = this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
    try {
      return await vscode.window.showTextDocument(document, { viewColumn, selection: new vscode.Range(at, at), preserveFocus: false });
    } catch (e) {
      await this.fail(vscode.l10n.t('Collapse Lens cannot open {0} at line {1}: {2}', location.file, location.line, (e as Error).message));
      return undefined;
    }
  }

  private async changeBaseline(groupId: string): Promise<void> {
    const analysis = this.analysis;
    const groups = analysis?.result.report.groups ?? [];
    if (!analysis || !groups.some((g) => g.id === groupId)) {
      await this.fail(vscode.l10n.t('Collapse Lens cannot use {0} as the baseline: it is not a generation of this report.', groupId));
      return;
    }
    const { baseline: _previous, ...rest } = analysis.request;
    const request: AnalysisRequest = groupId === groups[0]!.id ? rest : { ...rest, baseline: groupId };
    await this.reanalyze(request, vscode.l10n.t('Analyzing again against {0}…', groupId));
  }

  /** Save dialog, then the file through VS Code's file system; returns where it went. */
  private async export(kind: ExportKind, data: string | undefined, chartId: string | undefined): Promise<vscode.Uri | undefined> {
    const analysis = this.analysis;
    if (!analysis) {
      await this.fail(vscode.l10n.t('Collapse Lens has no report to export yet.'));
      return undefined;
    }
    let image: Uint8Array | undefined;
    try {
      image = kind === 'svg' || kind === 'png' ? imageBytes(kind, data) : undefined;
    } catch (e) {
      await this.fail(vscode.l10n.t('Collapse Lens cannot export the {0}: {1}', exportLabel(kind), (e as Error).message));
      return undefined;
    }
    const stem = exportStem(analysis.request);
    const name = kind === 'svg' || kind === 'png' ? `${stem}.${(chartId ?? 'chart').replace(/[^\w-]+/gu, '-')}.${kind}` : `${stem}.collapse-lens.${kind}`;
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(analysis.request.uris[0]!, '..', name),
      filters: exportFilter(kind),
      title: vscode.l10n.t('Collapse Lens: Export the {0}', exportLabel(kind)),
      saveLabel: vscode.l10n.t('Export'),
    });
    if (!target) {
      await this.post({ method: 'export/didFinish', params: { kind } });
      return undefined;
    }
    const where = displayPath(target);
    try {
      const bytes = image ?? (kind === 'json' ? new TextEncoder().encode(formatJson(analysis.result.report)) : await this.standaloneHtml(analysis.result));
      await vscode.workspace.fs.writeFile(target, bytes);
    } catch (e) {
      await this.fail(vscode.l10n.t('Collapse Lens could not save the {0} to {1}: {2}', exportLabel(kind), where, (e as Error).message));
      return undefined;
    }
    this.owner.host.log.info(`${kind.toUpperCase()} export saved to ${where}`);
    await this.post({ method: 'export/didFinish', params: { kind, file: where } });
    const open = vscode.l10n.t('Open');
    const reveal = vscode.l10n.t('Reveal');
    void vscode.window.showInformationMessage(vscode.l10n.t('Collapse Lens: saved the {0} to {1}.', exportLabel(kind), where), open, reveal).then((choice) => {
      if (choice === open) void openExported(kind, target);
      if (choice === reveal) void revealExported(target);
    });
    return target;
  }

  private async standaloneHtml(result: AnalysisResult): Promise<Uint8Array> {
    const read = async (...path: string[]) => new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.owner.extensionUri, ...path)));
    const [script, style] = await Promise.all([read('dist', 'webview.js'), read('media', 'report.css')]);
    return new TextEncoder().encode(this.owner.renderer().renderStandaloneHtml(result, { script, style }, { title: titlesOf(this.request).page }));
  }

  private dispose(): void {
    this.onDispose();
    this.disposables.forEach((d) => d.dispose());
  }
}

/** A chart image from the page: SVG text or a PNG data URL, checked before it is written. */
function imageBytes(kind: 'svg' | 'png', data: string | undefined): Uint8Array {
  if (data === undefined) throw new Error(vscode.l10n.t('the page sent no image'));
  if (kind === 'svg') {
    if (!/^\s*<svg[\s>]/u.test(data)) throw new Error(vscode.l10n.t('the page sent something that is not SVG'));
    return new TextEncoder().encode(data);
  }
  const m = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/u.exec(data);
  const bytes = m ? base64Bytes(m[1]!) : undefined;
  if (!bytes || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) throw new Error(vscode.l10n.t('the page sent something that is not a PNG image'));
  return bytes;
}

/** A file the local desktop can hand to the system (a browser, the file manager). */
const onLocalDesktop = (target: vscode.Uri) => vscode.env.uiKind === vscode.UIKind.Desktop && vscode.env.remoteName === undefined && target.scheme === 'file';

async function openExported(kind: ExportKind, target: vscode.Uri): Promise<void> {
  // An HTML report is for a browser; the rest VS Code shows itself (images in its preview).
  if (kind === 'html' && onLocalDesktop(target)) await vscode.env.openExternal(target);
  else await vscode.commands.executeCommand('vscode.open', target);
}

async function revealExported(target: vscode.Uri): Promise<void> {
  await vscode.commands.executeCommand(onLocalDesktop(target) ? 'revealFileInOS' : 'revealInExplorer', target);
}
