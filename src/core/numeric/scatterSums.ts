// The d × d sums of the rows that left a generation's sample on the vector role's d × d route
// (metrics/vectors.ts): Gram matrix of the normalized rows (summed exactly, exactGram.ts),
// scatter about an anchor with the rows' sum about it, and exact coordinate sums; they merge
// and travel as plain data.
import { GramAccumulator } from './linalg';
import { ExactVectorSum } from './exactVectorSum';
import { ExactUnitGram } from './exactGram';
import type { ExactUnitGramState } from './exactGram';
import { squaredNorm } from './pairwise';
import { encodeBase64, float64FromBase64 } from './base64';

/** The sums of the rows that left the sample on the d × d route (see `SpillSums`). */
export interface SpillState {
  /** Rows summed, and those with a direction. */
  n: number;
  nonZero: number;
  /** The row the scatter is taken about (d doubles, base64). */
  anchor: string;
  /** Σ (x − anchor)(x − anchor)ᵀ, full d × d, row-major (base64). */
  shifted: string;
  /** Σ (x − anchor) (d doubles, base64). */
  sums: string;
  /** Σ x̂ x̂ᵀ over the normalized non-zero rows, summed exactly (numeric/exactGram.ts). */
  normalized: ExactUnitGramState;
  /** Exact sums of each coordinate (partials) and of all squares. */
  exact: { sums: number[][]; squares: number[] };
}

/**
 * The d × d sums of the rows that left the sample (d × d route): the Gram matrix of the
 * normalized rows (summed exactly, so in any order the same), the scatter about an anchor row (so that embeddings far from the origin do
 * not lose their spread to cancellation in XᵀX − nμμᵀ) with the sum of the rows about it, and
 * exact sums of every coordinate and of all squares. Two of them merge by re-expressing the
 * other's scatter about this anchor: Σ(x − a)(x − a)ᵀ = Σ(x − b)(x − b)ᵀ + s δᵀ + δ sᵀ + m δδᵀ
 * with δ = b − a and s = Σ(x − b) over its m rows.
 */
export class SpillSums {
  readonly anchor: Float64Array;
  private readonly shifted: GramAccumulator;
  normalized: ExactUnitGram;
  private readonly sums: Float64Array;
  private readonly scratch: Float64Array;
  exact: ExactVectorSum;
  n = 0;
  nonZero = 0;

  constructor(
    private readonly d: number,
    anchor: ArrayLike<number>,
  ) {
    this.anchor = Float64Array.from(anchor);
    this.shifted = new GramAccumulator(d);
    this.normalized = new ExactUnitGram(d);
    this.sums = new Float64Array(d);
    this.scratch = new Float64Array(d);
    this.exact = new ExactVectorSum(d);
  }

  add(row: ArrayLike<number>): void {
    const d = this.d;
    this.n++;
    this.exact.add(row);
    const norm2 = squaredNorm(row);
    if (norm2 > 0) {
      this.nonZero++;
      this.normalized.add(row, 1 / Math.sqrt(norm2));
    }
    const s = this.scratch;
    const a = this.anchor;
    for (let i = 0; i < d; i++) {
      const x = row[i]! - a[i]!;
      s[i] = x;
      this.sums[i] = this.sums[i]! + x;
    }
    this.shifted.add(s);
  }

  merge(other: SpillSums): void {
    const d = this.d;
    this.shifted.flush();
    other.shifted.flush();
    const delta = new Float64Array(d);
    for (let i = 0; i < d; i++) delta[i] = other.anchor[i]! - this.anchor[i]!;
    const g = this.shifted.gram;
    const og = other.shifted.gram;
    const os = other.sums;
    const m = other.n;
    for (let i = 0; i < d; i++) {
      const row = i * d;
      for (let j = i; j < d; j++) g[row + j] = g[row + j]! + (og[row + j]! + os[i]! * delta[j]! + delta[i]! * os[j]! + m * delta[i]! * delta[j]!);
    }
    for (let i = 0; i < d; i++) this.sums[i] = this.sums[i]! + (os[i]! + m * delta[i]!);
    this.normalized.merge(other.normalized);
    this.exact.merge(other.exact);
    this.n += m;
    this.nonZero += other.nonZero;
  }

  copy(): SpillSums {
    return SpillSums.fromState(this.d, this.toState());
  }

  /** Σ (x − μ)(x − μ)ᵀ over these rows, full d × d (a new array). */
  scatterAbout(mean: Float64Array): Float64Array {
    const d = this.d;
    this.shifted.flush();
    const out = upperToFull(this.shifted.gram, d);
    const delta = new Float64Array(d);
    for (let i = 0; i < d; i++) delta[i] = mean[i]! - this.anchor[i]!;
    const s = this.sums;
    const m = this.n;
    // (x − μ) = (x − a) − δ: Σ(x − a)(x − a)ᵀ − s δᵀ − δ sᵀ + m δδᵀ.
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) out[i * d + j] = out[i * d + j]! - s[i]! * delta[j]! - delta[i]! * s[j]! + m * delta[i]! * delta[j]!;
    }
    return out;
  }

  toState(): SpillState {
    const d = this.d;
    return {
      n: this.n,
      nonZero: this.nonZero,
      anchor: encodeBase64(this.anchor),
      shifted: encodeBase64((this.shifted.flush(), upperToFull(this.shifted.gram, d))),
      sums: encodeBase64(this.sums),
      normalized: this.normalized.toState(),
      exact: this.exact.toState(),
    };
  }

  static fromState(d: number, state: SpillState): SpillSums {
    const s = new SpillSums(d, float64FromBase64(state.anchor, d));
    s.n = state.n;
    s.nonZero = state.nonZero;
    s.shifted.gram.set(float64FromBase64(state.shifted, d * d));
    s.normalized = ExactUnitGram.fromState(d, state.normalized);
    s.sums.set(float64FromBase64(state.sums, d));
    s.exact = ExactVectorSum.fromState(d, state.exact);
    return s;
  }
}

/** The full symmetric matrix of an upper triangle (a new array). */
function upperToFull(upper: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = upper[i * d + j]!;
      out[i * d + j] = v;
      out[j * d + i] = v;
    }
  }
  return out;
}
