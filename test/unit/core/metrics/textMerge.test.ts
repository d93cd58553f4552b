// Text accumulators of parts of a generation merge into the accumulator of the whole
// (src/core/metrics/textAccumulator.ts): for any split of the records into shards (contiguous
// or interleaved, 1, 2, 3 or 16 of them), merged in any order, also through a JSON round trip
// of their states, finishing gives the same result, byte for byte, as one pass in line order.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../../../src/core/random';
import { buildTextBaseline, finishTextMetrics, TextAccumulator } from '../../../../src/core/metrics/text';
import type { TextGroupResult, TextMetricOptions } from '../../../../src/core/metrics/text';
import { hashString53 } from '../../../../src/core/numeric/hash53';
import { randomCorpus } from './support';

interface Rec {
  text: string;
  line: number;
  prompt?: number;
}

function feed(acc: TextAccumulator, records: readonly Rec[]): TextAccumulator {
  for (const r of records) acc.add(r.text, r.line, r.prompt);
  return acc;
}

function finish(acc: TextAccumulator): { result: TextGroupResult; baseline: ReturnType<typeof buildTextBaseline> } {
  const baseline = buildTextBaseline(acc);
  return { result: finishTextMetrics(acc, baseline), baseline };
}

/** The shard of each line: contiguous ranges of lines, round robin, or at random. */
function splitter(kind: 'contiguous' | 'interleaved' | 'random', k: number, lines: number[], seed = 1): (line: number) => number {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const rank = new Map(sorted.map((l, i) => [l, i]));
  const random = new Random(seed);
  const assigned = new Map(sorted.map((l) => [l, random.int(k)]));
  if (kind === 'contiguous') return (line) => Math.min(k - 1, Math.floor((rank.get(line)! * k) / sorted.length));
  if (kind === 'interleaved') return (line) => rank.get(line)! % k;
  return (line) => assigned.get(line)!;
}

function shards(records: readonly Rec[], options: TextMetricOptions, shardOf: (line: number) => number, k: number): TextAccumulator[] {
  const parts = Array.from({ length: k }, () => new TextAccumulator({ ...options, mergeable: true }));
  for (const r of records) parts[shardOf(r.line)]!.add(r.text, r.line, r.prompt);
  return parts;
}

const roundTrip = (acc: TextAccumulator, options: TextMetricOptions) => TextAccumulator.fromState(JSON.parse(JSON.stringify(acc.toState())), { ...options, mergeable: true });

/** Merges in the order given; `tree`: pairwise, as threads would. */
function mergeAll(parts: TextAccumulator[], tree = false): TextAccumulator {
  if (!tree) {
    const [first, ...rest] = parts;
    for (const p of rest) first!.merge(p);
    return first!;
  }
  let level = parts;
  while (level.length > 1) {
    const next: TextAccumulator[] = [];
    for (let i = 0; i < level.length; i += 2) {
      if (i + 1 < level.length) level[i]!.merge(level[i + 1]!);
      next.push(level[i]!);
    }
    level = next;
  }
  return level[0]!;
}

function checkSplits(name: string, records: Rec[], options: TextMetricOptions, counts = [1, 2, 3, 16]): void {
  const lines = records.map((r) => r.line);
  test(`${name}: every split and order equals one pass`, () => {
    const whole = finish(feed(new TextAccumulator(options), records));
    // The option itself changes nothing.
    assert.deepEqual(finish(feed(new TextAccumulator({ ...options, mergeable: true }), records)), whole);
    for (const kind of ['contiguous', 'interleaved', 'random'] as const) {
      for (const k of counts) {
        const shardOf = splitter(kind, k, lines, k);
        const label = `${kind}, ${k} shards`;
        assert.deepEqual(finish(mergeAll(shards(records, options, shardOf, k))), whole, `${label}, in order`);
        if (k === 1) continue;
        assert.deepEqual(finish(mergeAll(shards(records, options, shardOf, k).reverse())), whole, `${label}, reversed`);
        assert.deepEqual(finish(mergeAll(shards(records, options, shardOf, k).map((p) => roundTrip(p, options)), true)), whole, `${label}, JSON round trip, pairwise`);
      }
    }
  });
}

/** Records one per line, with gaps (lines of other generations) every so often. */
function lined(texts: string[], gapEvery = 7): Rec[] {
  let line = 1;
  return texts.map((text, i) => {
    line += i % gapEvery === gapEvery - 1 ? 3 : 1;
    return { text, line };
  });
}

describe('TextAccumulator.merge: the same result as one pass', () => {
  checkSplits('short texts', lined(randomCorpus(new Random(1), 300, 8, 9)), { seed: 3 });

  {
    const random = new Random(2);
    const base = randomCorpus(random, 20, 12, 15);
    checkSplits('repeated texts', lined(Array.from({ length: 400 }, () => random.choice(base))), { seed: 4 });
  }

  {
    // Lines with one to four outputs answering one of 30 prompts, some lines missing.
    const random = new Random(3);
    const texts = randomCorpus(random, 900, 10, 12);
    const records: Rec[] = [];
    let line = 0;
    let t = 0;
    while (t < texts.length) {
      line += 1 + (random.next() < 0.2 ? random.int(3) : 0);
      const prompt = hashString53(`prompt ${random.int(30)}`);
      const outputs = 1 + random.int(4);
      for (let k = 0; k < outputs && t < texts.length; k++) records.push({ text: texts[t++]!, line, prompt });
    }
    checkSplits('multi-output lines with prompts', records, { seed: 5 });
  }

  {
    // Past the caps: n-gram sets in HyperLogLog, sampled Self-BLEU hypotheses and pool,
    // near-duplicate and compression samples (the text table stays exact: 250 texts).
    const random = new Random(4);
    const base = randomCorpus(random, 250, 40, 20);
    const texts = Array.from({ length: 3000 }, () => random.choice(base));
    const options: TextMetricOptions = { seed: 6, selfBleuHypotheses: 50, selfBleuReferencePool: 400, nearDuplicateExact: 100, nearDuplicateSample: 300, compressionSampleBytes: 4096, distinctSetCap: 300 };
    const records = lined(texts, 5);
    checkSplits('past the caps', records, options, [2, 16]);
    test('past the caps: the sketches and samples are in use', () => {
      const r = finish(feed(new TextAccumulator(options), records)).result;
      for (const key of ['distinct_2', 'distinct_3', 'ngram_diversity', 'self_bleu', 'near_duplicate_rate', 'compression_ratio', 'text_vendi', 'template_rate']) assert.ok(r.sampled[key] !== undefined, key);
      assert.equal(r.sampled.duplicate_rate, undefined);
    });
  }

  {
    // Long records: the Self-BLEU pool's and the template sample's budgets bind.
    const random = new Random(5);
    const texts = randomCorpus(random, 400, 300, 400);
    checkSplits('long records', lined(texts), { seed: 7, selfBleuReferencePool: 100, compressionSampleBytes: 20000 }, [3]);
  }
});

describe('TextAccumulator.merge: Self-BLEU past its exact references', () => {
  // 14,000 records of 20 words from 50,000: more than 2^19 distinct n-grams, so the
  // references fall back to the pool.
  const random = new Random(6);
  const texts = Array.from({ length: 14000 }, () => Array.from({ length: 20 }, () => `v${random.int(50000)}`).join(' '));
  const records = texts.map((text, i) => ({ text, line: i + 1 }));
  const options: TextMetricOptions = { seed: 8, selfBleuReferencePool: 300, selfBleuHypotheses: 100 };
  test('the pool fallback is the same for 3 interleaved parts', () => {
    const whole = finish(feed(new TextAccumulator(options), records));
    assert.equal(whole.result.sampled.self_bleu, 100);
    assert.equal(whole.result.standardErrors, undefined, 'no standard error on the fallback');
    const merged = finish(mergeAll(shards(records, options, splitter('interleaved', 3, records.map((r) => r.line)), 3).map((p) => roundTrip(p, options))));
    assert.deepEqual(merged, whole);
  });
});

describe('TextAccumulator.merge: what it refuses', () => {
  test('accumulators made with different options, or without mergeable', () => {
    const a = new TextAccumulator({ mergeable: true, seed: 1 });
    const b = new TextAccumulator({ mergeable: true, seed: 2 });
    assert.throws(() => a.merge(b), /different options \(seed: 1 ≠ 2\)/);
    assert.throws(() => new TextAccumulator({ mergeable: true }).merge(new TextAccumulator({ mergeable: true, lowercase: true })), /lowercase: false ≠ true/);
    assert.throws(() => new TextAccumulator().merge(new TextAccumulator()), /mergeable: true/);
    assert.throws(() => a.merge(a), /itself/);
    assert.throws(() => TextAccumulator.fromState(a.toState(), { mergeable: true, seed: 2 }), /other options \(seed: 1 ≠ 2\)/);
  });
});

describe('TextAccumulator state', () => {
  test('is plain data: a JSON round trip gives the same state and the same result', () => {
    const options: TextMetricOptions = { seed: 9, mergeable: true, distinctSetCap: 200 };
    const acc = feed(new TextAccumulator(options), lined(randomCorpus(new Random(8), 500, 30, 12)));
    const state = acc.toState();
    const json = JSON.parse(JSON.stringify(state));
    assert.deepEqual(json, state);
    const back = TextAccumulator.fromState(json, options);
    assert.deepEqual(back.toState(), state);
    assert.deepEqual(finish(back), finish(acc));
  });

  test('an accumulator restored from its state takes more records as the original does', () => {
    const options: TextMetricOptions = { seed: 9, mergeable: true };
    const records = lined(randomCorpus(new Random(9), 400, 20, 12));
    const whole = finish(feed(new TextAccumulator(options), records));
    const first = feed(new TextAccumulator(options), records.slice(0, 150));
    const restored = TextAccumulator.fromState(JSON.parse(JSON.stringify(first.toState())), options);
    assert.deepEqual(finish(feed(restored, records.slice(150))), whole);
  });
});

describe('TextAccumulator.merge past the record-text table cap (not split-independent, bounded)', () => {
  test('duplicate_rate is the same; near_duplicate_rate within 2 points; top outputs are lower bounds of the truth', () => {
    // 20,000 records, more distinct texts than the table's cap of 1,000: the table then drops
    // texts seen once, which depends on what each part saw (lossy counting).
    const random = new Random(1);
    const base = randomCorpus(random, 20000, 50, 12);
    const texts = base.map((t, i) => (i % 10 === 0 ? `repeat ${random.int(30)}` : t));
    const truth = new Map<string, number>();
    for (const t of texts) truth.set(t, (truth.get(t) ?? 0) + 1);
    const options: TextMetricOptions = { distinctSetCap: 1000, nearDuplicateSample: 2000, nearDuplicateExact: 100, seed: 1 };
    const records = texts.map((text, i) => ({ text, line: i + 1 }));
    const whole = finish(feed(new TextAccumulator(options), records)).result;
    for (const k of [2, 16]) {
      const merged = finish(mergeAll(shards(records, options, splitter('interleaved', k, records.map((r) => r.line)), k))).result;
      assert.equal(merged.sampled.duplicate_rate, 20000);
      assert.equal(merged.metrics.duplicate_rate, whole.metrics.duplicate_rate, 'HyperLogLog registers merge exactly');
      assert.ok(Math.abs(merged.metrics.near_duplicate_rate! - whole.metrics.near_duplicate_rate!) <= 0.02, `${k} shards: ${merged.metrics.near_duplicate_rate} vs ${whole.metrics.near_duplicate_rate}`);
      for (const t of merged.topOutputs) assert.ok(t.count <= truth.get(t.text)! && t.count >= 0.95 * truth.get(t.text)!, `${t.text}: ${t.count} of ${truth.get(t.text)}`);
      // Every metric the text table does not feed is the same.
      for (const key of Object.keys(whole.metrics)) if (key !== 'near_duplicate_rate') assert.equal(merged.metrics[key], whole.metrics[key], key);
    }
  });
});
