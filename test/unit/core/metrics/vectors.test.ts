// Vector metrics (src/core/metrics/vectors.ts): the Vendi score, mean pairwise distance,
// effective rank and total variance against published and hand-computed values, the streaming
// VectorAccumulator on every route (d × d, row sample above the dense limit), the projection,
// the length cap; and remote_clique and chamfer_distance (METRICS.md, "Vectors"), the
// embedding-spread metrics of cshaib/diversity (`diversity/embedding.py`), against a direct
// O(n²) computation on every route and end to end. The linear algebra is in ../linalg.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeFiles } from '../../../../src/core/analyze';
import {
  chamferDistance,
  computeVendiScore,
  DENSE_DIMENSION_LIMIT,
  effectiveRank,
  finishVectorMetrics,
  MAX_VECTOR_LENGTH,
  meanPairwiseDistance,
  projectVectors,
  remoteClique,
  rowSampleMetrics,
  SAMPLE_NUMBERS,
  SAMPLE_ROWS,
  totalVariance,
  VectorAccumulator,
  vectorLengthProblem,
  vendiScoreFromKernel,
} from '../../../../src/core/metrics/vectors';
import type { VectorMetricOptions } from '../../../../src/core/metrics/vectors';
import { syntheticEmbeddings } from '../../../../src/core/numeric/syntheticEmbeddings';
import { Random } from '../../../../src/core/random';

const close = (actual: number, expected: number, tol: number, what = ''): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} is not within ${tol} of ${expected}`);

type Rows = ArrayLike<number>[];

function randomRows(n: number, d: number, random: Random, scale = 1, offset = 0): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: d }, (_, i) => offset + scale * (i + 1) * random.normal()));
}

/** Rows of independent standard normals, shifted by `offset`. */
function isotropicRows(n: number, d: number, random: Random, offset = 0): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: d }, () => offset + random.normal()));
}

function naivePairwise(rows: number[][]): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      sum += Math.hypot(...rows[i]!.map((x, t) => x - rows[j]![t]!));
      pairs++;
    }
  }
  return sum / pairs;
}

function accumulate(rows: Rows, options?: VectorMetricOptions): VectorAccumulator {
  const acc = new VectorAccumulator(options);
  rows.forEach((r, i) => assert.equal(acc.add(r, i + 1), undefined));
  return acc;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let t = 0; t < a.length; t++) s += a[t]! * b[t]!;
  return s;
}

const clip = (x: number) => Math.min(2, Math.max(0, x));

/** The definitions, directly: cosine distances a·b / (‖a‖‖b‖) of the non-zero rows, every pair. */
function direct(rows: Rows): { remoteClique: number; chamfer: number } {
  const kept = rows.filter((r) => Array.from(r).some((x) => x !== 0));
  const k = kept.length;
  const length = kept.map((r) => Math.sqrt(dot(r, r)));
  let sum = 0;
  let nearest = 0;
  for (let i = 0; i < k; i++) {
    let min = Infinity;
    for (let j = 0; j < k; j++) {
      if (j === i) continue;
      const dist = clip(1 - dot(kept[i]!, kept[j]!) / (length[i]! * length[j]!));
      if (j > i) sum += dist;
      min = Math.min(min, dist);
    }
    nearest += min;
  }
  return k < 2 ? { remoteClique: NaN, chamfer: NaN } : { remoteClique: sum / ((k * (k - 1)) / 2), chamfer: nearest / k };
}

/**
 * `diversity/embedding.py` as written: `cosine_distances` (scikit-learn: rows normalized, a zero
 * row normalized to itself, 1 − similarity clipped to [0, 2], diagonal set to 0), then
 * remote clique = mean of the row means of the full matrix, diagonal included, and
 * Chamfer = mean of the row minima with the diagonal masked (`+ eye * 1e9`).
 */
function reference(rows: Rows): { remoteClique: number; chamfer: number } {
  const n = rows.length;
  const unit = rows.map((r) => {
    const norm = Math.sqrt(Array.from(r).reduce((s, x) => s + x * x, 0)) || 1;
    return Array.from(r, (x) => x / norm);
  });
  const distance = (i: number, j: number) => (i === j ? 0 : clip(1 - unit[i]!.reduce((s, x, t) => s + x * unit[j]![t]!, 0)));
  let meanOfMeans = 0;
  let meanOfMinima = 0;
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    let min = Infinity;
    for (let j = 0; j < n; j++) {
      rowSum += distance(i, j);
      min = Math.min(min, distance(i, j) + (i === j ? 1e9 : 0));
    }
    meanOfMeans += rowSum / n / n;
    meanOfMinima += min / n;
  }
  return { remoteClique: meanOfMeans, chamfer: meanOfMinima };
}

describe('vendi_score', () => {
  test('Vendi README: score_K of [[1, .9, 0], [.9, 1, 0], [0, 0, 1]] is 2.1573', () => {
    close(vendiScoreFromKernel([[1, 0.9, 0], [0.9, 1, 0], [0, 0, 1]]), 2.1573, 5e-5);
  });

  test('Vendi README: samples [0, 0, 10, 10, 20, 20] with k = exp(−|a − b|) score 2.9999', () => {
    const samples = [0, 0, 10, 10, 20, 20];
    const v = vendiScoreFromKernel(samples.map((a) => samples.map((b) => Math.exp(-Math.abs(a - b)))));
    // Three clusters of two identical points, almost independent: just under 3.
    assert.ok(v < 3 && v > 2.9999, String(v));
  });

  test('Vendi README: n-gram Vendi score of the five sentences with ns = [1, 2] is 3.91', () => {
    // Tokens as nltk.word_tokenize gives them; CountVectorizer(lowercase=False) counts,
    // rows L2-normalized, K = mean of the 1-gram and 2-gram cosine kernels (text_utils.py).
    const sentences = [
      ['Look', ',', 'Jane', '.'],
      ['See', 'Spot', '.'],
      ['See', 'Spot', 'run', '.'],
      ['Run', ',', 'Spot', ',', 'run', '.'],
      ['Jane', 'sees', 'Spot', 'run', '.'],
    ];
    const kernel = (n: number): number[][] => {
      const counts = sentences.map((s) => {
        const c = new Map<string, number>();
        for (let i = 0; i + n <= s.length; i++) {
          const g = s.slice(i, i + n).join(' ');
          c.set(g, (c.get(g) ?? 0) + 1);
        }
        return c;
      });
      const norm = counts.map((c) => Math.sqrt([...c.values()].reduce((s, x) => s + x * x, 0)));
      return counts.map((a, i) => counts.map((b, j) => [...a].reduce((s, [g, x]) => s + x * (b.get(g) ?? 0), 0) / (norm[i]! * norm[j]!)));
    };
    const k1 = kernel(1);
    const k2 = kernel(2);
    const k = k1.map((row, i) => row.map((x, j) => (x + k2[i]![j]!) / 2));
    close(vendiScoreFromKernel(k), 3.91, 0.005);
  });

  test('hand-computed: orthogonal rows give n, identical rows give 1', () => {
    // K = I₃ → K/3 has eigenvalues 1/3 ×3 → exp(ln 3) = 3.
    close(computeVendiScore([[1, 0, 0], [0, 2, 0], [0, 0, 3]]), 3, 1e-12);
    // K = all ones → K/3 has eigenvalues 1, 0, 0 → exp(0) = 1.
    close(computeVendiScore([[1, 2], [2, 4], [0.5, 1]]), 1, 1e-12);
  });

  test('hand-computed: rows (1, 0) and (1, 1)', () => {
    // Cosine kernel [[1, c], [c, 1]] with c = 1/√2; K/2 has eigenvalues (1 ± c)/2
    // = 0.853553…, 0.146447…; VS = exp(−Σ λ ln λ) = 1.516637…
    const c = Math.SQRT1_2;
    const l1 = (1 + c) / 2;
    const l2 = (1 - c) / 2;
    const expected = Math.exp(-(l1 * Math.log(l1) + l2 * Math.log(l2)));
    close(computeVendiScore([[1, 0], [1, 1]]), expected, 1e-12);
    close(expected, 1.516637, 1e-6);
  });

  test('zero rows are dropped; positive scaling of a row changes nothing', () => {
    const base = [[1, 0, 0], [0, 1, 0], [1, 1, 1]];
    const v = computeVendiScore(base);
    close(computeVendiScore([...base, [0, 0, 0]]), v, 1e-12);
    close(computeVendiScore([[5, 0, 0], [0, 0.1, 0], [2, 2, 2]]), v, 1e-12);
    assert.ok(Number.isNaN(computeVendiScore([[0, 0]])));
  });

  test('the d × d route (n > d) equals the n × n kernel on random data, and stays in 1..min(n, d)', () => {
    const random = new Random(9);
    for (const [n, d] of [[40, 8], [200, 16], [6, 9]] as const) {
      const rows = randomRows(n, d, random, 1, 0.3);
      const unit = rows.map((r) => {
        const s = Math.hypot(...r);
        return r.map((x) => x / s);
      });
      const kernel = unit.map((a) => unit.map((b) => a.reduce((s, x, i) => s + x * b[i]!, 0)));
      const v = computeVendiScore(rows);
      close(v, vendiScoreFromKernel(kernel), 1e-9, `n=${n} d=${d}`);
      assert.ok(v >= 1 - 1e-12 && v <= Math.min(n, d) + 1e-9);
    }
  });
});

describe('mean_pairwise_distance', () => {
  test('hand-computed: (0,0), (3,4), (6,8) → (5 + 10 + 5)/3', () => {
    close(meanPairwiseDistance([[0, 0], [3, 4], [6, 8]]), 20 / 3, 1e-12);
  });

  test('equals the naive double loop for every tile remainder', () => {
    const random = new Random(4);
    for (let n = 2; n <= 13; n++) {
      const rows = randomRows(n, 5, random);
      close(meanPairwiseDistance(rows), naivePairwise(rows), 1e-12 * (1 + naivePairwise(rows)), `n=${n}`);
    }
    const rows = randomRows(101, 17, random);
    close(meanPairwiseDistance(rows), naivePairwise(rows), 1e-10);
  });

  test('close points far from the origin keep their distances (no cancellation)', () => {
    const random = new Random(8);
    const rows = randomRows(20, 6, random, 1e-3, 1e6);
    close(meanPairwiseDistance(rows), naivePairwise(rows), 1e-9 * naivePairwise(rows));
  });

  test('identical rows are at distance 0; fewer than 2 rows give NaN', () => {
    assert.equal(meanPairwiseDistance([[1, 2], [1, 2], [1, 2], [1, 2]]), 0);
    assert.ok(Number.isNaN(meanPairwiseDistance([[1, 2]])));
  });
});

describe('effective_rank and total_variance', () => {
  // X = (1,0), (−1,0), (0,2), (0,−2) is centered with orthogonal columns: singular values
  // √2 and √8, p = (1/3, 2/3), erank = exp(ln 3 − (2/3) ln 2) = 3 / 2^(2/3) = 1.889882;
  // column variances 2/3 and 8/3 → total variance 10/3.
  const X = [[1, 0], [-1, 0], [0, 2], [0, -2]];

  test('hand-computed effective rank 3 / 2^(2/3)', () => {
    close(effectiveRank(X), 3 / 2 ** (2 / 3), 1e-12);
    close(effectiveRank(X.map((r) => [r[0]! + 10, r[1]! - 4])), 3 / 2 ** (2 / 3), 1e-9, 'shift invariant');
  });

  test('hand-computed total variance 10/3', () => {
    close(totalVariance(X), 10 / 3, 1e-12);
  });

  test('points on a line have effective rank 1; identical points 0; isotropic data ≈ d', () => {
    const line = Array.from({ length: 12 }, (_, i) => [1 + i, 2 + 2 * i, 3 - i, 0.5 * i, 7]);
    close(effectiveRank(line), 1, 1e-6);
    assert.equal(effectiveRank([[1, 2, 3], [1, 2, 3], [1, 2, 3]]), 0);
    const random = new Random(1);
    const iso = Array.from({ length: 4000 }, () => [random.normal(), random.normal(), random.normal()]);
    close(effectiveRank(iso), 3, 0.05);
  });
});

describe('VectorAccumulator', () => {
  test('a row of another length is refused with the counts in the message', () => {
    const acc = new VectorAccumulator();
    assert.equal(acc.add(new Array(384).fill(0.5), 1), undefined);
    assert.equal(acc.add(new Array(12).fill(0.5), 2), 'expected 384 numbers, found 12');
    assert.equal(acc.records, 1);
    assert.equal(acc.dimension, 384);
  });

  test('empty and non-finite rows are refused', () => {
    const acc = new VectorAccumulator();
    assert.match(acc.add([], 1)!, /empty/);
    assert.equal(acc.add([1, NaN], 2), 'element 1 is not a finite number (NaN)');
    assert.equal(acc.add([Infinity, 1], 3), 'element 0 is not a finite number (Infinity)');
    assert.equal(acc.records, 0);
    assert.equal(acc.dimension, undefined);
  });

  test('zero rows are counted, left out of the Vendi score, and kept for the other metrics', () => {
    const rows = [[0, 0], [1, 0], [0, 1], [0, 0]];
    const acc = accumulate(rows);
    assert.equal(acc.zeroRows, 2);
    assert.equal(acc.records, 4);
    const { metrics } = finishVectorMetrics(acc);
    close(metrics.vendi_score!, 2, 1e-12);
    close(metrics.total_variance!, totalVariance(rows), 1e-12);
    close(metrics.mean_pairwise_distance!, meanPairwiseDistance(rows), 1e-12);
  });

  test('streaming results equal the pure functions: n ≤ d, n > d, and a reservoir smaller than n', () => {
    const random = new Random(21);
    const cases: [number, number, VectorMetricOptions | undefined][] = [
      [5, 12, undefined],
      [300, 12, undefined],
      [6, 10, { reservoir: 3, exactPairwiseLimit: 3, sampledPairs: 1000 }],
      [500, 4, { reservoir: 50, exactPairwiseLimit: 50, sampledPairs: 1000 }],
    ];
    for (const [n, d, options] of cases) {
      const rows = randomRows(n, d, random, 1, 2);
      const { metrics } = finishVectorMetrics(accumulate(rows, options));
      const what = `n=${n} d=${d}`;
      close(metrics.vendi_score!, computeVendiScore(rows), 1e-9, what);
      close(metrics.effective_rank!, effectiveRank(rows), 1e-8, what);
      close(metrics.total_variance!, totalVariance(rows), 1e-9 * totalVariance(rows), what);
      if (!options) close(metrics.mean_pairwise_distance!, meanPairwiseDistance(rows), 1e-9, what);
    }
  });

  test('embeddings far from the origin keep their total variance', () => {
    const random = new Random(3);
    const rows = randomRows(400, 8, random, 0.01, 1e5);
    const { metrics } = finishVectorMetrics(accumulate(rows));
    close(metrics.total_variance!, totalVariance(rows), 1e-7 * totalVariance(rows));
  });

  test('above the exact limit, sampled pairs are within 1% of the exact mean (n = 6000) and reported as sampled', () => {
    const random = new Random(6);
    const rows = randomRows(6000, 4, random);
    const result = finishVectorMetrics(accumulate(rows));
    // The cosine metrics: every pair of the 5,000 kept rows (remote clique), and those rows' nearest neighbours.
    assert.deepEqual(result.sampled, { mean_pairwise_distance: 2_000_000, remote_clique: 12_497_500, chamfer_distance: 5000 });
    const exact = meanPairwiseDistance(rows);
    assert.ok(Math.abs(result.metrics.mean_pairwise_distance! - exact) < 0.01 * exact, `${result.metrics.mean_pairwise_distance} vs ${exact}`);
  });

  test('the same input and seed give the same numbers; exact metrics do not depend on the seed', () => {
    const random = new Random(12);
    const rows = randomRows(700, 3, random);
    const options = { exactPairwiseLimit: 100, reservoir: 100, sampledPairs: 5000 };
    const a = finishVectorMetrics(accumulate(rows, options));
    const b = finishVectorMetrics(accumulate(rows, options));
    assert.deepEqual(a, b);
    const c = finishVectorMetrics(accumulate(rows, { ...options, seed: 7 }));
    assert.equal(c.metrics.vendi_score, a.metrics.vendi_score);
    assert.equal(c.metrics.total_variance, a.metrics.total_variance);
    assert.notEqual(c.metrics.mean_pairwise_distance, a.metrics.mean_pairwise_distance);
  });

  test('one row: only the Vendi score (1); none for an empty group', () => {
    assert.deepEqual(finishVectorMetrics(accumulate([[3, 4]])), { metrics: { vendi_score: 1 }, sampled: {} });
    assert.deepEqual(finishVectorMetrics(new VectorAccumulator()), { metrics: {}, sampled: {} });
  });
});

describe('projectVectors', () => {
  test('the first axis follows the direction of largest spread, signs fixed', () => {
    // Group a spreads along x, group b along y with a quarter of the spread; the pooled
    // mean is 0, so the coordinates on the first axis (+x after the sign fix) are the x
    // values themselves.
    const a = Array.from({ length: 9 }, (_, i) => [i - 4, 0, 0]);
    const b = Array.from({ length: 9 }, (_, i) => [0, (i - 4) / 4, 0]);
    const p = projectVectors([accumulate(a), accumulate(b)], ['a', 'b'])!;
    assert.equal(p.points.length, 18);
    // Pooled variance: x: Σ(i−4)² = 60 over 17 → 60/17; y: 60/16/17 → explained 16/17, 1/17.
    close(p.explained[0], 16 / 17, 1e-12);
    close(p.explained[1], 1 / 17, 1e-12);
    for (const pt of p.points.filter((q) => q.group === 'a')) close(pt.x, pt.line - 5, 1e-12);
    for (const pt of p.points.filter((q) => q.group === 'b')) close(Math.abs(pt.y), Math.abs(pt.line - 5) / 4, 1e-12);
  });

  test('points are spread evenly over the groups and reproducible', () => {
    const random = new Random(30);
    const accs = [0, 1, 2].map((g) => accumulate(randomRows(1000, 5, random, 1, g)));
    const p = projectVectors(accs, ['g0', 'g1', 'g2'], 300)!;
    for (const id of ['g0', 'g1', 'g2']) assert.equal(p.points.filter((q) => q.group === id).length, 100);
    assert.deepEqual(projectVectors(accs, ['g0', 'g1', 'g2'], 300), p);
  });

  test('groups of different dimension or no rows: no projection', () => {
    assert.equal(projectVectors([accumulate([[1, 2]]), accumulate([[1, 2, 3]])], ['a', 'b']), undefined);
    assert.equal(projectVectors([new VectorAccumulator()], ['a']), undefined);
  });
});

// The row-sample route (d above the dense limit): exact on all rows up to `sampleRows`, a
// seeded sample of them above. Small d with `denseDimensionLimit` lowered takes the same
// code as d > 1,024 does by default.
describe('row-sample route', () => {
  const wide = (n: number, extra: VectorMetricOptions = {}): VectorMetricOptions => ({ denseDimensionLimit: 0, sampleRows: n, ...extra });
  // This route computes from the m × m Gram matrix of the kept rows (double precision), the
  // d × d route from the d × d matrices: they agree to rounding, well within this tolerance.
  const SINGLE = 1e-6;

  test('n × n route = d × d route within 1e-6 when both apply (all four metrics)', () => {
    const random = new Random(41);
    for (const [n, d] of [[300, 12], [40, 8], [121, 30], [7, 3]] as const) {
      const rows = randomRows(n, d, random, 1, 2);
      const dense = finishVectorMetrics(accumulate(rows));
      const acc = accumulate(rows, wide(n));
      assert.ok(acc.rowSampleRoute);
      const sampleRoute = finishVectorMetrics(acc);
      assert.deepEqual(sampleRoute.sampled, {}, 'all rows kept: exact, nothing sampled');
      assert.deepEqual(Object.keys(sampleRoute.metrics), Object.keys(dense.metrics));
      for (const key of Object.keys(dense.metrics)) {
        const want = dense.metrics[key]!;
        close(sampleRoute.metrics[key]!, want, SINGLE * Math.max(1, Math.abs(want)), `${key} n=${n} d=${d}`);
      }
    }
  });

  test('the projection: the n × n route equals the d × d route within 1e-6 (axes, explained variance, points)', () => {
    const random = new Random(42);
    const groups = [0, 1, 2].map((g) => randomRows(60, 6, random, 1, g));
    const ids = ['a', 'b', 'c'];
    const dense = projectVectors(groups.map((rows) => accumulate(rows)), ids)!;
    const viaRows = projectVectors(groups.map((rows) => accumulate(rows, wide(180))), ids)!;
    close(viaRows.explained[0], dense.explained[0], SINGLE);
    close(viaRows.explained[1], dense.explained[1], SINGLE);
    assert.equal(viaRows.points.length, dense.points.length);
    viaRows.points.forEach((p, i) => {
      const q = dense.points[i]!;
      assert.equal(p.group, q.group);
      assert.equal(p.line, q.line);
      close(p.x, q.x, SINGLE * (1 + Math.abs(q.x)), 'x');
      close(p.y, q.y, SINGLE * (1 + Math.abs(q.y)), 'y');
    });
  });

  test('above sampleRows: the three row metrics are exact on the seeded sample, total variance exact on all rows', () => {
    const random = new Random(43);
    const rows = randomRows(700, 40, random, 1, 3);
    const acc = accumulate(rows, wide(100));
    const kept = acc.keptRows().map((k) => k.row);
    assert.equal(kept.length, 100);
    const result = finishVectorMetrics(acc);
    assert.deepEqual(result.sampled, { vendi_score: 100, effective_rank: 100, mean_pairwise_distance: 4950, remote_clique: 4950, chamfer_distance: 100 });
    const onSample = rowSampleMetrics(kept);
    assert.equal(result.metrics.vendi_score, onSample.vendi);
    assert.equal(result.metrics.effective_rank, onSample.effectiveRank);
    assert.equal(result.metrics.mean_pairwise_distance, onSample.meanPairwiseDistance);
    close(onSample.vendi, computeVendiScore(kept), 1e-9);
    close(onSample.effectiveRank, effectiveRank(kept), 1e-9);
    close(onSample.meanPairwiseDistance, meanPairwiseDistance(kept), 1e-9);
    close(result.metrics.total_variance!, totalVariance(rows), 1e-10 * totalVariance(rows), 'total variance over all 700 rows');
  });

  test('zero rows are left out of the Vendi score; rows far from the origin keep their spread', () => {
    const rows = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 0], [1, 1, 1]];
    const result = finishVectorMetrics(accumulate(rows, wide(10)));
    close(result.metrics.vendi_score!, computeVendiScore(rows), 1e-12);
    close(result.metrics.effective_rank!, effectiveRank(rows), 1e-12);
    const random = new Random(44);
    const far = randomRows(50, 8, random, 0.01, 1e5);
    const farResult = finishVectorMetrics(accumulate(far, wide(50)));
    close(farResult.metrics.total_variance!, totalVariance(far), 1e-7 * totalVariance(far));
    close(farResult.metrics.mean_pairwise_distance!, meanPairwiseDistance(far), 1e-7 * meanPairwiseDistance(far));
    close(farResult.metrics.effective_rank!, effectiveRank(far), 1e-6 * effectiveRank(far));
  });

  test('same input, same seed: the same numbers and chart; another seed: another sample, the same total variance', () => {
    const random = new Random(45);
    const groups = [0, 1].map((g) => randomRows(400, 20, random, 1, g));
    const run = (seed: number) => {
      const accs = groups.map((rows) => accumulate(rows, wide(64, { seed })));
      const metrics = accs.map((a) => finishVectorMetrics(a));
      return { metrics, chart: projectVectors(accs, ['a', 'b'], 3000, seed) };
    };
    const a = run(42);
    assert.deepEqual(run(42), a);
    const b = run(7);
    assert.notEqual(b.metrics[0]!.metrics.vendi_score, a.metrics[0]!.metrics.vendi_score);
    assert.equal(b.metrics[0]!.metrics.total_variance, a.metrics[0]!.metrics.total_variance);
  });

  test('a group keeps at most 2²³ numbers of rows: 128 rows at d = 65,536', () => {
    const d = MAX_VECTOR_LENGTH;
    const acc = new VectorAccumulator();
    const random = new Random(46);
    const row = new Float64Array(d);
    for (let r = 0; r < 130; r++) {
      for (let i = 0; i < d; i += 97) row[i] = random.normal();
      assert.equal(acc.add(row, r + 1), undefined);
    }
    assert.equal(acc.keptRows().length, SAMPLE_NUMBERS / d);
    const result = finishVectorMetrics(acc);
    assert.equal(result.sampled.vendi_score, 128);
    assert.ok(result.metrics.effective_rank! > 1);
  });
});

describe('vector length cap', () => {
  test('d = 70,000: refused with the cap in the message before anything is kept, no throw', () => {
    const message = 'vectors of 70,000 numbers are longer than the 65,536 this analysis accepts';
    assert.equal(vectorLengthProblem(70_000), message);
    assert.equal(vectorLengthProblem(MAX_VECTOR_LENGTH), undefined);
    const acc = new VectorAccumulator();
    const row = new Float64Array(70_000).fill(0.25);
    assert.equal(acc.add(row, 1), message);
    assert.equal(acc.add(row, 2), message);
    assert.equal(acc.records, 0);
    assert.equal(acc.dimension, undefined);
    assert.equal(acc.keptRows().length, 0);
    assert.deepEqual(finishVectorMetrics(acc), { metrics: {}, sampled: {} });
    assert.equal(projectVectors([acc], ['a']), undefined);
  });

  test('d = 65,536 is accepted: two rows, exact on the n × n route, and the chart', () => {
    const d = MAX_VECTOR_LENGTH;
    const rows = [0, 1].map((k) => Float64Array.from({ length: d }, (_, i) => Math.sin((i + 1) * (k + 1))));
    const acc = accumulate(rows as unknown as number[][]);
    assert.ok(acc.rowSampleRoute);
    const { metrics, sampled } = finishVectorMetrics(acc);
    assert.deepEqual(sampled, {});
    close(metrics.vendi_score!, computeVendiScore(rows), 1e-9);
    close(metrics.effective_rank!, 1, 1e-9, 'two rows: one direction');
    close(metrics.total_variance!, totalVariance(rows), 1e-9 * totalVariance(rows));
    close(metrics.mean_pairwise_distance!, meanPairwiseDistance(rows), 1e-9 * meanPairwiseDistance(rows));
    const chart = projectVectors([acc], ['a'])!;
    close(chart.explained[0], 1, 1e-12);
    close(chart.explained[1], 0, 1e-12);
    close(Math.abs(chart.points[0]!.x - chart.points[1]!.x), meanPairwiseDistance(rows), 1e-9 * meanPairwiseDistance(rows));
  });

  test(
    'analyzeFiles: records of 70,000 numbers are malformed with that message, no throw',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-wide-'));
      try {
        const file = path.join(dir, 'wide.jsonl');
        const line = (k: number) => JSON.stringify({ id: k, embedding: Array.from({ length: 70_000 }, (_, i) => ((i * (k + 3)) % 17) / 17) });
        fs.writeFileSync(file, `${line(0)}\n${line(1)}\n`);
        // Every record is refused before anything is allocated: one clear message, no throw of another kind.
        await assert.rejects(analyzeFiles([{ file, display: 'wide.jsonl' }]), /^InputError: wide\.jsonl: none of its 2 records could be read \(line 1, column 21: embedding: vectors of 70,000 numbers are longer than the 65,536 this analysis accepts\)$/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('large n, small d', () => {
  test('n = 200,000 at d = 3 stays on the d × d route: exact Vendi, effective rank and variance', () => {
    const random = new Random(47);
    const rows = randomRows(200_000, 3, random, 1, 1);
    const acc = accumulate(rows);
    assert.equal(acc.rowSampleRoute, false);
    const { metrics, sampled } = finishVectorMetrics(acc);
    assert.deepEqual(Object.keys(sampled), ['mean_pairwise_distance', 'remote_clique', 'chamfer_distance']);
    close(metrics.vendi_score!, computeVendiScore(rows), 1e-9);
    close(metrics.effective_rank!, effectiveRank(rows), 1e-9);
    close(metrics.total_variance!, totalVariance(rows), 1e-9 * totalVariance(rows));
  });
});

// Realistic embeddings above the dense limit (d = 1,536): the seeded 500-row sample against the
// exact n × n computation on all 1,000 rows, within the bounds of docs/METRICS.md.
describe('row-sample route against the exact computation (d = 1,536, n = 1,000)', () => {
  const d = 1536;
  const n = 1000;
  const relative = (a: number, b: number) => a / b - 1;
  const data = new Map<string, { rows: Float64Array[]; exact: ReturnType<typeof rowSampleMetrics>; sampled: Record<string, number> }>();
  const dataset = (kind: 'clusters' | 'low-rank', clusters = 32) => {
    const key = `${kind}:${clusters}`;
    let entry = data.get(key);
    if (!entry) {
      const rows = syntheticEmbeddings(kind, n, d, kind === 'clusters' ? { clusters, seed: 7 + clusters } : {});
      const acc = accumulate(rows as unknown as number[][]);
      assert.ok(acc.rowSampleRoute);
      const result = finishVectorMetrics(acc);
      assert.equal(result.sampled.vendi_score, SAMPLE_ROWS);
      entry = { rows, exact: rowSampleMetrics(rows), sampled: result.metrics };
      data.set(key, entry);
    }
    return entry;
  };

  for (const kind of ['clusters', 'low-rank'] as const) {
    test(`${kind}: Vendi ≤ 10% below, effective rank 20–50% below, mean pairwise distance within 1%, total variance exact`, () => {
      const { rows, exact, sampled } = dataset(kind);
      const vendi = relative(sampled.vendi_score!, exact.vendi);
      const rank = relative(sampled.effective_rank!, exact.effectiveRank);
      const distance = relative(sampled.mean_pairwise_distance!, exact.meanPairwiseDistance);
      assert.ok(vendi <= 0 && vendi >= -0.1, `Vendi ${sampled.vendi_score} vs ${exact.vendi}`);
      assert.ok(rank <= -0.2 && rank >= -0.5, `effective rank ${sampled.effective_rank} vs ${exact.effectiveRank}`);
      assert.ok(Math.abs(distance) <= 0.01, `mean pairwise distance ${sampled.mean_pairwise_distance} vs ${exact.meanPairwiseDistance}`);
      close(sampled.total_variance!, totalVariance(rows), 1e-9 * totalVariance(rows));
    });
  }

  test('the drop of the Vendi score between generations is kept within 2 points (32 clusters → 4)', () => {
    const before = dataset('clusters', 32);
    const after = dataset('clusters', 4);
    const exactDrop = 1 - after.exact.vendi / before.exact.vendi;
    const sampledDrop = 1 - after.sampled.vendi_score! / before.sampled.vendi_score!;
    assert.ok(exactDrop > 0.5, String(exactDrop));
    assert.ok(Math.abs(sampledDrop - exactDrop) <= 0.02, `drop ${sampledDrop} vs exact ${exactDrop}`);
  });
});

/** `count` rows replaced by near copies of other rows (cosine distance about 1e-4). */
function withNearDuplicates(rows: number[][], count: number, random: Random): number[][] {
  const out = rows.map((r) => r.slice());
  const d = rows[0]!.length;
  for (let c = 0; c < count; c++) {
    const source = out[2 * c]!;
    const scale = Math.sqrt(source.reduce((s, x) => s + x * x, 0) / d) * 0.01;
    out[2 * c + 1] = source.map((x) => x + scale * random.normal());
  }
  return out;
}

describe('remote_clique and chamfer_distance: definitions', () => {
  test('hand-computed: (1,0), (0,1), (1,1)', () => {
    const rows = [[1, 0], [0, 1], [1, 1]];
    const half = 1 - Math.SQRT1_2;
    close(remoteClique(rows), (1 + 2 * half) / 3, 1e-15);
    close(chamferDistance(rows), half, 1e-15);
    close(remoteClique([[1, 0], [-1, 0]]), 2, 0, 'opposite rows');
    close(chamferDistance([[2, 0], [5, 0], [0, 3]]), (0 + 0 + 1) / 3, 1e-15, 'parallel rows are at distance 0');
  });

  test('equal cshaib/diversity (embedding.py) on rows without zeros: Chamfer as is, remote clique times (n − 1)/n', () => {
    // The reference averages the full n × n matrix, its zero diagonal included.
    const random = new Random(11);
    for (const [n, d] of [[2, 3], [7, 5], [40, 16]] as const) {
      const rows = isotropicRows(n, d, random, 0.3);
      const ref = reference(rows);
      close(chamferDistance(rows), ref.chamfer, 1e-12, `chamfer n=${n}`);
      close((remoteClique(rows) * (n - 1)) / n, ref.remoteClique, 1e-12, `remote clique n=${n}`);
    }
  });

  test('equal the direct O(n²) computation within 1e-9 for every tile remainder, offset rows and mixed scales', () => {
    const random = new Random(12);
    for (let n = 2; n <= 14; n++) {
      const rows = isotropicRows(n, 5, random);
      const want = direct(rows);
      close(remoteClique(rows), want.remoteClique, 1e-9, `remote clique n=${n}`);
      close(chamferDistance(rows), want.chamfer, 1e-9, `chamfer n=${n}`);
    }
    for (const [n, d, offset] of [[101, 17, 0], [64, 40, 2], [50, 8, 1e4]] as const) {
      const rows = isotropicRows(n, d, random, offset).map((r, i) => r.map((x) => x * (1 + (i % 7))));
      const want = direct(rows);
      close(remoteClique(rows), want.remoteClique, 1e-9, `remote clique n=${n} offset=${offset}`);
      close(chamferDistance(rows), want.chamfer, 1e-9, `chamfer n=${n} offset=${offset}`);
    }
  });

  test('cosine: scaling a row changes nothing; the Euclidean mean pairwise distance does change', () => {
    const random = new Random(13);
    const rows = isotropicRows(30, 6, random);
    const scaled = rows.map((r, i) => r.map((x) => x * (i + 1) * 3));
    close(remoteClique(scaled), remoteClique(rows), 1e-12);
    close(chamferDistance(scaled), chamferDistance(rows), 1e-12);
    assert.ok(meanPairwiseDistance(scaled) > 2 * meanPairwiseDistance(rows));
  });

  test('zero rows are left out (no direction), wherever they sit; fewer than 2 non-zero rows give NaN', () => {
    const random = new Random(14);
    const rows = isotropicRows(23, 4, random);
    const zero = [0, 0, 0, 0];
    // At a tile's first row, inside a tile, in the tail: the values are those without them.
    const mixed = [zero, ...rows.slice(0, 4), zero, ...rows.slice(4, 20), zero, zero, ...rows.slice(20)];
    close(remoteClique(mixed), remoteClique(rows), 1e-12);
    close(chamferDistance(mixed), chamferDistance(rows), 1e-12);
    close(chamferDistance(mixed), direct(rows).chamfer, 1e-9);
    // A zero row is nobody's nearest neighbour: (1,0) and (−1,0) stay at distance 2 (a zero
    // row at cosine distance 1, as scikit-learn would put it, would halve this).
    assert.equal(chamferDistance([[1, 0], [0, 0], [-1, 0]]), 2);
    assert.equal(remoteClique([[1, 0], [0, 0], [-1, 0]]), 2);
    assert.ok(Number.isNaN(remoteClique([[0, 0], [3, 4], [0, 0]])));
    assert.ok(Number.isNaN(chamferDistance([[0, 0], [0, 0]])));
    assert.ok(Number.isNaN(chamferDistance([[1, 2]])));
    // Identical rows: distance 0 up to rounding, never below (clipped as scikit-learn clips).
    for (const value of [chamferDistance([[0.1, 0.7, 0.3], [0.1, 0.7, 0.3], [0.1, 0.7, 0.3]]), remoteClique([[0.1, 0.7, 0.3], [0.1, 0.7, 0.3]])]) {
      assert.ok(value >= 0 && value < 1e-15, String(value));
    }
  });

  test('near duplicates: Chamfer falls by half while remote clique moves under 1%', () => {
    const random = new Random(15);
    const rows = isotropicRows(400, 32, random);
    const duplicated = withNearDuplicates(rows, 100, random);
    const chamferDrop = 1 - chamferDistance(duplicated) / chamferDistance(rows);
    const cliqueChange = Math.abs(remoteClique(duplicated) / remoteClique(rows) - 1);
    assert.ok(chamferDrop > 0.45, `Chamfer fell ${chamferDrop}`);
    assert.ok(cliqueChange < 0.01, `remote clique moved ${cliqueChange}`);
  });
});

describe('remote_clique and chamfer_distance: the routes of the vector role', () => {
  test('d × d route, all rows kept: exact (the direct computation within 1e-9), nothing sampled', () => {
    const random = new Random(21);
    for (const [n, d] of [[2, 3], [9, 12], [300, 16]] as const) {
      const rows = isotropicRows(n, d, random, 0.5);
      rows[n - 1] = new Array(d).fill(0);
      const { metrics, sampled } = finishVectorMetrics(accumulate(rows));
      const want = direct(rows);
      if (n === 2) {
        assert.equal(metrics.remote_clique, undefined, 'one non-zero row: no cosine metric');
        assert.equal(metrics.chamfer_distance, undefined);
        continue;
      }
      close(metrics.remote_clique!, want.remoteClique, 1e-9, `n=${n}`);
      close(metrics.chamfer_distance!, want.chamfer, 1e-9, `n=${n}`);
      assert.deepEqual(sampled, {});
    }
  });

  test('d × d route above the exact limit: exact on a seeded sample of `exactPairwiseLimit` kept rows, sizes under `sampled`', () => {
    const random = new Random(22);
    const rows = isotropicRows(3000, 8, random, 0.2);
    // Reservoir = limit: the sample is the kept rows.
    const acc = accumulate(rows, { exactPairwiseLimit: 400, reservoir: 400, sampledPairs: 20_000 });
    const kept = acc.keptRows().map((k) => k.row);
    assert.equal(kept.length, 400);
    const { metrics, sampled } = finishVectorMetrics(acc);
    const onSample = direct(kept);
    close(metrics.remote_clique!, onSample.remoteClique, 1e-9);
    close(metrics.chamfer_distance!, onSample.chamfer, 1e-9);
    assert.deepEqual(sampled, { mean_pairwise_distance: 20_000, remote_clique: 79_800, chamfer_distance: 400 });
    // Remote clique is a mean over pairs: the sample's estimates all rows' (within 3% here, at
    // d = 8 where cosines spread widely). Chamfer reads higher on a sample (nearest among 399
    // rows rather than 2,999).
    const all = direct(rows);
    close(metrics.remote_clique!, all.remoteClique, 0.03 * all.remoteClique, 'remote clique vs all rows');
    assert.ok(metrics.chamfer_distance! > all.chamfer, `${metrics.chamfer_distance} vs ${all.chamfer}`);

    // A reservoir larger than the limit: a seeded sample of `limit` of its rows, reproducible.
    const wider = finishVectorMetrics(accumulate(rows, { exactPairwiseLimit: 300, reservoir: 600, sampledPairs: 20_000 }));
    assert.deepEqual(wider.sampled, { mean_pairwise_distance: 20_000, remote_clique: 44_850, chamfer_distance: 300 });
    assert.deepEqual(finishVectorMetrics(accumulate(rows, { exactPairwiseLimit: 300, reservoir: 600, sampledPairs: 20_000 })), wider);
  });

  test(`row-sample route (d = ${DENSE_DIMENSION_LIMIT + 76}): exact up to ${SAMPLE_ROWS} rows, equal to the d × d route`, () => {
    const random = new Random(23);
    const d = DENSE_DIMENSION_LIMIT + 76;
    const rows = isotropicRows(60, d, random, 0.1);
    rows[7] = new Array(d).fill(0);
    const acc = accumulate(rows);
    assert.ok(acc.rowSampleRoute);
    const { metrics, sampled } = finishVectorMetrics(acc);
    const want = direct(rows);
    close(metrics.remote_clique!, want.remoteClique, 1e-9);
    close(metrics.chamfer_distance!, want.chamfer, 1e-9);
    assert.deepEqual(sampled, {});
    // The same rows on the d × d route (the limit raised): the same values within 1e-9.
    const dense = finishVectorMetrics(accumulate(rows, { denseDimensionLimit: d }));
    close(metrics.remote_clique!, dense.metrics.remote_clique!, 1e-9);
    close(metrics.chamfer_distance!, dense.metrics.chamfer_distance!, 1e-9);
  });

  test(`row-sample route above ${SAMPLE_ROWS} rows: exact on the seeded sample; remote clique within 1% of all rows`, () => {
    const d = DENSE_DIMENSION_LIMIT + 76;
    const rows = syntheticEmbeddings('clusters', 700, d, { seed: 3 });
    const acc = accumulate(rows);
    const kept = acc.keptRows().map((k) => k.row);
    assert.equal(kept.length, SAMPLE_ROWS);
    const { metrics, sampled } = finishVectorMetrics(acc);
    assert.equal(sampled.remote_clique, (SAMPLE_ROWS * (SAMPLE_ROWS - 1)) / 2);
    assert.equal(sampled.chamfer_distance, SAMPLE_ROWS);
    const onSample = direct(kept);
    close(metrics.remote_clique!, onSample.remoteClique, 1e-9);
    close(metrics.chamfer_distance!, onSample.chamfer, 1e-9);
    const all = rowSampleMetrics(rows);
    close(metrics.remote_clique!, all.remoteClique, 0.01 * all.remoteClique, 'remote clique vs all 700 rows');
    assert.ok(metrics.chamfer_distance! >= all.chamferDistance, 'Chamfer of a sample reads higher');
    assert.ok(metrics.chamfer_distance! <= 1.1 * all.chamferDistance, `${metrics.chamfer_distance} vs ${all.chamferDistance}`);
  });
});

describe('remote_clique and chamfer_distance: end to end', () => {
  test('injected near duplicates raise diversity-drop on chamfer_distance; remote clique and distance hold', async () => {
    const random = new Random(31);
    const d = 24;
    const lines: string[] = [];
    const round = (x: number) => Math.round(x * 1e6) / 1e6;
    for (let g = 0; g < 3; g++) {
      const fresh = isotropicRows(300, d, random);
      // gen 2: 120 of its 300 rows are near copies of another row of the generation.
      const rows = g === 2 ? withNearDuplicates(fresh, 120, random) : fresh;
      rows.forEach((r, i) => lines.push(JSON.stringify({ generation: g, id: `${g}-${i}`, embedding: r.map(round) })));
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-spread-'));
    try {
      const file = path.join(dir, 'embeddings.jsonl');
      fs.writeFileSync(file, lines.join('\n') + '\n');
      const { report } = await analyzeFiles([{ file, display: 'embeddings.jsonl' }]);
      assert.equal(report.fields.vector, 'embedding');
      const [g0, g1, g2] = report.groups.map((g) => g.metrics);
      for (const m of [g0, g1, g2]) assert.ok(m!.remote_clique! > 0.9 && m!.chamfer_distance! > 0, JSON.stringify(m));
      assert.ok(Math.abs(g1!.chamfer_distance! / g0!.chamfer_distance! - 1) < 0.05, 'a healthy generation keeps its Chamfer distance');
      assert.ok(g2!.chamfer_distance! < 0.5 * g0!.chamfer_distance!, `${g0!.chamfer_distance} → ${g2!.chamfer_distance}`);
      assert.ok(Math.abs(g2!.remote_clique! / g0!.remote_clique! - 1) < 0.02);
      assert.ok(Math.abs(g2!.mean_pairwise_distance! / g0!.mean_pairwise_distance! - 1) < 0.05);

      const drops = report.findings.filter((f) => f.rule === 'diversity-drop');
      assert.equal(drops.length, 1, JSON.stringify(report.findings));
      const drop = drops[0]!;
      assert.equal(drop.metric, 'chamfer_distance');
      assert.equal(drop.group, '2');
      assert.equal(drop.severity, 'error');
      assert.match(drop.message, /^Embedding diversity collapsed below the baseline by generation 2: Chamfer distance \(nearest cosine distance\) −\d+%\.$/);
      assert.equal(drop.baseline, g0!.chamfer_distance);
      assert.equal(drop.value, g2!.chamfer_distance);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('kept rows: a bottom-k sample by position', () => {
  test('the same rows, in line order, whatever order the rows arrive in', () => {
    const r = new Random(5);
    const rows = Array.from({ length: 300 }, () => Array.from({ length: 8 }, () => r.normal()));
    const keep = (order: number[]) => {
      const acc = new VectorAccumulator({ reservoir: 50, exactPairwiseLimit: 50 });
      for (const i of order) acc.add(rows[i]!, i + 1);
      return acc.keptRows().map((k) => k.line);
    };
    const forward = keep(rows.map((_, i) => i));
    const backward = keep(rows.map((_, i) => rows.length - 1 - i));
    assert.equal(forward.length, 50);
    assert.deepEqual(backward, forward);
    assert.deepEqual([...forward].sort((a, b) => a - b), forward);
  });
});
