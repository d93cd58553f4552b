// Runs analyses: reads the configuration, hands the files to a worker, reports progress
// (notification + status bar), publishes findings as they arrive, and tells the user about
// files that could not be analyzed.
import * as vscode from 'vscode';
import type { AnalyzeProgress } from '../core/options';
import type { AnalysisResult } from '../shared/details';
import type { ConfigStore } from './config';
import { diagnosticsForResult } from './diagnostics';
import type { AnalysisTarget } from './diagnostics';
import { InputReadError, targetsOf, workerInput } from './inputs';
import type { AnalysisStatusBar } from './statusBar';
import type { AnalysisEntry, AnalysisRequest, FindingsStore } from './store';
import type { AnalysisWorkerPool, StateFolderOptions } from '../worker/client';
import type { AnalysisJob, JobReading, WorkerError } from '../worker/protocol';

export type RequestOutcome =
  | { kind: 'result'; request: AnalysisRequest; entry: AnalysisEntry }
  | { kind: 'error'; request: AnalysisRequest; error: WorkerError }
  | { kind: 'cancelled'; request: AnalysisRequest };

export interface RunOutcome {
  outcomes: RequestOutcome[];
  cancelled: boolean;
}

export interface RunOptions {
  /** Notification (cancellable, with file and percentage) or the window's progress only. */
  location: vscode.ProgressLocation.Notification | vscode.ProgressLocation.Window;
  token?: vscode.CancellationToken;
}

/** A message shown to the user about an input, with where it points. */
export interface InputErrorReport {
  message: string;
  uri?: vscode.Uri;
  line?: number;
  column?: number;
}

export interface ProgressReport {
  file: string;
  percent: number;
}

interface ActiveRun {
  cancel: vscode.CancellationTokenSource;
  uris: Set<string>;
  /** Last progress, so the status bar can go back to a run still going when another ends. */
  percent: number;
  file?: string;
}


export class AnalysisRunner implements vscode.Disposable {
  private readonly active = new Set<ActiveRun>();
  private readonly progressEmitter = new vscode.EventEmitter<ProgressReport>();
  private readonly runEmitter = new vscode.EventEmitter<RunOutcome>();
  private readonly errorEmitter = new vscode.EventEmitter<InputErrorReport>();
  readonly onDidProgress = this.progressEmitter.event;
  readonly onDidFinishRun = this.runEmitter.event;
  readonly onDidReportError = this.errorEmitter.event;

  constructor(
    private readonly pool: AnalysisWorkerPool,
    private readonly config: ConfigStore,
    private readonly store: FindingsStore,
    private readonly status: AnalysisStatusBar,
    private readonly log: vscode.LogOutputChannel,
    /** Where the worker keeps each file's state, so unchanged files are not read again (none: every file is read). */
    private readonly states: StateFolderOptions = {},
  ) {}

  get running(): boolean {
    return this.active.size > 0;
  }

  /** Cancels every run in progress (same path as the notification's Cancel button). */
  cancelAll(): void {
    for (const a of this.active) a.cancel.cancel();
  }

  async run(requests: AnalysisRequest[], options: RunOptions): Promise<RunOutcome> {
    const uris = new Set(requests.flatMap((r) => r.uris.map((u) => u.toString())));
    // A newer analysis of the same file wins; the older one would only overwrite it.
    for (const a of this.active) if ([...a.uris].some((u) => uris.has(u))) a.cancel.cancel();

    const cancel = new vscode.CancellationTokenSource();
    const handle: ActiveRun = { cancel, uris, percent: 0 };
    this.active.add(handle);
    const external = options.token?.onCancellationRequested(() => cancel.cancel());
    const title = requests.length === 1 ? vscode.l10n.t('Collapse Lens') : vscode.l10n.t('Collapse Lens: {0} analyses', requests.length);
    let outcome: RunOutcome;
    try {
      outcome = await vscode.window.withProgress({ location: options.location, title, cancellable: true }, (progress, token) => {
        const onCancel = token.onCancellationRequested(() => cancel.cancel());
        return this.execute(requests, handle, progress).finally(() => onCancel.dispose());
      });
    } finally {
      external?.dispose();
      this.active.delete(handle);
      cancel.dispose();
      const other = [...this.active].at(-1);
      this.status.setCounts(this.store.counts());
      this.status.setRunning(other?.percent, other?.file);
    }
    this.reportErrors(outcome);
    this.runEmitter.fire(outcome);
    return outcome;
  }

  private async execute(
    requests: AnalysisRequest[],
    handle: ActiveRun,
    progress: vscode.Progress<{ message?: string; increment?: number }>,
  ): Promise<RunOutcome> {
    const outcomes: (RequestOutcome | undefined)[] = requests.map(() => undefined);
    const targets = requests.map((r) => targetsOf(r.uris));

    // Read what the worker cannot open (virtual file systems); a file that fails here fails its request only.
    const jobs: AnalysisJob[] = [];
    const jobRequest: number[] = [];
    for (const [i, request] of requests.entries()) {
      try {
        const config = await this.config.get(request.uris[0]);
        const options = request.baseline ? { ...config.analyze, baseline: request.baseline } : config.analyze;
        jobs.push({ inputs: await Promise.all(targets[i]!.map((t) => workerInput(t, config.maxFileBytes))), options });
        jobRequest.push(i);
      } catch (e) {
        const error: WorkerError = e instanceof InputReadError ? e.error : { message: String(e), input: false };
        outcomes[i] = { kind: 'error', request, error };
      }
      if (handle.cancel.token.isCancellationRequested) break;
    }

    if (!handle.cancel.token.isCancellationRequested && jobs.length) {
      this.status.setRunning(0);
      let reported = 0;
      const onProgress = (job: number, p: AnalyzeProgress) => {
        const within = p.totalBytes > 0 ? Math.min(1, p.bytes / p.totalBytes) : 0;
        const percent = ((job + within) / jobs.length) * 100;
        if (percent > reported) {
          progress.report({ increment: percent - reported, message: vscode.l10n.t('{0} — {1}%', p.file, Math.floor(percent)) });
          reported = percent;
        }
        handle.percent = percent;
        handle.file = p.file;
        this.status.setRunning(percent, p.file);
        this.progressEmitter.fire({ file: p.file, percent });
      };
      // Diagnostics are built in order (they read documents), while the worker goes on.
      let publishing = Promise.resolve();
      const run = this.pool.run(jobs, {
        onProgress,
        onPlan: (job, plan) => {
          if (plan.reused === 0) return;
          const message = plan.files === 1
            ? vscode.l10n.t('{0} is unchanged', jobs[job]!.inputs[0]!.display)
            : vscode.l10n.t('{0} of {1} files unchanged', plan.reused, plan.files);
          progress.report({ message });
        },
        onJob: (job, o) => {
          const i = jobRequest[job]!;
          const request = requests[i]!;
          if (o.kind === 'error') outcomes[i] = { kind: 'error', request, error: o.error };
          if (o.kind !== 'result') return;
          // Published even if the run is cancelled later: a finished analysis is still true.
          publishing = publishing.then(async () => {
            const entry = await this.publish(request, targets[i]!, o.result, o.issues, o.reading);
            outcomes[i] = { kind: 'result', request, entry };
          });
        },
      }, this.states);
      const stop = handle.cancel.token.onCancellationRequested(() => run.cancel());
      if (handle.cancel.token.isCancellationRequested) run.cancel();
      await run.done;
      stop.dispose();
      await publishing.catch((e) => this.log.error('publishing diagnostics failed', e));
    }
    const cancelled = handle.cancel.token.isCancellationRequested;
    return { outcomes: requests.map((request, i) => outcomes[i] ?? { kind: 'cancelled', request }), cancelled };
  }

  private async publish(request: AnalysisRequest, targets: AnalysisTarget[], result: AnalysisResult, issues: AnalysisEntry['issues'], reading: JobReading): Promise<AnalysisEntry> {
    const files = await diagnosticsForResult(result, issues, targets);
    const entry: AnalysisEntry = { request, targets, result, issues, files, reading };
    this.store.set(entry);
    const r = result.report;
    const unchanged = reading.reused.length ? ` (${reading.reused.length} of ${targets.length} file(s) unchanged, not read again)` : '';
    this.log.info(`${targets.map((t) => t.display).join(', ')}: ${r.inputs.reduce((n, i) => n + i.records, 0)} records, ${r.findings.length} finding(s)${unchanged}`);
    return entry;
  }

  private reportErrors(outcome: RunOutcome): void {
    const failed = outcome.outcomes.filter((o): o is Extract<RequestOutcome, { kind: 'error' }> => o.kind === 'error');
    for (const f of failed) {
      this.log.warn(f.error.message);
      if (f.error.stack) this.log.error(f.error.stack);
    }
    if (!failed.length) return;
    // Labels are translated when shown: the extension's l10n bundle may load after this module.
    const SHOW_LOG = vscode.l10n.t('Show Log');
    const OPEN_LINE = vscode.l10n.t('Open Line');
    if (outcome.outcomes.length > 1) {
      const first = failed[0]!.error.message;
      const message = vscode.l10n.t('Collapse Lens could not analyze {0} of {1} files ({2}).', failed.length, outcome.outcomes.length, `${first}${failed.length > 1 ? '; …' : ''}`);
      this.errorEmitter.fire({ message });
      void vscode.window.showWarningMessage(message, SHOW_LOG).then((choice) => {
        if (choice === SHOW_LOG) this.log.show(true);
      });
      return;
    }
    const { error, request } = failed[0]!;
    const uri = error.file ? targetsOf(request.uris).find((t) => t.display === error.file)?.uri ?? request.uris[0] : request.uris[0];
    const report: InputErrorReport = { message: error.input ? error.message : vscode.l10n.t('Collapse Lens failed: {0}', error.message), uri };
    if (error.line !== undefined) report.line = error.line;
    if (error.column !== undefined) report.column = error.column;
    this.errorEmitter.fire(report);
    const buttons = report.line !== undefined && uri ? [OPEN_LINE] : error.input ? [] : [SHOW_LOG];
    // Not awaited: the message stays until the user closes it, the command is done now.
    void vscode.window.showErrorMessage(report.message, ...buttons).then(async (choice) => {
      if (choice === SHOW_LOG) this.log.show(true);
      if (choice === OPEN_LINE && uri && report.line !== undefined) {
        const pos = new vscode.Position(report.line - 1, Math.max(0, (report.column ?? 1) - 1));
        await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos) });
      }
    });
  }

  dispose(): void {
    this.cancelAll();
    this.progressEmitter.dispose();
    this.runEmitter.dispose();
    this.errorEmitter.dispose();
  }
}
