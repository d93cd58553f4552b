// Reading inputs on every core: the fields are detected once on the first records of the
// first file, then each file — and each range of a large JSON Lines file, cut at line breaks
// where its generation changes, or evenly for `partial` (ranges.ts, `rangePlan`) — is read
// into a partial analysis on a pool of analysis threads (partialWorker.ts), and the partial
// analyses are merged (partial.ts). Every accumulator merges to what one pass gives, and a
// generation cut in two is read again on one thread, so the report does not depend on the
// number of threads.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AnalyzeOptions } from '../options';
import { formatFromPath, InputError, openInputRecords } from '../readers/index';
import { abortError } from '../readers/types';
import type { SourceRecord } from '../readers/types';
import { naturalCompare } from '../generations';
import { chooseFields, noRecords, partialSettings, projectionSpec, readInputs, statInputs } from './read';
import type { AnalyzeInput, ReadInputsOptions } from './read';
import { sampleOffThread } from './offThread';
import { makeProjector } from './project';
import { GENERATION_RETURNED } from './builder';
import { generationRanges, lineRanges } from './ranges';
import { groupKey, mergePartials, partialFromState } from './partial';
import type { FieldsUsed, PartialAnalysis, PartialState } from './partial';

/** The analysis-thread script built next to a bundle (`dist/analysis-thread.js`), when it is there. */
export function analysisThreadBeside(dir: string): string | undefined {
  const script = path.join(dir, 'analysis-thread.js');
  return existsSync(script) ? script : undefined;
}

/**
 * Threads `--jobs` takes by default: every core, each thread reading and analysing its files or
 * its part of a file alone, and no more than one per GiB of memory, each holding its own heap
 * (about 250–300 MB at its peak). On two cores or fewer, one: a single reading already keeps
 * two cores busy, its records parsed on a reading thread of their own (read.ts), and two
 * threads would take as long with twice the memory. The report is the same for any number.
 */
export function defaultJobs(cores: number, memoryBytes: number): number {
  if (cores <= 2) return 1;
  return Math.max(1, Math.min(cores, Math.floor(memoryBytes / 2 ** 30)));
}

/** Smallest byte range a thread reads of a JSON Lines file. */
export const MIN_RANGE_BYTES = 8 * 1024 * 1024;

/**
 * Threads worth starting for `totalBytes` of input: at most `jobs`, and one for every
 * `minRange` bytes (a thread costs its start and a heap, which many small files are not worth).
 * Below 2, the inputs are read on the calling thread.
 */
export function threadsFor(jobs: number, totalBytes: number, minRange = MIN_RANGE_BYTES): number {
  return Math.min(jobs, Math.floor(totalBytes / minRange));
}

export type Task = { kind: 'count'; file: string; range: { start: number; end: number } } | { kind: 'partial'; input: AnalyzeInput; options: ReadInputsOptions };

export type TaskMessage = Task & { id: number };

export type TaskResult =
  | { kind: 'count'; id: number; lines: number }
  | { kind: 'partial'; id: number; state: PartialState; bytes: number }
  | { kind: 'progress'; id: number; bytes: number; records: number }
  | { kind: 'error'; id: number; name: string; message: string; line?: number; column?: number; file?: string };

/** What the parallel read needs beyond the analysis options. */
export interface ParallelOptions extends AnalyzeOptions {
  /** Threads to use (at least 2 for anything to run in parallel). */
  jobs: number;
  /** `dist/analysis-thread.js`. */
  analysisThread: string;
  /** Smallest byte range a thread reads, and the least input per thread (default MIN_RANGE_BYTES; smaller in tests). */
  minRangeBytes?: number;
  /** Keep what storing the result needs (the extension's stored states); without it, each whole file of a set is reduced on the thread that read it. */
  mergeable?: boolean;
}

/** A local uncompressed JSON Lines file of at least two ranges: what can be cut at line breaks. */
function cuttable(options: Pick<ParallelOptions, 'minRangeBytes'>, kind: ReturnType<typeof formatFromPath>, size: number): boolean {
  return kind?.format === 'jsonl' && !kind.compressed && size >= 2 * (options.minRangeBytes ?? MIN_RANGE_BYTES);
}

/**
 * How a large file is cut for several threads, if at all. A reading that keeps its whole state
 * anyway (`mergeable`: `partial`, stored states) cuts it into even byte ranges at line breaks
 * and merges the parts. A plain analysis of a file with a generation field cuts it where the
 * generation changes (`generationRanges`), so each thread reduces whole generations as one
 * reading does and memory stays bounded; in even byte ranges each thread would keep its
 * generations' whole mergeable state to the end (the 200 MB text benchmark in two ranges
 * peaked at 1.8 GB against 260 MB, and took 16.3 s against 9.5 s). Any other file, or a file
 * of a set (one generation), is read whole.
 */
export function rangePlan(options: Pick<ParallelOptions, 'mergeable' | 'minRangeBytes'>, kind: ReturnType<typeof formatFromPath>, size: number, multipleFiles: boolean): 'bytes' | 'generations' | undefined {
  if (!cuttable(options, kind, size)) return undefined;
  if (options.mergeable === true) return 'bytes';
  return multipleFiles ? undefined : 'generations';
}

/**
 * Reads `inputs` into a partial analysis on up to `jobs` threads, one for every `minRangeBytes`
 * of input at most. Falls back to one thread (readInputs) when there is nothing to split: one
 * input not cut into ranges (`rangePlan`), one without a generation field or with one
 * generation, inputs of less than two ranges' bytes, or inputs read through VS Code; and when
 * a generation lies in two ranges cut where generations change.
 */
export async function readInParallel(inputs: readonly AnalyzeInput[], options: ParallelOptions): Promise<PartialAnalysis> {
  const ordered = [...inputs].sort((a, b) => naturalCompare(a.display, b.display));
  const multipleFiles = ordered.length > 1;
  if (inputs.length === 0 || options.jobs < 2 || ordered.some((i) => i.open)) return readInputs(inputs, options);
  const sizes = await statInputs(ordered, options);
  const kinds = ordered.map((i) => formatFromPath(i.file) ?? formatFromPath(i.display));
  const minRange = options.minRangeBytes ?? MIN_RANGE_BYTES;
  const plan = (i: number) => rangePlan(options, kinds[i], sizes[i]!, multipleFiles);
  if (!multipleFiles && !plan(0)) return readInputs(inputs, options);
  const total = sizes.reduce((a, b) => a + b, 0);
  const jobs = threadsFor(options.jobs, total, minRange);
  if (jobs < 2) return readInputs(inputs, options);

  const first = ordered[0]!;
  const fields = await detectFirst(first, kinds[0], options, multipleFiles);
  if (!fields) return readInputs(inputs, options);
  // Without a generation field the file is one generation: nothing to cut it at.
  const byGeneration = plan(0) === 'generations';
  if (byGeneration && !fields.roles.group) return readInputs(inputs, options);

  const settings = partialSettings(options);
  // A whole file of a set is a whole generation, and so are the generations of a range cut
  // where they change: its thread reduces them (builder.ts) and sends only what finishing
  // needs, unless the caller keeps states to merge later (`partial`, the extension's stored
  // states). Even byte ranges hold parts of generations, sent whole to be merged.
  const reduceFiles = multipleFiles && !options.mergeable;
  const readOptions = (range?: { start: number; end: number; firstLine: number }): ReadInputsOptions => {
    const whole = (range === undefined && reduceFiles) || byGeneration;
    const o: ReadInputsOptions = { seed: settings.seed, lowercase: settings.lowercase, sampling: settings.sampling, fieldsFrom: fields, mergeable: !whole, ...(whole ? { reduceAll: true } : {}) };
    if (options.maxFileBytes) o.maxFileBytes = options.maxFileBytes;
    if (options.rollingWindow) o.rollingWindow = options.rollingWindow;
    if (range) o.range = range;
    return o;
  };

  const pool = new AnalysisPool(options.analysisThread, jobs, options.signal);
  try {
    // The ranges of the large JSON Lines files (even, or cut where generations change), and the line each starts on.
    const plans = await Promise.all(ordered.map(async (input, i) => {
      if (!plan(i)) return undefined;
      const parts = Math.max(1, Math.min(jobs, Math.floor(sizes[i]! / minRange)));
      const even = await lineRanges(input.file, sizes[i]!, parts);
      return byGeneration ? generationRanges(input.file, even, generationOfLine(fields, input.display)) : even;
    }));
    if (byGeneration && plans[0]!.length < 2) return readInputs(inputs, options);
    const counts = await Promise.all(plans.map((ranges, i) =>
      ranges ? Promise.all(ranges.slice(0, -1).map((range) => pool.run({ kind: 'count', file: ordered[i]!.file, range }).then((r) => (r as { lines: number }).lines))) : undefined,
    ));
    const tasks: { input: AnalyzeInput; options: ReadInputsOptions; bytes: number }[] = [];
    ordered.forEach((input, i) => {
      const ranges = plans[i];
      if (!ranges || ranges.length < 2) {
        tasks.push({ input, options: readOptions(), bytes: sizes[i]! });
        return;
      }
      let line = 1;
      ranges.forEach((range, k) => {
        tasks.push({ input: { file: input.file, display: input.display }, options: readOptions({ ...range, firstLine: line }), bytes: range.end - range.start });
        line += counts[i]![k] ?? 0;
      });
    });

    let done = 0;
    let records = 0;
    // Progress names the file a thread last read from, and counts the records of every thread.
    const reported = new Array<number>(tasks.length).fill(0);
    const progressOf = (task: number) => {
      const input = tasks[task]!.input;
      const fileIndex = ordered.findIndex((o) => o.file === input.file);
      return (bytes: number, read: number) => {
        done += bytes;
        records += read;
        reported[task]! += read;
        options.onProgress?.({ file: input.display, fileIndex, files: ordered.length, bytes: done, totalBytes: total, records });
      };
    };
    // The largest first, so the threads finish together.
    const order = tasks.map((_, i) => i).sort((a, b) => tasks[b]!.bytes - tasks[a]!.bytes || a - b);
    const states: PartialState[] = new Array(tasks.length);
    try {
      await Promise.all(order.map(async (i) => {
        const t = tasks[i]!;
        const state = ((await pool.run({ kind: 'partial', input: { file: t.input.file, display: t.input.display }, options: t.options }, progressOf(i))) as { state: PartialState }).state;
        records += state.files.reduce((a, f) => a + f.summary.records, 0) - reported[i]!;
        states[i] = state;
      }));
    } catch (e) {
      if (!byGeneration || (e as Error).name !== GENERATION_RETURNED) throw e;
      states.length = 0;
    }
    if (byGeneration && (states.length === 0 || !wholeGenerations(states))) {
      // Generations that return after others lie in several ranges: read as one reading
      // does, once the threads are stopped.
      await pool.close();
      return readInputs(inputs, options);
    }
    const merged = mergePartials(states.map((s) => partialFromState(s)));
    for (const f of merged.files) if (f.summary.records === 0) throw noRecords(f.summary.file, f.summary.format, f.summary.malformed, f.issues[0]);
    merged.files.sort((a, b) => naturalCompare(a.summary.file, b.summary.file));
    return merged;
  } finally {
    await pool.close();
  }
}

/** Whether no generation is in two of the states (each range held whole generations). */
function wholeGenerations(states: readonly PartialState[]): boolean {
  const seen = new Set<string>();
  for (const s of states) {
    for (const g of s.groups) {
      const key = groupKey(g.file, g.group);
      if (seen.has(key)) return false;
      seen.add(key);
    }
  }
  return true;
}

/** The generation of one line of a JSON Lines file, as the projection of its record gives it (undefined for a line without one). */
function generationOfLine(fields: FieldsUsed, display: string): (line: string) => string | undefined {
  const project = makeProjector(projectionSpec(fields, display));
  return (line) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const p = project({ line: 0, value: value as Record<string, unknown> });
    return p && !p.malformed ? p.group : undefined;
  };
}

/** The fields, detected on the first records of the first file; undefined when it has none to detect on. */
async function detectFirst(input: AnalyzeInput, kind: ReturnType<typeof formatFromPath>, options: ParallelOptions, multipleFiles: boolean): Promise<FieldsUsed | undefined> {
  if (!kind) return undefined;
  const records: SourceRecord[] = [];
  const limit = options.maxFileBytes && options.maxFileBytes > 0 ? { maxDecompressedBytes: options.maxFileBytes } : {};
  const want = partialSettings(options).sampling.detectRecords;
  try {
    if (kind.format === 'parquet' && options.readerThread) {
      const sample = await sampleOffThread(options.readerThread, { file: input.file, format: kind.format, compressed: kind.compressed, ...limit }, want, options.signal);
      records.push(...sample.records);
    } else {
      for await (const batch of openInputRecords(input, { format: kind.format, compressed: kind.compressed, batchSize: 256, ...limit, ...(options.signal ? { signal: options.signal } : {}) })) {
        records.push(...batch.records);
        if (records.length >= want || batch.bytes >= 16 * 1024 * 1024) break;
      }
    }
  } catch {
    // The one-thread path reads the file again and reports what is wrong with it.
    return undefined;
  }
  if (records.length === 0) return undefined;
  return chooseFields(records, input.display, options, multipleFiles).fields;
}

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

