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
}

export interface ProjectedBatch {
  records: Projected[];
  issues: RecordIssue[];
  /** Input bytes consumed so far. */
  bytes: number;
}

/** Messages from the reading thread. */
export type ProjectMessage =
  | ({ kind: 'batch' } & ProjectedBatch)
  | { kind: 'sample'; records: SourceRecord[]; issues: RecordIssue[]; eof: boolean }
  | { kind: 'done' }
  | { kind: 'error'; name: string; message: string; line?: number; column?: number };

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

/** Batches in flight before the reading thread waits for this one. */
export const MAX_IN_FLIGHT = 4;

/**
 * The reading thread's young generation, in MB. What it allocates (each line's parsed
 * record) dies at once, so a small one costs no time; the default (16) cost 60–80 MB of
 * peak RSS on the 200 MB text benchmark.
 */
const READER_YOUNG_GENERATION_MB = 4;

/** Projected batches of one file, read on a worker thread running `script` (projectWorker.ts). */
export async function* projectOffThread(script: string, job: ProjectJob, signal?: AbortSignal): AsyncGenerator<ProjectedBatch> {
  for await (const m of messages(script, job, signal)) {
    if (m.kind === 'batch') yield m;
  }
}

/** The first records of a file, read as they are on a worker thread (a stuck decoder cannot hang detection). */
export async function sampleOffThread(script: string, job: Omit<ProjectJob, 'spec' | 'sample'>, records: number, signal?: AbortSignal): Promise<{ records: SourceRecord[]; issues: RecordIssue[]; eof: boolean }> {
  for await (const m of messages(script, { ...job, sample: records, spec: { paths: {}, file: job.file } }, signal)) {
    if (m.kind === 'sample') return m;
  }
  return { records: [], issues: [], eof: true };
}

async function* messages(script: string, job: ProjectJob, signal?: AbortSignal): AsyncGenerator<ProjectMessage & { kind: 'batch' | 'sample' }> {
  const worker = new Worker(script, { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: READER_YOUNG_GENERATION_MB } });
  const queue: ProjectMessage[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  worker.on('message', (m: ProjectMessage) => {
    queue.push(m);
    notify();
  });
  worker.on('error', (e) => {
    failure = e;
    notify();
  });
  worker.on('exit', (code) => {
    if (code !== 0) failure ??= new Error(`the reading thread stopped (exit code ${code})`);
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
        return;
      }
      if (m.kind === 'error') {
        if (m.name === 'InputError') throw new InputError(m.message, m.line, m.column);
        const e = new Error(m.message);
        e.name = m.name;
        throw e;
      }
      if (m.kind === 'batch') worker.postMessage('next');
      yield m;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}
