// Open addressing on 53-bit keys (src/core/numeric/hashTables.ts): the probe both table
// shapes share, the flagged set and the dense numbering.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findSlot, HashSet53, KeyIndex53, rehashSlots, slotsFor } from '../../../../src/core/numeric/hashTables';
import { hashString53, lowBits } from '../../../../src/core/numeric/hash53';
import { Random } from '../../../../src/core/random';

const keys = (n: number, tag = 'k') => Array.from({ length: n }, (_, i) => hashString53(`${tag}${i}`));

describe('hash tables', () => {
  test('slotsFor: a power of two, at least 16, at load ≤ 1/2', () => {
    assert.deepEqual([0, 1, 8, 9, 1000, 1024].map(slotsFor), [16, 16, 16, 32, 2048, 2048]);
  });

  test('findSlot finds each key, or an empty slot, by linear probing from its low bits, at any stride', () => {
    for (const stride of [1, 3]) {
      const cap = 64;
      const table = new Float64Array(cap * stride);
      // keys that all start at slot 5: they probe past each other
      const colliding = Array.from({ length: 20 }, (_, k) => (k + 1) * 4294967296 + 5);
      for (const key of colliding) {
        const i = findSlot(table, cap - 1, key, undefined, stride);
        assert.equal(table[i * stride], 0);
        table[i * stride] = key;
      }
      colliding.forEach((key, k) => assert.equal(findSlot(table, cap - 1, key, undefined, stride), 5 + k));
      // a flagged key (stored negative) is found as itself
      table[5 * stride] = -colliding[0]!;
      assert.equal(findSlot(table, cap - 1, colliding[0]!, lowBits(colliding[0]!), stride), 5);
      // what a slot carries besides its key moves with it
      const grown = rehashSlots(table, cap * 2, stride, (from, to, t) => {
        if (stride > 1) t[to * stride + 1] = table[from * stride + 1]! + 1;
      });
      for (const key of colliding) {
        const i = findSlot(grown, cap * 2 - 1, key, undefined, stride);
        assert.equal(Math.abs(grown[i * stride]!), key);
        if (stride > 1) assert.equal(grown[i * stride + 1], 1);
      }
    }
  });

  test('HashSet53 counts keys and flagged keys', () => {
    const s = new HashSet53(4);
    // (0, 0) is stored as the key 1 and must still be found after the table grows
    for (let i = 0; i < 10000; i++) s.add(i * 7919, i, i % 3 === 0);
    for (let i = 0; i < 10000; i++) s.add(i * 7919, i, false);
    assert.equal(s.size, 10000);
    assert.equal(s.flaggedSize, 3334);
    let flagged = 0;
    s.forEach((_, f) => (flagged += f ? 1 : 0));
    assert.equal(flagged, 3334);
    const signed = s.signedKeys();
    assert.equal(signed.length, 10000);
    for (let i = 1; i < signed.length; i++) assert.ok(Math.abs(signed[i]!) > Math.abs(signed[i - 1]!));
  });

  test('KeyIndex53 numbers keys in the order they came, through growth', () => {
    const index = new KeyIndex53(4);
    const ks = keys(5000);
    ks.forEach((k, i) => assert.equal(index.idOf(k), i));
    ks.forEach((k, i) => {
      assert.equal(index.idOf(k), i, 'a key keeps its number');
      assert.equal(index.get(k), i);
      assert.equal(index.key(i), k);
    });
    assert.equal(index.size, 5000);
    assert.equal(index.get(hashString53('absent')), -1);
  });

  test('KeyIndex53.retain keeps the chosen keys, numbered again in their order', () => {
    const random = new Random(3);
    const index = new KeyIndex53(16);
    const ks = keys(3000, 'r');
    for (const k of ks) index.idOf(k);
    const keep = ks.map(() => random.next() < 0.3);
    index.retain((id) => keep[id]!);
    const kept = ks.filter((_, i) => keep[i]);
    assert.equal(index.size, kept.length);
    kept.forEach((k, i) => {
      assert.equal(index.get(k), i);
      assert.equal(index.key(i), k);
    });
    ks.forEach((k, i) => keep[i] || assert.equal(index.get(k), -1));
    // and takes new keys after them
    assert.equal(index.idOf(hashString53('new')), kept.length);
  });
});
