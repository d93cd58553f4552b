// Statistics shared by the metrics, the rules, the scenarios' closed-form expectations and the
// test fixtures: one erfc, one Mann-Kendall, one percentile convention (p in 0..100, as
// numpy.percentile). The trend tests follow pymannkendall's `original_test` and `sens_slope`.

export interface MannKendallResult {
  /** S = Σ_{i<j} sign(x_j − x_i). */
  s: number;
  /** Var(S) with the tie correction. */
  varS: number;
  /** Normal score with continuity correction. */
  z: number;
  /** Two-sided p-value, normal approximation. */
  pValue: number;
}

/**
 * Mann-Kendall trend test (Mann 1945, Kendall 1975): S, Var(S) = [n(n−1)(2n+5) −
 * Σ t(t−1)(2t+5)] / 18 over groups of t equal values, z = (S ∓ 1)/√Var(S) (0 when S = 0)
 * and p = 2(1 − Φ(|z|)). Values are compared exactly, as in pymannkendall. Fewer than
 * two values (or all equal) give S = 0, z = 0, p = 1.
 */
export function mannKendall(series: readonly number[]): MannKendallResult {
  const n = series.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = series[i]!;
    for (let j = i + 1; j < n; j++) {
      const xj = series[j]!;
      if (xj > xi) s++;
      else if (xj < xi) s--;
    }
  }
  const ties = new Map<number, number>();
  for (const x of series) ties.set(x, (ties.get(x) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) tieTerm += t * (t - 1) * (2 * t + 5);
  const varS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  let z = 0;
  if (varS > 0) {
    if (s > 0) z = (s - 1) / Math.sqrt(varS);
    else if (s < 0) z = (s + 1) / Math.sqrt(varS);
  }
  // 2(1 − Φ(|z|)) = erfc(|z|/√2), without the cancellation of 1 − Φ for large |z|.
  const pValue = Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
  return { s, varS, z, pValue };
}

/**
 * Theil-Sen (Sen 1968) slope per generation: the median of (y_j − y_i)/(j − i) over all
 * i < j, with x the generation index 0..n−1; the median of an even count is the mean of
 * the two middle slopes (numpy.median). NaN for fewer than two values.
 */
export function theilSenSlope(series: readonly number[]): number {
  const n = series.length;
  if (n < 2) return NaN;
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) slopes[k++] = (series[j]! - series[i]!) / (j - i);
  }
  slopes.sort();
  const m = slopes.length;
  return m % 2 === 1 ? slopes[(m - 1) / 2]! : (slopes[m / 2 - 1]! + slopes[m / 2]!) / 2;
}

/** Standard normal CDF Φ(x) = erfc(−x/√2)/2. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

// W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23
// (1969) 631–638, as in his SPECFUN routine CALERF (netlib specfun/erf): near-minimax
// rational approximations on |x| ≤ 0.46875, 0.46875 < |x| ≤ 4 and |x| > 4, with relative
// error below 1e-16 in IEEE double arithmetic.
const A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
const P = [0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4, 0.0163153871373020978];
const Q = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];
const SQRT_PI_INV = 0.56418958354775628695; // 1/√π
const X_SMALL = 1.11e-16;
const X_BIG = 26.543; // erfc underflows beyond

/** Complementary error function erfc(x) = 1 − erf(x) (Cody 1969). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  let result: number;
  if (y <= 0.46875) {
    const ysq = y > X_SMALL ? y * y : 0;
    let num = A[4]! * ysq;
    let den = ysq;
    for (let i = 0; i < 3; i++) {
      num = (num + A[i]!) * ysq;
      den = (den + B[i]!) * ysq;
    }
    // erf(x) for the small range; erfc = 1 − erf needs no sign fix-up.
    return 1 - (x * (num + A[3]!)) / (den + B[3]!);
  } else if (y <= 4) {
    let num = C[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    result = (num + C[7]!) / (den + D[7]!);
    result *= expMinusSquare(y);
  } else if (y >= X_BIG) {
    result = 0;
  } else {
    const ysq = 1 / (y * y);
    let num = P[5]! * ysq;
    let den = ysq;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]!) * ysq;
      den = (den + Q[i]!) * ysq;
    }
    result = (ysq * (num + P[4]!)) / (den + Q[4]!);
    result = (SQRT_PI_INV - result) / y;
    result *= expMinusSquare(y);
  }
  return x < 0 ? 2 - result : result;
}

// exp(−y²) computed as exp(−ŷ²)·exp(−(y − ŷ)(y + ŷ)) with ŷ = y rounded down to 1/16, so
// that the rounding error of y² is not magnified by the exponential (Cody's device).
function expMinusSquare(y: number): number {
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq) * Math.exp(-del);
}

/**
 * The p-th percentile (p in 0..100) of ascending values by linear interpolation between
 * the closest ranks: position (p/100)·(n − 1), numpy's default (`method='linear'`, type 7
 * of Hyndman & Fan 1996). NaN for no values.
 */
export function percentile(sorted: Float64Array | readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  const frac = pos - lo;
  return frac === 0 ? a : a + (b - a) * frac;
}

/** Shannon entropy in bits of a distribution given by counts summing to `total` (zeros skipped). */
export function entropyBits(counts: Iterable<number>, total: number): number {
  let h = 0;
  for (const c of counts) {
    if (c === 0) continue;
    const p = c / total;
    h -= p * Math.log2(p);
  }
  return h;
}
