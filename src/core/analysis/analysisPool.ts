// The pool of analysis threads (partialWorker.ts) that parallel.ts hands its tasks to.
import { Worker } from 'node:worker_threads';
import { abortError } from '../readers/types';
import { InputError } from '../readers/index';
import type { AnalyzeInput, ReadInputsOptions } from './read';
import type { PartialState } from './partial';
import type { GzipSpan } from './gzipSpans';

/** `span`: read span `span.index` of the gzip file `input` (gzipSpans.ts). */
/** `carriageReturns`: count a lone CR as a line break too (CSV, TSV). */
export type Task = { kind: 'count'; file: string; range: { start: number; end: number }; carriageReturns?: boolean } | { kind: 'partial'; input: AnalyzeInput; options: ReadInputsOptions; span?: GzipSpan };

export type TaskMessage = Task & { id: number };

export type TaskResult =
  | { kind: 'count'; id: number; lines: number }
  | { kind: 'partial'; id: number; state: PartialState; bytes: number }
  /** A span with no line of its own. */
  | { kind: 'empty'; id: number }
  | { kind: 'progress'; id: number; bytes: number; records: number }
  | { kind: 'error'; id: number; name: string; message: string; line?: number; column?: number; file?: string };

/** `progress`: the bytes and records a task read since its last report. */
type Pending = { resolve: (r: TaskResult) => void; reject: (e: Error) => void; progress?: ((bytes: number, records: number) => void) | undefined };

/**
 * Up to `size` analysis threads, started as tasks need them, each running one task at a time.
 * A task that fails stops the others (`failFast`, for one analysis), or only itself (for files
 * read one by one, where the caller decides which failure to report).
 */
export class AnalysisPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: { task: TaskMessage; pending: Pending }[] = [];
  private readonly running = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;

  constructor(private readonly script: string, private readonly size: number, private readonly signal: AbortSignal | undefined, private readonly failFast = true) {
    signal?.addEventListener('abort', this.onAbort);
  }

  run(task: Task, progress?: (bytes: number, records: number) => void): Promise<TaskResult> {
    if (this.signal?.aborted) return Promise.reject(abortError(this.signal));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<TaskResult>((resolve, reject) => {
      this.queue.push({ task: { ...task, id: this.nextId++ }, pending: { resolve, reject, progress } });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.signal?.removeEventListener('abort', this.onAbort);
    await Promise.all(this.all.map((w) => w.terminate()));
  }

  private readonly onAbort = () => this.fail(abortError(this.signal!));

  private fail(error: Error): void {
    this.failure ??= error;
    for (const p of this.running.values()) p.reject(error);
    this.running.clear();
    for (const q of this.queue.splice(0)) q.pending.reject(error);
    for (const w of this.all) void w.terminate();
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let worker = this.idle.pop();
      if (!worker && this.all.length < this.size) worker = this.start();
      if (!worker) return;
      const { task, pending } = this.queue.shift()!;
      this.running.set(task.id, pending);
      worker.postMessage(task);
    }
  }

  private start(): Worker {
    const worker = new Worker(this.script);
    this.all.push(worker);
    worker.on('message', (r: TaskResult) => {
      const pending = this.running.get(r.id);
      if (!pending) return;
      if (r.kind === 'progress') {
        pending.progress?.(r.bytes, r.records);
        return;
      }
      this.running.delete(r.id);
      this.idle.push(worker);
      if (r.kind === 'error') {
        const e = r.name === 'InputError' ? new InputError(r.message, r.line, r.column, r.file) : Object.assign(new Error(r.message), { name: r.name });
        if (this.failFast) this.fail(e);
        pending.reject(e);
        this.dispatch();
        return;
      }
      pending.resolve(r);
      this.dispatch();
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => {
      if (code !== 0 && !this.failure) this.fail(new Error(`an analysis thread stopped (exit code ${code})`));
    });
    return worker;
  }
}

