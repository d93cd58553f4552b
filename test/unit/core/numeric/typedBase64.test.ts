// Typed arrays as base64 (src/core/numeric/typedBase64.ts): bit-for-bit round trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base64ToBytes, base64ToFloat32, base64ToFloat64, bytesToBase64, float32ToBase64, float64ToBase64 } from '../../../../src/core/numeric/typedBase64';

test('bytes: every length 0..10 round-trips and matches the standard encoding', () => {
  for (let n = 0; n <= 10; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 13) & 255);
    const text = bytesToBase64(bytes);
    assert.equal(text, Buffer.from(bytes).toString('base64'));
    assert.deepEqual(base64ToBytes(text), bytes);
  }
  const big = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 31) & 255);
  assert.equal(bytesToBase64(big), Buffer.from(big).toString('base64'));
});

test('doubles and floats come back bit for bit (−0, NaN, subnormals, infinities)', () => {
  const values = Float64Array.from([0, -0, NaN, Infinity, -Infinity, 5e-324, 1 / 3, -1e308, Math.PI]);
  const back = base64ToFloat64(float64ToBase64(values), values.length);
  assert.deepEqual(new Uint8Array(back.buffer), new Uint8Array(values.buffer));
  const floats = Float32Array.from([0, -0, 1.5, 3e38, 1e-45]);
  assert.deepEqual(base64ToFloat32(float32ToBase64(floats)), floats);
  // A view into a larger buffer encodes only its own bytes.
  assert.deepEqual(base64ToFloat64(float64ToBase64(values.subarray(2, 5))).length, 3);
});

test('bad text and wrong lengths are refused', () => {
  assert.throws(() => base64ToBytes('abc'), /multiple of 4/);
  assert.throws(() => base64ToBytes('ab$d'), /unexpected character/);
  assert.throws(() => base64ToFloat64(float64ToBase64(new Float64Array(3)), 4), /expected 4 doubles/);
  assert.throws(() => base64ToFloat64('AAAA'), /whole number of doubles/);
});
