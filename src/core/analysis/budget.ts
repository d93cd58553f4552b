// Memory the vector role may hold across generations.

/** Numbers (doubles) the vector samples of all generations hold at most: about 160 MB. */
export const VECTOR_BUDGET_NUMBERS = 20_000_000;

/** The fewest rows a generation's sample keeps, whatever the budget. */
export const MIN_VECTOR_SAMPLE_ROWS = 500;

/**
 * Rows each generation keeps for pairwise distances when `generations` generations of
 * `d`-dimensional vectors share the budget: `wanted` when it fits, never fewer than 500. A
 * function of the counts only, not of the order generations appeared in, so shards of the
 * input read apart and merged keep the same rows as one pass (the samples are bottom-k by
 * position, and VectorAccumulator.shrinkSample lowers one exactly). A uniform sample stays
 * uniform whatever its size, so a smaller one only makes the estimate noisier.
 */
export function vectorSampleRows(wanted: number, generations: number, d: number): number {
  return Math.max(MIN_VECTOR_SAMPLE_ROWS, Math.min(wanted, Math.floor(VECTOR_BUDGET_NUMBERS / (Math.max(1, generations) * Math.max(1, d)))));
}
