// One report panel: its page's HTML, the report delivered as it changes, and the page's
// commands (open a record, change the baseline, export), each checked before it runs: the page
// is a web page.
import * as vscode from 'vscode';
import { formatJson } from '../../core/format/json';
import type { AnalysisResult } from '../../shared/details';
import { isWebviewCommand } from '../../shared/protocol';
import type { ExportKind, HostNotification, ReportPayload, WebviewCommand } from '../../shared/protocol';
import type { Location } from '../../shared/report';
import type { AnalysisRunner } from '../analyzer';
import type { AnalysisTarget } from '../diagnostics';
import { displayPath, targetsOf } from '../inputs';
import type { ReportRenderer } from '../platform';
import type { AnalysisEntry, AnalysisRequest, FindingsStore } from '../store';
import { EXPORT_KINDS, exportFilter, exportLabel, imageBytes, openExported, revealExported } from './export';
import { exportStem, keyOf, sourceOf, titlesOf } from './naming';

/** An analysis on screen: what was asked, the files, and the result with its diagnostics. */
export interface ShownAnalysis {
  request: AnalysisRequest;
  targets: readonly AnalysisTarget[];
  result: AnalysisResult;
  /** Absent only when the store no longer holds the result (nothing to underline then). */
  entry?: AnalysisEntry;
}

/** What the panels need from the extension. */
export interface ReportHost {
  readonly store: FindingsStore;
  readonly runner: AnalysisRunner;
  readonly log: vscode.LogOutputChannel;
}

/** What a panel needs of the panels that own it. */
export interface PanelOwner {
  readonly host: ReportHost;
  readonly extensionUri: vscode.Uri;
  renderer(): ReportRenderer;
  fromEntry(entry: AnalysisEntry): ShownAnalysis;
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

export class ReportPanel {
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
    private readonly owner: PanelOwner,
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
