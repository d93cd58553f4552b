// The d × d sums of the rows that left a sample (src/core/numeric/scatterSums.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpillSums } from '../../../../src/core/numeric/scatterSums';
import { Random } from '../../../../src/core/random';

function rows(n: number, d: number, random: Random, offset: number): Float64Array[] {
  return Array.from({ length: n }, () => Float64Array.from({ length: d }, (_, i) => offset + (i + 1) * random.normal()));
}

function direct(data: Float64Array[], mean: Float64Array): Float64Array {
  const d = mean.length;
  const out = new Float64Array(d * d);
  for (const r of data) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * d + j] += (r[i]! - mean[i]!) * (r[j]! - mean[j]!);
  return out;
}

test('scatter about the mean and the normalized Gram: parts merged (other anchors, through JSON) equal one pass', () => {
  const random = new Random(1);
  const d = 5;
  for (const offset of [0, 1e4]) {
    const data = rows(400, d, random, offset);
    const one = new SpillSums(d, data[0]!);
    for (const r of data) one.add(r);
    const parts = [0, 1, 2].map((p) => new SpillSums(d, data[p * 100 + 7]!));
    data.forEach((r, k) => parts[k % 3]!.add(r));
    const merged = SpillSums.fromState(d, JSON.parse(JSON.stringify(parts[2]!.toState())));
    merged.merge(parts[0]!);
    merged.merge(parts[1]!);
    assert.equal(merged.n, 400);
    const mean = one.exact.mean(400);
    assert.deepEqual(merged.exact.mean(400), mean);
    const want = direct(data, mean);
    const a = one.scatterAbout(mean);
    const b = merged.scatterAbout(mean);
    for (let i = 0; i < d * d; i++) {
      assert.ok(Math.abs(a[i]! - want[i]!) <= 1e-9 * Math.abs(want[i * d + (i % d)] ?? 1) + 1e-9 * Math.abs(want[0]!), `one pass ${i}`);
      assert.ok(Math.abs(b[i]! - a[i]!) <= 1e-12 * Math.abs(want[0]! + want[d * d - 1]!), `merged ${i}: ${b[i]} vs ${a[i]}`);
    }
    assert.deepEqual(merged.normalized.matrix(), one.normalized.matrix());
  }
});
