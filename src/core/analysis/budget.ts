// Memory the vector role may hold across generations.

/**
 * Keeps the rows that vector groups hold for pairwise distances within one memory budget
 * (about 160 MB of doubles), however many generations there are: each new generation gets
 * at most half of what is left, and never fewer than 500 rows. A uniform sample stays
 * uniform whatever its size, so a smaller reservoir only makes the estimate noisier.
 */
export class VectorRowBudget {
  dimension = 0;
  private remaining = 20_000_000;

  take(wanted: number): number {
    const d = Math.max(1, this.dimension);
    const rows = Math.max(500, Math.min(wanted, Math.floor(this.remaining / 2 / d)));
    this.remaining = Math.max(0, this.remaining - rows * d);
    return rows;
  }
}
