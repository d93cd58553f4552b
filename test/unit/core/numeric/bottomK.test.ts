// Bottom-k samples (src/core/numeric/bottomK.ts): the smallest keys, whatever the arrival order
// or the split, and the operations the template sample builds on.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BottomK, NumberBottomK, positionKey } from '../../../../src/core/numeric/bottomK';
import { Random } from '../../../../src/core/random';

describe('BottomK', () => {
  const keys = Array.from({ length: 500 }, (_, i) => positionKey(9, i + 1));
  const smallest = [...keys].sort((a, b) => a - b).slice(0, 20);

  test('keeps the k smallest keys in any order, and merged shards keep the same', () => {
    const forward = new BottomK<number>(20);
    keys.forEach((k, i) => forward.offer(k, i));
    const backward = new BottomK<number>(20);
    for (let i = keys.length - 1; i >= 0; i--) backward.offer(keys[i]!, i);
    assert.deepEqual(forward.entries().map(([k]) => k), smallest);
    assert.deepEqual(backward.entries(), forward.entries());
    const parts = [new BottomK<number>(20), new BottomK<number>(20), new BottomK<number>(20)];
    keys.forEach((k, i) => parts[i % 3]!.offer(k, i));
    const merged = BottomK.from<number>(20, [], 0);
    for (const p of parts) merged.merge(p);
    assert.deepEqual(merged.entries(), forward.entries());
    assert.equal(merged.seen, 500);
    assert.ok(merged.sampled);
  });

  test('admits, onEvict and popLargest', () => {
    const evicted: number[] = [];
    const s = new BottomK<number>(2, (v) => evicted.push(v));
    s.offer(30, 3);
    s.offer(10, 1);
    assert.equal(s.admits(40), false);
    assert.equal(s.admits(20), true);
    assert.equal(s.offer(20, 2), true);
    assert.deepEqual(evicted, [3]);
    assert.equal(s.popLargest(), 2);
    assert.equal(s.popLargest(), 1);
    assert.equal(s.popLargest(), undefined);
  });
});

describe('NumberBottomK', () => {
  test('keeps what BottomK keeps: any capacity, order, split and restore, below, at and past its capacity', () => {
    const rng = new Random(21);
    for (let round = 0; round < 60; round++) {
      const count = Math.floor(rng.next() * 3000);
      const capacity = [0, 1, 2, 17, 1000, 2999, 3000, 5000][round % 8]!;
      const items = Array.from({ length: count }, (_, i) => [positionKey(round, i + 1), Math.round(rng.normal() * 100) / 10] as const);
      if (round % 2) items.reverse();
      const typed = new NumberBottomK(capacity);
      const plain = new BottomK<number>(capacity);
      for (const [k, v] of items) assert.equal(typed.offer(k, v), plain.offer(k, v));
      assert.deepEqual(typed.entries(), plain.entries(), `round ${round}`);
      assert.equal(typed.size, plain.size);
      assert.equal(typed.sampled, plain.sampled);
      // Sorted as the value sample sorts them (a typed array's sort puts −0 before 0).
      assert.deepEqual(Float64Array.from(typed.items()).sort(), Float64Array.from(plain.items()).sort());
      // Shards merged, and a sample restored from its entries.
      const parts = [new NumberBottomK(capacity), new NumberBottomK(capacity), new NumberBottomK(capacity)];
      items.forEach(([k, v], i) => parts[i % 3]!.offer(k, v));
      const merged = NumberBottomK.from(capacity, [], 0);
      for (const p of parts) merged.merge(p);
      assert.deepEqual(merged.entries(), plain.entries());
      assert.equal(merged.seen, count);
      const back = NumberBottomK.from(capacity, typed.entries(), typed.seen);
      assert.deepEqual(back.entries(), typed.entries());
      assert.equal(back.sampled, typed.sampled);
    }
  });
});
