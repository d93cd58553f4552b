// Self-BLEU (src/core/metrics/selfBleu.ts): the fast path on a pool and the exact references
// against NLTK's sentence_bleu loop (the reference functions of text.ts), at any size.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../../../src/core/random';
import { buildTextBaseline, finishTextMetrics, selfBleu, sentenceBleu, TextAccumulator, tokenize } from '../../../../src/core/metrics/text';
import { selfBleuOnPool, SelfBleuReferences } from '../../../../src/core/metrics/selfBleu';
import { randomCorpus } from './support';

describe('Self-BLEU fast path', () => {
  test('equals the naive sentence_bleu loop on random corpora', () => {
    const random = new Random(21);
    for (let trial = 0; trial < 60; trial++) {
      const texts = randomCorpus(random, 2 + random.int(40), 2 + random.int(8), 1 + random.int(12));
      const records = texts.map((t) => tokenize(t));
      const vocab = new Map<string, number>();
      const pool = records.map((r) => Int32Array.from(r, (t) => vocab.get(t) ?? (vocab.set(t, vocab.size), vocab.size - 1)));
      const hyps = records.map((_, i) => i);
      for (const n of [1, 2, 3, 4]) assert.equal(selfBleuOnPool(pool, hyps, n), selfBleu(records, n), `trial ${trial}, n ${n}`);
      // a subset of hypotheses against all other records
      const some = hyps.filter(() => random.next() < 0.5);
      if (some.length === 0) continue;
      let naive = 0;
      for (const h of some) naive += sentenceBleu(records.filter((_, i) => i !== h), records[h]!, 3);
      assert.equal(selfBleuOnPool(pool, some, 3), naive / some.length);
    }
  });
});

describe('Self-BLEU against every record, at any size', () => {
  // Pairs of near-copies: 20 random words, and a copy with one word changed. Each record's
  // best reference is its twin, so the true Self-BLEU is the same at any size (about 0.906).
  function pairs(n: number, seed: number): string[][] {
    const rng = new Random(seed);
    const vocab = Array.from({ length: 5000 }, (_, i) => `w${i}`);
    const out: string[][] = [];
    for (let i = 0; i < n / 2; i++) {
      const a = Array.from({ length: 20 }, () => vocab[rng.int(vocab.length)]!);
      const b = [...a];
      b[rng.int(20)] = vocab[rng.int(vocab.length)]!;
      out.push(a, b);
    }
    return out;
  }
  const ids = (records: string[][]) => {
    const table = new Map<string, number>();
    return records.map((r) => Int32Array.from(r, (t) => table.get(t) ?? (table.set(t, table.size), table.size - 1)));
  };

  for (const n of [6000, 12000]) {
    test(`${n} records: equals NLTK's loop (sentence_bleu against all other records) on the hypotheses, within 1e-9`, () => {
      const records = pairs(n, n);
      const refs = new SelfBleuReferences(3);
      const encoded = ids(records);
      for (const r of encoded) refs.add(r);
      assert.ok(refs.exact);
      const hyps = [0, 1, 17, n / 2, n - 1, 4321].map((i) => ({ ids: encoded[i]!, index: i }));
      const { scores } = refs.score(hyps);
      hyps.forEach((h, k) => {
        const others = records.filter((_, j) => j !== h.index);
        const want = sentenceBleu(others, records[h.index]!, 3);
        assert.ok(Math.abs(scores[k]! - want) < 1e-9, `record ${h.index}: ${scores[k]} vs NLTK loop ${want}`);
      });
    });
  }

  test('a collapsing generation that grows does not look more diverse: near-copy pairs stay at ~0.906 from 4,000 to 12,000 records', () => {
    const values = [4000, 6000, 12000].map((n) => {
      const acc = new TextAccumulator({ seed: 7 });
      for (const r of pairs(n, 3)) acc.add(r.join(' '), 1);
      const result = finishTextMetrics(acc, buildTextBaseline(acc));
      return { value: result.metrics.self_bleu!, se: result.standardErrors?.self_bleu ?? 0, sampled: result.sampled.self_bleu };
    });
    for (const v of values) {
      assert.ok(Math.abs(v.value - 0.906) < 0.02, `Self-BLEU ${v.value} (se ${v.se})`);
      assert.equal(v.sampled, 500, 'hypotheses sampled, references never');
      assert.ok(v.se > 0 && v.se < 0.01);
    }
  });

  test('past the exact cap the references fall back to the pool, said by the sample size', () => {
    const refs = new SelfBleuReferences(3, 100);
    for (const r of ids(pairs(40, 1))) refs.add(r);
    assert.equal(refs.exact, false);
  });
});
