// Reading a large local file on a second thread: the reading thread streams, parses and
// projects the records (project.ts) while this thread feeds the accumulators, so parsing
// (most of the cost of a nested layout such as an OpenAI Batch output) overlaps with the
// metrics. Batches are acknowledged, so at most a few are in flight and memory stays bounded.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InputFormat } from '../../shared/report';
import { abortError, InputError } from '../readers/types';
import type { RecordIssue } from '../readers/types';
import type { Projected, ProjectionSpec } from './project';

export interface ProjectJob {
  file: string;
  format: InputFormat;
  compressed: boolean;
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
  | { kind: 'done' }
  | { kind: 'error'; name: string; message: string; line?: number; column?: number };

/** The reading-thread script built next to a bundle (`dist/reader-thread.js`), when it is there. */
export function readerThreadBeside(dir: string): string | undefined {
  const script = path.join(dir, 'reader-thread.js');
  return existsSync(script) ? script : undefined;
}

/** Batches in flight before the reading thread waits for this one. */
export const MAX_IN_FLIGHT = 4;

/** Projected batches of one file, read on a worker thread running `script` (projectWorker.ts). */
export async function* projectOffThread(script: string, job: ProjectJob, signal?: AbortSignal): AsyncGenerator<ProjectedBatch> {
  const worker = new Worker(script, { workerData: job });
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
        await new Promise<void>((resolve) => (wake = resolve));
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
      worker.postMessage('next');
      yield m;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}
