// The extension host's side of the analysis worker: runs analysis jobs in a worker so the
// host never computes metrics itself. Each run gets its own worker: cancelling is then always
// possible, by terminating it. The host says how a worker starts (src/host/platform.ts: a
// worker thread on the desktop, a Web Worker on the web), so this file needs no vscode.
import type { AnalysisResult } from '../shared/details';
import type { AnalyzeProgress } from '../core/options';
import type {
  AnalysisJob,
  GeneratedScenario,
  HostToWorkerMessage,
  JobReading,
  RunScenarioRequest,
  ScenarioInfo,
  WorkerError,
  WorkerInput,
  WorkerIssue,
  WorkerToHostMessage,
} from './protocol';

/** A scenario's options refused (`input`), or the simulation failed; the message names the problem. */
export class ScenarioError extends Error {
  constructor(readonly error: WorkerError) {
    super(error.message);
    this.name = 'ScenarioError';
  }
}

/**
 * The analysis worker as this file drives it: a worker_threads Worker on the desktop, a Web
 * Worker behind the same surface in the web build (see src/host/platform.ts and platform.web.ts).
 */
export interface AnalysisWorker {
  on(event: 'message', listener: (message: WorkerToHostMessage) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: () => void): unknown;
  postMessage(message: HostToWorkerMessage, transfer?: ArrayBuffer[]): void;
  terminate(): unknown;
}

/** How long a cancelled worker may take to stop on its own before it is terminated. */
export const CANCEL_GRACE_MS = 2000;

export type JobOutcome =
  | { kind: 'result'; result: AnalysisResult; issues: WorkerIssue[]; reading: JobReading }
  | { kind: 'error'; error: WorkerError }
  | { kind: 'cancelled' };

export interface RunCallbacks {
  onProgress?(job: number, progress: AnalyzeProgress): void;
  /** Before a job reads its files: how many of its files are unchanged since their state was stored. */
  onPlan?(job: number, plan: { files: number; reused: number }): void;
  /** Called as soon as a job ends, so results show while later jobs still run. */
  onJob?(job: number, outcome: JobOutcome): void;
}

/** Where the worker keeps the state of each file it reads (see StartAnalysisRequest). */
export interface StateFolderOptions {
  stateFolder?: string;
  stateFolderMaxBytes?: number;
}

export interface WorkerRun {
  /** One outcome per job; jobs not run because of a cancel are `cancelled`. */
  readonly done: Promise<JobOutcome[]>;
  /** Asks the worker to stop; terminates it if it has not stopped within CANCEL_GRACE_MS. */
  cancel(): void;
}

export class AnalysisWorkerPool {
  /** @param spawn starts a worker on the analysis worker's script (src/host/platform.ts's spawnAnalysisWorker). */
  constructor(private readonly spawn: () => AnalysisWorker) {}

  run(jobs: AnalysisJob[], callbacks: RunCallbacks = {}, states: StateFolderOptions = {}): WorkerRun {
    const worker = this.spawn();
    const outcomes: (JobOutcome | undefined)[] = jobs.map(() => undefined);
    let cancelled = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;

    let settle!: () => void;
    const done = new Promise<JobOutcome[]>((resolve) => {
      settle = () => {
        if (settled) return;
        settled = true;
        if (killTimer) clearTimeout(killTimer);
        void worker.terminate();
        resolve(outcomes.map((o) => o ?? { kind: 'cancelled' }));
      };
    });

    const finishJob = (job: number, outcome: JobOutcome) => {
      outcomes[job] = outcome;
      callbacks.onJob?.(job, outcome);
    };

    worker.on('message', (message: WorkerToHostMessage) => {
      if (settled) return;
      switch (message.kind) {
        case 'progress':
          if (!cancelled) callbacks.onProgress?.(message.job, message.progress);
          break;
        case 'plan':
          if (!cancelled) callbacks.onPlan?.(message.job, { files: message.files, reused: message.reused });
          break;
        case 'result':
          if (!cancelled) finishJob(message.job, { kind: 'result', result: message.result, issues: message.issues, reading: message.reading });
          break;
        case 'error':
          if (!cancelled) finishJob(message.job, { kind: 'error', error: message.error });
          break;
        case 'done':
          settle();
          break;
        case 'fields':
        case 'scenarios':
        case 'scenario':
          break;
      }
    });
    worker.on('error', (err) => {
      // A crash of the worker fails the job it was on; jobs after it are not run.
      const job = outcomes.findIndex((o) => o === undefined);
      if (job >= 0 && !cancelled) finishJob(job, { kind: 'error', error: { message: err.message, input: false, stack: err.stack } });
      settle();
    });
    worker.on('exit', () => settle());

    // Transfer file contents read by the host instead of copying them.
    const transfer = jobs.flatMap((j) => j.inputs.flatMap((i) => (i.bytes ? [i.bytes.buffer as ArrayBuffer] : [])));
    const start: HostToWorkerMessage = { kind: 'start', jobs, ...states };
    worker.postMessage(start, transfer);

    return {
      done,
      cancel: () => {
        if (cancelled || settled) return;
        cancelled = true;
        const message: HostToWorkerMessage = { kind: 'cancel' };
        worker.postMessage(message);
        killTimer = setTimeout(settle, CANCEL_GRACE_MS);
      },
    };
  }

  /** Field names seen in the first records of a file (reading stops after `sampleRecords`). */
  async listFields(input: WorkerInput, sampleRecords = 1000): Promise<string[]> {
    const worker = this.spawn();
    try {
      return await new Promise<string[]>((resolve, reject) => {
        worker.on('message', (message: WorkerToHostMessage) => {
          if (message.kind !== 'fields') return;
          if (message.error) reject(new Error(message.error.message));
          else resolve(message.fields);
        });
        worker.on('error', reject);
        worker.on('exit', () => reject(new Error('the analysis worker stopped before listing the fields')));
        const request: HostToWorkerMessage = { kind: 'listFields', input, sampleRecords };
        worker.postMessage(request, input.bytes ? [input.bytes.buffer as ArrayBuffer] : []);
      });
    } finally {
      void worker.terminate();
    }
  }

  /** The sample scenarios' names, descriptions and parameters. */
  listScenarios(): Promise<ScenarioInfo[]> {
    return this.ask({ kind: 'listScenarios' }, (m) => (m.kind === 'scenarios' ? m.scenarios : undefined));
  }

  /**
   * Simulates a scenario in a worker of its own (the largest ones take a second or more), and
   * terminates it when `signal` aborts. Rejects with a ScenarioError for refused options.
   */
  runScenario(request: Omit<RunScenarioRequest, 'kind'>, signal?: AbortSignal): Promise<GeneratedScenario> {
    return this.ask({ kind: 'runScenario', ...request }, (m) => {
      if (m.kind !== 'scenario') return undefined;
      if (m.error) throw new ScenarioError(m.error);
      return m.result;
    }, signal);
  }

  /** Posts one request to a fresh worker and resolves with the first answer `accept` takes. */
  private async ask<T>(message: HostToWorkerMessage, accept: (m: WorkerToHostMessage) => T | undefined, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    const worker = this.spawn();
    let onAbort: (() => void) | undefined;
    try {
      return await new Promise<T>((resolve, reject) => {
        worker.on('message', (m: WorkerToHostMessage) => {
          try {
            const value = accept(m);
            if (value !== undefined) resolve(value);
          } catch (e) {
            reject(e);
          }
        });
        worker.on('error', reject);
        worker.on('exit', () => reject(new Error('the Collapse Lens worker stopped before it answered')));
        onAbort = () => reject(signal!.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        worker.postMessage(message);
      });
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
    }
  }
}
