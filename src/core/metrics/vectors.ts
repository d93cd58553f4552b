// Over 400 lines: the vector accumulator (its two routes, its mergeable state) with the metric definitions and the projection chart.
// Vector-role metrics (METRICS.md, "Vectors"): Vendi score, mean pairwise distance, remote
// clique, Chamfer distance, effective rank and total variance of one generation's n × d
// embedding matrix X. The numerics live in numeric/ (linalg.ts, spectral.ts, pairwise.ts).
//
// Streaming: rows arrive one at a time. A seeded bottom-k sample keyed by each row's position
// (line, place on the line) keeps rows, the same rows however the input is split. Two routes,
// chosen by d when a group's first row arrives:
//
// - d ≤ 1,024 (`DENSE_DIMENSION_LIMIT`): while the sample holds every row (up to
//   `reservoir` rows), nothing else is kept: at the end Vendi comes from the d × d Gram matrix
//   of the L2-normalized rows (the n × n kernel while n ≤ d), effective rank and total variance
//   from the scatter matrix, all computed from the rows in position order, so the numbers do
//   not depend on how the input was split. A row that leaves the sample goes into the d × d
//   sums of the rows that left (numeric/scatterSums.ts): the Gram matrix of the normalized rows
//   (summed exactly), the scatter about an anchor, and exact per-coordinate sums (mean, total
//   variance). Mean
//   pairwise distance, remote clique and Chamfer distance are exact on the kept rows up to
//   `exactPairwiseLimit`; above, a fixed number of uniformly drawn pairs for the distance, and
//   every pair of a seeded sample of `exactPairwiseLimit` kept rows for the two cosine metrics.
// - d > 1,024: no d × d matrix. Mean and total variance come from exact per-coordinate sums
//   (O(d) per row). The sample keeps up to 500 rows (`SAMPLE_ROWS`, fewer past 2²³ numbers), and
//   Vendi, effective rank and the three pair metrics are computed exactly on those rows through
//   their m × m Gram matrix: exact while the group has at most that many rows, a seeded uniform
//   sample of them above (reported under `sampled`). Cost O(m²d + m³) per group whatever n is.
//
// Accumulators of parts of one generation merge (`merge`, `toState`/`fromState`) into what one
// pass gives: the same bytes, except the effective rank (and the chart's axes) of a d ≤ 1,024
// group whose rows outnumber the sample, whose scatter is summed in floating point about an
// anchor (within 1e-12; docs/METRICS.md). Kept rows are held exactly (numeric/rowCodec.ts).
//
// Rows longer than 65,536 numbers (`MAX_VECTOR_LENGTH`) are refused before anything is
// allocated for them.
import type { Projection, ProjectionPoint } from '../../shared/details';
import { centeredRowGram, GramAccumulator, symmetricEigen, topEigenvectors } from '../numeric/linalg';
import { DEFAULT_SEED, Random } from '../random';
import { BottomK, positionKey } from '../numeric/bottomK';
import { ExactVectorSum } from '../numeric/exactVectorSum';
import { SpillSums } from '../numeric/scatterSums';
import type { SpillState } from '../numeric/scatterSums';
import { pairwiseSpread, sampledMeanPairwiseDistance, squaredNorm } from '../numeric/pairwise';
import {
  checkRows,
  effectiveRankFromScatter,
  effectiveRankOfRows,
  momentsOfRows,
  rowSampleMetrics,
  spectralEntropy,
  trace,
  vendiFromGram,
  vendiFromRows,
} from '../numeric/spectral';
import type { VectorMoments } from '../numeric/spectral';
import { encodeBase64, float64FromBase64 } from '../numeric/base64';
import { loadRow, storedScale, storeRow } from '../numeric/rowCodec';
import type { StoredRow } from '../numeric/rowCodec';

export { rowSampleMetrics } from '../numeric/spectral';
export type { RowSampleMetrics, VectorMoments } from '../numeric/spectral';
export type { SpillState } from '../numeric/scatterSums';

/** Longest vector accepted; longer rows are refused as malformed records. */
export const MAX_VECTOR_LENGTH = 65_536;
/** Up to this dimension the exact d × d route; above it the row-sample route. */
export const DENSE_DIMENSION_LIMIT = 1024;
/** Rows per group on the row-sample route: all of them up to this many, else a seeded sample. */
export const SAMPLE_ROWS = 500;
/** Numbers (rows × d) a group keeps on the row-sample route: 64 MB of doubles. */
export const SAMPLE_NUMBERS = 1 << 23;

/**
 * Why a vector of this length is refused (longer than MAX_VECTOR_LENGTH), or undefined. Whoever
 * validates rows before `VectorAccumulator.add` should ask this first, so that such a record
 * is reported as malformed with this message and nothing is allocated for it.
 */
export function vectorLengthProblem(length: number): string | undefined {
  if (length <= MAX_VECTOR_LENGTH) return undefined;
  return `vectors of ${groupDigits(length)} numbers are longer than the ${groupDigits(MAX_VECTOR_LENGTH)} this analysis accepts`;
}

export interface VectorMetricOptions {
  seed?: number;
  /** Mean pairwise distance is exact over all rows up to this many rows (d × d route). */
  exactPairwiseLimit?: number;
  /** Pairs drawn for the mean pairwise distance above `exactPairwiseLimit` (d × d route). */
  sampledPairs?: number;
  /**
   * Rows kept for sampled pairs and the projection: raised to `exactPairwiseLimit` on the
   * d × d route, at most `sampleRows` (and 2²³ numbers) on the row-sample route.
   */
  reservoir?: number;
  /** Dimensions above this take the row-sample route (default `DENSE_DIMENSION_LIMIT`). */
  denseDimensionLimit?: number;
  /** Rows kept per group on the row-sample route (default `SAMPLE_ROWS`). */
  sampleRows?: number;
}

const DEFAULTS: Required<VectorMetricOptions> = {
  seed: DEFAULT_SEED,
  exactPairwiseLimit: 5000,
  sampledPairs: 2_000_000,
  reservoir: 5000,
  denseDimensionLimit: DENSE_DIMENSION_LIMIT,
  sampleRows: SAMPLE_ROWS,
};

const OPTION_KEYS = Object.keys(DEFAULTS) as (keyof VectorMetricOptions)[];

/**
 * Everything a `VectorAccumulator` holds, as plain JSON-serialisable data (`toState`,
 * `VectorAccumulator.fromState`): a partial result of one generation that merges with others
 * into what one pass over all of their rows gives. Numeric arrays are base64 of the bytes of
 * a Float64Array (little-endian), so they come back bit for bit.
 */
export interface VectorState {
  /** Format of this object; `fromState` refuses any other. */
  version: 1;
  /** The options that shaped the accumulator; a state restores and merges with these. */
  options: Required<VectorMetricOptions>;
  /** Length of every row; absent before the first row. */
  d?: number;
  /** Rows accepted, zero rows included. */
  n: number;
  /** All-zero rows among them. */
  zeros: number;
  /** Rows with a direction (n − zeros). */
  nonZero: number;
  /** The line of the last row added and its place on that line (to number the next row on the same line). */
  lastLine: number;
  onLine: number;
  /** Rows offered to the sample over all merged parts (more than it keeps when it is a sample). */
  seen: number;
  /**
   * The kept rows (the bottom-k sample by position key), in position order: their lines, their
   * places on their lines, and the rows themselves, row-major (kept × d doubles, base64).
   */
  kept: { lines: number[]; indices: number[]; rows: string };
  /** d ≤ 1,024 route, once rows have left the sample: the sums of those rows. */
  spill?: SpillState;
  /** Row-sample route: exact sums of every row's coordinates (partials per coordinate) and of their squares. */
  exact?: { sums: number[][]; squares: number[] };
}


interface KeptRow {
  /** The row as read, in the smallest form that gives back its doubles exactly (numeric/rowCodec.ts). */
  stored: StoredRow;
  /** An all-zero row. */
  zero: boolean;
  line: number;
  /** Its place among the vectors of its line. */
  index: number;
}

/** What the d × d route computes once at the end, from the kept rows and the spilled sums. */
interface DenseFinish {
  moments: VectorMoments;
  /** Σ x̂ x̂ᵀ of the normalized rows (full), when the d × d forms apply (n > d or rows left the sample). */
  normalizedGram: Float64Array | undefined;
  /** Total variance's numerator (trace of the scatter), exact when rows left the sample. */
  scatterTrace: number;
}

export class VectorAccumulator {
  private options: Required<VectorMetricOptions>;
  // Created with the first row, once d (and so the route) is known.
  // The kept rows: a bottom-k sample by a seeded hash of each row's position, so the same
  // rows are kept however the input is split (numeric/bottomK.ts).
  private reservoir: BottomK<KeptRow> | undefined;
  private lastLine = -1;
  private onLine = 0;
  // The decimal scale the last stored row had (the next one is tried at it first).
  private scaleHint = 6;
  // The kept rows in position order, until the sample changes.
  private kept: KeptRow[] | undefined;
  private d: number | undefined;
  private n = 0;
  private zeros = 0;
  private nonZero = 0;
  private wide = false;
  // d × d route: the sums of the rows that left the sample (none while it holds every row).
  private spill: SpillSums | undefined;
  // Row-sample route: exact per-coordinate sums of every row.
  private exact: ExactVectorSum | undefined;
  private finished: DenseFinish | undefined;
  private frozen = false;

  constructor(options: VectorMetricOptions = {}) {
    this.options = { ...DEFAULTS, ...definedOnly(options) };
  }

  /**
   * Adds one row. Returns a message (and ignores the row) when it cannot be used: empty,
   * longer than MAX_VECTOR_LENGTH, a length other than the group's first row, or a
   * non-finite entry.
   */
  add(vector: ArrayLike<number>, line: number): string | undefined {
    if (this.frozen) throw new Error('VectorAccumulator: add after the metrics were computed');
    const len = vector.length;
    if (len === 0) return 'expected an array of numbers, found an empty one';
    const tooLong = vectorLengthProblem(len);
    if (tooLong) return tooLong;
    if (this.d !== undefined && len !== this.d) return `expected ${this.d} numbers, found ${len}`;
    let norm2 = 0;
    for (let i = 0; i < len; i++) {
      const x = vector[i];
      if (typeof x !== 'number' || !Number.isFinite(x)) return `element ${i} is not a finite number (${String(x)})`;
      norm2 += x * x;
    }
    if (this.d === undefined) this.start(len);
    this.n++;
    if (norm2 === 0) this.zeros++;
    else this.nonZero++;

    this.onLine = line === this.lastLine ? this.onLine + 1 : 0;
    this.lastLine = line;
    this.exact?.add(vector);
    const reservoir = this.reservoir!;
    const key = positionKey(this.options.seed, line, this.onLine);
    if (reservoir.admits(key)) {
      const stored = storeRow(vector, this.scaleHint);
      this.scaleHint = storedScale(stored) ?? this.scaleHint;
      reservoir.offer(key, { stored, line, index: this.onLine, zero: norm2 === 0 });
      this.kept = undefined;
    } else {
      reservoir.seen++;
      if (!this.wide) this.spillRow(vector);
    }
    return undefined;
  }

  /**
   * Lowers the sample to `reservoir` rows (and the exact pairwise limit with it), when more
   * generations share the memory: afterwards this holds what an accumulator made with that
   * reservoir holds, since the sample is a bottom-k by position key and the rows it lets go
   * join the exact sums of the rows outside it. Never raises it.
   */
  shrinkSample(reservoir: number): void {
    const o = this.options;
    const next = Math.min(o.reservoir, reservoir);
    const limit = Math.min(o.exactPairwiseLimit, next);
    if (next === o.reservoir && limit === o.exactPairwiseLimit) return;
    if (this.frozen) throw new Error('VectorAccumulator.shrinkSample: after the metrics were computed');
    this.options = { ...o, reservoir: next, exactPairwiseLimit: limit };
    const sample = this.reservoir;
    if (!sample || this.d === undefined) return;
    const capacity = this.capacityFor(this.d);
    if (capacity >= sample.capacity) return;
    sample.capacity = capacity;
    while (sample.size > capacity) {
      const item = sample.popLargest()!;
      if (!this.wide) this.spillRow(loadRow(item.stored));
    }
    this.kept = undefined;
  }

  /**
   * Adds the rows of another accumulator of the same generation (same options, same d; rows
   * at other positions): afterwards this one holds what one pass over the rows of both gives.
   * Samples of different sizes (parts read while other generations shared the memory) are
   * both lowered to the smaller first. Throws when the options or the dimensions differ, or
   * either has been finished.
   */
  merge(other: VectorAccumulator): void {
    if (other === this) throw new Error('VectorAccumulator.merge: cannot merge an accumulator into itself');
    if (this.frozen || other.frozen) throw new Error('VectorAccumulator.merge: merge after the metrics were computed');
    const rows = Math.min(this.options.reservoir, other.options.reservoir);
    this.shrinkSample(rows);
    other.shrinkSample(rows);
    for (const k of OPTION_KEYS) {
      if (this.options[k] !== other.options[k]) throw new Error(`VectorAccumulator.merge: different options (${k} ${this.options[k]} and ${other.options[k]})`);
    }
    if (other.d === undefined) return;
    if (this.d === undefined) this.start(other.d);
    else if (this.d !== other.d) throw new Error(`VectorAccumulator.merge: rows of ${other.d} numbers cannot join rows of ${this.d}`);
    this.n += other.n;
    this.zeros += other.zeros;
    this.nonZero += other.nonZero;
    if (this.exact && other.exact) this.exact.merge(other.exact);
    if (other.spill) {
      if (this.spill) this.spill.merge(other.spill);
      else this.spill = other.spill.copy();
    }
    const reservoir = this.reservoir!;
    const theirs = other.reservoir!;
    const seen = reservoir.seen + theirs.seen;
    const seed = this.options.seed;
    for (const item of theirs.items()) {
      const key = positionKey(seed, item.line, item.index);
      if (reservoir.admits(key)) reservoir.offer(key, item);
      else if (!this.wide) this.spillRow(loadRow(item.stored));
    }
    reservoir.seen = seen;
    this.kept = undefined;
  }

  /** The accumulator as plain data (see `VectorState`); `fromState` restores it. */
  toState(): VectorState {
    const o = this.options;
    const kept = this.sortedKept();
    const d = this.d ?? 0;
    const rows = new Float64Array(kept.length * d);
    kept.forEach((k, i) => rows.set(loadRow(k.stored), i * d));
    const state: VectorState = {
      version: 1,
      options: { ...o },
      n: this.n,
      zeros: this.zeros,
      nonZero: this.nonZero,
      lastLine: this.lastLine,
      onLine: this.onLine,
      seen: this.reservoir?.seen ?? 0,
      kept: { lines: kept.map((k) => k.line), indices: kept.map((k) => k.index), rows: encodeBase64(rows) },
    };
    if (this.d !== undefined) state.d = this.d;
    if (this.spill) state.spill = this.spill.toState();
    if (this.exact) state.exact = this.exact.toState();
    return state;
  }

  /**
   * An accumulator from `toState`'s data. The state's own options win over `options` (a
   * generation's sample size can be lowered by a shared budget), except that another seed is
   * refused: its sample would not merge with this one's.
   */
  static fromState(state: VectorState, options: VectorMetricOptions = {}): VectorAccumulator {
    if (state.version !== 1) throw new Error(`VectorAccumulator.fromState: unknown state version ${String(state.version)}`);
    if (options.seed !== undefined && options.seed !== state.options.seed) {
      throw new Error(`VectorAccumulator.fromState: the state was drawn with seed ${state.options.seed}, not ${options.seed}`);
    }
    const acc = new VectorAccumulator({ ...options, ...state.options });
    if (state.d === undefined) return acc;
    const d = state.d;
    acc.start(d);
    acc.n = state.n;
    acc.zeros = state.zeros;
    acc.nonZero = state.nonZero;
    acc.lastLine = state.lastLine;
    acc.onLine = state.onLine;
    const { lines, indices } = state.kept;
    const rows = float64FromBase64(state.kept.rows, lines.length * d);
    const reservoir = acc.reservoir!;
    for (let i = 0; i < lines.length; i++) {
      const row = rows.slice(i * d, (i + 1) * d);
      reservoir.offer(positionKey(acc.options.seed, lines[i]!, indices[i]!), { stored: storeRow(row, acc.scaleHint), line: lines[i]!, index: indices[i]!, zero: squaredNorm(row) === 0 });
    }
    reservoir.seen = state.seen;
    if (state.spill) {
      if (acc.wide) throw new Error('VectorAccumulator.fromState: a row-sample state cannot hold d × d sums');
      acc.spill = SpillSums.fromState(d, state.spill);
    }
    if (acc.exact) {
      if (!state.exact) throw new Error('VectorAccumulator.fromState: the row-sample state has no sums');
      acc.exact = ExactVectorSum.fromState(d, state.exact);
    }
    return acc;
  }

  /** Rows accepted (zero rows included). */
  get records(): number {
    return this.n;
  }

  get dimension(): number | undefined {
    return this.d;
  }

  /** All-zero rows: no direction, so left out of the Vendi score. */
  get zeroRows(): number {
    return this.zeros;
  }

  /** Rows a group keeps on the row-sample route (also the chart's pooled sample there). */
  get sampleRows(): number {
    return this.options.sampleRows;
  }

  /** True when the group takes the row-sample route (d above the dense limit). */
  get rowSampleRoute(): boolean {
    return this.wide;
  }

  /**
   * Mean and d × d scatter about the mean (d × d route only: undefined on the row-sample
   * route, which has no d × d matrix); freezes the accumulator.
   */
  scatterMoments(): VectorMoments | undefined {
    if (this.d === undefined || this.wide) return undefined;
    return this.denseFinish().moments;
  }

  /** Exact mean of all rows, on either route. */
  mean(): Float64Array | undefined {
    if (this.exact) return this.exact.mean(this.n);
    return this.scatterMoments()?.mean;
  }

  /**
   * The kept rows with their lines, in position order (all rows while n ≤ the sample's
   * capacity).
   */
  keptRows(): readonly { row: Float64Array; line: number }[] {
    return this.sortedKept().map((k) => ({ row: loadRow(k.stored), line: k.line }));
  }

  /** How many rows the sample holds. */
  get keptCount(): number {
    return this.reservoir?.size ?? 0;
  }

  /** The `i`-th kept row in position order. */
  keptRow(i: number): Float64Array {
    return loadRow(this.sortedKept()[i]!.stored);
  }

  /** The line of the `i`-th kept row in position order. */
  keptLine(i: number): number {
    return this.sortedKept()[i]!.line;
  }

  /** @internal Everything `finishVectorMetrics` needs; freezes the accumulator. */
  state(): {
    n: number;
    nonZero: number;
    d: number | undefined;
    allKept: boolean;
    dense: DenseFinish | undefined;
    exact: ExactVectorSum | undefined;
    options: Required<VectorMetricOptions>;
  } {
    this.frozen = true;
    return {
      n: this.n,
      nonZero: this.nonZero,
      d: this.d,
      allKept: !(this.reservoir?.sampled ?? false),
      dense: this.d !== undefined && !this.wide ? this.denseFinish() : undefined,
      exact: this.exact,
      options: this.options,
    };
  }

  private sortedKept(): KeptRow[] {
    this.kept ??= [...(this.reservoir?.items() ?? [])].sort((a, b) => a.line - b.line || a.index - b.index);
    return this.kept;
  }

  private spillRow(row: ArrayLike<number>): void {
    this.spill ??= new SpillSums(this.d!, this.keptMean(row));
    this.spill.add(row);
  }

  // The anchor of the spilled scatter: the mean of the rows the sample holds when the first row
  // leaves it (near the middle of the group, so no cancellation eats the spread; one zero row
  // would be a poor anchor for rows far from the origin).
  private keptMean(leaving: ArrayLike<number>): Float64Array {
    const d = this.d!;
    const mean = Float64Array.from(leaving);
    const items = this.reservoir?.items() ?? [];
    const row = new Float64Array(d);
    for (const k of items) {
      loadRow(k.stored, row);
      for (let i = 0; i < d; i++) mean[i] = mean[i]! + row[i]!;
    }
    for (let i = 0; i < d; i++) mean[i] = mean[i]! / (items.length + 1);
    return mean;
  }

  /**
   * The d × d route's sums over all rows, once: the kept rows in position order, plus the sums
   * of the rows that left the sample.
   */
  private denseFinish(): DenseFinish {
    if (this.finished) return this.finished;
    this.frozen = true;
    const d = this.d!;
    const rows = this.sortedKept().map((k) => loadRow(k.stored));
    const spill = this.spill;
    if (!spill) {
      const moments = momentsOfRows(rows, d);
      let normalizedGram: Float64Array | undefined;
      if (this.n > d) {
        const gram = new GramAccumulator(d);
        for (const r of rows) {
          const norm2 = squaredNorm(r);
          if (norm2 > 0) gram.add(r, 1 / Math.sqrt(norm2));
        }
        normalizedGram = gram.finish();
      }
      this.finished = { moments, normalizedGram, scatterTrace: trace(moments.scatter, d) };
      return this.finished;
    }
    const n = this.n;
    const exact = spill.exact.copy();
    for (const r of rows) exact.add(r);
    const mean = exact.mean(n);
    const scatter = spill.scatterAbout(mean);
    const centered = new GramAccumulator(d);
    const c = new Float64Array(d);
    for (const r of rows) {
      for (let i = 0; i < d; i++) c[i] = r[i]! - mean[i]!;
      centered.add(c);
    }
    const kept = centered.finish();
    for (let i = 0; i < d * d; i++) scatter[i] = scatter[i]! + kept[i]!;
    const unit = spill.normalized.copy();
    for (const r of rows) {
      const norm2 = squaredNorm(r);
      if (norm2 > 0) unit.add(r, 1 / Math.sqrt(norm2));
    }
    const normalized = unit.matrix();
    this.finished = { moments: { n, d, mean, scatter }, normalizedGram: normalized, scatterTrace: exact.scatterTrace(n) };
    return this.finished;
  }

  private start(d: number): void {
    this.d = d;
    const capacity = this.capacityFor(d);
    if (d > this.options.denseDimensionLimit) {
      this.wide = true;
      this.exact = new ExactVectorSum(d);
      this.reservoir = new BottomK<KeptRow>(capacity);
    } else {
      // A row pushed out of the sample joins the sums of the rows that left it.
      this.reservoir = new BottomK<KeptRow>(capacity, (item) => this.spillRow(loadRow(item.stored)));
    }
  }

  /** Rows the sample keeps at dimension d with the current options. */
  private capacityFor(d: number): number {
    const o = this.options;
    return d > o.denseDimensionLimit ? Math.max(2, Math.min(o.sampleRows, o.reservoir, Math.floor(SAMPLE_NUMBERS / d))) : Math.max(o.reservoir, o.exactPairwiseLimit);
  }
}

export interface VectorGroupResult {
  metrics: Record<string, number>;
  /** Sample sizes of the metrics that were estimated (metric key → pairs or rows used). */
  sampled: Record<string, number>;
}

/**
 * The six vector metrics of one group. A metric that needs more rows than there are is
 * left out: `vendi_score` needs one non-zero row, `remote_clique` and `chamfer_distance`
 * two non-zero rows, the other three two rows.
 */
export function finishVectorMetrics(acc: VectorAccumulator): VectorGroupResult {
  const metrics: Record<string, number> = {};
  const sampled: Record<string, number> = {};
  const state = acc.state();
  const d = state.d;
  if (d === undefined || state.n === 0) return { metrics, sampled };
  if (state.exact) return finishRowSample(acc, state.exact, state.n, state.allKept);
  const dense = state.dense!;

  const rows = acc.keptRows().map((k) => k.row);
  if (state.nonZero > 0) {
    metrics.vendi_score = dense.normalizedGram
      ? vendiFromGram(dense.normalizedGram, d, state.nonZero)
      : vendiFromRows(rows, d);
  }

  const moments = dense.moments;
  if (state.n >= 2) {
    metrics.total_variance = dense.scatterTrace / (state.n - 1);
    metrics.effective_rank = dense.normalizedGram
      ? effectiveRankFromScatter(moments.scatter, d)
      : effectiveRankOfRows(rows, d);

    const limit = state.options.exactPairwiseLimit;
    if (state.allKept && state.n <= limit) {
      const spread = pairwiseSpread(rows, d);
      metrics.mean_pairwise_distance = spread.meanDistance;
      putCosineSpread(metrics, spread);
    } else {
      const pairs = state.options.sampledPairs;
      metrics.mean_pairwise_distance = sampledMeanPairwiseDistance(rows, d, pairs, new Random(state.options.seed));
      sampled.mean_pairwise_distance = pairs;
      // The nearest neighbour needs every pair of its rows: both cosine metrics are exact on a
      // seeded sample of `limit` kept rows, so this costs what an exact group of `limit` rows does.
      const spread = pairwiseSpread(seededSubset(rows, limit, new Random(state.options.seed ^ SPREAD_SAMPLE_SALT)), d);
      if (putCosineSpread(metrics, spread)) putCosineSampleSizes(sampled, spread.nonZero);
    }
  }
  return { metrics, sampled };
}

// Decorrelates the row sample of the cosine metrics from the pair draws of the distance.
const SPREAD_SAMPLE_SALT = 0x5bd1e995;

/** Sets `remote_clique` and `chamfer_distance` when there are two non-zero rows; says whether it did. */
function putCosineSpread(metrics: Record<string, number>, spread: { remoteClique: number; chamfer: number }): boolean {
  if (!Number.isFinite(spread.remoteClique) || !Number.isFinite(spread.chamfer)) return false;
  metrics.remote_clique = spread.remoteClique;
  metrics.chamfer_distance = spread.chamfer;
  return true;
}

/** Sample sizes as `mean_pairwise_distance` reports them: pairs for the pair mean, rows for the per-row mean. */
function putCosineSampleSizes(sampled: Record<string, number>, nonZeroRows: number): void {
  sampled.remote_clique = (nonZeroRows * (nonZeroRows - 1)) / 2;
  sampled.chamfer_distance = nonZeroRows;
}

function seededSubset<T>(items: T[], count: number, random: Random): T[] {
  if (items.length <= count) return items;
  const picked = random.shuffle(items.map((_, i) => i)).slice(0, count).sort((a, b) => a - b);
  return picked.map((i) => items[i]!);
}

// Row-sample route: total variance from the exact sums of every row; the other five exactly
// on the kept rows, which are all rows or a seeded uniform sample of them.
function finishRowSample(acc: VectorAccumulator, exact: ExactVectorSum, n: number, allKept: boolean): VectorGroupResult {
  const metrics: Record<string, number> = {};
  const sampled: Record<string, number> = {};
  const rows = acc.keptRows().map((k) => k.row);
  const m = rows.length;
  const sample = rowSampleMetrics(rows);
  if (Number.isFinite(sample.vendi)) metrics.vendi_score = sample.vendi;
  if (n >= 2) {
    metrics.total_variance = exact.scatterTrace(n) / (n - 1);
    if (m >= 2) {
      metrics.effective_rank = sample.effectiveRank;
      metrics.mean_pairwise_distance = sample.meanPairwiseDistance;
    }
  }
  const cosine = putCosineSpread(metrics, { remoteClique: sample.remoteClique, chamfer: sample.chamferDistance });
  if (!allKept) {
    if (metrics.vendi_score !== undefined) sampled.vendi_score = m;
    if (metrics.effective_rank !== undefined) sampled.effective_rank = m;
    if (metrics.mean_pairwise_distance !== undefined) sampled.mean_pairwise_distance = (m * (m - 1)) / 2;
    if (cosine) putCosineSampleSizes(sampled, sample.nonZeroRows);
  }
  return { metrics, sampled };
}

/**
 * 2-D PCA of all groups together: the axes are the two leading eigenvectors of the
 * covariance of every row of every group (between-group spread included), and each
 * group contributes up to maxPoints / groups of its kept rows, drawn with the seed.
 * On the row-sample route (d above the dense limit) the covariance is that of the kept
 * rows, pooled: all rows when every group kept all of its rows and they number at most
 * `sampleRows` (exact), else a seeded sample of `sampleRows` of them drawn across groups in
 * proportion to their sizes and weighted to stand for their group; the mean is exact.
 * Undefined when no group has rows, the dimensions differ, or there are < 2 rows.
 */
export function projectVectors(accs: VectorAccumulator[], groupIds: string[], maxPoints = 3000, seed = DEFAULT_SEED): Projection | undefined {
  const present: { acc: VectorAccumulator; id: string }[] = [];
  for (let i = 0; i < accs.length; i++) {
    const acc = accs[i]!;
    if (acc.dimension !== undefined) present.push({ acc, id: groupIds[i] ?? String(i) });
  }
  const d = present[0]?.acc.dimension;
  if (d === undefined || present.some((p) => p.acc.dimension !== d)) return undefined;
  const total = present.reduce((s, p) => s + p.acc.records, 0);
  if (total < 2) return undefined;
  const wide = present.filter((p) => p.acc.rowSampleRoute).length;
  if (wide > 0 && wide < present.length) return undefined;
  const axesOf = wide ? rowSampleAxes : denseAxes;
  const { mean, axes, explained } = axesOf(present.map((p) => p.acc), d, total, seed);
  return { points: chartPoints(present, mean, axes, d, maxPoints, seed), explained };
}

interface ChartAxes {
  mean: Float64Array;
  axes: [Float64Array, Float64Array];
  explained: [number, number];
}

// d × d route: the pooled covariance from each group's scatter matrix.
function denseAxes(accs: VectorAccumulator[], d: number, total: number): ChartAxes {
  const parts = accs.map((acc) => acc.scatterMoments()!);
  const mean = new Float64Array(d);
  for (const p of parts) for (let i = 0; i < d; i++) mean[i] = mean[i]! + (p.n / total) * p.mean[i]!;
  // Total scatter = Σ within-group scatter + Σ n_g (μ_g − μ)(μ_g − μ)ᵀ.
  const cov = new Float64Array(d * d);
  const delta = new Float64Array(d);
  for (const p of parts) {
    const { n, scatter } = p;
    for (let i = 0; i < d; i++) delta[i] = p.mean[i]! - mean[i]!;
    for (let i = 0; i < d; i++) {
      const a = n * delta[i]!;
      const row = i * d;
      for (let j = 0; j < d; j++) cov[row + j] = cov[row + j]! + scatter[row + j]! + a * delta[j]!;
    }
  }
  for (let i = 0; i < d * d; i++) cov[i] = cov[i]! / (total - 1);

  const { values, vectors } = topEigenvectors(cov, d, 2);
  const tr = trace(cov, d);
  const axes = vectors.map(fixSign);
  while (axes.length < 2) axes.push(new Float64Array(d));
  const lambda = (k: number): number => Math.max(0, values[d - 1 - k] ?? 0);
  const explained: [number, number] = tr > 0 ? [lambda(0) / tr, d > 1 ? lambda(1) / tr : 0] : [0, 0];
  return { mean, axes: axes as [Float64Array, Float64Array], explained };
}

// Row-sample route: the leading eigenvectors u of Z Zᵀ (m × m) with Z the weighted rows
// about the exact pooled mean give the axes Zᵀu / √λ (the eigenvectors of ZᵀZ).
function rowSampleAxes(accs: VectorAccumulator[], d: number, total: number, seed: number): ChartAxes {
  const mean = new Float64Array(d);
  for (const acc of accs) {
    const mu = acc.mean()!;
    const w = acc.records / total;
    for (let i = 0; i < d; i++) mean[i] = mean[i]! + w * mu[i]!;
  }
  const budget = accs[0]!.sampleRows;
  const kept = accs.map((acc) => acc.keptCount);
  const keptTotal = kept.reduce((a, b) => a + b, 0);
  let take = kept;
  if (keptTotal > budget) {
    // Largest-remainder allocation in proportion to the group sizes, never above what a group kept.
    take = accs.map((acc, g) => Math.min(kept[g]!, Math.floor((budget * acc.records) / total)));
    let left = budget - take.reduce((a, b) => a + b, 0);
    const order = accs
      .map((acc, g) => ({ g, rest: (budget * acc.records) / total - Math.floor((budget * acc.records) / total) }))
      .sort((a, b) => b.rest - a.rest || a.g - b.g);
    for (let pass = 0; left > 0 && pass < 2; pass++) {
      for (const { g } of order) {
        if (left === 0) break;
        if (take[g]! < kept[g]!) {
          take[g]!++;
          left--;
        }
      }
    }
  }
  const random = new Random(seed ^ 0x2545f491);
  const m = take.reduce((a, b) => a + b, 0);
  // The picked rows and their weights; Z = diag(w)(rows − μ) is never formed (m × d numbers):
  // its Gram matrix is the centred rows' scaled by w_p w_q, and an axis Σ u_p w_p (x_p − μ).
  const picked: Float64Array[] = [];
  const weights: number[] = [];
  accs.forEach((acc, g) => {
    const all = Array.from({ length: acc.keptCount }, (_, i) => i);
    const count = take[g]!;
    if (count === 0) return;
    const chosen = count === all.length ? all : random.shuffle(all).slice(0, count).sort((a, b) => a - b);
    const w = Math.sqrt(acc.records / count);
    for (const idx of chosen) {
      picked.push(acc.keptRow(idx));
      weights.push(w);
    }
  });
  const gram = centeredRowGram(picked, mean, d);
  for (let p = 0; p < m; p++) for (let q = 0; q < m; q++) gram[p * m + q] = gram[p * m + q]! * weights[p]! * weights[q]!;
  const { values, vectors } = topEigenvectors(gram, m, 2);
  const tr = trace(gram, m);
  const top = values[m - 1] ?? 0;
  const axes: Float64Array[] = [];
  for (let t = 0; t < 2; t++) {
    const lambda = values[m - 1 - t] ?? 0;
    const axis = new Float64Array(d);
    const u = vectors[t];
    if (u && lambda > top * m * 2 ** -52 && lambda > 0) {
      for (let p = 0; p < m; p++) {
        const c = u[p]! * weights[p]!;
        if (c === 0) continue;
        const row = picked[p]!;
        for (let i = 0; i < d; i++) axis[i] = axis[i]! + c * (row[i]! - mean[i]!);
      }
      const s = 1 / Math.sqrt(squaredNorm(axis));
      for (let i = 0; i < d; i++) axis[i] = axis[i]! * s;
      fixSign(axis);
    }
    axes.push(axis);
  }
  const lambda = (k: number): number => Math.max(0, values[m - 1 - k] ?? 0);
  const explained: [number, number] = tr > 0 ? [lambda(0) / tr, d > 1 ? lambda(1) / tr : 0] : [0, 0];
  return { mean, axes: axes as [Float64Array, Float64Array], explained };
}

function chartPoints(parts: { acc: VectorAccumulator; id: string }[], mean: Float64Array, axes: [Float64Array, Float64Array], d: number, maxPoints: number, seed: number): ProjectionPoint[] {
  const perGroup = Math.max(1, Math.floor(maxPoints / parts.length));
  const random = new Random(seed);
  const points: ProjectionPoint[] = [];
  const [ax, ay] = axes;
  for (const p of parts) {
    const order = random.shuffle(Array.from({ length: p.acc.keptCount }, (_, i) => i)).slice(0, perGroup).sort((a, b) => a - b);
    for (const idx of order) {
      const row = p.acc.keptRow(idx);
      const line = p.acc.keptLine(idx);
      let x = 0;
      let y = 0;
      for (let i = 0; i < d; i++) {
        const c = row[i]! - mean[i]!;
        x += c * ax[i]!;
        y += c * ay[i]!;
      }
      points.push({ group: p.id, line, x, y });
    }
  }
  return points;
}

// ---------------------------------------------------------------------------------------
// Pure forms, each over an in-memory list of rows (the definitions the streaming code
// reproduces; used by tests and docs).

/**
 * Vendi score (q = 1) with the cosine kernel: exp of the Shannon entropy of the
 * eigenvalues of K/n. Zero rows are dropped. Uses the d × d matrix X̂ᵀX̂/n (same non-zero
 * spectrum) when n > d, else the n × n kernel. NaN when no row is non-zero.
 */
export function computeVendiScore(rows: ArrayLike<number>[]): number {
  const d = checkRows(rows);
  const nonZero = rows.filter((r) => squaredNorm(r) > 0);
  if (nonZero.length === 0) return NaN;
  if (nonZero.length <= d) return vendiFromRows(nonZero, d);
  const gram = new GramAccumulator(d);
  for (const r of nonZero) gram.add(r, 1 / Math.sqrt(squaredNorm(r)));
  return vendiFromGram(gram.finish(), d, nonZero.length);
}

/** Vendi score of a precomputed similarity matrix K with k(x, x) = 1: exp(H(eig(K/n))). */
export function vendiScoreFromKernel(kernel: ArrayLike<number>[]): number {
  const n = kernel.length;
  const flat = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) flat[i * n + j] = kernel[i]![j]! / n;
  return Math.exp(spectralEntropy(symmetricEigen(flat, n).values));
}

/** Mean Euclidean distance over all pairs i < j (exact). NaN for fewer than 2 rows. */
export function meanPairwiseDistance(rows: ArrayLike<number>[]): number {
  const d = checkRows(rows);
  if (rows.length < 2) return NaN;
  return pairwiseSpread(rows, d).meanDistance;
}

/**
 * Remote clique (cshaib/diversity's `remote_clique`): the mean cosine distance 1 − cos over
 * all pairs i < j of non-zero rows (exact). Zero rows have no direction and are left out.
 * NaN for fewer than 2 non-zero rows.
 */
export function remoteClique(rows: ArrayLike<number>[]): number {
  const d = checkRows(rows);
  if (rows.length < 2) return NaN;
  return pairwiseSpread(rows, d).remoteClique;
}

/**
 * Chamfer distance (cshaib/diversity's `chamfer_dist`): the mean over non-zero rows of the
 * cosine distance to the nearest other non-zero row (exact). Zero rows are left out. NaN
 * for fewer than 2 non-zero rows.
 */
export function chamferDistance(rows: ArrayLike<number>[]): number {
  const d = checkRows(rows);
  if (rows.length < 2) return NaN;
  return pairwiseSpread(rows, d).chamfer;
}

/**
 * Effective rank (Roy & Vetterli 2007) of the column-centered X: exp of the entropy
 * (nats) of its singular values normalized to sum 1. Singular values come from the
 * eigenvalues of the smaller of XcᵀXc and XcXcᵀ; eigenvalues below size · ε · λmax
 * are treated as 0 (they are rounding noise of the Gram matrix, not spread). 0 when all
 * rows are equal: the rank of the zero matrix, so a total collapse reads as one.
 */
export function effectiveRank(rows: ArrayLike<number>[]): number {
  const d = checkRows(rows);
  if (rows.length < 2) return NaN;
  if (rows.length <= d) return effectiveRankOfRows(rows, d);
  return effectiveRankFromScatter(momentsOfRows(rows, d).scatter, d);
}

/**
 * Trace of the sample covariance (n − 1 denominator): the sum of the per-dimension sample
 * variances, two passes, O(nd) at any d. NaN for fewer than 2 rows.
 */
export function totalVariance(rows: ArrayLike<number>[]): number {
  const d = checkRows(rows);
  const n = rows.length;
  if (n < 2) return NaN;
  const mean = new Float64Array(d);
  for (const r of rows) for (let i = 0; i < d; i++) mean[i] = mean[i]! + r[i]!;
  for (let i = 0; i < d; i++) mean[i] = mean[i]! / n;
  let sum = 0;
  for (const r of rows) {
    for (let i = 0; i < d; i++) {
      const c = r[i]! - mean[i]!;
      sum += c * c;
    }
  }
  return sum / (n - 1);
}

// Eigenvector signs are arbitrary; fixing the largest component positive keeps the chart
// from flipping between runs or versions.
function fixSign(v: Float64Array): Float64Array {
  let k = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]!) > Math.abs(v[k]!)) k = i;
  if (v[k]! < 0) for (let i = 0; i < v.length; i++) v[i] = -v[i]!;
  return v;
}

// 70000 → "70,000", the same in every locale.
function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function definedOnly<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
