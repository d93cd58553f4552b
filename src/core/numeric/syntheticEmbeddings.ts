// Seeded synthetic embeddings with the structure of real ones, for measuring how far the
// row-sample route of the vector metrics is from the exact computation (the unit tests and
// `BENCH_CASES=vectors-accuracy`). Not used by the analysis itself.
import { Random } from '../random';

export type SyntheticKind = 'clusters' | 'low-rank' | 'topics';

export interface SyntheticOptions {
  seed?: number;
  /** clusters: number of cluster centres (32). */
  clusters?: number;
  /** clusters: within-cluster spread relative to the spread of the centres (0.5). */
  spread?: number;
  /** low-rank: rank of the signal (128). */
  rank?: number;
  /** low-rank: isotropic noise relative to the leading direction (0.2). */
  noise?: number;
  /** topics: how many of the 48 topics the rows draw on (48). */
  topics?: number;
}

/**
 * n rows of length d:
 * - `clusters`: Gaussian clusters, centres ~ N(0, I/d) around a shared offset ~ N(0, I/d),
 *   rows = centre + N(0, spread²·I/d);
 * - `low-rank`: a shared offset plus Σⱼ zⱼ (j+1)^(−1/2) wⱼ over `rank` random directions wⱼ
 *   ~ N(0, I/d) (a power-law spectrum), plus isotropic noise N(0, noise²·I/d);
 * - `topics`: the bench's embeddings (bench/run.mjs, `vectors-<d>`): a shared direction,
 *   `topics` topic directions with weights (t+1)^(−1/2) and isotropic noise, L2-normalized.
 */
export function syntheticEmbeddings(kind: SyntheticKind, n: number, d: number, options: SyntheticOptions = {}): Float64Array[] {
  const random = new Random(options.seed ?? 7);
  const gaussian = (scale: number) => {
    const v = new Float64Array(d);
    for (let i = 0; i < d; i++) v[i] = random.normal() * scale;
    return v;
  };
  const unit = 1 / Math.sqrt(d);
  const rows: Float64Array[] = [];
  if (kind === 'clusters') {
    const spread = options.spread ?? 0.5;
    const offset = gaussian(unit);
    const centres = Array.from({ length: options.clusters ?? 32 }, () => gaussian(unit));
    for (let r = 0; r < n; r++) {
      const c = centres[random.int(centres.length)]!;
      const x = gaussian(spread * unit);
      for (let i = 0; i < d; i++) x[i] = x[i]! + c[i]! + offset[i]!;
      rows.push(x);
    }
    return rows;
  }
  if (kind === 'low-rank') {
    const directions = Array.from({ length: options.rank ?? 128 }, () => gaussian(unit));
    const offset = gaussian(0.5 * unit);
    const noise = options.noise ?? 0.2;
    for (let r = 0; r < n; r++) {
      const x = gaussian(noise * unit);
      directions.forEach((w, j) => {
        const z = random.normal() / Math.sqrt(j + 1);
        for (let i = 0; i < d; i++) x[i] = x[i]! + z * w[i]!;
      });
      for (let i = 0; i < d; i++) x[i] = x[i]! + offset[i]!;
      rows.push(x);
    }
    return rows;
  }
  const topics = Array.from({ length: 48 }, () => gaussian(unit));
  const shared = gaussian(unit);
  const active = Math.min(48, options.topics ?? 48);
  for (let r = 0; r < n; r++) {
    const x = gaussian(0.35 * unit);
    for (let i = 0; i < d; i++) x[i] = x[i]! + 0.8 * shared[i]!;
    for (let t = 0; t < active; t++) {
      const z = random.normal() / Math.sqrt(t + 1);
      const w = topics[t]!;
      for (let i = 0; i < d; i++) x[i] = x[i]! + z * w[i]!;
    }
    let norm = 0;
    for (let i = 0; i < d; i++) norm += x[i]! * x[i]!;
    norm = Math.sqrt(norm);
    for (let i = 0; i < d; i++) x[i] = x[i]! / norm;
    rows.push(x);
  }
  return rows;
}
