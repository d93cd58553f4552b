// pairThreads.ts for the web build: no second thread for the pair pass in a browser (its
// shared memory needs cross-origin isolation, which a VS Code web worker does not have).
import type { PairJob, SharedPair } from './pairThreads';
import type { SimdKernels } from './simd';

export function usePairThread(_file: string | undefined): void {}

export function pairThreadBeside(_dir: string): string | undefined {
  return undefined;
}

export function sharedPairMemory(_n: number, _d: number): SharedPair | undefined {
  return undefined;
}

export function helpWithPairs(_job: PairJob, _triple: (kernels: SimdKernels, memory: Float64Array, numbers: Float64Array) => (t: number) => void): void {}

// tsc checks the importers against pairThreads.ts only; this holds the two files' exports together.
({ usePairThread, pairThreadBeside, sharedPairMemory, helpWithPairs }) satisfies typeof import('./pairThreads');
