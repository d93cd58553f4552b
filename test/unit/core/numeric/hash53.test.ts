// 53-bit hashes (src/core/numeric/hash53.ts): the two lanes joined into one exact double.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hashString53, highBits, join53, lowBits } from '../../../../src/core/numeric/hash53';

describe('hash53', () => {
  test('join53 keeps 21 + 32 bits exactly, never 0; lowBits and highBits take them apart', () => {
    for (const [hi, lo] of [[0, 0], [0, 1], [-1, -1], [0x1fffff, 0xffffffff], [0x200000, 7], [12345, -2]] as const) {
      const key = join53(hi, lo);
      assert.ok(Number.isSafeInteger(key) && key >= 1 && key < 2 ** 53);
      if (hi === 0 && lo === 0) assert.equal(key, 1, '0 is kept free as the empty slot');
      else {
        assert.equal(lowBits(key), lo >>> 0);
        assert.equal(highBits(key), hi & 0x1fffff);
      }
    }
  });

  test('hashString53 is a function of the UTF-16 code units, their number folded in', () => {
    assert.equal(hashString53('collapse'), hashString53('collapse'));
    assert.notEqual(hashString53('ab'), hashString53('ba'));
    assert.notEqual(hashString53(''), hashString53('\u0000'));
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) seen.add(hashString53(`t${i}`));
    assert.equal(seen.size, 100_000);
  });
});
