// Over 400 lines: the vector accumulator with its exact (d ≤ 1,024) and sampled routes and the projection chart.
// Vector-role metrics (METRICS.md, "Vectors"): Vendi score, mean pairwise distance, remote
// clique, Chamfer distance, effective rank and total variance of one generation's n × d
// embedding matrix X.
//
// Streaming: rows arrive one at a time and are never all kept. Two routes, chosen by d when
// a group's first row arrives:
//
// - d ≤ 1,024 (`DENSE_DIMENSION_LIMIT`): Vendi comes from the d × d Gram matrix of the
//   L2-normalized rows, effective rank and total variance from the d × d scatter matrix of
//   the rows (both exact, O(d²) memory, O(d²) work per row and O(d³) at the end). Mean
//   pairwise distance, remote clique and Chamfer distance need the rows themselves: a
//   seeded bottom-k sample keeps them all up to `exactPairwiseLimit` (exact, one pass over the
//   pairs for the three), and above that a fixed number of uniformly drawn pairs is
//   measured on it for the distance, and every pair of a seeded sample of
//   `exactPairwiseLimit` kept rows for the two cosine metrics.
// - d > 1,024: no d × d matrix. Total variance comes from per-dimension running moments
//   (exact, O(d)). A seeded bottom-k sample keeps up to 500 rows (`SAMPLE_ROWS`, fewer past 2²³
//   numbers), and Vendi, effective rank and the three pair metrics are computed exactly on
//   those rows through their m × m Gram matrix (the non-zero eigenvalues of XᵀX and XXᵀ are
//   the same): exact while the group has at most that many rows, a seeded uniform sample
//   of them above (reported under `sampled`). Cost O(m²d + m³) per group whatever n is.
//
// Rows longer than 65,536 numbers (`MAX_VECTOR_LENGTH`) are refused before anything is
// allocated for them.
import type { Projection, ProjectionPoint } from '../../shared/details';
import { dotTile3, dotTile3x1, GramAccumulator, rowGram, symmetricEigen, topEigenvectors } from '../linalg';
import { DEFAULT_SEED, Random } from '../random';
import { BottomK, positionKey } from '../numeric/bottomK';

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

interface KeptRow {
  /**
   * The row as read on the d × d route. On the row-sample route, whose kept rows are most of
   * what an analysis of long embeddings holds, its offset from the group's first row in single
   * precision: half the memory, and the rounding (2⁻²⁴ of the offset, so of the group's spread
   * however far from the origin the rows lie) is far below the sampling error of the metrics.
   */
  row: Float64Array | Float32Array | undefined;
  /** An all-zero row (restored exactly, so it stays without a direction). */
  zero: boolean;
  line: number;
  /** Its place among the vectors of its line. */
  index: number;
}

/** Scatter matrix Σ (x − μ)(x − μ)ᵀ of a group about its own mean. */
export interface VectorMoments {
  n: number;
  d: number;
  mean: Float64Array;
  /** Row-major d × d, full. */
  scatter: Float64Array;
}

export class VectorAccumulator {
  private readonly options: Required<VectorMetricOptions>;
  // Created with the first row, once d (and so the route) is known.
  // The kept rows: a bottom-k sample by a seeded hash of each row's position, so the same
  // rows are kept however the input is split (numeric/bottomK.ts).
  private reservoir: BottomK<KeptRow> | undefined;
  private lastLine = -1;
  private onLine = 0;
  // The kept rows in input order, until the sample changes.
  private kept: (KeptRow & { row: Float64Array | Float32Array })[] | undefined;
  private d: number | undefined;
  private n = 0;
  private zeros = 0;
  private nonZero = 0;
  // d × d route: Gram matrices start only once the group outgrows the small-n path (n > d)
  // or the reservoir; until then every row is in the reservoir and is replayed at that point.
  private grams: StreamingGrams | undefined;
  private moments: VectorMoments | undefined;
  private finishedNormalized: Float64Array | undefined;
  // Row-sample route (d > denseDimensionLimit): per-dimension moments.
  private running: RunningMoments | undefined;
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
    if (this.moments || this.frozen) throw new Error('VectorAccumulator: add after the metrics were computed');
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

    const reservoir = this.reservoir!;
    this.onLine = line === this.lastLine ? this.onLine + 1 : 0;
    this.lastLine = line;
    const kept: KeptRow = { row: undefined, line, index: this.onLine, zero: norm2 === 0 };
    // The running moments first: their origin is the group's first row.
    this.running?.add(vector);
    if (reservoir.offer(positionKey(this.options.seed, line, this.onLine), kept)) {
      kept.row = this.running ? this.running.offset(vector) : Float64Array.from(vector);
      this.kept = undefined;
    }

    if (this.running) {
      // Nothing more: the row-sample route has no d × d sums.
    } else if (this.grams) {
      this.grams.add(vector, norm2);
    } else if (this.n > len || this.n >= reservoir.capacity) {
      this.grams = new StreamingGrams(len);
      for (const item of this.keptRows()) this.grams.add(item.row, squaredNorm(item.row));
    }
    return undefined;
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
    return this.running !== undefined;
  }

  /**
   * Mean and d × d scatter about the mean (d × d route only: undefined on the row-sample
   * route, which has no d × d matrix); freezes the accumulator.
   */
  scatterMoments(): VectorMoments | undefined {
    if (this.moments) return this.moments;
    const d = this.d;
    if (d === undefined || this.running) return undefined;
    if (this.grams) {
      this.moments = this.grams.moments();
      this.finishedNormalized = this.grams.normalized.finish();
    } else {
      this.moments = momentsOfRows(this.rows(), d);
    }
    return this.moments;
  }

  /** Exact mean of all rows, on either route. */
  mean(): Float64Array | undefined {
    if (this.running) return this.running.mean();
    return this.scatterMoments()?.mean;
  }

  /**
   * The kept rows with their lines, in the order of the input (all rows while n ≤ the sample's
   * capacity). On the row-sample route each call rebuilds them in double precision from the
   * offsets it keeps, so a caller holds them only while it uses them.
   */
  keptRows(): readonly { row: Float64Array; line: number }[] {
    const kept = this.sortedKept();
    if (!this.running) return kept as (KeptRow & { row: Float64Array })[];
    return kept.map((_, i) => ({ row: this.keptRow(i), line: kept[i]!.line }));
  }

  /** How many rows the sample holds. */
  get keptCount(): number {
    return this.reservoir?.size ?? 0;
  }

  /** The `i`-th kept row in input order (a fresh copy on the row-sample route). */
  keptRow(i: number): Float64Array {
    const k = this.sortedKept()[i]!;
    if (!this.running) return k.row as Float64Array;
    return k.zero ? new Float64Array(this.d!) : this.running.restore(k.row);
  }

  /** The line of the `i`-th kept row in input order. */
  keptLine(i: number): number {
    return this.sortedKept()[i]!.line;
  }

  private sortedKept(): (KeptRow & { row: Float64Array | Float32Array })[] {
    this.kept ??= [...((this.reservoir?.items() ?? []) as (KeptRow & { row: Float64Array | Float32Array })[])].sort((a, b) => a.line - b.line || a.index - b.index);
    return this.kept;
  }

  /** @internal Everything `finishVectorMetrics` needs. */
  state(): {
    n: number;
    nonZero: number;
    d: number | undefined;
    allKept: boolean;
    normalizedGram: Float64Array | undefined;
    running: RunningMoments | undefined;
    options: Required<VectorMetricOptions>;
  } {
    this.scatterMoments();
    this.frozen = true;
    return {
      n: this.n,
      nonZero: this.nonZero,
      d: this.d,
      allKept: !(this.reservoir?.sampled ?? false),
      normalizedGram: this.finishedNormalized,
      running: this.running,
      options: this.options,
    };
  }

  private start(d: number): void {
    this.d = d;
    const o = this.options;
    let capacity: number;
    if (d > o.denseDimensionLimit) {
      this.running = new RunningMoments(d);
      capacity = Math.max(2, Math.min(o.sampleRows, o.reservoir, Math.floor(SAMPLE_NUMBERS / d)));
    } else {
      capacity = Math.max(o.reservoir, o.exactPairwiseLimit);
    }
    this.reservoir = new BottomK<KeptRow>(capacity);
  }

  private rows(): Float64Array[] {
    return this.keptRows().map((item) => item.row);
  }
}

/**
 * Per-dimension sums of x − x₀ and (x − x₀)² about the group's first row x₀ (so that
 * embeddings far from the origin keep their spread): the exact mean and total variance at
 * O(d) per row and O(d) memory.
 */
class RunningMoments {
  /** The first row: the sums are about it, and the kept rows are stored as offsets from it. */
  private readonly shift: Float64Array;
  private readonly sum: Float64Array;
  private readonly sumSquares: Float64Array;
  private n = 0;

  constructor(private readonly d: number) {
    this.shift = new Float64Array(d);
    this.sum = new Float64Array(d);
    this.sumSquares = new Float64Array(d);
  }

  add(row: ArrayLike<number>): void {
    const d = this.d;
    const shift = this.shift;
    const sum = this.sum;
    const sq = this.sumSquares;
    if (this.n === 0) for (let i = 0; i < d; i++) shift[i] = row[i]!;
    this.n++;
    for (let i = 0; i < d; i++) {
      const x = row[i]! - shift[i]!;
      sum[i] = sum[i]! + x;
      sq[i] = sq[i]! + x * x;
    }
  }

  /** `row` − the first row, in single precision. */
  offset(row: ArrayLike<number>): Float32Array {
    const out = new Float32Array(this.d);
    for (let i = 0; i < this.d; i++) out[i] = row[i]! - this.shift[i]!;
    return out;
  }

  /** A row from its offset. */
  restore(offset: Float64Array | Float32Array): Float64Array {
    const out = new Float64Array(this.d);
    for (let i = 0; i < this.d; i++) out[i] = this.shift[i]! + offset[i]!;
    return out;
  }

  mean(): Float64Array {
    const m = new Float64Array(this.d);
    for (let i = 0; i < this.d; i++) m[i] = this.shift[i]! + this.sum[i]! / this.n;
    return m;
  }

  /** Σᵢ Σ (xᵢ − x̄ᵢ)²: the trace of the scatter matrix. */
  scatterTrace(): number {
    let t = 0;
    for (let i = 0; i < this.d; i++) t += Math.max(0, this.sumSquares[i]! - (this.sum[i]! * this.sum[i]!) / this.n);
    return t;
  }
}

// The three running sums behind the exact streaming metrics. The scatter is accumulated
// about the first row rather than the origin so that embeddings far from the origin do
// not lose their spread to cancellation in XᵀX − nμμᵀ.
class StreamingGrams {
  readonly normalized: GramAccumulator;
  private readonly shifted: GramAccumulator;
  private readonly shift: Float64Array;
  private readonly sums: Float64Array;
  private readonly scratch: Float64Array;
  private n = 0;

  constructor(private readonly d: number) {
    this.normalized = new GramAccumulator(d);
    this.shifted = new GramAccumulator(d);
    this.shift = new Float64Array(d);
    this.sums = new Float64Array(d);
    this.scratch = new Float64Array(d);
  }

  add(row: ArrayLike<number>, norm2: number): void {
    const d = this.d;
    if (this.n === 0) for (let i = 0; i < d; i++) this.shift[i] = row[i]!;
    this.n++;
    if (norm2 > 0) this.normalized.add(row, 1 / Math.sqrt(norm2));
    const s = this.scratch;
    for (let i = 0; i < d; i++) {
      const x = row[i]! - this.shift[i]!;
      s[i] = x;
      this.sums[i] = this.sums[i]! + x;
    }
    this.shifted.add(s);
  }

  moments(): VectorMoments {
    const d = this.d;
    const n = this.n;
    const scatter = this.shifted.finish();
    const m = new Float64Array(d);
    for (let i = 0; i < d; i++) m[i] = this.sums[i]! / n;
    // Σ (x−x₀)(x−x₀)ᵀ − n m mᵀ with m the mean of x − x₀.
    for (let i = 0; i < d; i++) {
      const a = n * m[i]!;
      for (let j = 0; j < d; j++) scatter[i * d + j] = scatter[i * d + j]! - a * m[j]!;
    }
    const mean = new Float64Array(d);
    for (let i = 0; i < d; i++) mean[i] = m[i]! + this.shift[i]!;
    return { n, d, mean, scatter };
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
  if (state.running) return finishRowSample(acc, state.running, state.n, state.allKept);

  if (state.nonZero > 0) {
    metrics.vendi_score = state.normalizedGram
      ? vendiFromGram(state.normalizedGram, d, state.nonZero)
      : vendiFromRows(acc.keptRows().map((k) => k.row), d);
  }

  const moments = acc.scatterMoments()!;
  if (state.n >= 2) {
    metrics.total_variance = trace(moments.scatter, d) / (state.n - 1);
    metrics.effective_rank = state.normalizedGram
      ? effectiveRankFromScatter(moments.scatter, d)
      : effectiveRankOfRows(acc.keptRows().map((k) => k.row), d);

    const rows = acc.keptRows().map((k) => k.row);
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

// Row-sample route: total variance from the running moments (exact); the other five exactly
// on the kept rows, which are all rows or a seeded uniform sample of them.
function finishRowSample(acc: VectorAccumulator, running: RunningMoments, n: number, allKept: boolean): VectorGroupResult {
  const metrics: Record<string, number> = {};
  const sampled: Record<string, number> = {};
  const rows = acc.keptRows().map((k) => k.row);
  const m = rows.length;
  const sample = rowSampleMetrics(rows);
  if (Number.isFinite(sample.vendi)) metrics.vendi_score = sample.vendi;
  if (n >= 2) {
    metrics.total_variance = running.scatterTrace() / (n - 1);
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
  const { x, mean } = packCentered(rows, d);
  const g = rowGram(x, m, d);

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
    let s = 0;
    for (let t = 0, a = i * d; t < d; t++) s += x[a + t]! * mean[t]!;
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
  const z = new Float64Array(m * d);
  let r = 0;
  accs.forEach((acc, g) => {
    const all = Array.from({ length: acc.keptCount }, (_, i) => i);
    const count = take[g]!;
    if (count === 0) return;
    const picked = count === all.length ? all : random.shuffle(all).slice(0, count).sort((a, b) => a - b);
    const w = Math.sqrt(acc.records / count);
    for (const idx of picked) {
      const row = acc.keptRow(idx);
      for (let i = 0, o = r * d; i < d; i++) z[o + i] = w * (row[i]! - mean[i]!);
      r++;
    }
  });
  const gram = rowGram(z, m, d);
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
        const c = u[p]!;
        if (c === 0) continue;
        for (let i = 0, o = p * d; i < d; i++) axis[i] = axis[i]! + c * z[o + i]!;
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

// ---------------------------------------------------------------------------------------

function checkRows(rows: ArrayLike<number>[]): number {
  const d = rows[0]?.length ?? 0;
  for (const r of rows) if (r.length !== d) throw new Error(`expected ${d} numbers, found ${r.length}`);
  return d;
}

function squaredNorm(row: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < row.length; i++) s += row[i]! * row[i]!;
  return s;
}

function trace(m: Float64Array, d: number): number {
  let t = 0;
  for (let i = 0; i < d; i++) t += m[i * d + i]!;
  return t;
}

/**
 * −Σ p ln p over the positive eigenvalues (0 ln 0 = 0 and negative rounding noise
 * ignored, as in vendi.py), with p = λ / Σλ: K/n has trace 1 exactly, so this only
 * removes rounding, and keeps a single direction at exactly VS = 1.
 */
function spectralEntropy(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > 0) sum += values[i]!;
  let h = 0;
  for (let i = 0; i < values.length; i++) {
    const p = values[i]! / sum;
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

function vendiFromGram(gram: Float64Array, d: number, n: number): number {
  const scaled = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) scaled[i] = gram[i]! / n;
  return Math.exp(spectralEntropy(symmetricEigen(scaled, d).values));
}

// n × n cosine kernel of the (non-zero) rows, divided by n.
function vendiFromRows(rows: ArrayLike<number>[], d: number): number {
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

function momentsOfRows(rows: ArrayLike<number>[], d: number): VectorMoments {
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

function effectiveRankFromEigenvalues(values: Float64Array, size: number): number {
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

function effectiveRankFromScatter(scatter: Float64Array, d: number): number {
  return effectiveRankFromEigenvalues(symmetricEigen(scatter, d).values, d);
}

// XcXcᵀ (n × n) for n ≤ d: the same non-zero eigenvalues as XcᵀXc at a smaller size.
function effectiveRankOfRows(rows: ArrayLike<number>[], d: number): number {
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

/** Pair statistics of a list of rows, from one pass over its pairs. */
interface PairwiseSpread {
  /** Mean Euclidean distance over all pairs i < j. */
  meanDistance: number;
  /** Mean cosine distance over pairs of non-zero rows (NaN below 2 of them). */
  remoteClique: number;
  /** Mean over non-zero rows of the cosine distance to the nearest other one (NaN below 2). */
  chamfer: number;
  /** Non-zero rows: the two cosine statistics are over these. */
  nonZero: number;
}

/**
 * Mean Euclidean distance, remote clique and Chamfer distance over all pairs, in one pass.
 * Distances use ‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b on rows centered at their mean μ (distances do
 * not change; the cancellation in the identity shrinks to the scale of the spread), and the
 * same centered dot products give the cosines: a·b = (a−μ)·(b−μ) + h_a + h_b with
 * h = (x−μ)·μ + ‖μ‖²/2, times 1/‖a‖‖b‖ from the rows' exact norms. Dot products in 3 × 3 tiles,
 * nine sums from six loads per step: about one multiply-add per clock, 1.9 s for n = 5000,
 * d = 384 on a 2.6 GHz core; the cosines add a few operations per pair, against d
 * multiply-adds for its dot product.
 *
 * Zero rows have an inverse norm of 0, so their cosines are exactly 0 and add nothing to the
 * sum; for the nearest neighbour a penalty of −4 (below any cosine) keeps them from being
 * anyone's nearest.
 */
function pairwiseSpread(rows: ArrayLike<number>[], d: number): PairwiseSpread {
  const n = rows.length;
  // No closures over x here: a captured variable lives in a context slot and slows
  // every load in the loops below.
  const { x, norms, mean } = packCentered(rows, d);
  const { half, inverse, penalty, nonZero } = cosineTerms(rows, x, mean, d);
  // Largest cosine of each row to another non-zero row.
  const best = new Float64Array(n).fill(-Infinity);
  const tile = new Float64Array(9);

  let total = 0;
  let cosines = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const a0 = i * d;
    const a1 = a0 + d;
    const a2 = a1 + d;
    const n0 = norms[i]!;
    const n1 = norms[i + 1]!;
    const n2 = norms[i + 2]!;
    const t01 = dot(x, a0, a1, d);
    const t02 = dot(x, a0, a2, d);
    const t12 = dot(x, a1, a2, d);
    let sum = dist(n0, n1, t01) + dist(n0, n2, t02) + dist(n1, n2, t12);
    let cs = cosinePair(i, i + 1, t01, half, inverse, penalty, best) + cosinePair(i, i + 2, t02, half, inverse, penalty, best) + cosinePair(i + 1, i + 2, t12, half, inverse, penalty, best);
    const h0 = half[i]!;
    const h1 = half[i + 1]!;
    const h2 = half[i + 2]!;
    const i0 = inverse[i]!;
    const i1 = inverse[i + 1]!;
    const i2 = inverse[i + 2]!;
    const e0 = penalty[i]!;
    const e1 = penalty[i + 1]!;
    const e2 = penalty[i + 2]!;
    let b0 = best[i]!;
    let b1 = best[i + 1]!;
    let b2 = best[i + 2]!;
    let j = i + 3;
    for (; j + 2 < n; j += 3) {
      const c0 = j * d;
      const c1 = c0 + d;
      const c2 = c1 + d;
      dotTile3(x, a0, a1, a2, c0, c1, c2, d, tile);
      const m0 = norms[j]!;
      const m1 = norms[j + 1]!;
      const m2 = norms[j + 2]!;
      sum += dist(n0, m0, tile[0]!) + dist(n0, m1, tile[1]!) + dist(n0, m2, tile[2]!);
      sum += dist(n1, m0, tile[3]!) + dist(n1, m1, tile[4]!) + dist(n1, m2, tile[5]!);
      sum += dist(n2, m0, tile[6]!) + dist(n2, m1, tile[7]!) + dist(n2, m2, tile[8]!);
      const g0 = half[j]!;
      const g1 = half[j + 1]!;
      const g2 = half[j + 2]!;
      const q0 = inverse[j]!;
      const q1 = inverse[j + 1]!;
      const q2 = inverse[j + 2]!;
      const f0 = penalty[j]!;
      const f1 = penalty[j + 1]!;
      const f2 = penalty[j + 2]!;
      const k00 = (tile[0]! + h0 + g0) * i0 * q0;
      const k01 = (tile[1]! + h0 + g1) * i0 * q1;
      const k02 = (tile[2]! + h0 + g2) * i0 * q2;
      const k10 = (tile[3]! + h1 + g0) * i1 * q0;
      const k11 = (tile[4]! + h1 + g1) * i1 * q1;
      const k12 = (tile[5]! + h1 + g2) * i1 * q2;
      const k20 = (tile[6]! + h2 + g0) * i2 * q0;
      const k21 = (tile[7]! + h2 + g1) * i2 * q1;
      const k22 = (tile[8]! + h2 + g2) * i2 * q2;
      cs += k00 + k01 + k02 + k10 + k11 + k12 + k20 + k21 + k22;
      b0 = Math.max(b0, k00 + f0, k01 + f1, k02 + f2);
      b1 = Math.max(b1, k10 + f0, k11 + f1, k12 + f2);
      b2 = Math.max(b2, k20 + f0, k21 + f1, k22 + f2);
      best[j] = Math.max(best[j]!, k00 + e0, k10 + e1, k20 + e2);
      best[j + 1] = Math.max(best[j + 1]!, k01 + e0, k11 + e1, k21 + e2);
      best[j + 2] = Math.max(best[j + 2]!, k02 + e0, k12 + e1, k22 + e2);
    }
    best[i] = b0;
    best[i + 1] = b1;
    best[i + 2] = b2;
    for (; j < n; j++) {
      dotTile3x1(x, a0, a1, a2, j * d, d, tile);
      const m = norms[j]!;
      sum += dist(n0, m, tile[0]!) + dist(n1, m, tile[1]!) + dist(n2, m, tile[2]!);
      cs += cosinePair(i, j, tile[0]!, half, inverse, penalty, best) + cosinePair(i + 1, j, tile[1]!, half, inverse, penalty, best) + cosinePair(i + 2, j, tile[2]!, half, inverse, penalty, best);
    }
    total += sum;
    cosines += cs;
  }
  // One or two rows left: their pairs with earlier rows were counted above.
  if (n - i === 2) {
    const t = dot(x, i * d, (i + 1) * d, d);
    total += dist(norms[i]!, norms[i + 1]!, t);
    cosines += cosinePair(i, i + 1, t, half, inverse, penalty, best);
  }

  let remoteClique = NaN;
  let chamfer = NaN;
  if (nonZero >= 2) {
    remoteClique = cosineDistance(cosines / ((nonZero * (nonZero - 1)) / 2));
    let nearest = 0;
    for (let r = 0; r < n; r++) if (inverse[r]! > 0) nearest += cosineDistance(best[r]!);
    chamfer = nearest / nonZero;
  }
  return { meanDistance: total / ((n * (n - 1)) / 2), remoteClique, chamfer, nonZero };
}

/**
 * Per row, what turns a centered dot product into a cosine (see `pairwiseSpread`): h, the
 * inverse of the row's norm (0 for a zero row) and the nearest-neighbour penalty (−4 for a
 * zero row).
 */
function cosineTerms(rows: ArrayLike<number>[], x: Float64Array, mean: Float64Array, d: number): { half: Float64Array; inverse: Float64Array; penalty: Float64Array; nonZero: number } {
  const n = rows.length;
  const half = new Float64Array(n);
  const inverse = new Float64Array(n);
  const penalty = new Float64Array(n);
  const meanSquared = squaredNorm(mean);
  let nonZero = 0;
  for (let i = 0; i < n; i++) {
    let along = 0;
    for (let t = 0, a = i * d; t < d; t++) along += x[a + t]! * mean[t]!;
    half[i] = along + meanSquared / 2;
    const norm2 = squaredNorm(rows[i]!);
    if (norm2 > 0) {
      inverse[i] = 1 / Math.sqrt(norm2);
      nonZero++;
    } else {
      penalty[i] = -4;
    }
  }
  return { half, inverse, penalty, nonZero };
}

// The cosine of rows a and b from their centered dot product; keeps each one's nearest.
function cosinePair(a: number, b: number, centeredDot: number, half: Float64Array, inverse: Float64Array, penalty: Float64Array, best: Float64Array): number {
  const c = (centeredDot + half[a]! + half[b]!) * inverse[a]! * inverse[b]!;
  const forA = c + penalty[b]!;
  if (forA > best[a]!) best[a] = forA;
  const forB = c + penalty[a]!;
  if (forB > best[b]!) best[b] = forB;
  return c;
}

/** 1 − cos, clipped to [0, 2] as scikit-learn's `cosine_distances` clips its rounding. */
function cosineDistance(cosine: number): number {
  return Math.min(2, Math.max(0, 1 - cosine));
}

function dist(na: number, nb: number, dotAB: number): number {
  const q = na + nb - 2 * dotAB;
  return q > 0 ? Math.sqrt(q) : 0;
}

function dot(x: Float64Array, a: number, b: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) s += x[a + t]! * x[b + t]!;
  return s;
}

function packCentered(rows: ArrayLike<number>[], d: number): { x: Float64Array; norms: Float64Array; mean: Float64Array } {
  const n = rows.length;
  const x = new Float64Array(n * d);
  const mean = new Float64Array(d);
  for (const r of rows) for (let t = 0; t < d; t++) mean[t] = mean[t]! + r[t]!;
  for (let t = 0; t < d; t++) mean[t] = mean[t]! / n;
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const c = r[t]! - mean[t]!;
      x[i * d + t] = c;
      s += c * c;
    }
    norms[i] = s;
  }
  return { x, norms, mean };
}

/**
 * Mean distance over `pairs` pairs i ≠ j drawn uniformly (with replacement) from `rows`.
 * The pairs are drawn first, then visited grouped by i: row i is loaded once for four
 * partners at a time, in the dot-product form on centered rows as in the exact path
 * (0.7 s for 2,000,000 pairs at d = 384, 2.5× the pair-by-pair loop). The draws do not
 * depend on that order.
 */
function sampledMeanPairwiseDistance(rows: Float64Array[], d: number, pairs: number, random: Random): number {
  const n = rows.length;
  const first = new Int32Array(pairs);
  const second = new Int32Array(pairs);
  const start = new Int32Array(n + 1);
  for (let p = 0; p < pairs; p++) {
    const i = random.int(n);
    let j = random.int(n - 1);
    if (j >= i) j++;
    first[p] = i;
    second[p] = j;
    start[i + 1]!++;
  }
  for (let i = 0; i < n; i++) start[i + 1] = start[i + 1]! + start[i]!;
  const fill = start.slice(0, n);
  const partners = new Int32Array(pairs);
  for (let p = 0; p < pairs; p++) partners[fill[first[p]!]!++] = second[p]!;

  const { x, norms } = packCentered(rows, d);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const a = i * d;
    const na = norms[i]!;
    const end = start[i + 1]!;
    let p = start[i]!;
    let sum = 0;
    for (; p + 3 < end; p += 4) {
      const j0 = partners[p]!;
      const j1 = partners[p + 1]!;
      const j2 = partners[p + 2]!;
      const j3 = partners[p + 3]!;
      const c0 = j0 * d;
      const c1 = j1 * d;
      const c2 = j2 * d;
      const c3 = j3 * d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let t = 0; t < d; t++) {
        const q = x[a + t]!;
        s0 += q * x[c0 + t]!;
        s1 += q * x[c1 + t]!;
        s2 += q * x[c2 + t]!;
        s3 += q * x[c3 + t]!;
      }
      sum += dist(na, norms[j0]!, s0) + dist(na, norms[j1]!, s1) + dist(na, norms[j2]!, s2) + dist(na, norms[j3]!, s3);
    }
    for (; p < end; p++) {
      const j = partners[p]!;
      sum += dist(na, norms[j]!, dot(x, a, j * d, d));
    }
    total += sum;
  }
  return total / pairs;
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
