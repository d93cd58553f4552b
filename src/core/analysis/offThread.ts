// Reading a large local file on a second thread: the reading thread streams, parses and
// projects the records (project.ts) while this thread feeds the accumulators, so parsing
// (most of the cost of a nested layout such as an OpenAI Batch output) overlaps with the
// metrics. Batches are acknowledged, so at most a few are in flight and memory stays bounded.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InputFormat } from '../../shared/report';
import { abortError, InputError } from '../readers/types';
import type { RecordIssue, SourceRecord } from '../readers/types';
import type { Projected, ProjectionSpec } from './project';
import type { PackedTags } from '../metrics/packedTagged';
import type { PackedShingles } from '../metrics/nearDuplicates';
import type { OffThreadWork } from '../metrics/offThreadWork';
import { ReaderVocabulary } from '../metrics/tokenize';
import { decodeProjected } from './projectedColumns';
import type { ProjectedColumns } from './projectedColumns';
import type { ReaderBatch, TokenizedTexts } from '../metrics/tokenize';

export interface ProjectJob {
  /** Stall limit of this job (default STALL_MS). */
  stallMs?: number;
  file: string;
  format: InputFormat;
  compressed: boolean;
  /** `sample`: post the first `sample` records as they are, then stop (detection). */
  sample?: number;
  /** Most bytes a gzip input may decompress to (`ReadOptions.maxDecompressedBytes`). */
  maxDecompressedBytes?: number;
  spec: ProjectionSpec;
  /** The analysis thread will ask this one for work (`ReadingThreadHelp`): a reading that reduces generations. */
  helps?: boolean;
  /** Tokenize the texts here (tokenize.ts `BatchTokenizer`), lowercased or not as the text metrics say. */
  tokenize?: { lowercase: boolean };
}

export interface ProjectedBatch {
  records: Projected[];
  issues: RecordIssue[];
  /** Input bytes consumed so far. */
  bytes: number;
  /** The records' texts tokenized (with `ProjectJob.tokenize`); each record's `tokenized` says where its are. */
  tokens?: TokenizedTexts;
}

/** Messages from the reading thread. */
export type ProjectMessage =
  | ({ kind: 'batch'; columns: ProjectedColumns } & Omit<ProjectedBatch, 'records'>)
  | { kind: 'sample'; records: SourceRecord[]; issues: RecordIssue[]; eof: boolean }
  | { kind: 'done' }
  | { kind: 'error'; name: string; message: string; line?: number; column?: number }
  | HelpAnswer;

/** Messages to the reading thread: a batch was taken, or work asked of it (`ReadingThreadHelp`). */
export type ReaderRequest =
  | 'next'
  | { kind: 'gzip'; id: number; bytes: Uint8Array }
  | { kind: 'tag'; id: number; texts: string[] }
  | { kind: 'near-duplicates'; id: number; shingles: PackedShingles; threshold: number };

/** The reading thread's answer to a request for work. */
export type HelpAnswer = { kind: 'gzipped'; id: number; size: number } | { kind: 'tagged'; id: number; tags: PackedTags } | { kind: 'flagged'; id: number; flags: Uint8Array };

/**
 * Work this thread hands to the reading thread while it runs (metrics/offThreadWork.ts): the
 * reading thread waits for this one most of the time (about three quarters of it on the text
 * benchmark), so a generation's compression, the tagging of its template sample and its
 * near-duplicate join are done there, between its batches, while this thread reads on (and
 * the part-of-speech model is loaded there, not here). Answers come back as messages; the
 * thread is stopped only once every request has been answered. A piece takes about 0.1 s,
 * far below the stall limit (STALL_MS) of a thread that posts nothing meanwhile.
 */
export class ReadingThreadHelp {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (value: never) => void; reject: (e: Error) => void }>();

  /** `work`: where the help is lent while the thread runs (its functions set on attach, removed on detach). */
  constructor(private readonly work?: OffThreadWork) {}

  /** While the thread reads, requests go to it (`messages` attaches and detaches it). */
  get attached(): boolean {
    return this.worker !== undefined;
  }

  /** compression.ts `referenceGzipFileSize` of `bytes` on the reading thread; the bytes move there. */
  gzipFileSize(bytes: Uint8Array): Promise<number> {
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    return this.ask<number>((id) => ({ kind: 'gzip', id, bytes }), whole ? [bytes.buffer as ArrayBuffer] : []);
  }

  /** posTagger.ts `tagTexts` on the reading thread, packed (`packTags`). */
  tagTexts(texts: string[]): Promise<PackedTags> {
    return this.ask<PackedTags>((id) => ({ kind: 'tag', id, texts }), []);
  }

  /** nearDuplicates.ts `packedNearDuplicateFlags` on the reading thread; the arrays move there. */
  nearDuplicateFlags(shingles: PackedShingles, threshold: number): Promise<Uint8Array> {
    return this.ask<Uint8Array>((id) => ({ kind: 'near-duplicates', id, shingles, threshold }), [shingles.hashes.buffer as ArrayBuffer, shingles.sizes.buffer as ArrayBuffer]);
  }

  private ask<T>(request: (id: number) => ReaderRequest, transfer: ArrayBuffer[]): Promise<T> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('the reading thread has stopped'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: never) => void, reject });
      worker.postMessage(request(id), transfer);
    });
  }

  /** @internal */
  attach(worker: Worker): void {
    this.worker = worker;
    if (!this.work) return;
    this.work.gzipFileSize = (bytes) => this.gzipFileSize(bytes);
    this.work.tagTexts = (texts) => this.tagTexts(texts);
    this.work.nearDuplicateFlags = (shingles, threshold) => this.nearDuplicateFlags(shingles, threshold);
  }

  /** @internal */
  answer(m: HelpAnswer): void {
    const w = this.waiting.get(m.id);
    this.waiting.delete(m.id);
    w?.resolve((m.kind === 'gzipped' ? m.size : m.kind === 'tagged' ? m.tags : m.flags) as never);
  }

  /**
   * @internal The file is read: from now on the analysis thread has little else to do than
   * wait for answers, so it joins near duplicates itself while this thread compresses and tags.
   */
  fileRead(): void {
    if (this.work) delete this.work.nearDuplicateFlags;
  }

  /** @internal Whether requests are still unanswered. */
  get pending(): number {
    return this.waiting.size;
  }

  /** @internal The thread stopped: what it did not answer fails with `e`. */
  detach(e?: Error): void {
    this.worker = undefined;
    if (this.work) {
      delete this.work.gzipFileSize;
      delete this.work.tagTexts;
      delete this.work.nearDuplicateFlags;
    }
    for (const w of this.waiting.values()) w.reject(e ?? new Error('the reading thread stopped before it answered'));
    this.waiting.clear();
  }
}

/** The reading-thread script built next to a bundle (`dist/reader-thread.js`), when it is there. */
export function readerThreadBeside(dir: string): string | undefined {
  const script = path.join(dir, 'reader-thread.js');
  return existsSync(script) ? script : undefined;
}

/**
 * The reading thread is stopped when it sends nothing for this long: a decoder stuck on a
 * corrupt page (a Parquet page header claiming billions of values) must not hang the analysis.
 */
export const STALL_MS = 60_000;

/**
 * How the reading thread batches what it posts: records per batch, and batches in flight
 * before it waits for this thread. Small batches keep its garbage collection cheap (a batch
 * lives until posted, and each collection of its small young generation copies and promotes
 * what of it was parsed so far): with 2,048 records a batch, collection took 2.0 s of its
 * 10 s on the 200 MB text benchmark. Many in flight keep either thread from waiting on the
 * other's pauses (a generation finished here, a piece of work done there): 8,192 records in
 * flight either way, but 16 × 512 against 4 × 2,048 took 9.1–10.0 s against 10.0–11.4 s on
 * 200 MB, 13% less CPU time, and 57.6 s against 66–75 s on 2 GB. Batches of vectors are
 * large: 64 a batch, 4 in flight.
 */
export const READ_BATCHES = { records: 512, inFlight: 16, vectorRecords: 64, vectorsInFlight: 4 } as const;

/**
 * The reading thread's young generation, in MB. What it allocates (each line's parsed
 * record) dies at once, so a small one costs no time; the default (16) cost 60–80 MB of
 * peak RSS on the 200 MB text benchmark.
 */
const READER_YOUNG_GENERATION_MB = 4;

/** Work lent by the reading thread (`ReadingThreadHelp`), and what to do once the file is read, while it still helps. */
export interface ReadingThreadLoan {
  help: ReadingThreadHelp;
  /** Called once every batch was taken, before the thread is stopped. */
  atEnd?: () => void;
}

/** A batch as the analysis takes it: its tokens (with `ProjectJob.tokenize`) as ids of the mirror of the thread's table. */
export type ReadBatch = Omit<ProjectedBatch, 'tokens'> & { tokens?: ReaderBatch };

/**
 * Projected batches of one file, read on a worker thread running `script` (projectWorker.ts).
 * With `loan`, the thread also takes requests for work while it runs.
 */
export async function* projectOffThread(script: string, job: ProjectJob, signal?: AbortSignal, loan?: ReadingThreadLoan): AsyncGenerator<ReadBatch> {
  // The thread's table of types, mirrored here as its batches bring them.
  const vocabulary = new ReaderVocabulary();
  for await (const m of messages(script, job, signal, loan)) {
    if (m.kind !== 'batch') continue;
    if (m.tokens) vocabulary.receive(m.tokens);
    yield { records: decodeProjected(m.columns), issues: m.issues, bytes: m.bytes, ...(m.tokens ? { tokens: { vocabulary, texts: m.tokens } } : {}) };
  }
}

/** The first records of a file, read as they are on a worker thread (a stuck decoder cannot hang detection). */
export async function sampleOffThread(script: string, job: Omit<ProjectJob, 'spec' | 'sample'>, records: number, signal?: AbortSignal): Promise<{ records: SourceRecord[]; issues: RecordIssue[]; eof: boolean }> {
  for await (const m of messages(script, { ...job, sample: records, spec: { paths: {}, file: job.file } }, signal)) {
    if (m.kind === 'sample') return m;
  }
  return { records: [], issues: [], eof: true };
}

async function* messages(script: string, job: ProjectJob, signal?: AbortSignal, loan?: ReadingThreadLoan): AsyncGenerator<ProjectMessage & { kind: 'batch' | 'sample' }> {
  const help = loan?.help;
  let atEnd = loan?.atEnd;
  const worker = new Worker(script, { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: READER_YOUNG_GENERATION_MB } });
  const queue: Exclude<ProjectMessage, HelpAnswer>[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  help?.attach(worker);
  worker.on('message', (m: ProjectMessage) => {
    if (m.kind === 'gzipped' || m.kind === 'tagged' || m.kind === 'flagged') {
      help?.answer(m);
      notify();
      return;
    }
    queue.push(m);
    notify();
  });
  worker.on('error', (e) => {
    failure = e;
    notify();
  });
  worker.on('exit', (code) => {
    if (code !== 0) failure ??= new Error(`the reading thread stopped (exit code ${code})`);
    help?.detach(failure);
    queue.push({ kind: 'done' });
    notify();
  });
  const onAbort = () => notify();
  signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      if (signal?.aborted) throw abortError(signal);
      const m = queue.shift();
      if (!m) {
        if (failure) throw failure;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const stalled = await new Promise<boolean>((resolve) => {
          wake = () => resolve(false);
          timer = setTimeout(() => resolve(true), job.stallMs ?? STALL_MS);
        });
        clearTimeout(timer);
        if (stalled && queue.length === 0 && !failure && !signal?.aborted) {
          throw new InputError(`could not be read: its reading made no progress for ${(job.stallMs ?? STALL_MS) / 1000} s (is a page corrupt?)`);
        }
        continue;
      }
      if (m.kind === 'done') {
        if (failure) throw failure;
        // The file is read; what was asked of the thread is answered before it is stopped.
        const end = atEnd;
        atEnd = undefined;
        help?.fileRead();
        end?.();
        if (help && help.pending > 0) {
          queue.push(m);
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        return;
      }
      if (m.kind === 'error') {
        if (m.name === 'InputError') throw new InputError(m.message, m.line, m.column);
        const e = new Error(m.message);
        e.name = m.name;
        throw e;
      }
      if (m.kind === 'batch') worker.postMessage('next' satisfies ReaderRequest);
      yield m;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    help?.detach(failure ?? (signal?.aborted ? abortError(signal) : undefined));
    await worker.terminate();
  }
}
