// The spectral vector metrics from Gram matrices: the Vendi score (exp of the entropy of the
// eigenvalues of the cosine kernel over n), the effective rank (exp of the entropy of the
// normalized singular values of the centered rows), the mean and scatter of a list of rows,
// and the five metrics of the row-sample route from one m × m Gram matrix.
import { centeredRowGram, GramAccumulator, symmetricEigen } from './linalg';
import { cosineDistance, dist, squaredNorm } from './pairwise';

/** Scatter matrix Σ (x − μ)(x − μ)ᵀ of a group about its own mean. */
export interface VectorMoments {
  n: number;
  d: number;
  mean: Float64Array;
  /** Row-major d × d, full. */
  scatter: Float64Array;
}


export function checkRows(rows: ArrayLike<number>[]): number {
  const d = rows[0]?.length ?? 0;
  for (const r of rows) if (r.length !== d) throw new Error(`expected ${d} numbers, found ${r.length}`);
  return d;
}

export function trace(m: Float64Array, d: number): number {
  let t = 0;
  for (let i = 0; i < d; i++) t += m[i * d + i]!;
  return t;
}

/**
 * −Σ p ln p over the positive eigenvalues (0 ln 0 = 0 and negative rounding noise
 * ignored, as in vendi.py), with p = λ / Σλ: K/n has trace 1 exactly, so this only
 * removes rounding, and keeps a single direction at exactly VS = 1.
 */
export function spectralEntropy(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > 0) sum += values[i]!;
  let h = 0;
  for (let i = 0; i < values.length; i++) {
    const p = values[i]! / sum;
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

export function vendiFromGram(gram: Float64Array, d: number, n: number): number {
  const scaled = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) scaled[i] = gram[i]! / n;
  return Math.exp(spectralEntropy(symmetricEigen(scaled, d).values));
}

// n × n cosine kernel of the (non-zero) rows, divided by n.
export function vendiFromRows(rows: ArrayLike<number>[], d: number): number {
  const kept = rows.filter((r) => squaredNorm(r) > 0);
  const n = kept.length;
  const unit = kept.map((r) => {
    const s = 1 / Math.sqrt(squaredNorm(r));
    const u = new Float64Array(d);
    for (let i = 0; i < d; i++) u[i] = r[i]! * s;
    return u;
  });
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let dot = 0;
      const a = unit[i]!;
      const b = unit[j]!;
      for (let t = 0; t < d; t++) dot += a[t]! * b[t]!;
      k[i * n + j] = dot / n;
      k[j * n + i] = dot / n;
    }
  }
  return Math.exp(spectralEntropy(symmetricEigen(k, n).values));
}

export function momentsOfRows(rows: ArrayLike<number>[], d: number): VectorMoments {
  const n = rows.length;
  const mean = new Float64Array(d);
  for (const r of rows) for (let i = 0; i < d; i++) mean[i] = mean[i]! + r[i]!;
  for (let i = 0; i < d; i++) mean[i] = mean[i]! / Math.max(n, 1);
  const gram = new GramAccumulator(d);
  const c = new Float64Array(d);
  for (const r of rows) {
    for (let i = 0; i < d; i++) c[i] = r[i]! - mean[i]!;
    gram.add(c);
  }
  return { n, d, mean, scatter: gram.finish() };
}

export function effectiveRankFromEigenvalues(values: Float64Array, size: number): number {
  let max = 0;
  for (const v of values) max = Math.max(max, v);
  if (max <= 0) return 0;
  const tol = max * size * 2 ** -52;
  let sum = 0;
  const sigma: number[] = [];
  for (const v of values) {
    if (v > tol) {
      const s = Math.sqrt(v);
      sigma.push(s);
      sum += s;
    }
  }
  let h = 0;
  for (const s of sigma) {
    const p = s / sum;
    h -= p * Math.log(p);
  }
  return Math.exp(h);
}

export function effectiveRankFromScatter(scatter: Float64Array, d: number): number {
  return effectiveRankFromEigenvalues(symmetricEigen(scatter, d).values, d);
}

// XcXcᵀ (n × n) for n ≤ d: the same non-zero eigenvalues as XcᵀXc at a smaller size.
export function effectiveRankOfRows(rows: ArrayLike<number>[], d: number): number {
  const n = rows.length;
  const mean = new Float64Array(d);
  for (const r of rows) for (let i = 0; i < d; i++) mean[i] = mean[i]! + r[i]! / n;
  const centered = rows.map((r) => {
    const c = new Float64Array(d);
    for (let i = 0; i < d; i++) c[i] = r[i]! - mean[i]!;
    return c;
  });
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let dot = 0;
      const a = centered[i]!;
      const b = centered[j]!;
      for (let t = 0; t < d; t++) dot += a[t]! * b[t]!;
      k[i * n + j] = dot;
      k[j * n + i] = dot;
    }
  }
  return effectiveRankFromEigenvalues(symmetricEigen(k, n).values, n);
}

/** The vector metrics `rowSampleMetrics` computes from one Gram matrix (NaN where undefined). */
export interface RowSampleMetrics {
  vendi: number;
  effectiveRank: number;
  meanPairwiseDistance: number;
  remoteClique: number;
  chamferDistance: number;
  /** Rows with a direction: the Vendi score and the two cosine metrics are over these. */
  nonZeroRows: number;
}

/**
 * Vendi score, effective rank, mean pairwise distance, remote clique and Chamfer distance of
 * a list of rows from one m × m Gram matrix G of the rows centered at their mean c̄: effective
 * rank from G's eigenvalues, distances from ‖a − b‖² = Gaa + Gbb − 2Gab, and the cosines
 * (the Vendi kernel, the cosine distances) from x_a·x_b = Gab + c_a·c̄ + c_b·c̄ + ‖c̄‖² over the
 * rows' exact norms (zero rows dropped). Exactly the definitions on those rows, at
 * O(m²d + m³) whatever d is. Exported for tests.
 */
export function rowSampleMetrics(rows: ArrayLike<number>[]): RowSampleMetrics {
  const d = checkRows(rows);
  const m = rows.length;
  if (m === 0) return { vendi: NaN, effectiveRank: NaN, meanPairwiseDistance: NaN, remoteClique: NaN, chamferDistance: NaN, nonZeroRows: 0 };
  // The mean as `packCentered` takes it; the rows are centered band by band, not copied whole.
  const mean = new Float64Array(d);
  for (const r of rows) for (let t = 0; t < d; t++) mean[t] = mean[t]! + r[t]!;
  for (let t = 0; t < d; t++) mean[t] = mean[t]! / m;
  const g = centeredRowGram(rows, mean, d);

  let effectiveRank = NaN;
  let meanPairwiseDistance = NaN;
  if (m >= 2) {
    effectiveRank = effectiveRankFromEigenvalues(symmetricEigen(g, m).values, m);
    let total = 0;
    for (let i = 0; i < m; i++) {
      const gi = g[i * m + i]!;
      let sum = 0;
      for (let j = i + 1; j < m; j++) sum += dist(gi, g[j * m + j]!, g[i * m + j]!);
      total += sum;
    }
    meanPairwiseDistance = total / ((m * (m - 1)) / 2);
  }

  // Cosine kernel of the non-zero rows, divided by their count.
  const meanSquared = squaredNorm(mean);
  const along = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const r = rows[i]!;
    let s = 0;
    for (let t = 0; t < d; t++) s += (r[t]! - mean[t]!) * mean[t]!;
    along[i] = s;
  }
  const keep: number[] = [];
  const length = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    length[i] = Math.sqrt(squaredNorm(rows[i]!));
    if (length[i]! > 0) keep.push(i);
  }
  let vendi = NaN;
  const k = keep.length;
  // Cosine distances of the non-zero rows: their sum, and each row's largest cosine to another.
  let cosines = 0;
  const nearest = new Float64Array(k).fill(-Infinity);
  if (k > 0) {
    const kernel = new Float64Array(k * k);
    for (let p = 0; p < k; p++) {
      const i = keep[p]!;
      kernel[p * k + p] = 1 / k;
      for (let q = p + 1; q < k; q++) {
        const j = keep[q]!;
        const dotIJ = g[i * m + j]! + along[i]! + along[j]! + meanSquared;
        const c = dotIJ / (length[i]! * length[j]! * k);
        kernel[p * k + q] = c;
        kernel[q * k + p] = c;
        const cosine = dotIJ / (length[i]! * length[j]!);
        cosines += cosine;
        if (cosine > nearest[p]!) nearest[p] = cosine;
        if (cosine > nearest[q]!) nearest[q] = cosine;
      }
    }
    vendi = Math.exp(spectralEntropy(symmetricEigen(kernel, k).values));
  }
  let remoteClique = NaN;
  let chamferDistance = NaN;
  if (k >= 2) {
    remoteClique = cosineDistance(cosines / ((k * (k - 1)) / 2));
    let sum = 0;
    for (let p = 0; p < k; p++) sum += cosineDistance(nearest[p]!);
    chamferDistance = sum / k;
  }
  return { vendi, effectiveRank, meanPairwiseDistance, remoteClique, chamferDistance, nonZeroRows: k };
}

