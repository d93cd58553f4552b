// Value-role metrics (METRICS.md, "Numeric values"): location, spread and tails of one
// generation's numbers, and their distance from the baseline's distribution.
//
// mean and std are exact over the whole stream: exact sums of the values and of their squares
// (numeric/exactSum.ts), rounded once at the end. The distribution measures (percentiles,
// tail_mass, KS, Wasserstein, histogram) use the values themselves, kept in a bottom-k sample by
// a seeded hash of each value's line: all of them up to `reservoir` values, a uniform sample
// above (the result then says `sampled`). Both merge (`merge`, `toState`/`fromState`) into
// exactly what one pass over all the values gives, however the input was split.
import type { HistogramBin, ValueDistribution } from '../../shared/details';
import { DEFAULT_SEED } from '../random';
import { NumberBottomK, positionKey } from '../numeric/bottomK';
import { ExactSum, varianceNumerator } from '../numeric/exactSum';
import { percentile } from '../numeric/stats';
import { encodeBase64, float64FromBase64, uint32FromBase64 } from '../numeric/base64';

export interface ValueMetricOptions {
  seed?: number;
  /** Values kept for the distribution measures. */
  reservoir?: number;
}

/** What a ValueAccumulator holds, as plain data (for partial results). */
export interface ValueState {
  n: number;
  sum: number[];
  sumSquares: number[];
  seen: number;
  sample: [number, number][];
  /**
   * A reduced accumulator's sample (`reduce`): whether it was sampled, and its values sorted
   * (base64 of a Float64Array) or as distinct values with counts. Not a stored form: a reduced
   * accumulator travels between analysis threads this way but cannot merge.
   */
  reduced?: { sampled: boolean; sorted?: string; values?: string; counts?: string };
}

export class ValueAccumulator {
  private sample: NumberBottomK;
  private readonly seed: number;
  private n = 0;
  private sum = new ExactSum();
  private sumSquares = new ExactSum();
  private sorted: Float64Array | undefined;
  /** Whether the sample was sampled, once `reduce` let go of it. */
  private wasSampled: boolean | undefined;
  /** A reduced sample of repeated values: each distinct value (ascending) and its count. */
  private runs: { values: Float64Array; counts: Uint32Array } | undefined;

  constructor(options: ValueMetricOptions = {}) {
    this.sample = new NumberBottomK(options.reservoir ?? 1_000_000);
    this.seed = options.seed ?? DEFAULT_SEED;
  }

  /** Adds the value of the record at `line`; non-finite numbers are ignored (the reader reports them). */
  add(x: number, line: number): void {
    if (!Number.isFinite(x)) return;
    if (this.sorted || this.runs) throw new Error('ValueAccumulator: add after the sample was sorted');
    this.n++;
    this.sum.add(x);
    this.sumSquares.addSquare(x);
    this.sample.offer(positionKey(this.seed, line), x);
  }

  /** Adds the values of another accumulator (same seed and sample size). */
  merge(other: ValueAccumulator): void {
    if (this.sorted || other.sorted || this.runs || other.runs) throw new Error('ValueAccumulator: merge after a sample was sorted');
    this.n += other.n;
    this.sum.merge(other.sum);
    this.sumSquares.merge(other.sumSquares);
    this.sample.merge(other.sample);
  }

  toState(): ValueState {
    const state: ValueState = { n: this.n, sum: this.sum.toPartials(), sumSquares: this.sumSquares.toPartials(), seen: this.sample.seen, sample: this.sample.entries() };
    if (this.wasSampled === undefined) return state;
    state.reduced = this.runs
      ? { sampled: this.wasSampled, values: encodeBase64(this.runs.values), counts: encodeBase64(this.runs.counts) }
      : { sampled: this.wasSampled, sorted: encodeBase64(this.sorted!) };
    return state;
  }

  static fromState(state: ValueState, options: ValueMetricOptions = {}): ValueAccumulator {
    const acc = new ValueAccumulator(options);
    acc.n = state.n;
    acc.sum = ExactSum.fromPartials(state.sum);
    acc.sumSquares = ExactSum.fromPartials(state.sumSquares);
    acc.sample = NumberBottomK.from(acc.sample.capacity, state.sample, state.seen);
    const r = state.reduced;
    if (r) {
      acc.wasSampled = r.sampled;
      if (r.values !== undefined && r.counts !== undefined) acc.runs = { values: float64FromBase64(r.values), counts: uint32FromBase64(r.counts) };
      else acc.sorted = float64FromBase64(r.sorted ?? '');
    }
    return acc;
  }

  get records(): number {
    return this.n;
  }

  /** The mean and Σ (x − mean)², from the exact sums, each rounded once. */
  get moments(): { n: number; mean: number; m2: number } {
    const n = this.n;
    if (n === 0) return { n, mean: 0, m2: 0 };
    return { n, mean: this.sum.value() / n, m2: Math.max(0, varianceNumerator(n, this.sum, this.sumSquares)) / n };
  }

  /** True when more values arrived than the sample holds. */
  get sampled(): boolean {
    return this.wasSampled ?? this.sample.sampled;
  }

  /** The kept values, ascending; freezes the accumulator. */
  sortedSample(): Float64Array {
    if (this.runs) return expandRuns(this.runs);
    this.sorted ??= Float64Array.from(this.sample.items()).sort();
    return this.sorted;
  }

  /**
   * Keeps the sample as its sorted values only (8 bytes a value instead of a keyed entry of
   * about 40), for a generation whose records were all read: finishing needs nothing else.
   * The accumulator then neither takes values nor merges.
   */
  reduce(): void {
    if (this.wasSampled !== undefined) return;
    const sorted = this.sortedSample();
    this.wasSampled = this.sample.sampled;
    this.sample = new NumberBottomK(1);
    // Values that repeat (scores with few decimals, ratings, 0/1 rewards) keep as distinct
    // values with counts when that is at most half the size; `sortedSample` expands them.
    const runs = toRuns(sorted);
    if (runs.values.length * 12 <= sorted.length * 4) {
      this.runs = runs;
      this.sorted = undefined;
    }
  }
}

/** Distinct values of an ascending array, with their counts. */
function toRuns(sorted: Float64Array): { values: Float64Array; counts: Uint32Array } {
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || !Object.is(sorted[i], sorted[i - 1])) distinct++;
  const values = new Float64Array(distinct);
  const counts = new Uint32Array(distinct);
  let d = -1;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || !Object.is(sorted[i], sorted[i - 1])) values[++d] = sorted[i]!;
    counts[d]!++;
  }
  return { values, counts };
}

function expandRuns(runs: { values: Float64Array; counts: Uint32Array }): Float64Array {
  let n = 0;
  for (let i = 0; i < runs.counts.length; i++) n += runs.counts[i]!;
  const out = new Float64Array(n);
  let at = 0;
  for (let i = 0; i < runs.values.length; i++) {
    out.fill(runs.values[i]!, at, at + runs.counts[i]!);
    at += runs.counts[i]!;
  }
  return out;
}

export interface ValueBaseline {
  p01: number;
  p99: number;
  sorted: Float64Array;
}

export function buildValueBaseline(baseline: ValueAccumulator): ValueBaseline {
  const sorted = baseline.sortedSample();
  return { p01: percentile(sorted, 1), p99: percentile(sorted, 99), sorted };
}

export interface ValueGroupResult {
  metrics: Record<string, number>;
  /** Metric key → values used, for the measures computed on a sample. */
  sampled: Record<string, number>;
  distribution: ValueDistribution;
}

/**
 * mean, std (n − 1), tail_mass, ks_vs_baseline, wasserstein_vs_baseline.
 *
 * tail_mass is the share of values strictly below the baseline's 1st percentile or
 * strictly above its 99th; in the baseline itself that is 0.02 by construction (up to
 * rounding of the percentile positions and ties at the cut points).
 */
export function finishValueMetrics(acc: ValueAccumulator, baseline: ValueBaseline, histogramEdges: number[]): ValueGroupResult {
  const metrics: Record<string, number> = {};
  const sampled: Record<string, number> = {};
  const { n, mean, m2 } = acc.moments;
  const sorted = acc.sortedSample();
  if (n > 0) metrics.mean = mean;
  if (n > 1) metrics.std = Math.sqrt(m2 / (n - 1));
  if (sorted.length > 0) {
    metrics.tail_mass = tailMass(sorted, baseline.p01, baseline.p99);
    if (baseline.sorted.length > 0) {
      metrics.ks_vs_baseline = ksStatistic(sorted, baseline.sorted);
      metrics.wasserstein_vs_baseline = wasserstein1(sorted, baseline.sorted);
    }
    if (acc.sampled) {
      for (const key of ['tail_mass', 'ks_vs_baseline', 'wasserstein_vs_baseline']) if (key in metrics) sampled[key] = sorted.length;
    }
  }
  const distribution: ValueDistribution = {
    histogram: histogram(sorted, histogramEdges),
    p01: percentile(sorted, 1),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  };
  return { metrics, sampled, distribution };
}

/**
 * One set of equal-width bin edges (bins + 1 of them) for every group's histogram, from
 * the lowest 0.5th percentile to the highest 99.5th percentile over the groups, so that
 * the chart compares like with like and one outlier does not squeeze every bar into one.
 * Values outside the edges are left out of the histograms. Empty groups are skipped; no
 * values at all gives []. A zero-width range is widened to ±0.5 around its value.
 */
export function sharedHistogramEdges(groups: ValueAccumulator[], bins = 40): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const g of groups) {
    const s = g.sortedSample();
    if (s.length === 0) continue;
    lo = Math.min(lo, percentile(s, 0.5));
    hi = Math.max(hi, percentile(s, 99.5));
  }
  if (!(lo <= hi)) return [];
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) edges.push(i === bins ? hi : lo + ((hi - lo) * i) / bins);
  return edges;
}

/**
 * Two-sample Kolmogorov–Smirnov statistic sup_x |F_a(x) − F_b(x)| of two ascending
 * samples, with right-continuous empirical CDFs (ties handled as scipy's ks_2samp). NaN
 * when either is empty.
 */
export function ksStatistic(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return NaN;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i]!, b[j]!);
    while (i < n && a[i]! <= x) i++;
    while (j < m && b[j]! <= x) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  return d;
}

/**
 * 1-Wasserstein distance ∫ |F_a − F_b| dx between the empirical distributions of two
 * ascending samples (scipy's wasserstein_distance without weights). NaN when either is
 * empty.
 */
export function wasserstein1(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return NaN;
  let i = 0;
  let j = 0;
  let x = Math.min(a[0]!, b[0]!);
  let total = 0;
  // Walk the pooled values; between two consecutive ones both CDFs are constant.
  while (i < n || j < m) {
    while (i < n && a[i]! <= x) i++;
    while (j < m && b[j]! <= x) j++;
    if (i === n && j === m) break;
    const next = Math.min(i < n ? a[i]! : Infinity, j < m ? b[j]! : Infinity);
    total += Math.abs(i / n - j / m) * (next - x);
    x = next;
  }
  return total;
}

function tailMass(sorted: Float64Array, lo: number, hi: number): number {
  const below = lowerBound(sorted, lo);
  const above = sorted.length - upperBound(sorted, hi);
  return (below + above) / sorted.length;
}

function histogram(sorted: Float64Array, edges: number[]): HistogramBin[] {
  const bins: HistogramBin[] = [];
  for (let k = 0; k + 1 < edges.length; k++) {
    const x0 = edges[k]!;
    const x1 = edges[k + 1]!;
    // [x0, x1), the last bin closed on the right.
    const last = k + 2 === edges.length;
    const count = (last ? upperBound(sorted, x1) : lowerBound(sorted, x1)) - lowerBound(sorted, x0);
    bins.push({ x0, x1, count });
  }
  return bins;
}

/** First index with sorted[i] >= x. */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with sorted[i] > x. */
function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * p-value of the two-sample Kolmogorov-Smirnov statistic `d` for samples of sizes `n` and
 * `m`, from the asymptotic Kolmogorov distribution with the small-sample correction of
 * Stephens (1970): λ = (√nₑ + 0.12 + 0.11/√nₑ)·d, nₑ = nm/(n+m), and
 * Q(λ) = 2 Σ (−1)^(j−1) exp(−2j²λ²). It is the `mode='asymp'` of scipy's ks_2samp up to that
 * correction, and close to the exact p-value from a few dozen values per sample.
 */
export function ksPValue(d: number, n: number, m: number): number {
  if (!(d > 0) || n < 1 || m < 1) return 1;
  const en = Math.sqrt((n * m) / (n + m));
  const lambda = (en + 0.12 + 0.11 / en) * d;
  if (lambda < 0.2) return 1;
  let sum = 0;
  let sign = 1;
  for (let j = 1; j <= 100; j++) {
    const term = sign * Math.exp(-2 * j * j * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-16 * Math.abs(sum)) break;
    sign = -sign;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

