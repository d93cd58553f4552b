// Record texts by hash (src/core/metrics/textCounter.ts): exact counts and first lines under
// the cap, merges equal to one pass, lossy counting past it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TextCounter } from '../../../../src/core/metrics/textCounter';
import { hashString53 } from '../../../../src/core/numeric/hash53';
import { Random } from '../../../../src/core/random';

function texts(random: Random, n: number, distinct: number): string[] {
  return Array.from({ length: n }, () => `text ${Math.floor(distinct * random.next() ** 2)}`);
}

describe('TextCounter', () => {
  test('counts, first lines and the most repeated texts, exactly under the cap', () => {
    const c = new TextCounter(1000);
    const all = texts(new Random(1), 3000, 400);
    all.forEach((t, i) => c.add(hashString53(t), i + 1, t));
    assert.ok(c.exact);
    const counts = new Map<string, { count: number; line: number }>();
    all.forEach((t, i) => counts.set(t, { count: (counts.get(t)?.count ?? 0) + 1, line: counts.get(t)?.line ?? i + 1 }));
    assert.equal(c.distinct, counts.size);
    for (const [t, { count }] of counts) assert.equal(c.count(hashString53(t)), count);
    const want = [...counts].filter(([, v]) => v.count >= 2).sort((a, b) => b[1].count - a[1].count || a[1].line - b[1].line).slice(0, 5);
    assert.deepEqual(c.top(5), want.map(([text, v]) => ({ text, count: v.count, line: v.line })));
  });

  test('parts merged, or through their state, equal one pass', () => {
    const all = texts(new Random(2), 4000, 900);
    const whole = new TextCounter(5000, true);
    all.forEach((t, i) => whole.add(hashString53(t), i + 1, t));
    for (const shards of [2, 3, 16]) {
      const parts = Array.from({ length: shards }, () => new TextCounter(5000, true));
      all.forEach((t, i) => parts[(i * 7) % shards]!.add(hashString53(t), i + 1, t));
      const merged = TextCounter.fromState(parts[0]!.toState(), 5000, true);
      for (const p of parts.slice(1)) merged.merge(TextCounter.fromState(p.toState(), 5000, true));
      assert.deepEqual(merged.toState(), whole.toState(), `${shards} shards`);
    }
  });

  test('past the cap: the distinct count is sketched, texts seen once are let go, repeated ones are still found', () => {
    const c = new TextCounter(100);
    for (let i = 0; i < 5000; i++) c.add(hashString53(`once ${i}`), i + 1, `once ${i}`);
    for (let i = 0; i < 50; i++) c.add(hashString53('again'), 6000 + i, 'again');
    assert.ok(!c.exact);
    assert.ok(Math.abs(c.distinct / 5001 - 1) < 0.03, `${c.distinct}`);
    assert.equal(c.top(1)[0]!.text, 'again');
    assert.ok(c.count(hashString53('again')) >= 2);
    const s = c.toState();
    assert.ok(s.keys.length <= 100 && s.hll !== undefined);
  });
});
