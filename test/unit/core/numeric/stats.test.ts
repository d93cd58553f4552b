// Statistics (src/core/numeric/stats.ts) against published (pyMannKendall, CPython, numpy) and
// hand-computed values.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { erfc, mannKendall, normalCdf, percentile, theilSenSlope } from '../../../../src/core/numeric/stats';

const close = (actual: number, expected: number, tol: number): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

// Monthly rainfall at Bogra, 1981–2010, missing months removed (353 values): the series of
// pyMannKendall's unit tests (tests/data/Monthly Rainfall.csv, column 2; MIT licence).
// Its test_original_test publishes, for this series: s = −1959, var_s = 4889800.333333333,
// z = −0.8854562842589916, p = 0.37591058740506833, and sens_slope = −0.0064516129032258064
// (versions ≤ 1.4, which index the series after dropping the missing months, as we do).
// The current pyMannKendall tests state these were checked against the R packages
// modifiedmk, fume, rkt and trend.
const BOGRA = [
  32, 20, 25, 189, 240, 193, 379, 278, 301, 0, 0, 82, 0, 4, 121, 234, 360, 262, 120, 30, 11, 1, 7, 3, 31, 31, 355, 102, 248, 274, 308,
  5, 26, 11, 16, 6, 48, 388, 539, 431, 272, 404, 186, 0, 2, 0, 4, 1, 54, 272, 459, 235, 164, 365, 135, 2, 4, 0, 128, 210, 163, 446,
  225, 462, 467, 19, 13, 0, 3, 17, 132, 178, 338, 525, 623, 145, 31, 19, 3, 0, 29, 25, 87, 259, 756, 486, 180, 292, 43, 92, 1, 0, 16,
  2, 0, 130, 253, 594, 111, 273, 30, 0, 4, 0, 27, 24, 41, 292, 378, 499, 265, 320, 227, 4, 0, 4, 14, 8, 48, 416, 240, 404, 207, 733,
  105, 0, 112, 0, 14, 0, 30, 140, 202, 289, 159, 424, 106, 3, 0, 65, 3, 14, 58, 268, 466, 432, 266, 240, 95, 1, 0, 10, 26, 4, 114,
  94, 289, 173, 208, 263, 156, 5, 0, 16, 16, 14, 0, 111, 475, 534, 432, 471, 117, 70, 1, 3, 28, 7, 401, 184, 283, 338, 171, 335, 176,
  0, 0, 10, 11, 9, 140, 102, 208, 298, 245, 220, 29, 2, 27, 10, 13, 26, 84, 143, 367, 749, 563, 283, 353, 10, 0, 0, 0, 0, 9, 246, 265,
  343, 429, 168, 133, 17, 0, 18, 35, 76, 158, 272, 250, 190, 289, 466, 84, 0, 0, 0, 0, 0, 22, 217, 299, 185, 115, 344, 203, 8, 0,
  5, 284, 123, 254, 476, 496, 326, 27, 20, 0, 4, 53, 72, 113, 214, 364, 219, 220, 156, 264, 0, 13, 0, 0, 45, 90, 137, 638, 529, 261,
  206, 251, 0, 0, 5, 9, 58, 72, 138, 130, 471, 328, 356, 523, 0, 1, 0, 0, 12, 143, 193, 184, 192, 138, 174, 69, 1, 0, 0, 18, 25, 28,
  92, 732, 320, 256, 302, 131, 15, 0, 27, 0, 22, 20, 213, 393, 474, 374, 109, 159, 0, 0, 0, 3, 3, 49, 205, 128, 194, 570, 169, 89,
  0, 0, 0, 0, 0, 26, 185, 286, 92, 225, 244, 190, 3, 20,
];

describe('mannKendall', () => {
  test('pyMannKendall original_test on the Bogra rainfall series (ties throughout)', () => {
    assert.equal(BOGRA.length, 353);
    const r = mannKendall(BOGRA);
    assert.equal(r.s, -1959);
    close(r.varS, 4889800.333333333, 1e-6);
    close(r.z, -0.8854562842589916, 1e-13);
    close(r.pValue, 0.37591058740506833, 1e-12);
  });

  test('hand-computed: 1, 2, 3, 4, 5', () => {
    // S = C(5, 2) = 10; Var = 5·4·15/18 = 50/3; z = (10 − 1)/√(50/3) = 2.2045407685048604;
    // p = 2(1 − Φ(z)) = 0.0274863361115103 (scipy.stats.norm).
    const r = mannKendall([1, 2, 3, 4, 5]);
    assert.equal(r.s, 10);
    close(r.varS, 50 / 3, 1e-12);
    close(r.z, 2.2045407685048604, 1e-14);
    close(r.pValue, 0.0274863361115103, 1e-13);
  });

  test('hand-computed with a tie: 1, 1, 2', () => {
    // Pairs: (1,1) 0, (1,2) +1, (1,2) +1 → S = 2. One tie group of t = 2:
    // Var = (3·2·11 − 2·1·9)/18 = 48/18; z = (2 − 1)/√(48/18) = 0.6123724356957945;
    // p = 0.54029137460742 (scipy.stats.norm).
    const r = mannKendall([1, 1, 2]);
    assert.equal(r.s, 2);
    close(r.varS, 48 / 18, 1e-12);
    close(r.z, 0.6123724356957945, 1e-14);
    close(r.pValue, 0.54029137460742, 1e-13);
  });

  test('a decreasing series mirrors the increasing one', () => {
    const up = mannKendall([1, 2, 3, 4, 5]);
    const down = mannKendall([5, 4, 3, 2, 1]);
    assert.equal(down.s, -10);
    assert.equal(down.z, -up.z);
    assert.equal(down.pValue, up.pValue);
  });

  test('constant series (pyMannKendall NoTrendData): s = 0, var_s = 0, z = 0, p = 1', () => {
    assert.deepEqual(mannKendall(new Array(360).fill(7)), { s: 0, varS: 0, z: 0, pValue: 1 });
    assert.deepEqual(mannKendall([3]), { s: 0, varS: 0, z: 0, pValue: 1 });
  });

  test('strictly increasing 360 values (pyMannKendall TrendData): s = 64620, p ≈ 0', () => {
    // pyMannKendall reports p = 0.0 from 1 − Φ(28.3) in doubles; erfc keeps the tail.
    const r = mannKendall(Array.from({ length: 360 }, (_, i) => i));
    assert.equal(r.s, 64620);
    assert.ok(r.pValue > 0 && r.pValue < 1e-100);
  });
});

describe('theilSenSlope', () => {
  test('hand-computed: 1, 3, 2, 5', () => {
    // Slopes (i, j): (0,1) 2, (0,2) 0.5, (0,3) 4/3, (1,2) −1, (1,3) 1, (2,3) 3;
    // sorted −1, 0.5, 1, 4/3, 2, 3 → median (1 + 4/3)/2 = 7/6.
    close(theilSenSlope([1, 3, 2, 5]), 7 / 6, 1e-15);
  });

  test('odd number of slopes: 0, 2, 1 → slopes 2, 0.5, −1 → 0.5', () => {
    assert.equal(theilSenSlope([0, 2, 1]), 0.5);
  });

  test('a straight line gives its slope, an outlier does not move it', () => {
    assert.equal(theilSenSlope([3, 2.5, 2, 1.5, 1]), -0.5);
    assert.equal(theilSenSlope([3, 2.5, 200, 1.5, 1, 0.5]), -0.5);
  });

  test('pyMannKendall sens_slope on the Bogra series: −0.0064516129032258064', () => {
    close(theilSenSlope(BOGRA), -0.0064516129032258064, 1e-17);
  });

  test('fewer than two values: NaN', () => {
    assert.ok(Number.isNaN(theilSenSlope([1])));
  });
});

describe('erfc and the normal CDF (Cody 1969)', () => {
  test('erfc against reference values to 1e-15 relative (math.erfc of CPython / C99 libm)', () => {
    const reference: [number, number][] = [
      [0, 1],
      [0.1, 0.8875370839817152],
      [0.46875, 0.507386526782062],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028513],
      [2, 0.004677734981047265],
      [3, 2.2090496998585438e-5],
      [4, 1.541725790028002e-8],
      [4.5, 1.9661604415428873e-10],
      [5, 1.5374597944280351e-12],
      [6, 2.1519736712498916e-17],
      [10, 2.088487583762545e-45],
      [26, 5.663192408856143e-296],
      [-0.3, 1.3286267594591274],
      [-1, 1.842700792949715],
      [-3, 1.9999779095030015],
    ];
    for (const [x, y] of reference) close(erfc(x), y, 1e-15 * y);
    assert.equal(erfc(30), 0);
    assert.equal(erfc(-30), 2);
    assert.ok(Number.isNaN(erfc(NaN)));
  });

  test('Φ(0) = 0.5, Φ(1.959963984540054) = 0.975, Φ(1) = 0.8413447460685429, Φ(−3) = 0.0013498980316300933', () => {
    assert.equal(normalCdf(0), 0.5);
    close(normalCdf(1.959963984540054), 0.975, 1e-15);
    close(normalCdf(1), 0.8413447460685429, 1e-15);
    close(normalCdf(-3), 0.0013498980316300933, 2e-17); // 1e-14 relative: x/√2 rounds before the tail
    close(normalCdf(2.5) + normalCdf(-2.5), 1, 1e-15);
  });
});

const f64 = (xs: number[]): Float64Array => Float64Array.from(xs).sort();

describe('percentile (numpy linear interpolation)', () => {
  test('numpy.percentile([1, 2, 3, 4], 25) = 1.75: position 0.25·3 = 0.75 → 1 + 0.75·(2 − 1)', () => {
    assert.equal(percentile([1, 2, 3, 4], 25), 1.75);
  });

  test('numpy.percentile([10, 20, 30, 40, 50], 1) = 10.4: position 0.04 → 10 + 0.04·10', () => {
    close(percentile(f64([10, 20, 30, 40, 50]), 1), 10.4, 1e-12);
  });

  test('ends, exact ranks, one value, none', () => {
    const s = f64([3, 1, 2]);
    assert.equal(percentile(s, 0), 1);
    assert.equal(percentile(s, 50), 2);
    assert.equal(percentile(s, 100), 3);
    assert.equal(percentile([7], 99), 7);
    assert.ok(Number.isNaN(percentile([], 50)));
  });
});
