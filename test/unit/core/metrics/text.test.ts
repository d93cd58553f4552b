// Text metrics (src/core/metrics/text.ts): the reference functions on hand-computed groups and
// published values (NLTK, cshaib/diversity), and the streaming TextAccumulator against them,
// sampled estimates, the near-duplicate join and the syntactic-template sample included.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { Random } from '../../../../src/core/random';
import { PrefixSample } from '../../../../src/core/numeric/prefixSample';
import { positionKey } from '../../../../src/core/numeric/bottomK';
import {
  buildTextBaseline,
  compressionRatio,
  distinctN,
  duplicateRate,
  finishTextMetrics,
  isWhitespaceCode,
  nearDuplicateFlags,
  nearDuplicateRate,
  ngramDiversityScore,
  selfBleu,
  sentenceBleu,
  TextAccumulator,
  tokenEntropy,
  tokenize,
} from '../../../../src/core/metrics/text';
import type { TextGroupResult, TextMetricOptions } from '../../../../src/core/metrics/text';
import { packedNearDuplicateFlags, packShingles, sortedUnique } from '../../../../src/core/metrics/nearDuplicates';
import { randomCorpus } from './support';

const close = (actual: number, expected: number, tol = 1e-12, msg?: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${msg ?? ''} expected ${expected}, got ${actual}`);

function run(texts: string[], options: TextMetricOptions = {}, baselineTexts?: string[]): TextGroupResult {
  const acc = new TextAccumulator(options);
  texts.forEach((t, i) => acc.add(t, i + 1));
  let base = acc;
  if (baselineTexts) {
    base = new TextAccumulator(options);
    baselineTexts.forEach((t, i) => base.add(t, i + 1));
  }
  return finishTextMetrics(acc, buildTextBaseline(base));
}

// The README example of cshaib/diversity (before its 2025 rewrite), which prints
// `1.641 0.222 3.315` for compression_ratio, homogenization_score (ROUGE-L) and
// ngram_diversity_score(data, 4).
const DIVERSITY_README = [
  'I enjoy walking with my cute dog for the rest of the day, but this time it was hard for me to figure out what to do with it. When I finally looked at this for a few moments, I immediately thought.',
  "I enjoy walking with my cute dog. The only time I felt like walking was when I was working, so it was awesome for me. I didn't want to walk for days. I am really curious how she can walk with me",
  'I enjoy walking with my cute dog (Chama-I-I-I-I-I), and I really enjoy running. I play in a little game I play with my brother in which I take pictures of our houses.',
];

// NLTK bleu_score.py docstring sentences.
const hypothesis1 = ['It', 'is', 'a', 'guide', 'to', 'action', 'which', 'ensures', 'that', 'the', 'military', 'always', 'obeys', 'the', 'commands', 'of', 'the', 'party'];
const hypothesis2 = ['It', 'is', 'to', 'insure', 'the', 'troops', 'forever', 'hearing', 'the', 'activity', 'guidebook', 'that', 'party', 'direct'];
const reference1 = ['It', 'is', 'a', 'guide', 'to', 'action', 'that', 'ensures', 'that', 'the', 'military', 'will', 'forever', 'heed', 'Party', 'commands'];
const reference2 = ['It', 'is', 'the', 'guiding', 'principle', 'which', 'guarantees', 'the', 'military', 'forces', 'always', 'being', 'under', 'the', 'command', 'of', 'the', 'Party'];
const reference3 = ['It', 'is', 'the', 'practical', 'guide', 'for', 'the', 'army', 'always', 'to', 'heed', 'the', 'directions', 'of', 'the', 'party'];

// A tiny group used for hand-computed values throughout:
//   r1 = a b a b, r2 = a b c, r3 = a b c (an exact duplicate of r2)
const TINY = ['a b a b', 'a b c', 'a b c'];
const TINY_TOKENS = TINY.map((t) => tokenize(t));

describe('tokenize', () => {
  test('splits on runs of Unicode whitespace and drops empty strings', () => {
    assert.deepEqual(tokenize('  Hello,\tworld!\n\nIt\u00a0is\u3000me  '), ['Hello,', 'world!', 'It', 'is', 'me']);
    assert.deepEqual(tokenize(''), []);
    assert.deepEqual(tokenize(' \n '), []);
    assert.deepEqual(tokenize('The CAT', true), ['the', 'cat']);
  });

  test('the accumulator scanner classifies every UTF-16 code unit as /\\s/u does', () => {
    for (let c = 0; c <= 0xffff; c++) {
      assert.equal(isWhitespaceCode(c), /\s/u.test(String.fromCharCode(c)), `U+${c.toString(16)}`);
    }
  });
});

describe('reference functions on a tiny group', () => {
  test('distinct-n: n-grams never cross records', () => {
    // unigrams: 10 tokens, types {a, b, c} → 3/10
    close(distinctN(TINY_TOKENS, 1), 3 / 10);
    // bigrams: r1 ab ba ab, r2 ab bc, r3 ab bc → 7 in all, {ab, ba, bc} → 3/7
    close(distinctN(TINY_TOKENS, 2), 3 / 7);
    // trigrams: r1 aba bab, r2 abc, r3 abc → 4 in all, {aba, bab, abc} → 3/4
    close(distinctN(TINY_TOKENS, 3), 3 / 4);
    assert.equal(distinctN([['a']], 2), 0); // no bigram at all
  });

  test('ngram diversity joins the records with one space (n-grams cross records)', () => {
    // joined: a b a b a b c a b c (10 tokens)
    // n=1: {a,b,c} 3/10; n=2: ab ba ab ba ab bc ca ab bc → {ab,ba,bc,ca} 4/9
    // n=3: aba bab aba bab abc bca cab abc → 5/8; n=4: abab baba abab babc abca bcab cabc → 6/7
    close(ngramDiversityScore(TINY), 3 / 10 + 4 / 9 + 5 / 8 + 6 / 7);
  });

  test('duplicate rate', () => {
    // 3 records, 2 distinct texts → 1 − 2/3
    close(duplicateRate(TINY), 1 / 3);
    assert.ok(Number.isNaN(duplicateRate([])));
  });

  test('near-duplicate rate on 3-gram shingles, short records as one shingle', () => {
    // shingles: r1 {aba, bab}, r2 {abc}, r3 {abc}: J(r2, r3) = 1, J(r1, ·) = 0 → 2 of 3
    close(nearDuplicateRate(TINY_TOKENS), 2 / 3);
    // one token per letter. {abc, bcd, cde, def} vs {abc, bcd, cde, deg}: J = 3/5 = 0.6 < 0.8
    // {abc, bcd, cde, def, efg} vs {abc, bcd, cde, def}: J = 4/5 = 0.8 → near-duplicates
    const tok = (s: string) => s.split('');
    close(nearDuplicateRate([tok('abcdef'), tok('abcdeg')]), 0);
    close(nearDuplicateRate([tok('abcdefg'), tok('abcdef')]), 1);
    // short records: "a b" twice are near-duplicates; "a b" vs "a b c" are not
    close(nearDuplicateRate([['a', 'b'], ['a', 'b'], ['a', 'b', 'c']]), 2 / 3);
    close(nearDuplicateRate([[], []]), 1); // two empty records are identical
  });

  test('token entropy in bits', () => {
    // counts a 4, b 4, c 2 of 10: H = −2·0.4·log2 0.4 − 0.2·log2 0.2 = 1.5219280948873621
    close(tokenEntropy(TINY_TOKENS), -2 * 0.4 * Math.log2(0.4) - 0.2 * Math.log2(0.2));
    close(tokenEntropy([['x', 'x']]), 0);
    assert.ok(Number.isNaN(tokenEntropy([[]])));
  });

  test('self-BLEU (BLEU-3, method1) by hand', () => {
    // h = r1 [a b a b] vs r2, r3 [a b c]: p1 = min(2,1)+min(2,1) / 4 = 2/4; p2 = (ab: min(2,1)) / 3 = 1/3;
    //   p3 = 0/2 → method1 0.1/2 = 0.05; closest ref length 3 < 4 → BP 1; BLEU = (1/2 · 1/3 · 1/20)^(1/3) = 120^(−1/3)
    // h = r2 vs r1, r3: every n-gram of [a b c] is in r3 → p1 = p2 = p3 = 1, closest length 3 = 3 → BP = exp(0) = 1
    // h = r3: the same → 1
    const b1 = Math.exp((Math.log(1 / 2) + Math.log(1 / 3) + Math.log(0.1 / 2)) / 3);
    close(b1, Math.cbrt(1 / 120), 1e-15);
    close(selfBleu(TINY_TOKENS), (b1 + 1 + 1) / 3, 1e-15);
    assert.ok(Number.isNaN(selfBleu([['a']])));
  });
});

describe('published reference values', () => {
  test('ngram_diversity_score on the diversity README example is 3.315', () => {
    // CPython: 3.3149528053858495 (tokens split on ' ', identical to ours on this text)
    assert.equal(ngramDiversityScore(DIVERSITY_README).toFixed(3), '3.315');
  });

  test('compression_ratio on the diversity README example is within 2% of the published 1.641', () => {
    // 558 UTF-8 bytes. The reference's file is gzip.compress(text) wrapped in a second gzip
    // member named "compressed": 340 bytes with CPython's zlib 1.2.13 (inner 306 + 34), so
    // 558/340 = 1.6412. Node's bundled zlib compresses the inner layer to 300 bytes (CPython
    // 306), giving 558/334 = 1.6707, 1.8% above.
    const cr = compressionRatio(DIVERSITY_README);
    const bytes = Buffer.byteLength(DIVERSITY_README.join(' '));
    assert.equal(bytes, 558);
    assert.ok(Math.abs(cr / 1.641 - 1) < 0.02, `got ${cr}`);
    const inner = gzipSync(Buffer.from(DIVERSITY_README.join(' ')), { level: 9 }).length;
    close(cr, bytes / (gzipSync(gzipSync(Buffer.from(DIVERSITY_README.join(' ')), { level: 9 }), { level: 9 }).length + 11));
    // the wrapper adds a fixed 10 + 8 (gzip header, trailer) + 5 (one stored block) + 11 (name) bytes
    close(bytes / cr - inner, 34);
  });

  test('sentence_bleu matches the NLTK docstring', () => {
    const refs = [reference1, reference2, reference3];
    // NLTK prints these with doctest ELLIPSIS: the leading digits, not rounded
    assert.ok(String(sentenceBleu(refs, hypothesis1)).startsWith('0.5045'));
    // zero 3- and 4-gram overlap: method1 gives 0.0370...
    assert.ok(String(sentenceBleu(refs, hypothesis2)).startsWith('0.0370'));
    // BLEU-2, BLEU-3, BLEU-5 with uniform weights: 0.7453..., 0.6240..., 0.3920...
    assert.ok(String(sentenceBleu(refs, hypothesis1, 2)).startsWith('0.7453'));
    assert.ok(String(sentenceBleu(refs, hypothesis1, 3)).startsWith('0.6240'));
    assert.ok(String(sentenceBleu(refs, hypothesis1, 5)).startsWith('0.3920'));
    // SmoothingFunction docstring: one reference, method1 → 0.4118...
    assert.ok(String(sentenceBleu([reference1], hypothesis1)).startsWith('0.4118'));
    // corpus_bleu docstring: (score1 + score2) / 2 = 0.6223...
    const hyp2 = ['he', 'read', 'the', 'book', 'because', 'he', 'was', 'interested', 'in', 'world', 'history'];
    const ref2a = ['he', 'was', 'interested', 'in', 'world', 'history', 'because', 'he', 'read', 'the', 'book'];
    assert.ok(String((sentenceBleu(refs, hypothesis1) + sentenceBleu([ref2a], hyp2)) / 2).startsWith('0.6223'));
  });

  test('closest reference length and brevity penalty as in the NLTK docstring', () => {
    // With ['a'] * k every precision is 1, so BLEU equals the brevity penalty.
    const a = (k: number) => Array.from({ length: k }, () => 'a');
    assert.equal(sentenceBleu([a(12), a(15), a(17)], a(12)), 1);
    assert.equal(sentenceBleu([a(28), a(28)], a(12)), 0.2635971381157267);
    assert.ok(String(sentenceBleu([a(13), a(2)], a(12))).startsWith('0.9200'));
    // equal distance: the shorter reference (11) is used, so no penalty
    assert.equal(sentenceBleu([a(13), a(11)], a(12)), 1);
    assert.equal(sentenceBleu([a(11), a(13)], a(12)), 1);
    assert.ok(String(sentenceBleu([a(11), a(8)], a(7))).startsWith('0.8668'));
    assert.equal(sentenceBleu([a(11), a(8), a(6), a(7)], a(7)), 1);
  });

  test('BLEU edge cases: no unigram match, empty hypothesis, no reference', () => {
    assert.equal(sentenceBleu([['x', 'y']], ['a', 'b']), 0);
    assert.equal(sentenceBleu([['x', 'y']], []), 0);
    assert.throws(() => sentenceBleu([], ['a']), RangeError);
    // hypothesis shorter than n: denominators are max(1, 0) = 1, numerators 0 → 0.1 each
    // [a] vs [a]: p1 = 1, p2 = p3 = p4 = 0.1 → exp((3·ln 0.1)/4) = 0.1^(3/4); BP: 1 = 1 → exp(0)
    close(sentenceBleu([['a']], ['a']), Math.pow(0.1, 3 / 4), 1e-15);
  });

});

describe('TextAccumulator', () => {
  test('tiny group: every metric by hand', () => {
    const r = run(TINY);
    const m = r.metrics;
    close(m.distinct_1!, 3 / 10);
    close(m.distinct_2!, 3 / 7);
    close(m.distinct_3!, 3 / 4);
    close(m.ngram_diversity!, 3 / 10 + 4 / 9 + 5 / 8 + 6 / 7);
    close(m.compression_ratio!, compressionRatio(TINY));
    close(m.duplicate_rate!, 1 / 3);
    close(m.near_duplicate_rate!, 2 / 3);
    close(m.self_bleu!, (Math.cbrt(1 / 120) + 2) / 3, 1e-15);
    close(m.token_entropy!, -2 * 0.4 * Math.log2(0.4) - 0.2 * Math.log2(0.2));
    assert.equal(m.vocabulary_size, 3);
    close(m.mean_length!, 10 / 3);
    // its own baseline: counts c 2, a 4, b 4 of 10; 10% of the mass is 1 token and the rarest
    // class {c} holds 2: it counts with weight 1/2, so the baseline's own share is exactly 10%
    close(m.rare_token_share!, 0.1);
    assert.deepEqual(r.sampled, {});
    assert.deepEqual(r.topOutputs, [{ text: 'a b c', count: 2, line: 2 }]);
    assert.equal(r.mostRepeatedLine, 2);
    assert.deepEqual(r.rankFrequency, [
      { rank: 1, frequency: 4 },
      { rank: 2, frequency: 4 },
      { rank: 3, frequency: 2 },
    ]);
  });

  test('equals the reference functions on random small groups', () => {
    const random = new Random(7);
    for (let trial = 0; trial < 40; trial++) {
      const texts = randomCorpus(random, 1 + random.int(60), 3 + random.int(10));
      const records = texts.map((t) => tokenize(t));
      const m = run(texts).metrics;
      const msg = `trial ${trial}`;
      close(m.distinct_1!, distinctN(records, 1), 1e-12, msg);
      close(m.distinct_2!, distinctN(records, 2), 1e-12, msg);
      close(m.distinct_3!, distinctN(records, 3), 1e-12, msg);
      close(m.ngram_diversity!, ngramDiversityScore(texts), 1e-12, msg);
      close(m.compression_ratio!, compressionRatio(texts), 1e-12, msg);
      close(m.duplicate_rate!, duplicateRate(texts), 1e-12, msg);
      close(m.near_duplicate_rate!, nearDuplicateRate(records), 1e-12, msg);
      if (records.length >= 2) assert.equal(m.self_bleu, selfBleu(records), msg);
      else assert.equal(m.self_bleu, undefined);
      const tokens = records.reduce((s, r) => s + r.length, 0);
      if (tokens > 0) close(m.token_entropy!, tokenEntropy(records), 1e-12, msg);
      assert.equal(m.vocabulary_size, new Set(records.flat()).size, msg);
      close(m.mean_length!, tokens / records.length, 1e-12, msg);
    }
  });

  test('record texts that differ only in whitespace are different texts', () => {
    const texts = ['a b', 'a  b', 'a\tb', 'a b', ' a b', 'a b ', '', ' ', ''];
    // distinct: 'a b', 'a  b', 'a\tb', ' a b', 'a b ', '', ' ' = 7 of 9
    close(run(texts).metrics.duplicate_rate!, 1 - 7 / 9);
    close(duplicateRate(texts), 1 - 7 / 9);
    close(run(texts, { lowercase: true }).metrics.duplicate_rate!, 1 - 7 / 9);
  });

  test('lowercase folds tokens, not the record texts', () => {
    const texts = ['The cat', 'the CAT', 'the cat'];
    const r = run(texts, { lowercase: true });
    assert.equal(r.metrics.vocabulary_size, 2);
    close(r.metrics.distinct_1!, 2 / 6);
    close(r.metrics.duplicate_rate!, 0); // three different texts as written
    close(r.metrics.near_duplicate_rate!, 1); // but identical token sequences
    assert.equal(run(texts).metrics.vocabulary_size, 4);
  });

  test('empty and degenerate groups', () => {
    const none = run([]);
    assert.deepEqual(none.metrics, {});
    assert.deepEqual(none.topOutputs, []);
    assert.equal(none.mostRepeatedLine, undefined);

    const blank = run(['', '  ']);
    assert.equal(blank.metrics.distinct_1, 0);
    assert.equal(blank.metrics.distinct_2, 0);
    assert.equal(blank.metrics.ngram_diversity, 0);
    assert.equal(blank.metrics.vocabulary_size, 0);
    assert.equal(blank.metrics.mean_length, 0);
    assert.equal(blank.metrics.token_entropy, undefined);
    assert.equal(blank.metrics.rare_token_share, undefined);
    assert.equal(blank.metrics.near_duplicate_rate, 1); // two empty token sequences
    assert.equal(blank.metrics.self_bleu, 0); // no unigram match → 0 (NLTK)
    close(blank.metrics.compression_ratio!, compressionRatio(['', '  ']));

    const one = run(['just one record']);
    assert.equal(one.metrics.self_bleu, undefined);
    assert.equal(one.metrics.near_duplicate_rate, 0);
    assert.equal(one.metrics.duplicate_rate, 0);
  });

  test('top outputs: count ≥ 2, most frequent first, ties by first line, text cut to 200 characters', () => {
    const long = 'x'.repeat(199) + '😀' + 'tail';
    const texts = ['b', 'a', 'c', 'a', 'b', 'd', long, long, 'a', 'e'];
    const r = run(texts);
    assert.deepEqual(r.topOutputs, [
      { text: 'a', count: 3, line: 2 },
      { text: 'b', count: 2, line: 1 },
      { text: 'x'.repeat(199), count: 2, line: 7 }, // the emoji's surrogate pair is not split
    ]);
    assert.equal(r.mostRepeatedLine, 2);
    const many = Array.from({ length: 30 }, (_, i) => `t${i % 15}`);
    assert.equal(run(many).topOutputs.length, 10);
  });

  test('rank-frequency: about 200 log-spaced ranks including 1 and the last', () => {
    // token i appears ⌈1000/i⌉ times: a Zipf-like curve over 1000 types
    const tokens: string[] = [];
    for (let i = 1; i <= 1000; i++) for (let k = 0; k < Math.ceil(1000 / i); k++) tokens.push(`t${i}`);
    const r = run([tokens.join(' ')]);
    const rf = r.rankFrequency;
    assert.ok(rf.length <= 200 && rf.length > 100, `${rf.length} points`);
    assert.deepEqual(rf[0], { rank: 1, frequency: 1000 });
    assert.deepEqual(rf[rf.length - 1], { rank: 1000, frequency: 1 });
    for (let i = 1; i < rf.length; i++) {
      assert.ok(rf[i]!.rank > rf[i - 1]!.rank);
      assert.ok(rf[i]!.frequency <= rf[i - 1]!.frequency);
      assert.equal(rf[i]!.frequency, Math.ceil(1000 / rf[i]!.rank));
    }
  });

  test('rare-token share: the lowest 10% of the baseline mass; the class at the line counts by the fraction that fits', () => {
    // baseline x×8, y, z: 10 tokens, 10% = 1 token; y and z form the class of count 1 (mass
    // 2), so each counts with weight 1/2 — neither is preferred, whatever their hashes
    const baseline = ['x x x x x x x x y z'];
    const base = run(baseline).metrics;
    close(base.rare_token_share!, 0.1);
    // 6 tokens: y 3, z 2 → (3 + 2) / 2 = 2.5 rare
    close(run(['y z y z', 'y x'], {}, baseline).metrics.rare_token_share!, 2.5 / 6);
    close(run(['z y z y', 'z x'], {}, baseline).metrics.rare_token_share!, 2.5 / 6, 1e-12, 'symmetric in y and z');
    // a group without any baseline tail vocabulary
    assert.equal(run(['x x new'], {}, baseline).metrics.rare_token_share, 0);
  });

  test('rare-token share stays ≤ 10% on the baseline itself', () => {
    const random = new Random(3);
    for (let t = 0; t < 10; t++) {
      const texts = randomCorpus(random, 50, 30);
      const share = run(texts).metrics.rare_token_share;
      if (share !== undefined) assert.ok(share <= 0.1 + 1e-15, `${share}`);
    }
  });

  test('determinism: same seed and input, same result, with every sample in use', () => {
    const texts = randomCorpus(new Random(11), 3000, 40, 20);
    const options: TextMetricOptions = {
      seed: 5,
      selfBleuHypotheses: 50,
      selfBleuReferencePool: 400,
      nearDuplicateExact: 100,
      nearDuplicateSample: 500,
      compressionSampleBytes: 4096,
      distinctSetCap: 300,
    };
    const a = run(texts, options);
    const b = run(texts, options);
    assert.deepEqual(a, b);
    assert.deepEqual(Object.keys(a.sampled).sort(), ['compression_ratio', 'distinct_2', 'distinct_3', 'duplicate_rate', 'near_duplicate_rate', 'ngram_diversity', 'pos_ngram_diversity', 'self_bleu', 'template_rate', 'text_vendi']);
    assert.equal(a.sampled.self_bleu, 50);
    assert.equal(a.sampled.template_rate, 1000);
    assert.equal(a.sampled.near_duplicate_rate, 500);
    // Compression is on whole chunks of 128 lines (by a seeded hash of their number) that fit
    // 4096 bytes, and at least one (it was on 32 chunks of a stream's bytes, which depended on
    // the order records came in): here one chunk of 128 of these short records, larger than 4096 bytes alone.
    assert.ok(a.sampled.compression_ratio! >= 1000 && a.sampled.compression_ratio! <= 8192, `${a.sampled.compression_ratio}`);
    // another seed draws other samples
    const c = run(texts, { ...options, seed: 6 });
    assert.notEqual(c.metrics.self_bleu, a.metrics.self_bleu);
    // finishing twice gives the same answer (finishing changes no state)
    const acc = new TextAccumulator(options);
    texts.forEach((t, i) => acc.add(t, i + 1));
    const baseline = buildTextBaseline(acc);
    assert.deepEqual(finishTextMetrics(acc, baseline), finishTextMetrics(acc, baseline));
  });

  test('sampled estimates stay close to the exact values', () => {
    // 4000 records, 35% of them copies or one-word edits of earlier ones
    const texts = randomCorpus(new Random(12), 4000, 60, 25);
    const exact = run(texts).metrics;
    // 300 of 4000 hypotheses: the standard error of the mean BLEU is about 0.015
    const fewer = run(texts, { selfBleuHypotheses: 300 }).metrics;
    assert.ok(Math.abs(fewer.self_bleu! - exact.self_bleu!) < 0.04, `${fewer.self_bleu} vs ${exact.self_bleu}`);
    // half the records as references: repeats still score 1 (known from the text table)
    const pool = run(texts, { selfBleuReferencePool: 2000 }).metrics;
    assert.ok(Math.abs(pool.self_bleu! - exact.self_bleu!) < 0.04, `${pool.self_bleu} vs ${exact.self_bleu}`);
    // near-duplicates on a 2500-record sample: a lower bound, close because exact repeats count in full
    const near = run(texts, { nearDuplicateSample: 2500, nearDuplicateExact: 100 }).metrics;
    assert.ok(near.near_duplicate_rate! <= exact.near_duplicate_rate! + 0.01, `${near.near_duplicate_rate} vs ${exact.near_duplicate_rate}`);
    assert.ok(Math.abs(near.near_duplicate_rate! - exact.near_duplicate_rate!) < 0.03, `${near.near_duplicate_rate} vs ${exact.near_duplicate_rate}`);
  });

  test('HyperLogLog fallback stays within 2% of the exact counts', () => {
    // 200,000 records of 4 tokens over 1000 types: ~600k bigram positions, most distinct
    const random = new Random(9);
    const texts = Array.from({ length: 200000 }, () => Array.from({ length: 4 }, () => `w${random.int(1000)}`).join(' '));
    const exact = run(texts).metrics;
    const capped = run(texts, { distinctSetCap: 5000, nearDuplicateSample: 1000, selfBleuReferencePool: 500 });
    for (const key of ['distinct_2', 'distinct_3', 'ngram_diversity', 'duplicate_rate'] as const) {
      assert.ok(capped.sampled[key] !== undefined, key);
    }
    for (const key of ['distinct_2', 'distinct_3', 'ngram_diversity'] as const) {
      const rel = Math.abs(capped.metrics[key]! / exact[key]! - 1);
      assert.ok(rel < 0.02, `${key}: ${capped.metrics[key]} vs ${exact[key]} (${(rel * 100).toFixed(2)}%)`);
    }
    // duplicate_rate = 1 − distinct/records: compare the distinct counts
    const distinctExact = (1 - exact.duplicate_rate!) * texts.length;
    const distinctHll = (1 - capped.metrics.duplicate_rate!) * texts.length;
    assert.ok(Math.abs(distinctHll / distinctExact - 1) < 0.02, `${distinctHll} vs ${distinctExact}`);
    assert.equal(capped.sampled.distinct_2, 200000 * 3);
  });

  test('repeated texts are still found after the text table is pruned', () => {
    const texts: string[] = [];
    for (let i = 0; i < 20000; i++) texts.push(i % 10 === 0 ? `repeat ${i % 30}` : `unique ${i}`);
    const r = run(texts, { distinctSetCap: 1000 });
    assert.equal(r.sampled.duplicate_rate, 20000);
    assert.deepEqual(r.topOutputs.map((t) => t.text).sort(), ['repeat 0', 'repeat 10', 'repeat 20']);
    // counts are lower bounds after pruning, never more than the truth
    for (const t of r.topOutputs) assert.ok(t.count <= 667 && t.count >= 600, `${t.text}: ${t.count}`);
  });

  // The quadratic metrics' samples were reservoirs drawn with a running random generator
  // (Algorithm R), which depend on the order the records came in; they are now the smallest
  // position keys under a size budget (PrefixSample), the same in any order or split.
  test('the quadratic samples keep to a size budget and stay uniform', () => {
    // items of size 10, capacity 100, budget 500: the sample holds the 50 smallest keys
    const inclusion = new Float64Array(1000);
    for (let seed = 1; seed <= 400; seed++) {
      const r = new PrefixSample<{ size: number; id: number }>(100, 500, (e) => e.size);
      for (let id = 0; id < 1000; id++) r.offer(positionKey(seed, id + 1), { size: 10, id });
      assert.equal(r.size, 50);
      assert.ok(r.sampled);
      for (const it of r.items()) inclusion[it.id]!++;
    }
    // each of the 1000 items is kept with probability 50/1000: compare early, middle and late thirds
    const third = (a: number) => inclusion.slice(a, a + 333).reduce((x, y) => x + y, 0) / 333 / 400;
    for (const start of [0, 333, 666]) assert.ok(Math.abs(third(start) - 0.05) < 0.005, `${start}: ${third(start)}`);
    // under budget everything is kept while it fits
    const small = new PrefixSample<{ size: number }>(10, 1e9, (e) => e.size);
    for (let i = 0; i < 10; i++) small.offer(positionKey(1, i + 1), { size: 1 });
    assert.equal(small.size, 10);
    assert.ok(!small.sampled);
  });

  test('compression ratio on a chunk sample is close to the whole', () => {
    // The chunks are 128 consecutive lines chosen by a seeded hash of their number (they were
    // stretches of the stream's bytes, which depended on the order records came in). A sample
    // starts with an empty 32 KiB deflate window, so a small sample reads low: 64 KiB of this
    // corpus reads 8–10% low, 256 KiB within 2% (the default sample is 1 MiB).
    const texts = randomCorpus(new Random(4), 20000, 200, 30);
    const whole = run(texts).metrics.compression_ratio!;
    const r = run(texts, { compressionSampleBytes: 256 * 1024 });
    assert.ok(r.sampled.compression_ratio! > 0 && r.sampled.compression_ratio! <= 256 * 1024);
    assert.ok(Math.abs(r.metrics.compression_ratio! / whole - 1) < 0.03, `${r.metrics.compression_ratio} vs ${whole}`);
  });
});

describe('near-duplicate join', () => {
  test('equals the pairwise loop on random shingle sets', () => {
    const random = new Random(31);
    for (let trial = 0; trial < 40; trial++) {
      const texts = randomCorpus(random, 2 + random.int(150), 4 + random.int(6), 3 + random.int(15));
      const records = texts.map((t) => tokenize(t));
      const expected = nearDuplicateRate(records);
      assert.equal(run(texts).metrics.near_duplicate_rate, expected, `trial ${trial}`);
    }
  });

  test('thresholds other than 0.8', () => {
    // sets as sorted arrays of integers: {1..10} vs {1..9}: J = 0.9; {1..10} vs {1..7}: J = 0.7
    const s = (k: number) => Float64Array.from({ length: k }, (_, i) => i + 1);
    assert.deepEqual([...nearDuplicateFlags([s(10), s(9), s(7)], 0.9)], [1, 1, 0]);
    assert.deepEqual([...nearDuplicateFlags([s(10), s(9), s(7)], 0.7)], [1, 1, 1]);
    assert.deepEqual([...nearDuplicateFlags([s(10), s(10)], 1)], [1, 1]);
  });

  test('packed records (unsorted, with repeats, back to back) flag as their sorted unique sets do', () => {
    const random = new Random(5);
    for (let trial = 0; trial < 20; trial++) {
      const sets = Array.from({ length: 1 + random.int(40) }, () => Float64Array.from({ length: random.int(12) }, () => 1 + random.int(30)));
      const packed = packShingles(sets);
      assert.deepEqual(packed, { hashes: Float64Array.from(sets.flatMap((x) => [...x])), sizes: Int32Array.from(sets, (x) => x.length) });
      assert.deepEqual(packedNearDuplicateFlags(packed, 0.8), nearDuplicateFlags(sets.map(sortedUnique), 0.8), `trial ${trial}`);
    }
  });

  test('a collapsed generation of near-identical records is fast', () => {
    const random = new Random(2);
    const base = Array.from({ length: 60 }, (_, i) => `word${i}`);
    const texts = Array.from({ length: 20000 }, () => {
      const t = base.slice();
      t[random.int(t.length)] = `edit${random.int(50)}`;
      return t.join(' ');
    });
    const start = Date.now();
    const r = run(texts);
    assert.equal(r.metrics.near_duplicate_rate, 1);
    assert.ok(Date.now() - start < 20000, `${Date.now() - start} ms`);
  });
});

describe('large vocabularies', () => {
  // Token ids past 2048 once hashed as zero (their hash words were read past the end of an
  // array that grew out of step), so distinct n-grams collided. Every bigram and trigram of a
  // sequence of 6,000 different tokens is distinct: the counts must be exact.
  test('distinct-n and n-gram diversity stay exact past 2,048 distinct tokens', () => {
    const words = Array.from({ length: 6000 }, (_, i) => `w${i}`);
    const records = [];
    for (let i = 0; i < words.length; i += 20) records.push(words.slice(i, i + 20).join(' '));
    const acc = new TextAccumulator();
    records.forEach((r, i) => acc.add(r, i + 1));
    const m = finishTextMetrics(acc, buildTextBaseline(acc)).metrics;
    assert.equal(m.distinct_1, 1);
    assert.equal(m.distinct_2, 1);
    assert.equal(m.distinct_3, 1);
    assert.equal(m.ngram_diversity, 4);
    const tokens = records.map((r) => tokenize(r));
    assert.equal(distinctN(tokens, 2), 1);
    assert.equal(ngramDiversityScore(records), 4);
  });
});

describe('the text accumulator: template_rate, pos_ngram_diversity and the templates', () => {
  const adjectives = ['quiet', 'bright', 'old', 'small', 'heavy', 'cold', 'green', 'empty', 'narrow', 'warm'];
  const nouns = ['river', 'window', 'garden', 'teacher', 'door', 'letter', 'bridge', 'farmer', 'table', 'horse'];
  const verbs = ['carries', 'watches', 'finds', 'holds', 'paints', 'follows', 'opens', 'moves', 'cleans', 'builds'];
  const pick = (rnd: Random, list: string[]) => list[rnd.int(list.length)]!;
  const oneStructure = (n: number, seed: number) => {
    const rnd = new Random(seed);
    return Array.from({ length: n }, () => `The ${pick(rnd, adjectives)} ${pick(rnd, nouns)} ${pick(rnd, verbs)} the ${pick(rnd, adjectives)} ${pick(rnd, nouns)}.`);
  };

  test('measured on the tagged sample, reported with an example line; every output of one structure holds the top template', () => {
    const acc = new TextAccumulator({ seed: 9 });
    oneStructure(40, 1).forEach((t, i) => acc.add(t, i + 1));
    const r = finishTextMetrics(acc, buildTextBaseline(acc));
    assert.equal(r.metrics.template_rate, 1);
    assert.ok(r.metrics.pos_ngram_diversity! > 0);
    assert.equal(r.sampled.template_rate, undefined, 'all 40 outputs tagged');
    const top = r.templates![0]!;
    assert.equal(top.share, 1);
    assert.equal(top.example.line, 1, 'the earliest line holding it');
    assert.ok(top.example.text.startsWith('The '));
    assert.equal(top.pattern.split(' ').length, 4);
  });

  test('generations are cut to the baseline sample: as many outputs, and at most as many tags', () => {
    const base = new TextAccumulator({ seed: 9 });
    oneStructure(20, 1).forEach((t, i) => base.add(t, i + 1));
    const big = new TextAccumulator({ seed: 9 });
    oneStructure(60, 2).forEach((t, i) => big.add(t, i + 1));
    const baseline = buildTextBaseline(base);
    assert.deepEqual(baseline.templateSample, { outputs: 20, tags: 20 * 8 });
    const r = finishTextMetrics(big, baseline);
    assert.equal(r.sampled.template_rate, 20);
    assert.equal(r.sampled.pos_ngram_diversity, 160);
    // Same structure, same amount of tags: the same POS diversity as the baseline's.
    close(r.metrics.pos_ngram_diversity!, finishTextMetrics(base, baseline).metrics.pos_ngram_diversity!, 1e-12);
  });
});
