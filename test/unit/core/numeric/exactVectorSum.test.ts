// Exact per-coordinate sums (src/core/numeric/exactVectorSum.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExactVectorSum } from '../../../../src/core/numeric/exactVectorSum';
import { fsum } from '../../../../src/core/numeric/exactSum';
import { Random } from '../../../../src/core/random';

test('each coordinate is its correctly rounded sum, in any order and split, through its state', () => {
  const random = new Random(3);
  const d = 5;
  const rows = Array.from({ length: 2000 }, () => Array.from({ length: d }, (_, i) => (i === 0 ? 1e16 : 1) * random.normal() + (i === 4 ? 1e-300 : 0)));
  const one = new ExactVectorSum(d);
  for (const r of rows) one.add(r);
  for (let i = 0; i < d; i++) assert.equal(one.value(i), fsum(rows.map((r) => r[i]!)));
  const a = new ExactVectorSum(d);
  const b = new ExactVectorSum(d);
  random.shuffle(rows.slice()).forEach((r, k) => (k % 3 ? a : b).add(r));
  const c = ExactVectorSum.fromState(d, JSON.parse(JSON.stringify(b.toState())));
  c.merge(a);
  for (let i = 0; i < d; i++) assert.equal(c.value(i), one.value(i));
  assert.equal(c.scatterTrace(2000), one.scatterTrace(2000));
});

test('the scatter trace keeps the spread of rows far from the origin', () => {
  const random = new Random(4);
  const rows = Array.from({ length: 500 }, () => [1e8 + 0.01 * random.normal(), -3e7 + random.normal()]);
  const acc = new ExactVectorSum(2);
  for (const r of rows) acc.add(r);
  const mean = [0, 1].map((i) => rows.reduce((s, r) => s + r[i]!, 0) / rows.length);
  let want = 0;
  for (const r of rows) for (let i = 0; i < 2; i++) want += (r[i]! - mean[i]!) ** 2;
  assert.ok(Math.abs(acc.scatterTrace(rows.length) - want) <= 1e-6 * want, `${acc.scatterTrace(rows.length)} vs ${want}`);
  assert.throws(() => acc.merge(new ExactVectorSum(3)), /cannot merge/);
});

test('values far outside a coordinate’s window (1e-200 beside 1, 1e200) stay exact, in any split', () => {
  const rows = [[1, 2], [1e-200, 3], [1e200, -1e-300], [-1e200, 5e-324], [0.5, 1e-20]];
  const one = new ExactVectorSum(2);
  for (const r of rows) one.add(r);
  assert.equal(one.value(0), fsum(rows.map((r) => r[0]!)));
  assert.equal(one.value(1), fsum(rows.map((r) => r[1]!)));
  const a = new ExactVectorSum(2);
  const b = new ExactVectorSum(2);
  a.add(rows[3]!);
  a.add(rows[1]!);
  b.add(rows[4]!);
  b.add(rows[0]!);
  b.add(rows[2]!);
  a.merge(b);
  assert.deepEqual(a.toState(), one.toState());
});
