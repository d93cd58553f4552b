// Rows held in their smallest exact form (src/core/numeric/rowCodec.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRow, storedBytes, storeRow } from '../../../../src/core/numeric/rowCodec';
import { Random } from '../../../../src/core/random';

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${i}: ${a[i]} vs ${b[i]}`);
};

test('float32 values, fixed decimals and anything else come back bit for bit', () => {
  const random = new Random(1);
  const float32 = Array.from({ length: 100 }, () => Math.fround(random.normal()));
  const decimals = Array.from({ length: 100 }, () => Math.round(random.normal() * 1e6) / 1e6);
  const full = Array.from({ length: 100 }, () => random.normal());
  const far = Array.from({ length: 100 }, () => 1e5 + 0.01 * random.normal());
  for (const [row, bytes] of [[float32, 400], [decimals, 400], [full, 800], [far, 800]] as const) {
    const stored = storeRow(row);
    assert.equal(storedBytes(stored), bytes);
    same(loadRow(stored), row);
  }
  // A scale other than the hint, −0 and zeros, a number too large for the integers.
  same(loadRow(storeRow([0.25, 1.5, -3], 9)), [0.25, 1.5, -3]);
  same(loadRow(storeRow([0.1, -0, 0])), [0.1, -0, 0]);
  same(loadRow(storeRow([0.1, 3e9])), [0.1, 3e9]);
  const out = new Float64Array(2);
  assert.equal(loadRow(storeRow([0.5, 0.125]), out), out);
  same(out, [0.5, 0.125]);
});
