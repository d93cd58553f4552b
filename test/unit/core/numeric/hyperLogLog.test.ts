// HyperLogLog and the distinct counter that falls back to it (src/core/numeric/hyperLogLog.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DistinctCounter, HyperLogLog } from '../../../../src/core/numeric/hyperLogLog';
import { hashString53 } from '../../../../src/core/numeric/hash53';

describe('HyperLogLog', () => {
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

  test('DistinctCounter at its cap: a key it holds is still flagged; the next new key gives the sketches of every key', () => {
    const cap = 64;
    const keys = Array.from({ length: 200 }, (_, i) => hashString53(`c${i}`));
    const d = new DistinctCounter(cap, cap);
    keys.slice(0, cap).forEach((k) => d.addKey(k, false));
    assert.ok(d.exact);
    // full: flagging a key it holds keeps it exact
    d.addKey(keys[3]!, true);
    assert.ok(d.exact);
    assert.equal(d.size, cap);
    assert.equal(d.flaggedSize, 1);
    // the next new key: both sketches hold exactly what adding every key to them gives
    keys.slice(cap).forEach((k, i) => d.addKey(k, i % 2 === 0));
    assert.ok(!d.exact);
    const all = new HyperLogLog();
    const flagged = new HyperLogLog();
    keys.forEach((k, i) => {
      all.addKey(k);
      if (i === 3 || (i >= cap && (i - cap) % 2 === 0)) flagged.addKey(k);
    });
    assert.deepEqual(d.toState(), { all: all.registers, flagged: flagged.registers });
  });

  test('DistinctCounter past its cap: split, merged and stored, its sketches are those of every key and of the flagged ones', () => {
    const keys = Array.from({ length: 3000 }, (_, i) => hashString53(`m${i % 2200}`));
    const flag = (i: number) => i % 3 !== 0;
    const all = new HyperLogLog();
    const flagged = new HyperLogLog();
    keys.forEach((k, i) => {
      all.addKey(k);
      if (flag(i)) flagged.addKey(k);
    });
    const want = { all: all.registers, flagged: flagged.registers };
    const whole = new DistinctCounter(500);
    keys.forEach((k, i) => whole.addKey(k, flag(i)));
    assert.deepEqual(whole.toState(), want);
    // In three parts, one still exact, merged in another order, and through its stored form.
    const parts = [keys.slice(0, 300), keys.slice(300, 2000), keys.slice(2000)].map((ks, p) => {
      const d = new DistinctCounter(500);
      const at = [0, 300, 2000][p]!;
      ks.forEach((k, j) => d.addKey(k, flag(at + j)));
      return d;
    });
    assert.ok(parts[0]!.exact && !parts[1]!.exact);
    const merged = DistinctCounter.fromState(parts[2]!.toState(), 500);
    merged.merge(parts[0]!);
    merged.merge(DistinctCounter.fromState(parts[1]!.toState(), 500));
    assert.deepEqual(merged.toState(), want);
    assert.equal(merged.size, all.estimate());
    assert.equal(merged.flaggedSize, flagged.estimate());
    // Counting more keys without adding them.
    const extra = Float64Array.from({ length: 50 }, (_, i) => hashString53(`extra${i}`));
    const more = all.clone();
    extra.forEach((k) => more.addKey(k));
    assert.deepEqual(merged.countsWith(extra), { size: more.estimate(), flaggedSize: flagged.estimate(), exact: false });
    assert.deepEqual(merged.toState(), want, 'countsWith changes nothing');
  });
});
