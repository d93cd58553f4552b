// The bottom-k sample under a size budget (src/core/numeric/prefixSample.ts): the longest run of
// the smallest keys within the count and the budget, the same whatever the order of the items
// and however they were split into samples that merge.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../../../src/core/random';
import { positionKey } from '../../../../src/core/numeric/bottomK';
import { PrefixSample } from '../../../../src/core/numeric/prefixSample';

interface Item {
  id: number;
  size: number;
}

/** The sample by its definition: keys ascending, while the count and the budget hold (the first always). */
function expected(items: Item[], seed: number, k: number, budget: number): number[] {
  const sorted = items.map((it) => ({ it, key: positionKey(seed, it.id) })).sort((a, b) => a.key - b.key);
  const out: number[] = [];
  let total = 0;
  for (const { it } of sorted) {
    total += it.size;
    if (out.length >= k || (out.length >= 1 && total > budget)) break;
    out.push(it.id);
  }
  return out;
}

describe('PrefixSample', () => {
  test('equals its definition in any order, split or merge order', () => {
    const random = new Random(5);
    for (let trial = 0; trial < 30; trial++) {
      const items = Array.from({ length: 1 + random.int(300) }, (_, id) => ({ id, size: 1 + random.int(random.next() < 0.1 ? 200 : 20) }));
      const k = 1 + random.int(80);
      const budget = 1 + random.int(1500);
      const want = expected(items, trial, k, budget);
      const ids = (s: PrefixSample<Item>) => s.entries().map(([, it]) => it.id);
      const one = new PrefixSample<Item>(k, budget, (it) => it.size);
      for (const it of items) one.offer(positionKey(trial, it.id), it);
      assert.deepEqual(ids(one), want, `trial ${trial}`);
      assert.equal(one.seen, items.length);
      assert.equal(one.sampled, want.length < items.length);
      const parts = Array.from({ length: 1 + random.int(6) }, () => new PrefixSample<Item>(k, budget, (it) => it.size));
      for (const it of [...items].reverse()) parts[random.int(parts.length)]!.offer(positionKey(trial, it.id), it);
      const merged = parts.pop()!;
      for (const p of parts) merged.merge(p);
      assert.deepEqual(ids(merged), want, `trial ${trial}, merged`);
      assert.equal(merged.seen, items.length);
      const back = PrefixSample.from(k, budget, (it: Item) => it.size, JSON.parse(JSON.stringify(merged.entries())), merged.seen, merged.cut);
      assert.deepEqual(ids(back), want);
    }
  });

  test('one item larger than the budget is kept alone', () => {
    const s = new PrefixSample<Item>(10, 5, (it) => it.size);
    s.offer(10, { id: 1, size: 50 });
    assert.equal(s.size, 1);
    s.offer(5, { id: 2, size: 1 });
    assert.deepEqual(s.entries().map(([, it]) => it.id), [2]);
    assert.equal(s.admits(10), false);
  });
});
