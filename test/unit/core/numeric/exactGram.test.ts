// The order-independent Gram matrix of unit rows (src/core/numeric/exactGram.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExactUnitGram } from '../../../../src/core/numeric/exactGram';
import { Random } from '../../../../src/core/random';

function unitRows(n: number, d: number, random: Random): Float64Array[] {
  return Array.from({ length: n }, () => {
    const r = Float64Array.from({ length: d }, () => random.normal());
    const s = 1 / Math.hypot(...r);
    return r.map((x) => x * s);
  });
}

test('equals the plain sum within n · 2⁻⁴⁰, for block and tile remainders', () => {
  const random = new Random(1);
  for (const [n, d] of [[1, 1], [5, 7], [130, 10], [2100, 4]] as const) {
    const rows = unitRows(n, d, random);
    const g = new ExactUnitGram(d);
    const plain = new Float64Array(d * d);
    for (const r of rows) {
      g.add(r);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) plain[i * d + j] += r[i]! * r[j]!;
    }
    const m = g.matrix();
    for (let i = 0; i < d * d; i++) assert.ok(Math.abs(m[i]! - plain[i]!) <= n * 2 ** -40, `n=${n} d=${d}: ${m[i]} vs ${plain[i]}`);
  }
});

test('the same bytes in any order and split, merged and through its state', () => {
  const random = new Random(2);
  const d = 9;
  const rows = unitRows(3000, d, random);
  const one = new ExactUnitGram(d);
  for (const r of rows) one.add(r);
  const want = one.matrix();
  for (const parts of [2, 5]) {
    const shuffled = random.shuffle(rows.slice());
    const accs = Array.from({ length: parts }, () => new ExactUnitGram(d));
    shuffled.forEach((r, i) => accs[i % parts]!.add(r));
    const into = ExactUnitGram.fromState(d, JSON.parse(JSON.stringify(accs[0]!.toState())));
    for (const a of accs.slice(1)) into.merge(a);
    assert.deepEqual(into.matrix(), want);
    assert.equal(into.rows, 3000);
  }
});

test('entries outside [−1, 1] and another size are refused', () => {
  assert.throws(() => new ExactUnitGram(2).add([2, 0]), /outside/);
  assert.throws(() => new ExactUnitGram(2).merge(new ExactUnitGram(3)), /cannot merge/);
});
