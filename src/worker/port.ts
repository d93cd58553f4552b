// How the analysis worker (main.ts) talks to the extension host on the desktop: it is a
// worker_threads Worker, and reads large local files on a second thread of its own when the
// reading thread's bundle is beside it. port.web.ts is the web build's counterpart.
import { parentPort } from 'node:worker_threads';
import { availableParallelism, totalmem } from 'node:os';
import { stat } from 'node:fs/promises';
import { readerThreadBeside } from '../core/analysis/offThread';
import { analysisThreadBeside, defaultJobs, threadsFor } from '../core/analysis/parallel';
import { pairThreadBeside } from '../core/numeric/pairThreads';
import type { HostToWorkerMessage, WorkerToHostMessage } from './protocol';

export interface HostPort {
  post(message: WorkerToHostMessage, transfer: ArrayBuffer[]): void;
  onMessage(listener: (message: HostToWorkerMessage) => void): void;
}

export function hostPort(): HostPort {
  const port = parentPort;
  if (!port) throw new Error('dist/worker.js runs only as a worker thread');
  return {
    post: (message, transfer) => port.postMessage(message, transfer),
    onMessage: (listener) => port.on('message', listener),
  };
}

/** Threads that read a large file at once, unless the settings say (parallel.ts `defaultJobs`). */
export function defaultThreads(): number {
  return defaultJobs(availableParallelism(), totalmem());
}

/** Threads that read the files of a set at once: `requested` (the settings), else one per core, bounded by their size as `--jobs` is (`threadsFor`). */
export async function setThreads(requested: number | undefined, files: readonly string[]): Promise<number> {
  const sizes = await Promise.all(files.map((f) => stat(f).then((s) => s.size, () => 0)));
  return Math.max(1, threadsFor(requested ?? availableParallelism(), sizes.reduce((a, b) => a + b, 0)));
}

/** The analysis threads' script (dist/analysis-thread.js, beside this bundle), if it was built. */
export function analysisThreadScript(): string | undefined {
  return analysisThreadBeside(__dirname);
}

/** The reading thread's script (dist/reader-thread.js, beside this bundle), if it was built. */
export function readerThreadScript(): string | undefined {
  return readerThreadBeside(__dirname);
}

/** The vector pair pass's second thread (dist/pair-thread.js, beside this bundle), if it was built. */
export function pairThreadScript(): string | undefined {
  return pairThreadBeside(__dirname);
}
