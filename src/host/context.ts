// The extension's services and the events that tie them together: analysis on save, findings
// that go away with their files, context keys for the menus, the status bar. The commands are
// handed in as a map (src/extension.ts builds it), so this file imports none of them.
import * as vscode from 'vscode';
import type { AnalysisResult } from '../shared/details';
import { AnalysisWorkerPool } from '../worker/client';
import { AnalysisRunner } from './analyzer';
import type { InputErrorReport, ProgressReport, RunOutcome } from './analyzer';
import { FindingCodeActionProvider, COMMAND_OPEN_REPORT } from './codeActions';
import { ConfigStore } from './config';
import { analysisWorkerLocation, READS_LOCAL_FILES, spawnAnalysisWorker } from './platform';
import { REPORT_VIEW_TYPE, ReportPanels } from './report/panels';
import { AnalysisStatusBar } from './statusBar';
import { FindingsStore } from './store';

/** The folder of stored file states holds at most this much; the least recently used go first. */
export const STATE_FOLDER_MAX_BYTES = 200 * 1024 * 1024;

/** Saves closer together than this trigger one analysis. */
export const SAVE_DEBOUNCE_MS = 500;

/** What `activate` returns: for tests and for other extensions that want the results. */
export interface CollapseLensApi {
  readonly onDidFinishRun: vscode.Event<RunOutcome>;
  readonly onDidProgress: vscode.Event<ProgressReport>;
  /** Every message shown about an input that could not be analyzed. */
  readonly onDidReportError: vscode.Event<InputErrorReport>;
  /** The latest result that covers a file. */
  resultFor(uri: vscode.Uri): AnalysisResult | undefined;
  /** Cancels analyses in progress, as the notification's Cancel button does. */
  cancel(): void;
  readonly running: boolean;
  /** Text of the status bar item ('' while hidden). */
  readonly statusText: string;
}

const MISSING_FILE_SWEEP_MS = 5000;

/** A command's handler, as `vscode.commands.registerCommand` takes it. */
export type Command = (...args: any[]) => unknown;

/** Makes a command's handler from the extension's services; the map of them is registered in one place. */
export type CommandFactory = (ctx: CollapseLens) => Command;

export class CollapseLens implements vscode.Disposable {
  readonly log = vscode.window.createOutputChannel('Collapse Lens', { log: true });
  readonly config = new ConfigStore();
  readonly store = new FindingsStore();
  readonly status = new AnalysisStatusBar(COMMAND_OPEN_REPORT);
  readonly pool: AnalysisWorkerPool;
  readonly runner: AnalysisRunner;
  /** Where Open Report leads: the report webview panels. */
  readonly presenter: ReportPanels;
  /** `publisher.name`, to open the walkthrough. */
  readonly extensionId: string;
  /**
   * Where the worker keeps the state of each file it read, keyed by path, size, modification
   * time and options, so that analysing files again reads only the changed ones: a folder of
   * the extension's global storage, on the desktop only (never beside the user's files).
   */
  readonly stateFolder: vscode.Uri | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly pendingSaves = new Map<string, NodeJS.Timeout>();

  constructor(context: vscode.ExtensionContext, commands: Readonly<Record<string, CommandFactory>>) {
    this.extensionId = context.extension.id;
    const workerScript = analysisWorkerLocation(context.extensionUri);
    this.pool = new AnalysisWorkerPool(() => spawnAnalysisWorker(workerScript));
    this.stateFolder = READS_LOCAL_FILES && context.globalStorageUri.scheme === 'file' ? vscode.Uri.joinPath(context.globalStorageUri, 'file-states') : undefined;
    const states = this.stateFolder ? { stateFolder: this.stateFolder.fsPath, stateFolderMaxBytes: STATE_FOLDER_MAX_BYTES } : {};
    this.runner = new AnalysisRunner(this.pool, this.config, this.store, this.status, this.log, states);
    this.presenter = new ReportPanels(this, context.extensionUri);
    const watcher = vscode.workspace.createFileSystemWatcher('**/*', true, true, false);
    this.disposables.push(
      this.log,
      this.config,
      this.store,
      this.status,
      this.runner,
      this.presenter,
      vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, this.presenter),
      watcher,
      ...Object.entries(commands).map(([id, factory]) => vscode.commands.registerCommand(id, factory(this))),
      vscode.languages.registerCodeActionsProvider('*', new FindingCodeActionProvider(this.store, this.config), FindingCodeActionProvider.metadata),
      this.store.onDidChange(() => {
        void vscode.commands.executeCommand('setContext', 'collapseLens.hasResults', this.store.entries().length > 0);
        this.status.setCounts(this.store.counts());
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => this.scheduleReanalysis(doc.uri)),
      // Deleted in the editor (files and folders) and outside it (watcher).
      vscode.workspace.onDidDeleteFiles((e) => e.files.forEach((u) => this.store.removeUnder(u))),
      vscode.workspace.onDidRenameFiles((e) => e.files.forEach((f) => this.store.removeUnder(f.oldUri))),
      watcher.onDidDelete((u) => this.store.removeUnder(u)),
      // The watcher can miss a deletion (one made before it was watching, or on a file system
      // without events): check the analyzed files when the window regains focus, and every few
      // seconds while there are results. A stat of each analyzed file is cheap.
      vscode.window.onDidChangeWindowState((s) => s.focused && void this.dropMissingFiles()),
      { dispose: () => this.pendingSaves.forEach((t) => clearTimeout(t)) },
    );
    const sweep = setInterval(() => void this.dropMissingFiles(), MISSING_FILE_SWEEP_MS);
    this.disposables.push({ dispose: () => clearInterval(sweep) });
  }

  private async dropMissingFiles(): Promise<void> {
    const uris = new Map<string, vscode.Uri>();
    for (const e of this.store.entries()) for (const u of e.request.uris) uris.set(u.toString(), u);
    for (const u of uris.values()) {
      try {
        await vscode.workspace.fs.stat(u);
      } catch (err) {
        if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') this.store.removeUnder(u);
      }
    }
  }

  private scheduleReanalysis(uri: vscode.Uri): void {
    const entry = this.store.entryFor(uri);
    if (!entry) return;
    // One timer per analysis: saving two generations of one comparison runs it once.
    const key = entry.request.uris.map((u) => u.toString()).join('\n');
    clearTimeout(this.pendingSaves.get(key));
    this.pendingSaves.set(
      key,
      setTimeout(async () => {
        this.pendingSaves.delete(key);
        const cfg = await this.config.get(uri);
        const current = this.store.entryFor(uri);
        if (!cfg.analyzeOnSave || !current) return;
        await this.runner.run([current.request], { location: vscode.ProgressLocation.Window });
      }, SAVE_DEBOUNCE_MS),
    );
  }

  /** Forgets every stored file state (Clear Findings): the next analysis reads every file. */
  async clearStates(): Promise<void> {
    if (!this.stateFolder) return;
    try {
      await vscode.workspace.fs.delete(this.stateFolder, { recursive: true, useTrash: false });
    } catch (e) {
      if (!(e instanceof vscode.FileSystemError && e.code === 'FileNotFound')) this.log.warn(`the stored file states could not be removed: ${String(e)}`);
    }
  }

  api(): CollapseLensApi {
    const { runner, store, status } = this;
    return {
      onDidFinishRun: runner.onDidFinishRun,
      onDidProgress: runner.onDidProgress,
      onDidReportError: runner.onDidReportError,
      resultFor: (uri) => store.entryFor(uri)?.result,
      cancel: () => runner.cancelAll(),
      get running() {
        return runner.running;
      },
      get statusText() {
        return status.text;
      },
    };
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
