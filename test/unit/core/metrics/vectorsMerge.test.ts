// VectorAccumulator.merge, toState and fromState (src/core/metrics/vectors.ts): accumulators of
// parts of a generation, split in any way and merged in any order (also through JSON), give
// what one pass gives: the same bytes, except the effective rank (and the chart's axes) of a
// d ≤ 1,024 group with more rows than its sample, held within 1e-12 (docs/METRICS.md).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { finishVectorMetrics, projectVectors, VectorAccumulator } from '../../../../src/core/metrics/vectors';
import type { VectorMetricOptions, VectorGroupResult } from '../../../../src/core/metrics/vectors';
import { Random } from '../../../../src/core/random';

/** A record: its line and its vectors (one or more on the line). */
interface Rec {
  line: number;
  vectors: number[][];
}

function records(n: number, d: number, random: Random, offset = 0): Rec[] {
  const out: Rec[] = [];
  let line = 1;
  for (let made = 0; made < n; ) {
    const count = random.next() < 0.1 ? 2 : 1;
    const vectors: number[][] = [];
    for (let k = 0; k < count && made < n; k++, made++) {
      // Some all-zero rows, as failed embeddings are written.
      if (offset === 0 && random.next() < 0.03) vectors.push(new Array<number>(d).fill(0));
      else vectors.push(Array.from({ length: d }, (_, i) => offset + (1 + (i % 5)) * random.normal()));
    }
    out.push({ line, vectors });
    line += 1 + Math.floor(random.next() * 3);
  }
  return out;
}

function feed(acc: VectorAccumulator, recs: Rec[]): VectorAccumulator {
  for (const r of recs) for (const v of r.vectors) assert.equal(acc.add(v, r.line), undefined);
  return acc;
}

function split(recs: Rec[], shards: number, interleaved: boolean): Rec[][] {
  const parts: Rec[][] = Array.from({ length: shards }, () => []);
  recs.forEach((r, i) => parts[interleaved ? i % shards : Math.floor((i * shards) / recs.length)]!.push(r));
  return parts;
}

/** Shards merged in a shuffled order, optionally each through JSON first. */
function merged(recs: Rec[], shards: number, interleaved: boolean, options: VectorMetricOptions, viaJson: boolean, random: Random): VectorAccumulator {
  let accs = split(recs, shards, interleaved).map((part) => feed(new VectorAccumulator(options), part));
  if (viaJson) accs = accs.map((a) => VectorAccumulator.fromState(JSON.parse(JSON.stringify(a.toState())), options));
  accs = random.shuffle(accs);
  const into = accs[0]!;
  for (const other of accs.slice(1)) into.merge(other);
  return viaJson ? VectorAccumulator.fromState(JSON.parse(JSON.stringify(into.toState())), options) : into;
}

const CASES: { name: string; n: number; d: number; options: VectorMetricOptions; bounded?: string[]; offset?: number }[] = [
  { name: 'd × d route, n > d, every row kept', n: 300, d: 12, options: {} },
  { name: 'd × d route, n ≤ d', n: 9, d: 20, options: {} },
  { name: 'd × d route, more rows than the sample (sampled pairs)', n: 700, d: 6, options: { reservoir: 100, exactPairwiseLimit: 100, sampledPairs: 3000 }, bounded: ['effective_rank'] },
  { name: 'd × d route, more rows than the sample, n ≤ d, far from the origin', n: 30, d: 40, options: { reservoir: 8, exactPairwiseLimit: 8, sampledPairs: 500 }, bounded: ['effective_rank'], offset: 1e4 },
  { name: 'row-sample route, every row kept', n: 120, d: 24, options: { denseDimensionLimit: 0, sampleRows: 200 } },
  { name: 'row-sample route, sampled', n: 400, d: 24, options: { denseDimensionLimit: 0, sampleRows: 64 }, offset: 100 },
];

function assertSame(got: VectorGroupResult, want: VectorGroupResult, bounded: string[], what: string): void {
  assert.deepEqual(Object.keys(got.metrics).sort(), Object.keys(want.metrics).sort(), what);
  assert.deepEqual(got.sampled, want.sampled, what);
  for (const [key, value] of Object.entries(want.metrics)) {
    const v = got.metrics[key]!;
    if (bounded.includes(key)) assert.ok(Math.abs(v - value) <= 1e-12 * Math.abs(value), `${what}: ${key} ${v} vs ${value}`);
    else assert.equal(v, value, `${what}: ${key}`);
  }
}

describe('VectorAccumulator: merged parts equal one pass', () => {
  for (const c of CASES) {
    test(`${c.name}: 1, 2, 3 and 16 parts, contiguous and interleaved, directly and through JSON`, () => {
      const random = new Random(c.n + c.d);
      const recs = records(c.n, c.d, random, c.offset);
      const once = finishVectorMetrics(feed(new VectorAccumulator(c.options), recs));
      assert.ok(Object.keys(once.metrics).length >= 5, `${c.name}: metrics ${Object.keys(once.metrics)}`);
      for (const shards of [1, 2, 3, 16]) {
        for (const interleaved of [false, true]) {
          for (const viaJson of [false, true]) {
            const acc = merged(recs, shards, interleaved, c.options, viaJson, random);
            assertSame(finishVectorMetrics(acc), once, c.bounded ?? [], `${c.name}, ${shards} ${interleaved ? 'interleaved' : 'contiguous'} parts${viaJson ? ' via JSON' : ''}`);
          }
        }
      }
    });
  }

  test('the Vendi score and total variance of a group larger than its sample are the same bytes in any split', () => {
    const random = new Random(5);
    const recs = records(3000, 16, random);
    const options = { reservoir: 200, exactPairwiseLimit: 200, sampledPairs: 2000 };
    const once = finishVectorMetrics(feed(new VectorAccumulator(options), recs));
    for (const shards of [2, 7]) {
      const got = finishVectorMetrics(merged(recs, shards, true, options, true, random));
      assert.equal(got.metrics.vendi_score, once.metrics.vendi_score);
      assert.equal(got.metrics.total_variance, once.metrics.total_variance);
      assert.equal(got.metrics.mean_pairwise_distance, once.metrics.mean_pairwise_distance);
      assert.equal(got.metrics.chamfer_distance, once.metrics.chamfer_distance);
    }
  });

  test('the projection over merged accumulators equals one pass', () => {
    for (const c of [CASES[0]!, CASES[4]!, CASES[5]!]) {
      const random = new Random(77);
      const groups = [0, 1, 2].map(() => records(c.n, c.d, random, c.offset));
      const ids = ['a', 'b', 'c'];
      const once = projectVectors(groups.map((g) => feed(new VectorAccumulator(c.options), g)), ids);
      const parts = groups.map((g) => merged(g, 3, true, c.options, true, random));
      assert.deepEqual(projectVectors(parts, ids), once, c.name);
    }
  });

  test('the projection of groups larger than their samples: within 1e-12', () => {
    const c = CASES[2]!;
    const random = new Random(78);
    const groups = [0, 1].map(() => records(c.n, c.d, random));
    const once = projectVectors(groups.map((g) => feed(new VectorAccumulator(c.options), g)), ['a', 'b'])!;
    const got = projectVectors(groups.map((g) => merged(g, 4, true, c.options, false, random)), ['a', 'b'])!;
    assert.equal(got.points.length, once.points.length);
    got.points.forEach((p, i) => {
      const q = once.points[i]!;
      assert.equal(p.line, q.line);
      assert.ok(Math.abs(p.x - q.x) <= 1e-12 * (1 + Math.abs(q.x)) && Math.abs(p.y - q.y) <= 1e-12 * (1 + Math.abs(q.y)), `${p.x},${p.y} vs ${q.x},${q.y}`);
    });
  });

  test('empty parts merge to nothing and into anything', () => {
    const random = new Random(9);
    const recs = records(50, 5, random);
    const once = finishVectorMetrics(feed(new VectorAccumulator(), recs));
    const a = new VectorAccumulator();
    a.merge(new VectorAccumulator());
    a.merge(VectorAccumulator.fromState(JSON.parse(JSON.stringify(new VectorAccumulator().toState()))));
    a.merge(feed(new VectorAccumulator(), recs));
    assert.deepEqual(finishVectorMetrics(a), once);
    assert.deepEqual(finishVectorMetrics(VectorAccumulator.fromState(new VectorAccumulator().toState())), { metrics: {}, sampled: {} });
  });
});

describe('VectorAccumulator.merge: refusals', () => {
  test('different dimensions, options or seeds throw a clear Error (a smaller sample merges)', () => {
    const a = feed(new VectorAccumulator(), [{ line: 1, vectors: [[1, 2, 3]] }]);
    const b = feed(new VectorAccumulator(), [{ line: 2, vectors: [[1, 2]] }]);
    assert.throws(() => a.merge(b), /rows of 2 numbers cannot join rows of 3/);
    // A smaller sample is not a different option: both are lowered to it (see shrinkSample).
    const c = feed(new VectorAccumulator({ sampledPairs: 100 }), [{ line: 2, vectors: [[1, 2, 3]] }]);
    assert.throws(() => a.merge(c), /different options \(sampledPairs 2000000 and 100\)/);
    const e = feed(new VectorAccumulator({ seed: 7 }), [{ line: 2, vectors: [[1, 2, 3]] }]);
    assert.throws(() => a.merge(e), /different options \(seed/);
    assert.throws(() => VectorAccumulator.fromState(a.toState(), { seed: 7 }), /seed/);
    assert.throws(() => a.merge(a), /itself/);
  });

  test('merging or adding after the metrics were computed throws', () => {
    const a = feed(new VectorAccumulator(), [{ line: 1, vectors: [[1, 2, 3], [3, 2, 1]] }]);
    const b = feed(new VectorAccumulator(), [{ line: 2, vectors: [[1, 0, 3]] }]);
    finishVectorMetrics(a);
    assert.throws(() => a.merge(b), /after the metrics were computed/);
    assert.throws(() => b.merge(a), /after the metrics were computed/);
  });

  test('a state of another version or with damaged arrays is refused', () => {
    const a = feed(new VectorAccumulator(), [{ line: 1, vectors: [[1, 2, 3], [3, 2, 1]] }]);
    const state = a.toState();
    assert.throws(() => VectorAccumulator.fromState({ ...state, version: 2 as 1 }), /version/);
    assert.throws(() => VectorAccumulator.fromState({ ...state, kept: { ...state.kept, rows: state.kept.rows.slice(0, 8) } }), /base64|expected/);
  });
});

describe('VectorAccumulator.shrinkSample: a smaller share of the budget', () => {
  test('lowered after the rows were read, the sample and the metrics are those of an accumulator made that small', () => {
    const random = new Random(77);
    const recs = records(700, 6, random);
    const small: VectorMetricOptions = { reservoir: 120, exactPairwiseLimit: 120, sampledPairs: 3000 };
    const want = finishVectorMetrics(feed(new VectorAccumulator(small), recs));
    const big = feed(new VectorAccumulator({ ...small, reservoir: 400, exactPairwiseLimit: 400 }), recs);
    big.shrinkSample(120);
    const got = finishVectorMetrics(big);
    assert.deepEqual(Object.keys(got.metrics), Object.keys(want.metrics));
    for (const [k, v] of Object.entries(want.metrics)) {
      // effective_rank sums the scatter in floating point about an anchor (documented bound).
      if (k === 'effective_rank') assert.ok(Math.abs(got.metrics[k]! - v) <= 1e-12 * Math.abs(v), k);
      else assert.equal(got.metrics[k], v, k);
    }
    assert.deepEqual(got.sampled, want.sampled);
  });

  test('parts with samples of different sizes merge as the smaller: the same as one pass made that small', () => {
    const random = new Random(78);
    const recs = records(600, 5, random);
    const small: VectorMetricOptions = { reservoir: 150, exactPairwiseLimit: 150, sampledPairs: 2000 };
    const want = finishVectorMetrics(feed(new VectorAccumulator(small), recs));
    const [a, b] = split(recs, 2, true);
    const first = feed(new VectorAccumulator({ ...small, reservoir: 300, exactPairwiseLimit: 300 }), a!);
    first.merge(feed(new VectorAccumulator(small), b!));
    const got = finishVectorMetrics(first);
    for (const [k, v] of Object.entries(want.metrics)) {
      if (k === 'effective_rank') assert.ok(Math.abs(got.metrics[k]! - v) <= 1e-12 * Math.abs(v), k);
      else assert.equal(got.metrics[k], v, k);
    }
  });
});
