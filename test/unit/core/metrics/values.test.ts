// Value metrics (src/core/metrics/values.ts): KS and Wasserstein against hand-computed and
// scipy values, the Kolmogorov p-value, the streaming ValueAccumulator and the shared histogram.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildValueBaseline,
  finishValueMetrics,
  ksPValue,
  ksStatistic,
  sharedHistogramEdges,
  ValueAccumulator,
  wasserstein1,
} from '../../../../src/core/metrics/values';
import type { ValueMetricOptions } from '../../../../src/core/metrics/values';
import { Random } from '../../../../src/core/random';

const close = (actual: number, expected: number, tol = 1e-12): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);
const f64 = (xs: number[]): Float64Array => Float64Array.from(xs).sort();

function values(xs: number[], options?: ValueMetricOptions): ValueAccumulator {
  const acc = new ValueAccumulator(options);
  xs.forEach((x, i) => acc.add(x, i + 1));
  return acc;
}

describe('ksStatistic', () => {
  test('hand-computed: [1, 2, 3] vs [2, 3, 4, 5] → 0.5', () => {
    // F_a at 1..5: 1/3, 2/3, 1, 1, 1; F_b: 0, 1/4, 2/4, 3/4, 1;
    // |F_a − F_b|: 1/3, 5/12, 1/2, 1/4, 0 → sup = 1/2.
    close(ksStatistic(f64([1, 2, 3]), f64([2, 3, 4, 5])), 0.5);
  });

  test('ties are counted at the tied value: [1, 1, 2] vs [1, 2, 2] → 1/3', () => {
    // At 1: 2/3 vs 1/3; at 2: 1 vs 1.
    close(ksStatistic(f64([1, 1, 2]), f64([1, 2, 2])), 1 / 3);
  });

  test('identical samples 0, disjoint samples 1, symmetric', () => {
    assert.equal(ksStatistic(f64([1, 2, 3]), f64([3, 2, 1])), 0);
    assert.equal(ksStatistic(f64([1, 2]), f64([5, 6, 7])), 1);
    const a = f64([0.126, -0.132, 0.64, 0.105, -0.536, 0.362, 1.304]);
    const b = f64([2.394, -0.907, -2.031, -0.747, 0.583]);
    assert.equal(ksStatistic(a, b), ksStatistic(b, a));
    // scipy.stats.ks_2samp(a, b).statistic = 0.6
    close(ksStatistic(a, b), 0.6);
  });
});

describe('wasserstein1', () => {
  test('scipy documentation: wasserstein_distance([0, 1, 3], [5, 6, 8]) = 5.0', () => {
    close(wasserstein1(f64([0, 1, 3]), f64([5, 6, 8])), 5);
  });

  test('hand-computed: [1, 2, 3] vs [2, 3, 4, 5] → 1/3 + 5/12 + 1/2 + 1/4 = 1.5', () => {
    // ∫|F_a − F_b| over [1,2), [2,3), [3,4), [4,5), each of width 1.
    close(wasserstein1(f64([1, 2, 3]), f64([2, 3, 4, 5])), 1.5);
  });

  test('ties: [1, 1, 2] vs [1, 2, 2] → |2/3 − 1/3| on [1, 2) = 1/3; symmetric; scipy case', () => {
    close(wasserstein1(f64([1, 1, 2]), f64([1, 2, 2])), 1 / 3);
    const a = f64([0.126, -0.132, 0.64, 0.105, -0.536, 0.362, 1.304]);
    const b = f64([2.394, -0.907, -2.031, -0.747, 0.583]);
    // scipy.stats.wasserstein_distance(a, b) = 0.971
    close(wasserstein1(a, b), 0.971, 1e-12);
    close(wasserstein1(b, a), 0.971, 1e-12);
    assert.equal(wasserstein1(f64([4, 4]), f64([4])), 0);
  });
});

describe('finishValueMetrics', () => {
  test('mean and sample std: [2, 4, 4, 4, 5, 5, 7, 9] → 5 and √(32/7)', () => {
    // Σ(x − 5)² = 9 + 1 + 1 + 1 + 0 + 0 + 4 + 16 = 32, over n − 1 = 7.
    const acc = values([2, 4, 4, 4, 5, 5, 7, 9]);
    const { metrics } = finishValueMetrics(acc, buildValueBaseline(values([1, 2, 3])), []);
    close(metrics.mean!, 5);
    close(metrics.std!, Math.sqrt(32 / 7));
  });

  test('Welford stays exact far from zero', () => {
    const { metrics } = finishValueMetrics(values([2, 4, 4, 4, 5, 5, 7, 9].map((x) => x + 1e9)), buildValueBaseline(values([0])), []);
    close(metrics.std!, Math.sqrt(32 / 7), 1e-6);
  });

  test('tail_mass: strictly outside the baseline p01 and p99; 2/101 in a 0..100 baseline', () => {
    const base = values(Array.from({ length: 101 }, (_, i) => i));
    const baseline = buildValueBaseline(base);
    assert.equal(baseline.p01, 1);
    assert.equal(baseline.p99, 99);
    // Only 0 (< 1) and 100 (> 99) are outside; 1 and 99 themselves are not.
    close(finishValueMetrics(base, baseline, []).metrics.tail_mass!, 2 / 101);
    // −5 and 0.5 below, 99.5 and 200 above, 50 and 99 inside.
    close(finishValueMetrics(values([-5, 0.5, 50, 99, 99.5, 200]), baseline, []).metrics.tail_mass!, 4 / 6);
  });

  test('KS and Wasserstein against the baseline; 0 for the baseline itself', () => {
    const base = values([1, 2, 3]);
    const baseline = buildValueBaseline(base);
    const own = finishValueMetrics(base, baseline, []).metrics;
    assert.equal(own.ks_vs_baseline, 0);
    assert.equal(own.wasserstein_vs_baseline, 0);
    const { metrics } = finishValueMetrics(values([2, 3, 4, 5]), baseline, []);
    close(metrics.ks_vs_baseline!, 0.5);
    close(metrics.wasserstein_vs_baseline!, 1.5);
  });

  test('above the reservoir, distribution measures are sampled and say so; mean and std stay exact', () => {
    const random = new Random(1);
    const xs = Array.from({ length: 5000 }, () => random.normal(3, 2));
    const acc = values(xs, { reservoir: 1000 });
    const baseline = buildValueBaseline(values(xs.slice(0, 100)));
    const r = finishValueMetrics(acc, baseline, []);
    assert.deepEqual(r.sampled, { tail_mass: 1000, ks_vs_baseline: 1000, wasserstein_vs_baseline: 1000 });
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
    close(r.metrics.mean!, mean, 1e-12);
    close(r.metrics.std!, sd, 1e-12);
    assert.deepEqual(finishValueMetrics(values(xs.slice(0, 1000), { reservoir: 1000 }), baseline, []).sampled, {});
  });

  test('the same seed gives the same sample and numbers', () => {
    const xs = Array.from({ length: 3000 }, (_, i) => Math.sin(i) * 10);
    const base = buildValueBaseline(values(xs.slice(0, 500)));
    const a = finishValueMetrics(values(xs, { reservoir: 200 }), base, [-10, 0, 10]);
    const b = finishValueMetrics(values(xs, { reservoir: 200 }), base, [-10, 0, 10]);
    assert.deepEqual(a, b);
  });

  test('a single value: mean, no std; non-finite values are ignored', () => {
    const acc = new ValueAccumulator();
    acc.add(4, 1);
    acc.add(NaN, 2);
    acc.add(Infinity, 3);
    assert.equal(acc.records, 1);
    const { metrics } = finishValueMetrics(acc, buildValueBaseline(values([4])), []);
    assert.equal(metrics.mean, 4);
    assert.equal('std' in metrics, false);
  });
});

describe('sharedHistogramEdges and the distribution', () => {
  test('41 equal-width edges from the lowest 0.5th to the highest 99.5th percentile', () => {
    const a = values(Array.from({ length: 201 }, (_, i) => i)); // 0..200: p0.5 = 1, p99.5 = 199
    const b = values(Array.from({ length: 201 }, (_, i) => 100 + i)); // 100..300: p99.5 = 299
    const edges = sharedHistogramEdges([a, b]);
    assert.equal(edges.length, 41);
    assert.equal(edges[0], 1);
    assert.equal(edges[40], 299);
    for (let k = 1; k < edges.length; k++) close(edges[k]! - edges[k - 1]!, 298 / 40, 1e-9);
  });

  test('histogram bins share the edges, are closed on the left (last also on the right) and leave outliers out', () => {
    const acc = values([0, 1, 1.5, 2, 3, 10]);
    const { distribution } = finishValueMetrics(acc, buildValueBaseline(acc), [1, 2, 3]);
    assert.deepEqual(distribution.histogram, [
      { x0: 1, x1: 2, count: 2 }, // 1, 1.5
      { x0: 2, x1: 3, count: 2 }, // 2, 3
    ]);
    // Own percentiles: p50 of 6 values at position 2.5 → (1.5 + 2)/2.
    close(distribution.p50, 1.75);
    close(distribution.p01, 0.05); // position 0.05 → 0 + 0.05·1
  });

  test('constant values widen to ±0.5; no values give no edges', () => {
    const edges = sharedHistogramEdges([values([5, 5, 5])], 4);
    assert.deepEqual(edges, [4.5, 4.75, 5, 5.25, 5.5]);
    assert.deepEqual(sharedHistogramEdges([new ValueAccumulator()]), []);
  });
});

describe('ksPValue', () => {
  test('ksPValue follows the Kolmogorov distribution: λ = 1.358 gives 0.05, 1.628 gives 0.01', () => {
    const n = 2_000_000;
    const d = (lambda: number) => lambda / (Math.sqrt(n / 2) + 0.12 + 0.11 / Math.sqrt(n / 2));
    assert.ok(Math.abs(ksPValue(d(1.358), n, n) - 0.05) < 5e-4);
    assert.ok(Math.abs(ksPValue(d(1.628), n, n) - 0.01) < 2e-4);
    assert.ok(Math.abs(ksPValue(d(1.0), n, n) - 0.26999967) < 1e-6, 'Q(1) = 0.2699997');
    assert.equal(ksPValue(0, 10, 10), 1);
  });
});

describe('ValueAccumulator as mergeable state', () => {
  const xs = (() => {
    const r = new Random(11);
    return Array.from({ length: 3000 }, (_, i) => (i % 97 === 0 ? 1e6 : 0) + 1e3 * r.next() + 1e9);
  })();
  const baseline = buildValueBaseline(values(xs.slice(0, 500)));

  test('1, 2, 3 or 16 shards in any order give byte-identical metrics, sampled or not', () => {
    for (const reservoir of [10_000, 700]) {
      const whole = JSON.stringify(finishValueMetrics(values(xs, { reservoir }), baseline, [1e9, 1e9 + 500, 1e9 + 2e6]));
      for (const shards of [2, 3, 16]) {
        const parts = Array.from({ length: shards }, () => new ValueAccumulator({ reservoir }));
        xs.forEach((x, i) => parts[(i * 31) % shards]!.add(x, i + 1));
        const merged = new ValueAccumulator({ reservoir });
        for (const p of parts.reverse()) merged.merge(ValueAccumulator.fromState(JSON.parse(JSON.stringify(p.toState())), { reservoir }));
        assert.equal(JSON.stringify(finishValueMetrics(merged, baseline, [1e9, 1e9 + 500, 1e9 + 2e6])), whole, `${shards} shards, sample ${reservoir}`);
      }
    }
  });

  test('mean and std are the exactly rounded values: 2, 4, 4, 4, 5, 5, 7, 9 → mean 5, sample std √(32/7)', () => {
    const { metrics } = finishValueMetrics(values([2, 4, 4, 4, 5, 5, 7, 9]), baseline, []);
    assert.equal(metrics.mean, 5);
    assert.equal(metrics.std, Math.sqrt(32 / 7));
  });
});
