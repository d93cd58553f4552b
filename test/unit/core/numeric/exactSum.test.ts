// Exact sums (src/core/numeric/exactSum.ts): correctly rounded, independent of the order and of
// how the terms are split between accumulators, and an exact variance numerator.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ExactSum, fsum, varianceNumerator } from '../../../../src/core/numeric/exactSum';
import { Random } from '../../../../src/core/random';

describe('fsum', () => {
  test('correctly rounded, as math.fsum', () => {
    assert.equal(fsum([0.1, 0.2, 0.3]), 0.6);
    assert.equal(fsum([1e100, 1, -1e100]), 1);
    assert.equal(fsum([]), 0);
    // math.fsum([1e-16, 1, 1e16]) = 1.0000000000000002e16
    assert.equal(fsum([1e-16, 1, 1e16]), 10000000000000002);
  });
});

describe('ExactSum', () => {
  const values = (() => {
    const r = new Random(7);
    return Array.from({ length: 5000 }, (_, i) => (r.next() - 0.5) * 10 ** ((i % 40) - 20));
  })();

  test('the same double whatever the order and the split, merged or restored from partials', () => {
    const whole = new ExactSum();
    for (const x of values) whole.add(x);
    const reversed = new ExactSum();
    for (let i = values.length - 1; i >= 0; i--) reversed.add(values[i]!);
    assert.equal(reversed.value(), whole.value());
    for (const shards of [2, 3, 16]) {
      const parts = Array.from({ length: shards }, () => new ExactSum());
      values.forEach((x, i) => parts[(i * 7919) % shards]!.add(x));
      const merged = new ExactSum();
      for (const p of parts) merged.merge(ExactSum.fromPartials(p.toPartials()));
      assert.equal(merged.value(), whole.value(), `${shards} shards`);
    }
  });

  test('equals Shewchuk\'s correctly rounded sum on signed values from subnormal to 1e300', () => {
    const r = new Random(3);
    for (let trial = 0; trial < 50; trial++) {
      const xs = Array.from({ length: 200 }, () => (r.next() < 0.5 ? -1 : 1) * r.next() * 10 ** Math.floor(r.next() * 620 - 320));
      xs.push(5e-324, -5e-324 * 3, 1e300, -1e300);
      const s = new ExactSum();
      for (const x of xs) s.add(x);
      assert.equal(s.value(), fsum(xs), `trial ${trial}`);
    }
  });

  test('infinities and NaN make the sum what adding them gives', () => {
    const s = new ExactSum();
    s.add(1);
    s.add(Infinity);
    assert.equal(s.value(), Infinity);
    s.add(-Infinity);
    assert.ok(Number.isNaN(s.value()));
  });

  test('addSquare is exact: (1 + 2^-30)^2 keeps its 2^-60 term', () => {
    const x = 1 + 2 ** -30;
    const s = new ExactSum();
    s.addSquare(x);
    s.add(-1);
    s.add(-(2 ** -29));
    assert.equal(s.value(), 2 ** -60);
  });
});

describe('varianceNumerator', () => {
  test('n·Σx² − (Σx)² exactly: values far from zero lose nothing to cancellation', () => {
    // 1e9 + {0, 1, 2, 3}: Σ(x − mean)² = 5, so n·Σx² − (Σx)² = n · 5 = 20.
    const xs = [1e9, 1e9 + 1, 1e9 + 2, 1e9 + 3];
    const s = new ExactSum();
    const q = new ExactSum();
    for (const x of xs) {
      s.add(x);
      q.addSquare(x);
    }
    assert.equal(varianceNumerator(xs.length, s, q), 20);
  });

  test('hand-computed: 2, 4, 4, 4, 5, 5, 7, 9 → n·Σx² − (Σx)² = 8 · 232 − 40² = 256', () => {
    const s = new ExactSum();
    const q = new ExactSum();
    for (const x of [2, 4, 4, 4, 5, 5, 7, 9]) {
      s.add(x);
      q.addSquare(x);
    }
    assert.equal(varianceNumerator(8, s, q), 256);
  });
});
