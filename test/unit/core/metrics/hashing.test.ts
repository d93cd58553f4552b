// Hashing and counting (src/core/metrics/hashing.ts): the hash sets, the token table,
// HyperLogLog and the distinct counter that falls back to it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DistinctCounter, HashSet53, HyperLogLog, hashString53, TokenTable } from '../../../../src/core/metrics/hashing';

describe('hashing', () => {
  test('HashSet53 counts keys and flagged keys', () => {
    const s = new HashSet53(4);
    // (0, 0) is stored as the key 1 and must still be found after the table grows
    for (let i = 0; i < 10000; i++) s.add(i * 7919, i, i % 3 === 0);
    for (let i = 0; i < 10000; i++) s.add(i * 7919, i, false);
    assert.equal(s.size, 10000);
    assert.equal(s.flaggedSize, 3334);
  });

  test('TokenTable tells tokens apart by their characters, whatever the hash', () => {
    const t = new TokenTable(4);
    const words = ['a', 'b', 'ab', 'ba', '\ud800', '\udc00x', 'x'.repeat(20000), 'x'.repeat(20001)];
    const text = words.join(' ');
    const ids: number[] = [];
    let at = 0;
    // every token with the same scan hash: only the character comparison separates them
    for (const w of words) {
      ids.push(t.intern(text, at, at + w.length, 12345));
      at += w.length + 1;
    }
    assert.deepEqual(ids, words.map((_, i) => i));
    at = 0;
    for (let i = 0; i < words.length; i++) {
      assert.equal(t.intern(text, at, at + words[i]!.length, 12345), i);
      assert.equal(t.token(i), words[i]);
      at += words[i]!.length + 1;
    }
    assert.equal(t.size, words.length);
  });

  test('HyperLogLog is within 2% from small to large cardinalities', () => {
    for (const n of [10, 1000, 30000, 300000]) {
      const h = new HyperLogLog();
      for (let i = 0; i < n; i++) h.addKey(hashString53(`k${i}`));
      const e = h.estimate();
      assert.ok(Math.abs(e / n - 1) < 0.02, `${n}: ${e}`);
    }
    assert.equal(new HyperLogLog().estimate(), 0);
  });

  test('DistinctCounter switches to HyperLogLog at its cap', () => {
    const d = new DistinctCounter(100);
    for (let i = 0; i < 100; i++) d.add(i, i * 2654435761, true);
    assert.ok(d.exact);
    for (let i = 100; i < 50000; i++) {
      const k = hashString53(`x${i}`);
      d.add(Math.floor(k / 4294967296), k % 4294967296, i % 2 === 0);
    }
    assert.ok(!d.exact);
    assert.ok(Math.abs(d.size / 50000 - 1) < 0.02, `${d.size}`);
    assert.ok(Math.abs(d.flaggedSize / 25050 - 1) < 0.02, `${d.flaggedSize}`);
  });
});
