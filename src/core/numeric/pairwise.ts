// Pair statistics of a list of rows (the vector role's mean pairwise distance, remote clique
// and Chamfer distance): one pass over all pairs in 3 × 3 tiles of dot products of the
// centered rows, and the mean distance over seeded pairs drawn with replacement.
import { addPosition, dotTile3, dotTile3x1 } from './linalg';
import { pairNumberCount, pairNumbers, tileDoubles } from './pairLayout';
import { sharedPairMemory } from './pairThreads';
import { releaseLargeMemory, simdKernels } from './simd';
import type { SimdKernels } from './simd';
import type { Random } from '../random';

/** Pair statistics of a list of rows, from one pass over its pairs. */
export interface PairwiseSpread {
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
 * nine sums from six loads per step: about one multiply-add per clock in JavaScript (1.8 s for
 * n = 5000, d = 384), two with the SIMD kernel (simd.ts), which computes the tiles of a row
 * triple against all later triples in one call (1 s); the cosines add a few operations per
 * pair, against d multiply-adds for its dot product. With a second thread (pairThreads.ts)
 * both take row triples until none is left (0.6 s): each triple's sums have a slot of their
 * own, added in triple order at the end, and nearest cosines merge by their maximum, so the
 * numbers are the same with one thread or two.
 *
 * Zero rows have an inverse norm of 0, so their cosines are exactly 0 and add nothing to the
 * sum; for the nearest neighbour a penalty of −4 (below any cosine) keeps them from being
 * anyone's nearest.
 */
export function pairwiseSpread(rows: ArrayLike<number>[], d: number): PairwiseSpread {
  const n = rows.length;
  const triples = Math.floor(n / 3);
  // With a second thread (pairThreads.ts), the rows, the per-row numbers and both threads'
  // tile sums live in memory the two share; else the rows go where this thread's kernel
  // reads them, if there is one.
  const shared = n * n * d >= PARALLEL_MIN_WORK ? sharedPairMemory(n, d) : undefined;
  const simd = shared?.kernels ?? simdKernels();
  const memory = shared ? shared.memory : simd?.view(n * d + tileDoubles(n));
  // The per-row and per-triple numbers, laid out as pairLayout.ts says on one thread or two.
  const at = pairNumbers(shared?.numbers ?? new Float64Array(pairNumberCount(n)), n);
  const { x, mean } = packCentered(rows, d, memory, at.norms);
  const { nonZero } = cosineTerms(rows, x, mean, d, at);
  // Largest cosine of each row to another non-zero row (over this thread's pairs).
  const c = pairContext(n, d, x, at, at.best.fill(-Infinity), memory ?? new Float64Array(tileDoubles(n)), memory ? n * d : 0, simd);
  if (shared?.start()) {
    // Both threads take the next triple until none is left; each triple's sums land in a
    // slot of its own, so the result does not depend on which thread took it.
    for (let t = shared.next(); t < triples; t = shared.next()) pairTriple(c, t);
    const helperBest = shared.finish((t) => pairTriple(c, t));
    if (helperBest) for (let r = 0; r < n; r++) if (helperBest[r]! > c.best[r]!) c.best[r] = helperBest[r]!;
  } else {
    for (let t = 0; t < triples; t++) pairTriple(c, t);
  }

  // Summed in triple order, as one thread adds them.
  let total = 0;
  let cosines = 0;
  for (let t = 0; t < triples; t++) {
    total += c.sums[t]!;
    cosines += c.cosines[t]!;
  }
  const { norms, half, inverse, penalty, best } = c;
  // One or two rows left: their pairs with earlier rows were counted above.
  const i = 3 * triples;
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
  releaseLargeMemory();
  return { meanDistance: total / ((n * (n - 1)) / 2), remoteClique, chamfer, nonZero };
}

/** n²·d (twice the multiply-adds) from which the pair pass takes a second thread when there is one: about 25 ms of work on one. */
export const PARALLEL_MIN_WORK = 1e8;

/** The helper thread's triple function (pairWorker.ts) over memory shared with `pairwiseSpread`. */
export function helperTriple(kernels: SimdKernels, memory: Float64Array, numbers: Float64Array, n: number, d: number): (t: number) => void {
  const at = pairNumbers(numbers, n);
  const c = pairContext(n, d, memory, at, at.helperBest, memory, n * d + tileDoubles(n), kernels);
  return (t) => pairTriple(c, t);
}

/** A thread's context over the numbers `at` (pairLayout.ts), with its own nearest cosines and tile sums. */
function pairContext(n: number, d: number, x: Float64Array, at: ReturnType<typeof pairNumbers>, best: Float64Array, tv: Float64Array, tvBase: number, simd: SimdKernels | undefined): PairContext {
  const { norms, half, inverse, penalty, sums, cosines } = at;
  return { n, d, even: d - (d % 2), x, norms, half, inverse, penalty, best, sums, cosines, tv, tvBase, simd, tile: new Float64Array(9) };
}

/** What a thread needs to compute the pair sums of row triples (pairTriple); the same arrays on both threads but `best`, `tv` and `tile`. */
export interface PairContext {
  n: number;
  d: number;
  /** d rounded down to even: the positions the SIMD kernel takes. */
  even: number;
  /** The centered rows, row-major. */
  x: Float64Array;
  /** Per row: squared norm of the centered row, and the cosine terms (cosineTerms). */
  norms: Float64Array;
  half: Float64Array;
  inverse: Float64Array;
  penalty: Float64Array;
  /** This thread's largest cosine of each row to another non-zero row. */
  best: Float64Array;
  /** Per triple: its sum of distances and of cosines. */
  sums: Float64Array;
  cosines: Float64Array;
  /** Where the SIMD kernel writes tile sums (from tvBase). */
  tv: Float64Array;
  tvBase: number;
  simd: SimdKernels | undefined;
  tile: Float64Array;
}

/**
 * The pairs of rows 3t, 3t + 1, 3t + 2 with each other and with every later row: their
 * distance and cosine sums into sums[t] and cosines[t], nearest cosines into `best`.
 */
export function pairTriple(c: PairContext, t: number): void {
  const { n, d, even, x, norms, half, inverse, penalty, best, tv, tvBase, simd, tile } = c;
  const i = 3 * t;
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
  const count = Math.floor((n - i - 3) / 3);
  if (simd) {
    simd.tiles(a0, a0 + 3 * d, count, d, even, tvBase);
    if (even < d) lastPosition(x, a0, d, count, tv, tvBase);
  } else {
    for (let k = 0, c0 = a0 + 3 * d; k < count; k++, c0 += 3 * d) {
      dotTile3(x, a0, a1, a2, c0, c0 + d, c0 + 2 * d, d, tile);
      tv.set(tile, tvBase + 9 * k);
    }
  }
  let j = i + 3;
  for (let o = tvBase; j + 2 < n; j += 3, o += 9) {
    const t0 = tv[o]!;
    const t1 = tv[o + 1]!;
    const t2 = tv[o + 2]!;
    const t3 = tv[o + 3]!;
    const t4 = tv[o + 4]!;
    const t5 = tv[o + 5]!;
    const t6 = tv[o + 6]!;
    const t7 = tv[o + 7]!;
    const t8 = tv[o + 8]!;
    const m0 = norms[j]!;
    const m1 = norms[j + 1]!;
    const m2 = norms[j + 2]!;
    sum += dist(n0, m0, t0) + dist(n0, m1, t1) + dist(n0, m2, t2);
    sum += dist(n1, m0, t3) + dist(n1, m1, t4) + dist(n1, m2, t5);
    sum += dist(n2, m0, t6) + dist(n2, m1, t7) + dist(n2, m2, t8);
    const g0 = half[j]!;
    const g1 = half[j + 1]!;
    const g2 = half[j + 2]!;
    const q0 = inverse[j]!;
    const q1 = inverse[j + 1]!;
    const q2 = inverse[j + 2]!;
    const f0 = penalty[j]!;
    const f1 = penalty[j + 1]!;
    const f2 = penalty[j + 2]!;
    const k00 = (t0 + h0 + g0) * i0 * q0;
    const k01 = (t1 + h0 + g1) * i0 * q1;
    const k02 = (t2 + h0 + g2) * i0 * q2;
    const k10 = (t3 + h1 + g0) * i1 * q0;
    const k11 = (t4 + h1 + g1) * i1 * q1;
    const k12 = (t5 + h1 + g2) * i1 * q2;
    const k20 = (t6 + h2 + g0) * i2 * q0;
    const k21 = (t7 + h2 + g1) * i2 * q1;
    const k22 = (t8 + h2 + g2) * i2 * q2;
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
  c.sums[t] = sum;
  c.cosines[t] = cs;
}

/**
 * Per row, what turns a centered dot product into a cosine (see `pairwiseSpread`): h, the
 * inverse of the row's norm (0 for a zero row) and the nearest-neighbour penalty (−4 for a
 * zero row).
 */
function cosineTerms(rows: ArrayLike<number>[], x: Float64Array, mean: Float64Array, d: number, into: { half: Float64Array; inverse: Float64Array; penalty: Float64Array }): { nonZero: number } {
  const n = rows.length;
  // Into zeroed arrays (pairLayout.ts), which a second thread may share.
  const { half, inverse, penalty } = into;
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
  return { nonZero };
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
export function cosineDistance(cosine: number): number {
  return Math.min(2, Math.max(0, 1 - cosine));
}

export function dist(na: number, nb: number, dotAB: number): number {
  const q = na + nb - 2 * dotAB;
  return q > 0 ? Math.sqrt(q) : 0;
}

// Adds the products of the last position (d odd) to the tile sums the SIMD kernel took over
// the even positions: rows a0, a0 + d, a0 + 2d against the `count` triples after them.
function lastPosition(x: Float64Array, a0: number, d: number, count: number, tv: Float64Array, base: number): void {
  addPosition(x, a0, a0 + 3 * d, d, d - 1, count, tv, base);
}

function dot(x: Float64Array, a: number, b: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) s += x[a + t]! * x[b + t]!;
  return s;
}

export function packCentered(rows: ArrayLike<number>[], d: number, into?: Float64Array, normsInto?: Float64Array): { x: Float64Array; norms: Float64Array; mean: Float64Array } {
  const n = rows.length;
  const x = into ?? new Float64Array(n * d);
  const mean = new Float64Array(d);
  for (const r of rows) for (let t = 0; t < d; t++) mean[t] = mean[t]! + r[t]!;
  for (let t = 0; t < d; t++) mean[t] = mean[t]! / n;
  const norms = normsInto ?? new Float64Array(n);
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
export function sampledMeanPairwiseDistance(rows: Float64Array[], d: number, pairs: number, random: Random): number {
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

export function squaredNorm(row: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < row.length; i++) s += row[i]! * row[i]!;
  return s;
}

