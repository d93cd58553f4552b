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

describe('Self-BLEU references held back until the cap is known', () => {
  // The tables' own counts kept apart: distinct n-grams of each order inside records, by the
  // same keys the tables use (ids here: no words, a hash of the ids).
  function counter() {
    const sets = [new Set<string>(), new Set<string>(), new Set<string>()];
    let exactUntil = Infinity;
    let added = 0;
    return {
      add(ids: Int32Array) {
        added++;
        for (let n = 1; n <= 3; n++) for (let e = n; e <= ids.length; e++) sets[n - 1]!.add(ids.subarray(e - n, e).join(','));
      },
      within: (n: number) => (added > exactUntil ? NaN : sets[n - 1]!.size),
      inexactAfter(records: number) {
        exactUntil = records;
      },
    };
  }
  const corpus = (random: Random, records: number, vocab: number, length: number) =>
    Array.from({ length: records }, () => Int32Array.from({ length: 1 + random.int(length) }, () => random.int(vocab)));
  // (sizes are hints for the next generation's tables; past inexact counts they are lower bounds)
  const same = (a: SelfBleuReferences, b: SelfBleuReferences, what: string, sizes = true) => {
    assert.equal(a.exact, b.exact, `${what}: exact`);
    if (sizes) assert.deepEqual(a.sizes(), b.sizes(), `${what}: sizes`);
    assert.deepEqual(a.toState(), b.toState(), `${what}: state`);
  };

  test('the same tables, or none, as filling them at once; dropped after the same record while the counts are exact', () => {
    const random = new Random(5);
    for (let trial = 0; trial < 40; trial++) {
      const records = corpus(random, 1 + random.int(300), 2 + random.int(200), 1 + random.int(30));
      const cap = 1 + random.int(3000);
      const direct = new SelfBleuReferences(3, cap);
      const c = counter();
      const held = new SelfBleuReferences(3, cap, undefined, [], c.within);
      // past this record the counts are a lower bound: the references hold on until the end
      const inexact = trial % 4 === 3;
      if (inexact) c.inexactAfter(random.int(records.length));
      records.forEach((r, i) => {
        direct.add(r, i);
        c.add(r);
        held.add(r, i);
        if (!inexact && i % 37 === 0) assert.equal(held.exact, direct.exact, `trial ${trial}, record ${i}: dropped at the same record`);
      });
      same(held, direct, `trial ${trial}`, !inexact);
      if (direct.exact) {
        const hyps = [0, records.length >> 1, records.length - 1].map((i) => ({ ids: records[i]!, index: i }));
        assert.deepEqual(held.score(hyps), direct.score(hyps), `trial ${trial}: scores`);
      }
    }
  });

  test('merged parts held back equal merged parts filled at once', () => {
    const random = new Random(6);
    const records = corpus(random, 400, 60, 12);
    // (a merge breaks ties of the top count by order, so parts are compared with parts)
    const direct = [new SelfBleuReferences(3), new SelfBleuReferences(3)];
    records.forEach((r, i) => direct[i % 2]!.add(r, i));
    direct[0]!.merge(direct[1]!);
    const counters = [counter(), counter()];
    const parts = counters.map((c) => new SelfBleuReferences(3, undefined, undefined, [], c.within));
    records.forEach((r, i) => {
      counters[i % 2]!.add(r);
      parts[i % 2]!.add(r, i);
    });
    parts[0]!.merge(parts[1]!);
    same(parts[0]!, direct[0]!, 'merged');
  });

  test('records of many tokens and few n-grams: the tables are built past 2²¹ held-back tokens and take the rest', () => {
    const random = new Random(7);
    const records = corpus(random, 24_000, 12, 200);
    const direct = new SelfBleuReferences(3);
    const c = counter();
    const held = new SelfBleuReferences(3, undefined, undefined, [], c.within);
    records.forEach((r, i) => {
      direct.add(r, i);
      c.add(r);
      held.add(r, i);
    });
    same(held, direct, 'repetitive');
    assert.equal(held.exact, true);
  });
});

describe("the accumulator's counts of what Self-BLEU's tables hold", () => {
  test('the vocabulary and the streaming sets count the tables\' entries exactly (held back, then built)', () => {
    const random = new Random(8);
    for (let trial = 0; trial < 30; trial++) {
      const acc = new TextAccumulator({ seed: trial, mergeable: trial % 2 === 0, lowercase: trial % 3 === 0 });
      const texts = randomCorpus(random, 1 + random.int(400), 3 + random.int(300), 1 + random.int(25));
      // lines with gaps, and several outputs on a line: runs of neighbouring records break
      let line = 1;
      for (const t of texts) {
        line += random.next() < 0.2 ? 2 + random.int(5) : random.next() < 0.2 ? 0 : 1;
        acc.add(random.next() < 0.1 ? t.toUpperCase() : t, line);
      }
      const counted = acc.references.sizes();
      acc.references.toState();
      assert.deepEqual(acc.references.sizes(), counted, `trial ${trial}`);
    }
  });
});

describe('Self-BLEU references as plain data', () => {
  test('round-trip through their state, and a state whose table holds an impossible key is refused', () => {
    const random = new Random(9);
    const refs = new SelfBleuReferences(3);
    for (let i = 0; i < 200; i++) refs.add(Int32Array.from({ length: 1 + random.int(20) }, () => random.int(50)), i);
    const state = refs.toState();
    assert.deepEqual(SelfBleuReferences.fromState(state, 3).toState(), state);
    for (const [lo, hiPlusOne] of [[0, 1], [5, 0], [5, 0x200001]] as const) {
      const bad = { ...state, tables: state.tables!.map((t) => t.slice()) };
      bad.tables[1]![0] = lo;
      bad.tables[1]![1] = hiPlusOne;
      assert.throws(() => SelfBleuReferences.fromState(bad, 3), /invalid key/);
    }
  });
});
