// The WebAssembly SIMD tiles (src/core/numeric/simd.ts) against the JavaScript tiles they stand
// in for: the same sums up to rounding (within 1e-12), the same bytes where the sums are exact.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { releaseLargeMemory, simdKernels, useSimd } from '../../../../src/core/numeric/simd';
import { centeredRowGram, GramAccumulator, symmetricEigen, topEigenvectors } from '../../../../src/core/numeric/linalg';
import { pairwiseSpread } from '../../../../src/core/numeric/pairwise';
import { ExactUnitGram } from '../../../../src/core/numeric/exactGram';
import { finishVectorMetrics, VectorAccumulator } from '../../../../src/core/metrics/vectors';
import { Random } from '../../../../src/core/random';

afterEach(() => useSimd(true));

function both<T>(f: () => T): { simd: T; js: T } {
  useSimd(true);
  const simd = f();
  useSimd(false);
  const js = f();
  useSimd(true);
  return { simd, js };
}

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

function rows(n: number, d: number, random: Random, offset = 0): Float64Array[] {
  return Array.from({ length: n }, () => Float64Array.from({ length: d }, () => offset + random.normal()));
}

test('Node runs the kernel (WebAssembly SIMD), and it can be turned off', () => {
  assert.ok(simdKernels());
  useSimd(false);
  assert.equal(simdKernels(), undefined);
});

test('a kernel whose memory grew past 16 MB is let go, and the next one works', () => {
  const first = simdKernels()!;
  first.view(3 << 20);
  assert.ok(first.bytes() >= 24 << 20);
  releaseLargeMemory();
  const second = simdKernels()!;
  assert.notEqual(second, first);
  assert.ok(second.bytes() < 16 << 20);
  releaseLargeMemory();
  assert.equal(simdKernels(), second);
});

test('pair statistics: SIMD = JavaScript within 1e-12, odd and even d, every tile remainder', () => {
  const random = new Random(1);
  for (const [n, d] of [[2, 1], [7, 3], [50, 16], [101, 33], [64, 384]] as const) {
    const data = rows(n, d, random, 0.5);
    const { simd, js } = both(() => pairwiseSpread(data, d));
    close(simd.meanDistance, js.meanDistance, `distance n=${n} d=${d}`);
    close(simd.remoteClique, js.remoteClique, `remote clique n=${n} d=${d}`);
    close(simd.chamfer, js.chamfer, `chamfer n=${n} d=${d}`);
  }
});

test('Gram matrices: SIMD = JavaScript within 1e-12; the exact Gram the same bytes', () => {
  const random = new Random(2);
  for (const [n, d] of [[5, 4], [130, 7], [200, 40]] as const) {
    const data = rows(n, d, random);
    const gram = both(() => {
      const g = new GramAccumulator(d);
      for (const r of data) g.add(r);
      return g.finish();
    });
    gram.simd.forEach((v, i) => close(v, gram.js[i]!, `gram n=${n} d=${d}`));
    const mean = new Float64Array(d).fill(0.1);
    const centered = both(() => centeredRowGram(data, mean, d));
    centered.simd.forEach((v, i) => close(v, centered.js[i]!, `row gram n=${n} d=${d}`));
    const exact = both(() => {
      const g = new ExactUnitGram(d);
      for (const r of data) g.add(r, 1 / Math.hypot(...r));
      return g.matrix();
    });
    assert.deepEqual(exact.simd, exact.js);
  }
});

test('eigenvalues and top eigenvectors: the SIMD reduction = JavaScript within 1e-12 of the largest', () => {
  const random = new Random(4);
  for (const n of [16, 17, 40, 101]) {
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = random.normal();
    const { simd, js } = both(() => symmetricEigen(a, n).values);
    const scale = Math.max(...js.map(Math.abs));
    simd.forEach((v, i) => assert.ok(Math.abs(v - js[i]!) <= 1e-12 * scale, `n=${n} λ${i}: ${v} vs ${js[i]}`));
    const top = both(() => topEigenvectors(a, n, 2));
    top.simd.vectors.forEach((vec, t) => vec.forEach((x, i) => assert.ok(Math.abs(x - top.js.vectors[t]![i]!) <= 1e-9, `n=${n} vector ${t}`)));
  }
});

test('the vector metrics: SIMD = JavaScript within 1e-9 on both routes', () => {
  const random = new Random(3);
  for (const options of [{}, { reservoir: 50, exactPairwiseLimit: 50, sampledPairs: 2000 }, { denseDimensionLimit: 0, sampleRows: 80 }]) {
    const data = rows(300, 21, random, 1);
    const { simd, js } = both(() => {
      const acc = new VectorAccumulator(options);
      data.forEach((r, i) => acc.add(r, i));
      return finishVectorMetrics(acc);
    });
    assert.deepEqual(simd.sampled, js.sampled);
    for (const [k, v] of Object.entries(js.metrics)) assert.ok(Math.abs(simd.metrics[k]! - v) <= 1e-9 * Math.abs(v), `${k}: ${simd.metrics[k]} vs ${v}`);
  }
});
