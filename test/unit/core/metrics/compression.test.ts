// compression_ratio's sample (src/core/metrics/compression.ts): every record while they fit,
// else whole chunks of 128 lines by a seeded hash of their number; the same sample for any
// split of the records, merged in any order.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../../../src/core/random';
import { CompressionSample, COMPRESSION_CHUNK_LINES } from '../../../../src/core/metrics/compression';
import { compressionRatio } from '../../../../src/core/metrics/text';
import { randomCorpus } from './support';

describe('CompressionSample', () => {
  const texts = randomCorpus(new Random(2), 3000, 30, 20);

  test('under the budget: the whole joined text, as the reference function', () => {
    const s = new CompressionSample(1 << 20, 1);
    texts.forEach((t, i) => s.add(t, i + 1, 0));
    assert.ok(!s.sampled);
    assert.equal(s.ratio().ratio, compressionRatio(texts));
    assert.equal(s.totalBytes, Buffer.byteLength(texts.join(' ')));
  });

  test('over the budget: whole chunks of lines, the same for any split and merge order, also from JSON', () => {
    const one = new CompressionSample(8000, 1);
    texts.forEach((t, i) => one.add(t, i + 1, 0));
    assert.ok(one.sampled);
    const state = one.toState();
    for (const c of state.chunks) for (const [line] of c.records) assert.equal(Math.floor(line / COMPRESSION_CHUNK_LINES), c.id);
    for (const k of [2, 5]) {
      const random = new Random(k);
      const parts = Array.from({ length: k }, () => new CompressionSample(8000, 1));
      texts.forEach((t, i) => parts[random.int(k)]!.add(t, i + 1, 0));
      const restored = parts.map((p) => CompressionSample.fromState(JSON.parse(JSON.stringify(p.toState())), 8000, 1)).reverse();
      for (const p of restored.slice(1)) restored[0]!.merge(p);
      assert.deepEqual(restored[0]!.toState(), state, `${k} parts`);
      assert.deepEqual(restored[0]!.ratio(), one.ratio());
    }
  });
});
