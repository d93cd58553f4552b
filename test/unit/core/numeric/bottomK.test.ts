// Bottom-k samples (src/core/numeric/bottomK.ts): the smallest keys, whatever the arrival order
// or the split, and the operations the template sample builds on.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BottomK, positionKey } from '../../../../src/core/numeric/bottomK';

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
