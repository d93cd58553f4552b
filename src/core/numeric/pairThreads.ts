// A second thread for the pair pass of the vector metrics (pairwise.ts): the rows and the
// per-row numbers in memory both threads see, each thread taking the next row triple until
// none is left. Each triple's sums go to a slot of their own and the nearest cosines merge by
// their maximum, so the result is the same number for number with one thread or two. The
// thread is started on first use from its script (dist/pair-thread.js, `usePairThread`), kept
// for the next call and never keeps the process alive; pairThreads.web.ts has none.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { pairNumberCount, pairNumbers, tileDoubles } from './pairLayout';
import { sharedMemory, sharedSimdKernels } from './simd';
import type { SimdKernels, WasmMemory } from './simd';

/** The job the helper thread gets (pairWorker.ts). */
export interface PairJob {
  memory: WasmMemory;
  numbers: SharedArrayBuffer;
  n: number;
  d: number;
}

/** Int32 slots after the numbers: the next triple, the helper's state, its progress, then a done flag per triple. */
const NEXT = 0;
const STATE = 1;
const PROGRESS = 2;
const FLAGS = 4;
/** Helper states: not joined, working, done, and closed (the job ended before it joined). */
const IDLE = 0;
const WORKING = 1;
const DONE = 2;
const CLOSED = 3;
/** Without progress from the helper for this long, this thread computes what is left. */
const STALL_MS = 10_000;

/** Memory shared with the helper for one pair pass (pairwise.ts `pairwiseSpread`). */
export interface SharedPair {
  kernels: SimdKernels;
  /** The kernel's memory: rows from 0, this thread's tile sums from n·d, the helper's after them. */
  memory: Float64Array;
  /** See `pairNumbers` (pairLayout.ts). */
  numbers: Float64Array;
  /** Posts the job to the helper; false without one (the caller computes every triple). */
  start(): boolean;
  /** The next triple to compute (marking the one before as done). */
  next(): number;
  /** Waits for the helper; its nearest cosines when it took part. `compute` computes what it left. */
  finish(compute: (t: number) => void): Float64Array | undefined;
}

let script: string | undefined;
let worker: Worker | undefined;

/** The helper's script, or undefined for none (the pair pass then runs on one thread). */
export function usePairThread(file: string | undefined): void {
  if (file !== script) stopHelper();
  script = file;
}

function stopHelper(): void {
  if (!worker) return;
  void worker.terminate();
  worker = undefined;
}

/** dist/pair-thread.js beside a bundle in `dir`, if it was built. */
export function pairThreadBeside(dir: string): string | undefined {
  const file = path.join(dir, 'pair-thread.js');
  return existsSync(file) ? file : undefined;
}

/** An idle helper is stopped after this long (a long-lived analysis worker should not keep its memory). */
const IDLE_MS = 30_000;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

// The helper, started on first use; it never keeps the process alive, one that stopped is
// started again on the next call, and one left idle for IDLE_MS is stopped.
function helper(): Worker | undefined {
  if (!script) return undefined;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(stopHelper, IDLE_MS);
  idleTimer.unref?.();
  if (!worker) {
    const w = new Worker(script);
    w.unref();
    const forget = () => {
      if (worker === w) worker = undefined;
    };
    w.on('error', forget);
    w.on('exit', forget);
    worker = w;
  }
  return worker;
}


/**
 * Shared memory for a pair pass over n rows of d numbers, or undefined when there is no
 * helper or no shared memory here.
 */
export function sharedPairMemory(n: number, d: number): SharedPair | undefined {
  if (!script || typeof Atomics === 'undefined') return undefined;
  const triples = Math.floor(n / 3);
  const doubles = n * d + 2 * tileDoubles(n);
  const wasmMemory = sharedMemory(doubles);
  const kernels = wasmMemory && sharedSimdKernels(wasmMemory);
  if (!wasmMemory || !kernels) return undefined;
  const count = pairNumberCount(n);
  const sab = new SharedArrayBuffer(count * 8 + (FLAGS + triples) * 4);
  const control = new Int32Array(sab, count * 8, FLAGS + triples);
  const numbers = new Float64Array(sab, 0, count);
  const helperBest = pairNumbers(numbers, n).helperBest;
  let last = -1;
  return {
    kernels,
    memory: kernels.view(doubles),
    numbers,
    start() {
      const w = helper();
      if (!w) return false;
      // The helper's nearest cosines start below any cosine, should it stop half-way.
      helperBest.fill(-Infinity);
      w.postMessage({ memory: wasmMemory, numbers: sab, n, d } satisfies PairJob);
      return true;
    },
    next() {
      if (last >= 0) Atomics.store(control, FLAGS + last, 1);
      last = Atomics.add(control, NEXT, 1);
      return last;
    },
    finish(compute) {
      // Closed if the helper has not joined yet; else wait for it while it makes progress.
      if (Atomics.compareExchange(control, STATE, IDLE, CLOSED) === IDLE) return undefined;
      let progress = Atomics.load(control, PROGRESS);
      let since = Date.now();
      while (Atomics.load(control, STATE) === WORKING) {
        Atomics.wait(control, STATE, WORKING, 200);
        const now = Atomics.load(control, PROGRESS);
        if (now !== progress) {
          progress = now;
          since = Date.now();
        } else if (Date.now() - since > STALL_MS) {
          break;
        }
      }
      // A triple the helper took and did not finish (it stalled, or failed half-way) is
      // computed here: the same numbers, into the same slots.
      for (let t = 0; t < triples; t++) if (Atomics.load(control, FLAGS + t) === 0) compute(t);
      return helperBest;
    },
  };
}

/**
 * The helper's side of a job (pairWorker.ts): joins unless the job is closed, then takes
 * triples as the caller does; `triple` makes the function computing one, over the shared memory.
 */
export function helpWithPairs(job: PairJob, triple: (kernels: SimdKernels, memory: Float64Array, numbers: Float64Array) => (t: number) => void): void {
  const { n, d } = job;
  const triples = Math.floor(n / 3);
  const count = pairNumberCount(n);
  const control = new Int32Array(job.numbers, count * 8, FLAGS + triples);
  if (Atomics.compareExchange(control, STATE, IDLE, WORKING) !== IDLE) return;
  try {
    const kernels = sharedSimdKernels(job.memory, false);
    if (!kernels) return;
    const compute = triple(kernels, kernels.view(n * d + 2 * tileDoubles(n)), new Float64Array(job.numbers, 0, count));
    for (let t = Atomics.add(control, NEXT, 1); t < triples; t = Atomics.add(control, NEXT, 1)) {
      compute(t);
      Atomics.store(control, FLAGS + t, 1);
      Atomics.add(control, PROGRESS, 1);
    }
  } finally {
    Atomics.store(control, STATE, DONE);
    Atomics.notify(control, STATE);
  }
}
