// pairThreads.ts for the web build: no second thread for the pair pass in a browser (its
// shared memory needs cross-origin isolation, which a VS Code web worker does not have).
import type { PairJob, SharedPair } from './pairThreads';
import type { SimdKernels } from './simd';

export function usePairThread(_file: string | undefined): void {}

export function pairThreadBeside(_dir: string): string | undefined {
  return undefined;
}

export function tileDoubles(n: number): number {
  return 9 * (Math.floor(n / 3) + 1);
}

export function pairNumbers(numbers: Float64Array, n: number): ReturnType<typeof import('./pairThreads').pairNumbers> {
  const triples = Math.floor(n / 3);
  const row = (k: number) => numbers.subarray(k * n, (k + 1) * n);
  return { norms: row(0), half: row(1), inverse: row(2), penalty: row(3), best: row(4), helperBest: row(5), sums: numbers.subarray(6 * n, 6 * n + triples), cosines: numbers.subarray(6 * n + triples, 6 * n + 2 * triples) };
}

export function sharedPairMemory(_n: number, _d: number): SharedPair | undefined {
  return undefined;
}

export function helpWithPairs(_job: PairJob, _triple: (kernels: SimdKernels, memory: Float64Array, numbers: Float64Array) => (t: number) => void): void {}

// tsc checks the importers against pairThreads.ts only; this holds the two files' exports together.
({ usePairThread, pairThreadBeside, tileDoubles, pairNumbers, sharedPairMemory, helpWithPairs }) satisfies Pick<typeof import('./pairThreads'), 'usePairThread' | 'pairThreadBeside' | 'tileDoubles' | 'pairNumbers' | 'sharedPairMemory' | 'helpWithPairs'>;
