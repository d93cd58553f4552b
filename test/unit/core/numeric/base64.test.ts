// Typed arrays as base64 (src/core/numeric/base64.ts): the bytes survive a round trip, the
// strings are standard base64 (compared with Buffer's), and bad input is refused.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBase64, encodeBase64, float32FromBase64, float64FromBase64, int32FromBase64, uint32FromBase64, uint8FromBase64 } from '../../../../src/core/numeric/base64';

describe('base64', () => {
  test('the same strings as Buffer, for every length modulo 3 and past one chunk', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 100, 12288, 12289, 40000]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
      const s = encodeBase64(bytes);
      assert.equal(s, Buffer.from(bytes).toString('base64'), `${n} bytes`);
      assert.deepEqual(decodeBase64(s), bytes);
    }
  });

  test('typed arrays round trip, including views into larger buffers', () => {
    const f = Float64Array.from([0, -0, 1.5, -(2 ** 53), Number.MAX_VALUE, 5e-324, NaN, Infinity]);
    assert.deepEqual(float64FromBase64(encodeBase64(f)), f);
    const big = new Int32Array([1, -2, 3, -4, 2147483647, -2147483648]);
    assert.deepEqual(int32FromBase64(encodeBase64(big.subarray(1, 5))), big.subarray(1, 5));
    assert.deepEqual(uint32FromBase64(encodeBase64(Uint32Array.from([0, 4294967295]))), Uint32Array.from([0, 4294967295]));
    assert.deepEqual(uint8FromBase64(encodeBase64(Uint8Array.from([7]))), Uint8Array.from([7]));
  });

  test('bad input is refused', () => {
    assert.throws(() => decodeBase64('ab$d'), /not base64/);
    assert.throws(() => float64FromBase64(encodeBase64(Uint8Array.from([1, 2, 3]))), /not an array of 8-byte numbers/);
    assert.throws(() => float64FromBase64(encodeBase64(new Float64Array(3)), 4), /3 numbers where 4 were expected/);
  });

  test('single precision, and a length that is checked when given', () => {
    const f = Float32Array.from([0, -1.5, 3.4028234663852886e38, 1e-45]);
    assert.deepEqual(float32FromBase64(encodeBase64(f), 4), f);
    assert.deepEqual(float64FromBase64(encodeBase64(Float64Array.from([1, 2])), 2), Float64Array.from([1, 2]));
  });
});
