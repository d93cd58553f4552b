// Over 400 lines: the dense linear algebra (eigensolver, Gram matrices, tiles) that the vector metrics share, one algorithm family.
// Dense symmetric linear algebra for the vector metrics: Gram matrices accumulated row by
// row and their eigenvalues. Everything is Float64Array; a d × d matrix is one flat array.
//
// The eigen-solver follows JAMA's EigenvalueDecomposition (public domain): Householder
// reduction to tridiagonal form (`tred2`) and the implicit QL algorithm (`tql2`), both
// derived from the Algol procedures of Bowdler, Martin, Reinsch and Wilkinson (Handbook
// for Automatic Computation, Vol. II) and EISPACK. The working matrix is stored column
// by column (entry (r, c) at c·n + r) so that every inner loop of both algorithms walks
// memory contiguously; for a symmetric input that layout needs no transposition.

import { releaseLargeMemory, simdKernels } from './simd';
import type { SimdKernels } from './simd';

export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /**
   * Orthonormal eigenvectors when requested: the vector of `values[k]` is
   * `vectors.subarray(k * n, (k + 1) * n)`.
   */
  vectors?: Float64Array;
}

/**
 * Eigen-decomposition of a real symmetric n × n matrix given as a flat array (row- or
 * column-major: the same for a symmetric matrix). Both triangles are read, so pass the
 * full matrix (see `mirrorUpper`). The input is not modified.
 */
export function symmetricEigen(matrix: ArrayLike<number>, n: number, options: { vectors?: boolean } = {}): SymmetricEigen {
  if (matrix.length < n * n) throw new Error(`symmetricEigen: expected ${n * n} entries, found ${matrix.length}`);
  const wantVectors = options.vectors === true;
  if (n === 0) return wantVectors ? { values: new Float64Array(0), vectors: new Float64Array(0) } : { values: new Float64Array(0) };
  const v = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) v[i] = matrix[i]!;
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(v, d, e, n, wantVectors);
  tql2(v, d, e, n, wantVectors);
  return wantVectors ? { values: d, vectors: v } : { values: d };
}

// Householder reduction to tridiagonal form. On return d holds the diagonal, e the
// sub-diagonal in e[1..n-1], and v (when `accumulate`) the orthogonal transformation. With the
// SIMD kernel (simd.ts) the work happens in its memory (v, then d, then e) and is copied back:
// its two O(n²) loops per step, two numbers at a time.
function tred2(v: Float64Array, d: Float64Array, e: Float64Array, n: number, accumulate: boolean, hOut?: Float64Array): void {
  const simd = n >= 16 ? simdKernels() : undefined;
  if (!simd) {
    reduce(v, d, e, n, accumulate, hOut);
    return;
  }
  const view = simd.view(n * n + 2 * n);
  const wv = view.subarray(0, n * n);
  const wd = view.subarray(n * n, n * n + n);
  const we = view.subarray(n * n + n, n * n + 2 * n);
  wv.set(v);
  wd.set(d);
  we.set(e);
  reduce(wv, wd, we, n, accumulate, hOut, simd);
  v.set(wv);
  d.set(wd);
  e.set(we);
  releaseLargeMemory();
}

function reduce(v: Float64Array, d: Float64Array, e: Float64Array, n: number, accumulate: boolean, hOut?: Float64Array, simd?: SimdKernels): void {
  // With `simd`, v, d and e are views of its memory at 0, n², n² + n.
  const dBase = n * n;
  const eBase = n * n + n;
  // V[r][c] of JAMA is v[c * n + r] here.
  for (let j = 0; j < n; j++) d[j] = v[j * n + n - 1]!;

  for (let i = n - 1; i > 0; i--) {
    // Scale to avoid under/overflow.
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = v[j * n + i - 1]!;
        v[j * n + i] = 0;
        v[i * n + j] = 0;
      }
    } else {
      // Householder vector.
      for (let k = 0; k < i; k++) {
        const dk = d[k]! / scale;
        d[k] = dk;
        h += dk * dk;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;

      // Similarity transformation of the remaining columns.
      for (let j = 0; j < i && simd; j++) {
        const col = j * n;
        f = d[j]!;
        v[i * n + j] = f;
        const along = simd.dotAxpy(col + j + 1, dBase + j + 1, eBase + j + 1, i - 1 - j, f);
        e[j] = e[j]! + v[col + j]! * f + along;
      }
      for (let j = 0; j < i && !simd; j++) {
        const col = j * n;
        f = d[j]!;
        v[i * n + j] = f;
        // Four running sums: one would wait on the latency of each addition (a third of the time).
        let g0 = 0;
        let g1 = 0;
        let g2 = 0;
        let g3 = 0;
        let k = j + 1;
        for (; k + 3 <= i - 1; k += 4) {
          const v0 = v[col + k]!;
          const v1 = v[col + k + 1]!;
          const v2 = v[col + k + 2]!;
          const v3 = v[col + k + 3]!;
          g0 += v0 * d[k]!;
          g1 += v1 * d[k + 1]!;
          g2 += v2 * d[k + 2]!;
          g3 += v3 * d[k + 3]!;
          e[k] = e[k]! + v0 * f;
          e[k + 1] = e[k + 1]! + v1 * f;
          e[k + 2] = e[k + 2]! + v2 * f;
          e[k + 3] = e[k + 3]! + v3 * f;
        }
        for (; k <= i - 1; k++) {
          const vkj = v[col + k]!;
          g0 += vkj * d[k]!;
          e[k] = e[k]! + vkj * f;
        }
        e[j] = e[j]! + v[col + j]! * f + (g0 + g1 + (g2 + g3));
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = e[j]! / h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * d[j]!;
      for (let j = 0; j < i; j++) {
        const col = j * n;
        f = d[j]!;
        g = e[j]!;
        if (simd) simd.rankTwo(col + j, dBase + j, eBase + j, i - j, f, g);
        else for (let k = j; k <= i - 1; k++) v[col + k] = v[col + k]! - (f * e[k]! + g * d[k]!);
        d[j] = v[col + i - 1]!;
        v[col + i] = 0;
      }
    }
    d[i] = h;
  }

  if (accumulate) {
    for (let i = 0; i < n - 1; i++) {
      v[i * n + n - 1] = v[i * n + i]!;
      v[i * n + i] = 1;
      const h = d[i + 1]!;
      const next = (i + 1) * n;
      if (h !== 0) {
        for (let k = 0; k <= i; k++) d[k] = v[next + k]! / h;
        for (let j = 0; j <= i; j++) {
          const col = j * n;
          let g = 0;
          for (let k = 0; k <= i; k++) g += v[next + k]! * v[col + k]!;
          for (let k = 0; k <= i; k++) v[col + k] = v[col + k]! - g * d[k]!;
        }
      }
      for (let k = 0; k <= i; k++) v[next + k] = 0;
    }
    for (let j = 0; j < n; j++) {
      d[j] = v[j * n + n - 1]!;
      v[j * n + n - 1] = 0;
    }
    v[(n - 1) * n + n - 1] = 1;
  } else {
    // Without the accumulation the reduced diagonal stays where the reduction left it;
    // d held the Householder scalars h_i until now.
    if (hOut) hOut.set(d);
    for (let j = 0; j < n; j++) d[j] = v[j * n + j]!;
  }
  e[0] = 0;
}

// Symmetric tridiagonal QL algorithm with implicit shifts; sorts ascending at the end.
function tql2(v: Float64Array, d: Float64Array, e: Float64Array, n: number, vectors: boolean): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;

  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    // Find a negligible sub-diagonal element.
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break;
      m++;
    }
    // m === n cannot happen: e[n-1] is 0.
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 1000) throw new Error('symmetricEigen: QL iteration did not converge');
        // Implicit shift.
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;

        // Implicit QL transformation.
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          if (vectors) {
            const a = i * n;
            const b = (i + 1) * n;
            for (let k = 0; k < n; k++) {
              const hk = v[b + k]!;
              const vk = v[a + k]!;
              v[b + k] = s * vk + c * hk;
              v[a + k] = c * vk - s * hk;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }

  // Selection sort keeps eigenvectors paired with their values (n swaps at most).
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i]!;
    for (let j = i + 1; j < n; j++) {
      if (d[j]! < p) {
        k = j;
        p = d[j]!;
      }
    }
    if (k !== i) {
      d[k] = d[i]!;
      d[i] = p;
      if (vectors) {
        const a = i * n;
        const b = k * n;
        for (let j = 0; j < n; j++) {
          const t = v[a + j]!;
          v[a + j] = v[b + j]!;
          v[b + j] = t;
        }
      }
    }
  }
}

/**
 * The k largest eigenvalues' eigenvectors of a symmetric n × n matrix, without forming
 * all n of them: one Householder tridiagonalization (as `symmetricEigen`), QL for the
 * eigenvalues, inverse iteration on the tridiagonal matrix for the k wanted vectors, and
 * the Householder reflections applied to those k only. About (4/3)n³ flops instead of
 * roughly 6n³ for every eigenvector, which matters from d ≈ 500 up.
 * `values` holds all eigenvalues ascending; `vectors[i]` belongs to the i-th largest.
 */
export function topEigenvectors(matrix: ArrayLike<number>, n: number, k: number): { values: Float64Array; vectors: Float64Array[] } {
  if (matrix.length < n * n) throw new Error(`topEigenvectors: expected ${n * n} entries, found ${matrix.length}`);
  k = Math.min(k, n);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) v[i] = matrix[i]!;
  const diag = new Float64Array(n);
  const off = new Float64Array(n); // off[i] couples i-1 and i (off[0] unused)
  const h = new Float64Array(n);
  if (n > 0) tred2(v, diag, off, n, false, h);
  const values = new Float64Array(diag);
  const work = new Float64Array(off);
  if (n > 0) tql2(v, values, work, n, false); // v is only read when vectors are on
  let norm = 0;
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(diag[i]!) + Math.abs(off[i]!) + (i + 1 < n ? Math.abs(off[i + 1]!) : 0));
  const vectors: Float64Array[] = [];
  for (let t = 0; t < k; t++) {
    const z = tridiagonalInverseIteration(diag, off, values[n - 1 - t]!, norm, vectors);
    vectors.push(z);
  }
  // Back to the original basis: y = P_{n-1} ⋯ P_1 z with P_i = I − u_i u_iᵀ / h_i and u_i
  // the first i entries of column i of the work matrix (JAMA's accumulation order).
  for (const z of vectors) {
    for (let i = 1; i < n; i++) {
      const hi = h[i]!;
      if (hi === 0) continue;
      const col = i * n;
      let dot = 0;
      for (let r = 0; r < i; r++) dot += v[col + r]! * z[r]!;
      const f = dot / hi;
      for (let r = 0; r < i; r++) z[r] = z[r]! - f * v[col + r]!;
    }
  }
  return { values, vectors };
}

// Eigenvector of the symmetric tridiagonal matrix (diag, off) for the eigenvalue `lambda`
// by inverse iteration; orthogonalized against `previous` so that close eigenvalues still
// give orthonormal vectors. Factorization: Gaussian elimination with partial pivoting on
// the tridiagonal (LAPACK dgttrf/dgttrs), exact zero pivots replaced by eps·‖T‖.
function tridiagonalInverseIteration(diag: Float64Array, off: Float64Array, lambda: number, norm: number, previous: Float64Array[]): Float64Array {
  const n = diag.length;
  const tiny = Math.max(norm, Number.MIN_VALUE) * 2 ** -52;
  const dd = new Float64Array(n);
  const dl = new Float64Array(Math.max(n - 1, 0));
  const du = new Float64Array(Math.max(n - 1, 0));
  const du2 = new Float64Array(Math.max(n - 2, 0));
  const swapped = new Uint8Array(n);
  for (let i = 0; i < n; i++) dd[i] = diag[i]! - lambda;
  for (let i = 0; i + 1 < n; i++) {
    dl[i] = off[i + 1]!;
    du[i] = off[i + 1]!;
  }
  for (let i = 0; i + 1 < n; i++) {
    if (Math.abs(dd[i]!) >= Math.abs(dl[i]!)) {
      if (dd[i] === 0) dd[i] = tiny;
      const fact = dl[i]! / dd[i]!;
      dl[i] = fact;
      dd[i + 1] = dd[i + 1]! - fact * du[i]!;
    } else {
      const fact = dd[i]! / dl[i]!;
      dd[i] = dl[i]!;
      dl[i] = fact;
      const temp = du[i]!;
      du[i] = dd[i + 1]!;
      dd[i + 1] = temp - fact * dd[i + 1]!;
      if (i + 2 < n) {
        du2[i] = du[i + 1]!;
        du[i + 1] = -fact * du[i + 1]!;
      }
      swapped[i] = 1;
    }
  }
  for (let i = 0; i < n; i++) if (Math.abs(dd[i]!) < tiny) dd[i] = dd[i]! < 0 ? -tiny : tiny;

  // A fixed, generic start: no seed needed, and not orthogonal to any eigenvector in practice.
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = 1 + ((i * 7919) % 101) / 101;
  for (let iter = 0; iter < 4; iter++) {
    for (const p of previous) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += p[i]! * x[i]!;
      for (let i = 0; i < n; i++) x[i] = x[i]! - dot * p[i]!;
    }
    for (let i = 0; i + 1 < n; i++) {
      if (swapped[i]) {
        const temp = x[i]!;
        x[i] = x[i + 1]!;
        x[i + 1] = temp - dl[i]! * x[i]!;
      } else {
        x[i + 1] = x[i + 1]! - dl[i]! * x[i]!;
      }
    }
    x[n - 1] = x[n - 1]! / dd[n - 1]!;
    if (n > 1) x[n - 2] = (x[n - 2]! - du[n - 2]! * x[n - 1]!) / dd[n - 2]!;
    for (let i = n - 3; i >= 0; i--) x[i] = (x[i]! - du[i]! * x[i + 1]! - du2[i]! * x[i + 2]!) / dd[i]!;
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i]! * x[i]!;
    s = Math.sqrt(s);
    for (let i = 0; i < n; i++) x[i] = x[i]! / s;
  }
  for (const p of previous) {
    let dot = 0;
    for (let i = 0; i < n; i++) dot += p[i]! * x[i]!;
    for (let i = 0; i < n; i++) x[i] = x[i]! - dot * p[i]!;
  }
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]! * x[i]!;
  s = Math.sqrt(s);
  for (let i = 0; i < n; i++) x[i] = x[i]! / s;
  return x;
}

/**
 * Adds weight · row rowᵀ to the upper triangle (j ≥ i) of the row-major d × d `gram`.
 * Call `mirrorUpper` once at the end. For many rows `GramAccumulator` is several times
 * faster; this is the plain form.
 */
export function gramAccumulate(gram: Float64Array, row: ArrayLike<number>, d: number, weight = 1): void {
  for (let i = 0; i < d; i++) {
    const xi = row[i]! * weight;
    if (xi === 0) continue;
    const base = i * d;
    for (let j = i; j < d; j++) gram[base + j] = gram[base + j]! + xi * row[j]!;
  }
}

/**
 * The 3 × 3 tile of dot products of rows a0, a1, a2 with rows c0, c1, c2 of `x` (each `len`
 * contiguous numbers from its offset) into out[0..8], row-major: the register-blocked inner
 * loop of every Gram and distance computation here (nine sums per pass over the rows).
 */
/** Dot products of rows a0, a1, a2 of `x` with row c (the edge of a tiled loop) into out[0..2]. */
export function dotTile3x1(x: ArrayLike<number>, a0: number, a1: number, a2: number, c: number, len: number, out: Float64Array): void {
  let s0 = 0, s1 = 0, s2 = 0;
  for (let t = 0; t < len; t++) {
    const y = x[c + t]!;
    s0 += x[a0 + t]! * y;
    s1 += x[a1 + t]! * y;
    s2 += x[a2 + t]! * y;
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
}

export function dotTile3(x: ArrayLike<number>, a0: number, a1: number, a2: number, c0: number, c1: number, c2: number, len: number, out: Float64Array): void {
  let s00 = 0, s01 = 0, s02 = 0, s10 = 0, s11 = 0, s12 = 0, s20 = 0, s21 = 0, s22 = 0;
  for (let t = 0; t < len; t++) {
    const y0 = x[c0 + t]!;
    const y1 = x[c1 + t]!;
    const y2 = x[c2 + t]!;
    let q = x[a0 + t]!;
    s00 += q * y0;
    s01 += q * y1;
    s02 += q * y2;
    q = x[a1 + t]!;
    s10 += q * y0;
    s11 += q * y1;
    s12 += q * y2;
    q = x[a2 + t]!;
    s20 += q * y0;
    s21 += q * y1;
    s22 += q * y2;
  }
  out[0] = s00;
  out[1] = s01;
  out[2] = s02;
  out[3] = s10;
  out[4] = s11;
  out[5] = s12;
  out[6] = s20;
  out[7] = s21;
  out[8] = s22;
}

/**
 * X Xᵀ of the m rows packed row-major in `x` (m × d): the full m × m matrix of their dot
 * products. 3 × 3 tiles of rows (nine running sums from six loads per step), as in
 * GramAccumulator; about one multiply-add per clock, 0.15 s for m = 500, d = 3,072.
 */
export function rowGram(x: Float64Array, m: number, d: number): Float64Array {
  if (x.length < m * d) throw new Error(`rowGram: expected ${m * d} entries, found ${x.length}`);
  const g = new Float64Array(m * m);
  const tile = new Float64Array(9);
  let i = 0;
  for (; i + 2 < m; i += 3) {
    const a0 = i * d;
    const a1 = a0 + d;
    const a2 = a1 + d;
    let j = i;
    for (; j + 2 < m; j += 3) {
      const c0 = j * d;
      const c1 = c0 + d;
      const c2 = c1 + d;
      dotTile3(x, a0, a1, a2, c0, c1, c2, d, tile);
      // On the diagonal tile the three entries below the diagonal are written too; the
      // mirroring below overwrites them with their (identical) upper twins.
      const r0 = i * m + j;
      const r1 = r0 + m;
      const r2 = r1 + m;
      g[r0] = tile[0]!;
      g[r0 + 1] = tile[1]!;
      g[r0 + 2] = tile[2]!;
      g[r1] = tile[3]!;
      g[r1 + 1] = tile[4]!;
      g[r1 + 2] = tile[5]!;
      g[r2] = tile[6]!;
      g[r2 + 1] = tile[7]!;
      g[r2 + 2] = tile[8]!;
    }
    for (; j < m; j++) {
      dotTile3x1(x, a0, a1, a2, j * d, d, tile);
      g[i * m + j] = tile[0]!;
      g[(i + 1) * m + j] = tile[1]!;
      g[(i + 2) * m + j] = tile[2]!;
    }
  }
  for (; i < m; i++) {
    const a = i * d;
    for (let j = i; j < m; j++) {
      const c = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += x[a + t]! * x[c + t]!;
      g[i * m + j] = s;
    }
  }
  return mirrorUpper(g, m);
}

/**
 * (X − 1μᵀ)(X − 1μᵀ)ᵀ: the m × m dot products of the rows centered at `mean`, without a
 * centered copy of all of them (at m = 500, d = 4,096 that copy is 16 MB): the rows are
 * centered band by band (63 rows, a whole number of 3 × 3 tiles) into two small buffers. Each
 * entry is the same sum in the same order as `rowGram` of the packed centered rows gives.
 */
export function centeredRowGram(rows: readonly ArrayLike<number>[], mean: ArrayLike<number>, d: number): Float64Array {
  const m = rows.length;
  // Bands of 63 rows (a whole number of 3 × 3 tiles), fewer for long rows: two bands take at
  // most about 16 MB.
  const B = Math.max(3, Math.min(63, Math.floor((1 << 20) / d / 3) * 3));
  const g = new Float64Array(m * m);
  const simd = simdKernels();
  const buf = simd ? simd.view(2 * B * d + 9 * (B / 3 + 1)) : new Float64Array(2 * B * d);
  const tv = simd ? buf : tileScratch(B);
  const tvBase = simd ? 2 * B * d : 0;
  for (let I = 0; I < m; I += B) {
    const bi = Math.min(B, m - I);
    centerBand(rows, mean, d, I, bi, buf, 0);
    for (let J = I; J < m; J += B) {
      const bj = Math.min(B, m - J);
      // Band J's rows start at `second` in the buffer (the same rows as band I on the diagonal).
      const second = J === I ? 0 : B * d;
      if (J !== I) centerBand(rows, mean, d, J, bj, buf, second);
      accumulateTiles(buf, 0, second, bi, bj, d, d, J === I, g, m, I, J, tv, tvBase, simd);
    }
  }
  releaseLargeMemory();
  return mirrorUpper(g, m);
}

function centerBand(rows: readonly ArrayLike<number>[], mean: ArrayLike<number>, d: number, from: number, count: number, buf: Float64Array, offset: number): void {
  for (let r = 0; r < count; r++) {
    const row = rows[from + r]!;
    const o = offset + r * d;
    for (let t = 0; t < d; t++) buf[o + t] = row[t]! - mean[t]!;
  }
}

/**
 * Adds the dot products of rows of `x` to `out`: for i < rowsA and j < rowsC (j ≥ i when
 * `upper`, rows a and c then being the same), out[(outRow + i)·outStride + outCol + j] +=
 * Σ_{t < len} x[aBase + i·stride + t] · x[cBase + j·stride + t]. Rows go in triples against runs
 * of triples (3 × 3 tiles, nine sums from six loads per step); on the diagonal of `upper` the
 * tiles also add to the three entries below it. With `simd` (simd.ts) `x` must be its memory
 * view and `tv` too, with 9·(rowsC / 3 + 1) free numbers from `tvBase`; without, `tv` is any
 * scratch array that large. The loops that every Gram matrix of the vector metrics goes through.
 */
export function accumulateTiles(
  x: Float64Array,
  aBase: number,
  cBase: number,
  rowsA: number,
  rowsC: number,
  stride: number,
  len: number,
  upper: boolean,
  out: Float64Array,
  outStride: number,
  outRow: number,
  outCol: number,
  tv: Float64Array,
  tvBase: number,
  simd?: SimdKernels,
): void {
  const tile = new Float64Array(9);
  const even = len - (len % 2);
  let i = 0;
  for (; i + 2 < rowsA; i += 3) {
    const a0 = aBase + i * stride;
    const j0 = upper ? i : 0;
    const count = Math.floor((rowsC - j0) / 3);
    const c0 = cBase + j0 * stride;
    if (simd) {
      simd.tiles(a0, c0, count, stride, even, tvBase);
      if (even < len) addPosition(x, a0, c0, stride, len - 1, count, tv, tvBase);
    } else {
      for (let k = 0, c = c0; k < count; k++, c += 3 * stride) {
        dotTile3(x, a0, a0 + stride, a0 + 2 * stride, c, c + stride, c + 2 * stride, len, tile);
        tv.set(tile, tvBase + 9 * k);
      }
    }
    const r0 = (outRow + i) * outStride + outCol;
    const r1 = r0 + outStride;
    const r2 = r1 + outStride;
    for (let k = 0, j = j0, o = tvBase; k < count; k++, j += 3, o += 9) {
      out[r0 + j] += tv[o]!;
      out[r0 + j + 1] += tv[o + 1]!;
      out[r0 + j + 2] += tv[o + 2]!;
      out[r1 + j] += tv[o + 3]!;
      out[r1 + j + 1] += tv[o + 4]!;
      out[r1 + j + 2] += tv[o + 5]!;
      out[r2 + j] += tv[o + 6]!;
      out[r2 + j + 1] += tv[o + 7]!;
      out[r2 + j + 2] += tv[o + 8]!;
    }
    for (let j = j0 + 3 * count; j < rowsC; j++) {
      dotTile3x1(x, a0, a0 + stride, a0 + 2 * stride, cBase + j * stride, len, tile);
      out[r0 + j] += tile[0]!;
      out[r1 + j] += tile[1]!;
      out[r2 + j] += tile[2]!;
    }
  }
  for (; i < rowsA; i++) {
    const a = aBase + i * stride;
    const r = (outRow + i) * outStride + outCol;
    for (let j = upper ? i : 0; j < rowsC; j++) {
      const c = cBase + j * stride;
      let sum = 0;
      for (let t = 0; t < len; t++) sum += x[a + t]! * x[c + t]!;
      out[r + j] += sum;
    }
  }
}

/**
 * Adds the products at position `pos` (the last one, when the SIMD kernel took an even number
 * of positions) to the tile sums of rows a0, a0 + s, a0 + 2s against `count` triples from c0.
 */
export function addPosition(x: Float64Array, a0: number, c0: number, s: number, pos: number, count: number, tv: Float64Array, base: number): void {
  const p0 = x[a0 + pos]!;
  const p1 = x[a0 + s + pos]!;
  const p2 = x[a0 + 2 * s + pos]!;
  for (let k = 0, c = c0 + pos; k < count; k++, c += 3 * s) {
    const q0 = x[c]!;
    const q1 = x[c + s]!;
    const q2 = x[c + 2 * s]!;
    const o = base + 9 * k;
    tv[o] += p0 * q0;
    tv[o + 1] += p0 * q1;
    tv[o + 2] += p0 * q2;
    tv[o + 3] += p1 * q0;
    tv[o + 4] += p1 * q1;
    tv[o + 5] += p1 * q2;
    tv[o + 6] += p2 * q0;
    tv[o + 7] += p2 * q1;
    tv[o + 8] += p2 * q2;
  }
}

let scratch = new Float64Array(0);

/** A scratch array for the tile sums of `rows` rows (the JavaScript path of `accumulateTiles`). */
export function tileScratch(rows: number): Float64Array {
  const need = 9 * (Math.floor(rows / 3) + 1);
  if (scratch.length < need) scratch = new Float64Array(need);
  return scratch;
}

/** Copies the upper triangle of a row-major d × d matrix onto its lower triangle. */
export function mirrorUpper(matrix: Float64Array, d: number): Float64Array {
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) matrix[j * d + i] = matrix[i * d + j]!;
  }
  return matrix;
}

/**
 * Streams rows into XᵀX (d × d). Rows are buffered in blocks of 64 and each block is
 * folded in with dot products over the block, which keeps the d² accumulator out of the
 * innermost loop (a rank-one update per row reads and writes all of it for every row):
 * about 3× faster than `gramAccumulate` at d = 384.
 */
export class GramAccumulator {
  /** Upper triangle while accumulating; full after `finish`. */
  readonly gram: Float64Array;
  private readonly block: Float64Array;
  private filled = 0;
  private finished = false;

  constructor(readonly d: number, private readonly blockRows = 64) {
    this.gram = new Float64Array(d * d);
    // Column-major block: feature i of the buffered rows is block[i*B .. i*B+B).
    this.block = new Float64Array(d * blockRows);
  }

  /** Adds scale · row (the scaled row's outer product is scale² · row rowᵀ). */
  add(row: ArrayLike<number>, scale = 1): void {
    if (this.finished) throw new Error('GramAccumulator: add after finish');
    const B = this.blockRows;
    const b = this.filled;
    const blk = this.block;
    for (let i = 0; i < this.d; i++) blk[i * B + b] = row[i]! * scale;
    if (++this.filled === B) this.flush();
  }

  /** Folds any buffered rows in and mirrors the upper triangle; returns the full matrix. */
  finish(): Float64Array {
    if (!this.finished) {
      this.flush();
      mirrorUpper(this.gram, this.d);
      this.finished = true;
    }
    return this.gram;
  }

  /** Folds the buffered rows into `gram` (upper triangle), so that it holds every row added so far. */
  flush(): void {
    const m = this.filled;
    if (m === 0) return;
    const B = this.blockRows;
    const d = this.d;
    const g = this.gram;
    // 3 × 3 tiles of the upper triangle (the diagonal tiles also write three entries below the
    // diagonal, which mirrorUpper overwrites), by the SIMD kernel when there is one.
    const simd = simdKernels();
    if (simd) {
      const view = simd.view(d * B + 9 * (Math.floor(d / 3) + 1));
      view.set(this.block);
      accumulateTiles(view, 0, 0, d, d, B, m, true, g, d, 0, 0, view, d * B, simd);
    } else {
      accumulateTiles(this.block, 0, 0, d, d, B, m, true, g, d, 0, 0, tileScratch(d), 0);
    }
    this.filled = 0;
  }
}
