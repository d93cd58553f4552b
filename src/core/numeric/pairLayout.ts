// Where the pair pass keeps its numbers (pairwise.ts), in memory of one thread or shared by
// two (pairThreads.ts): the same layout on both sides.

/** Doubles of row tiles per thread: nine sums for each later triple. */
export function tileDoubles(n: number): number {
  return 9 * (Math.floor(n / 3) + 1);
}

/**
 * The numbers both threads read and write, by row (n each): squared norms, half, inverse,
 * penalty, this thread's nearest cosines, the helper's; then by triple: distance sums and
 * cosine sums.
 */
export function pairNumbers(numbers: Float64Array, n: number): { norms: Float64Array; half: Float64Array; inverse: Float64Array; penalty: Float64Array; best: Float64Array; helperBest: Float64Array; sums: Float64Array; cosines: Float64Array } {
  const triples = Math.floor(n / 3);
  const row = (k: number) => numbers.subarray(k * n, (k + 1) * n);
  return { norms: row(0), half: row(1), inverse: row(2), penalty: row(3), best: row(4), helperBest: row(5), sums: numbers.subarray(6 * n, 6 * n + triples), cosines: numbers.subarray(6 * n + triples, 6 * n + 2 * triples) };
}

/** Numbers of `pairNumbers` for n rows. */
export function pairNumberCount(n: number): number {
  return 6 * n + 2 * Math.floor(n / 3);
}
