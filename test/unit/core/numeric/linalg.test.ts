// Linear algebra (src/core/numeric/linalg.ts): the symmetric eigensolver, the top eigenvectors and the
// blocked Gram accumulation the vector metrics are built on.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GramAccumulator, gramAccumulate, mirrorUpper, rowGram, symmetricEigen, topEigenvectors } from '../../../../src/core/numeric/linalg';
import { Random } from '../../../../src/core/random';

const close = (actual: number, expected: number, tol: number, what = ''): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} is not within ${tol} of ${expected}`);

function randomSymmetric(n: number, random: Random): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const x = random.normal();
      a[i * n + j] = x;
      a[j * n + i] = x;
    }
  }
  return a;
}

function randomRows(n: number, d: number, random: Random, scale = 1, offset = 0): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: d }, (_, i) => offset + scale * (i + 1) * random.normal()));
}

/** max_i |(A v)_i − λ v_i| */
function residual(a: ArrayLike<number>, n: number, lambda: number, v: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j]! * v[j]!;
    worst = Math.max(worst, Math.abs(s - lambda * v[i]!));
  }
  return worst;
}

describe('symmetricEigen', () => {
  test('diagonal matrix: its entries, ascending, with unit eigenvectors', () => {
    const a = new Float64Array([3, 0, 0, 0, -1, 0, 0, 0, 2]);
    const { values, vectors } = symmetricEigen(a, 3, { vectors: true });
    assert.deepEqual([...values], [-1, 2, 3]);
    // λ = −1 belongs to e₂, λ = 2 to e₃, λ = 3 to e₁ (up to sign).
    assert.deepEqual([...vectors!].map(Math.abs), [0, 1, 0, 0, 0, 1, 1, 0, 0]);
  });

  test('2 × 2 closed form: (a+c)/2 ± √(((a−c)/2)² + b²)', () => {
    for (const [a, b, c] of [[2, 1, 2], [4, -3, 0], [1e-3, 5, -7], [1, 0, 1]] as const) {
      const m = (a + c) / 2;
      const r = Math.hypot((a - c) / 2, b);
      const { values } = symmetricEigen([a, b, b, c], 2);
      close(values[0]!, m - r, 1e-14 * (1 + Math.abs(m) + r));
      close(values[1]!, m + r, 1e-14 * (1 + Math.abs(m) + r));
    }
  });

  test('tridiagonal [2, −1] matrix: 2 − √2, 2, 2 + √2', () => {
    const { values } = symmetricEigen([2, -1, 0, -1, 2, -1, 0, -1, 2], 3);
    close(values[0]!, 2 - Math.SQRT2, 1e-14);
    close(values[1]!, 2, 1e-14);
    close(values[2]!, 2 + Math.SQRT2, 1e-14);
  });

  test('random symmetric matrices: A v = λ v within 1e-9, orthonormal vectors, same values without vectors', () => {
    const random = new Random(11);
    for (const n of [1, 2, 3, 4, 7, 16, 33, 60]) {
      const a = randomSymmetric(n, random);
      const copy = Float64Array.from(a);
      const { values, vectors } = symmetricEigen(a, n, { vectors: true });
      assert.deepEqual(a, copy, 'input unchanged');
      assert.deepEqual(symmetricEigen(a, n).values, values);
      let trace = 0;
      for (let i = 0; i < n; i++) trace += a[i * n + i]!;
      close(values.reduce((s, x) => s + x, 0), trace, 1e-10, 'Σλ = trace');
      for (let k = 0; k < n; k++) {
        assert.ok(k === 0 || values[k - 1]! <= values[k]!, 'ascending');
        const v = vectors!.subarray(k * n, (k + 1) * n);
        assert.ok(residual(a, n, values[k]!, v) < 1e-9, `residual n=${n} k=${k}`);
        for (let l = 0; l <= k; l++) {
          const w = vectors!.subarray(l * n, (l + 1) * n);
          let dot = 0;
          for (let i = 0; i < n; i++) dot += v[i]! * w[i]!;
          close(dot, k === l ? 1 : 0, 1e-12, 'orthonormal');
        }
      }
    }
  });

  test('a rank-one matrix x xᵀ has eigenvalues 0, …, 0, |x|²', () => {
    const x = [1, 2, 3, 4];
    const a = x.flatMap((xi) => x.map((xj) => xi * xj));
    const { values } = symmetricEigen(a, 4);
    for (let i = 0; i < 3; i++) close(values[i]!, 0, 1e-13);
    close(values[3]!, 30, 1e-13);
  });
});

describe('topEigenvectors', () => {
  test('agrees with the full decomposition: residual < 1e-9 and orthonormal', () => {
    const random = new Random(5);
    for (const n of [1, 2, 5, 40, 120]) {
      const a = randomSymmetric(n, random);
      const full = symmetricEigen(a, n);
      const { values, vectors } = topEigenvectors(a, n, 3);
      assert.deepEqual(values, full.values);
      assert.equal(vectors.length, Math.min(3, n));
      vectors.forEach((v, t) => {
        assert.ok(residual(a, n, values[n - 1 - t]!, v) < 1e-9, `n=${n} t=${t}`);
        vectors.forEach((w, u) => close(v.reduce((s, x, i) => s + x * w[i]!, 0), t === u ? 1 : 0, 1e-12));
      });
    }
  });

  test('repeated leading eigenvalue still gives orthonormal eigenvectors', () => {
    const n = 30;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) a[i * n + i] = i < 3 ? 5 : 1;
    const { vectors } = topEigenvectors(a, n, 3);
    vectors.forEach((v, t) => {
      assert.ok(residual(a, n, 5, v) < 1e-12);
      vectors.forEach((w, u) => close(v.reduce((s, x, i) => s + x * w[i]!, 0), t === u ? 1 : 0, 1e-12));
    });
  });
});

describe('Gram accumulation', () => {
  test('GramAccumulator = gramAccumulate = Σ x xᵀ, for sizes that are not multiples of the tiles or the block', () => {
    const random = new Random(2);
    for (const [n, d] of [[1, 1], [3, 2], [64, 5], [65, 7], [150, 10], [200, 3]] as const) {
      const rows = randomRows(n, d, random);
      const naive = new Float64Array(d * d);
      for (const r of rows) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) naive[i * d + j] = naive[i * d + j]! + r[i]! * r[j]!;
      const blocked = new GramAccumulator(d);
      const plain = new Float64Array(d * d);
      for (const r of rows) {
        blocked.add(r);
        gramAccumulate(plain, r, d);
      }
      mirrorUpper(plain, d);
      const g = blocked.finish();
      for (let i = 0; i < d * d; i++) {
        close(g[i]!, naive[i]!, 1e-10 * (1 + Math.abs(naive[i]!)), `blocked n=${n} d=${d}`);
        close(plain[i]!, naive[i]!, 1e-10 * (1 + Math.abs(naive[i]!)), `plain n=${n} d=${d}`);
      }
    }
  });

  test('rowGram = the naive X Xᵀ, for row counts that are not multiples of the tile', () => {
    const random = new Random(13);
    for (const [m, d] of [[1, 3], [2, 5], [3, 1], [4, 7], [8, 4], [10, 9]] as const) {
      const rows = randomRows(m, d, random);
      const g = rowGram(Float64Array.from(rows.flat()), m, d);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < m; j++) {
          const want = rows[i]!.reduce((s, x, t) => s + x * rows[j]![t]!, 0);
          close(g[i * m + j]!, want, 1e-12 * (1 + Math.abs(want)), `m=${m} d=${d} (${i}, ${j})`);
        }
      }
    }
  });

  test('a scale multiplies the row before the outer product', () => {
    const g = new GramAccumulator(2);
    g.add([3, 4], 0.2); // (0.6, 0.8)
    assert.deepEqual([...g.finish()].map((x) => +x.toFixed(12)), [0.36, 0.48, 0.48, 0.64]);
  });
});
