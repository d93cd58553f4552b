// remote_clique and chamfer_distance (METRICS.md, "Vectors"): the embedding-spread metrics of
// cshaib/diversity (`diversity/embedding.py`), against a direct O(n²) computation on every
// route (d × d exact and sampled, row sample above d = 1,024), and end to end.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeFiles } from '../../src/core/analyze';
import {
  chamferDistance,
  DENSE_DIMENSION_LIMIT,
  finishVectorMetrics,
  meanPairwiseDistance,
  remoteClique,
  rowSampleMetrics,
  SAMPLE_ROWS,
  VectorAccumulator,
} from '../../src/core/metrics/vectors';
import type { VectorMetricOptions } from '../../src/core/metrics/vectors';
import { syntheticEmbeddings } from '../../src/core/numeric/syntheticEmbeddings';
import { Random } from '../../src/core/random';

const close = (actual: number, expected: number, tol: number, what = ''): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} is not within ${tol} of ${expected}`);

type Rows = ArrayLike<number>[];

function randomRows(n: number, d: number, random: Random, offset = 0): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: d }, () => offset + random.normal()));
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
      const rows = randomRows(n, d, random, 0.3);
      const ref = reference(rows);
      close(chamferDistance(rows), ref.chamfer, 1e-12, `chamfer n=${n}`);
      close((remoteClique(rows) * (n - 1)) / n, ref.remoteClique, 1e-12, `remote clique n=${n}`);
    }
  });

  test('equal the direct O(n²) computation within 1e-9 for every tile remainder, offset rows and mixed scales', () => {
    const random = new Random(12);
    for (let n = 2; n <= 14; n++) {
      const rows = randomRows(n, 5, random);
      const want = direct(rows);
      close(remoteClique(rows), want.remoteClique, 1e-9, `remote clique n=${n}`);
      close(chamferDistance(rows), want.chamfer, 1e-9, `chamfer n=${n}`);
    }
    for (const [n, d, offset] of [[101, 17, 0], [64, 40, 2], [50, 8, 1e4]] as const) {
      const rows = randomRows(n, d, random, offset).map((r, i) => r.map((x) => x * (1 + (i % 7))));
      const want = direct(rows);
      close(remoteClique(rows), want.remoteClique, 1e-9, `remote clique n=${n} offset=${offset}`);
      close(chamferDistance(rows), want.chamfer, 1e-9, `chamfer n=${n} offset=${offset}`);
    }
  });

  test('cosine: scaling a row changes nothing; the Euclidean mean pairwise distance does change', () => {
    const random = new Random(13);
    const rows = randomRows(30, 6, random);
    const scaled = rows.map((r, i) => r.map((x) => x * (i + 1) * 3));
    close(remoteClique(scaled), remoteClique(rows), 1e-12);
    close(chamferDistance(scaled), chamferDistance(rows), 1e-12);
    assert.ok(meanPairwiseDistance(scaled) > 2 * meanPairwiseDistance(rows));
  });

  test('zero rows are left out (no direction), wherever they sit; fewer than 2 non-zero rows give NaN', () => {
    const random = new Random(14);
    const rows = randomRows(23, 4, random);
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
    const rows = randomRows(400, 32, random);
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
      const rows = randomRows(n, d, random, 0.5);
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
    const rows = randomRows(3000, 8, random, 0.2);
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
    const rows = randomRows(60, d, random, 0.1);
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
      const fresh = randomRows(300, d, random);
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
