// The report webview: one panel per analysis (its files, panel.ts), the presenter behind Open
// Report, and the serializer that restores the panels after a window reload. The pages talk in
// the messages of src/shared/protocol.ts; charts are compiled in the host, once per result, and
// the page only runs the Vega runtime.
import * as vscode from 'vscode';
import type { AnalysisResult } from '../../shared/details';
import type { ReportSource } from '../../shared/protocol';
import type { Finding } from '../../shared/report';
import { isSupported } from '../inputs';
import { loadReportRenderer } from '../platform';
import type { ReportRenderer } from '../platform';
import type { AnalysisEntry, AnalysisRequest } from '../store';
import { keyOf, titlesOf } from './naming';
import { ReportPanel } from './panel';
import type { PanelOwner, ReportHost, ShownAnalysis } from './panel';

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

/** Where "Open Report" leads, as commands and quick fixes see it. */
export interface ReportPresenter {
  /** Shows the report of an analysis; `focus` is the finding to bring into view. */
  show(result: AnalysisResult, focus?: Finding): Promise<void>;
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

/** Every report panel, the presenter behind Open Report, and the serializer that restores them. */
export class ReportPanels implements ReportPresenter, PanelOwner, vscode.WebviewPanelSerializer, vscode.Disposable {
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
