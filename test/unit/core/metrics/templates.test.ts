// Syntactic templates (src/core/metrics/templates.ts) on hand-tagged sequences, so they hold
// whatever tagger runs. The tagger is tested in posTagger.test.ts, the text accumulator's sample
// and report of templates in text.test.ts, the whole path in suites/syntactic-templates.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  analyzeTemplates,
  joinedTags,
  OutputSample,
  posNgramDiversity,
  templateRate,
  topPosNgrams,
} from '../../../../src/core/metrics/templates';
import type { TaggedOutput } from '../../../../src/core/metrics/templates';
import { UNIVERSAL_POS_TAGS } from '../../../../src/core/metrics/posTagger';
import { ngramDiversityScore } from '../../../../src/core/metrics/text';
import { Random } from '../../../../src/core/random';

/** One output of one sentence per argument, tags space-separated. */
const out = (...sentences: string[]): TaggedOutput => ({ sentences: sentences.map((s) => ({ tags: s.split(' ') })) });
const close = (actual: number, expected: number, tol = 1e-12) => assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);

describe('topPosNgrams (the reference token_patterns over POS tags)', () => {
  test('the docstring example of extract_patterns: every 4-gram once, in order of first occurrence', () => {
    // cshaib/diversity, functions.py: extract_patterns(["The quick brown fox jumps over the
    // lazy dog.", "The slow red fox walks on the hyper dog."], 4) lists these twelve
    // patterns (Penn Treebank tags, as its spaCy tagger gives them), in this order.
    const outputs = [out('DT JJ NN NN VBZ IN DT JJ NN'), out('DT JJ JJ NN NNS IN DT NN NN')];
    assert.deepEqual(topPosNgrams(outputs, 4, 100).map((p) => p.pattern), [
      'DT JJ NN NN', 'JJ NN NN VBZ', 'NN NN VBZ IN', 'NN VBZ IN DT', 'VBZ IN DT JJ', 'IN DT JJ NN',
      'DT JJ JJ NN', 'JJ JJ NN NNS', 'JJ NN NNS IN', 'NN NNS IN DT', 'NNS IN DT NN', 'IN DT NN NN',
    ]);
  });

  test('most frequent first, ties in order of first occurrence; n-grams never cross sentences', () => {
    const outputs = [
      out('DET NOUN VERB DET NOUN'),
      out('PRON VERB DET NOUN', 'DET NOUN VERB DET'),
      out('DET NOUN', 'VERB DET NOUN PUNCT'),
    ];
    // DET NOUN VERB DET: 2; NOUN VERB DET NOUN: 1; PRON VERB DET NOUN: 1; VERB DET NOUN PUNCT: 1.
    // "DET NOUN | VERB DET" would be a 4-gram across the sentence boundary: not counted.
    assert.deepEqual(topPosNgrams(outputs, 4, 3), [
      { pattern: 'DET NOUN VERB DET', count: 2 },
      { pattern: 'NOUN VERB DET NOUN', count: 1 },
      { pattern: 'PRON VERB DET NOUN', count: 1 },
    ]);
    assert.deepEqual(topPosNgrams(outputs, 2, 1), [{ pattern: 'DET NOUN', count: 6 }]);
  });

  test('orders the numeric coding cannot hold are refused', () => {
    assert.throws(() => topPosNgrams([out('A B')], 0), RangeError);
    assert.throws(() => topPosNgrams([out('A B')], 6), RangeError);
  });
});

describe('templateRate', () => {
  const outputs = [
    out('DET ADJ NOUN VERB PUNCT'),
    out('DET ADJ NOUN VERB ADV'),
    out('PRON VERB ADV'),
    out('NOUN VERB DET NOUN'),
    out('DET ADJ', 'NOUN VERB'),
  ];

  test('share of outputs holding one of the top-k patterns inside a sentence', () => {
    const top1 = topPosNgrams(outputs, 4, 1).map((p) => p.pattern);
    assert.deepEqual(top1, ['DET ADJ NOUN VERB']);
    assert.equal(templateRate(outputs, top1), 2 / 5);
    // With every pattern a template, every output with a 4-gram inside a sentence holds one;
    // the last output's tags only form one across its two sentences.
    assert.equal(templateRate(outputs, topPosNgrams(outputs, 4, 100).map((p) => p.pattern)), 3 / 5);
  });

  test('0 without templates, as the reference; NaN without outputs', () => {
    assert.equal(templateRate(outputs, []), 0);
    assert.ok(Number.isNaN(templateRate([], ['DET ADJ NOUN VERB'])));
  });
});

describe('posNgramDiversity (ngram_diversity_score over tags)', () => {
  test('hand-computed: DET NOUN VERB DET NOUN', () => {
    // n = 1: 3 unique / 5; n = 2: 3 / 4; n = 3: 3 / 3; n = 4: 2 / 2.
    close(posNgramDiversity('DET NOUN VERB DET NOUN'.split(' ')), 3 / 5 + 3 / 4 + 1 + 1);
  });

  test('equals the word-level n-gram diversity score of the tag sequence written as words', () => {
    const rnd = new Random(5);
    for (let trial = 0; trial < 40; trial++) {
      const tags = Array.from({ length: 1 + rnd.int(60) }, () => UNIVERSAL_POS_TAGS[rnd.int(trial % 2 ? 4 : 17)]!);
      close(posNgramDiversity(tags), ngramDiversityScore([tags.join(' ')]), 1e-12);
    }
  });

  test('one structure repeated has almost no n-gram diversity; NaN without tags', () => {
    const one = joinedTags(Array.from({ length: 50 }, () => out('DET ADJ NOUN VERB DET NOUN PUNCT')));
    assert.equal(one.length, 350);
    // 7 distinct n-grams of each order at most (the cycle), over ~350 of them.
    assert.ok(posNgramDiversity(one) < 4 * 7 / 340);
    assert.ok(Number.isNaN(posNgramDiversity([])));
  });

  test('joinedTags joins sentences and outputs and stops at the limit', () => {
    assert.deepEqual(joinedTags([out('A B', 'C'), out('D E')], 4), ['A', 'B', 'C', 'D']);
  });
});

describe('analyzeTemplates', () => {
  test('a generation in one structure is all templates, its POS diversity falls, and the listed templates say where', () => {
    const varied = [
      out('DET ADJ NOUN VERB DET NOUN PUNCT'),
      out('PRON ADV VERB ADP DET NOUN PUNCT'),
      out('ADV AUX PRON VERB ADP NOUN PUNCT'),
      out('PROPN VERB SCONJ PRON AUX ADJ PUNCT'),
    ];
    const oneStructure = Array.from({ length: 4 }, () => out('DET ADJ NOUN VERB DET NOUN PUNCT'));
    const a = analyzeTemplates(varied, { k: 2 });
    const b = analyzeTemplates(oneStructure, { k: 2 });
    // k = 2: the two first 4-grams of the first output (every 4-gram occurs once): only it holds them.
    assert.equal(a.templateRate, 1 / 4);
    assert.equal(b.templateRate, 1);
    assert.ok(b.posNgramDiversity < a.posNgramDiversity / 2, `${b.posNgramDiversity} vs ${a.posNgramDiversity}`);
    assert.equal(b.templates[0]!.share, 1);
    assert.equal(b.templates[0]!.count, 4);
    assert.equal(b.templates[0]!.pattern, 'DET ADJ NOUN VERB');
  });

  test('listed by the outputs holding them; the example is the lowest-ranked output, with the words it matched', () => {
    const outputs: TaggedOutput[] = [
      { sentences: [{ tags: ['DET', 'NOUN', 'VERB', 'ADV', 'DET', 'NOUN', 'VERB', 'ADV'], tokens: ['the', 'cat', 'runs', 'fast', 'the', 'dog', 'runs', 'far'] }] },
      { sentences: [{ tags: ['PRON', 'VERB'], tokens: ['it', 'rains'] }, { tags: ['DET', 'NOUN', 'VERB', 'ADV'], tokens: ['a', 'bird', 'sings', 'loudly'] }] },
      { sentences: [{ tags: ['DET', 'NOUN', 'VERB', 'ADV'], tokens: ['the', 'sun', 'sets', 'late'] }] },
    ];
    const t = analyzeTemplates(outputs, { exampleRank: [30, 20, 10] });
    // DET NOUN VERB ADV: 4 occurrences in 3 outputs; the others are in the first output only.
    assert.equal(t.templates[0]!.pattern, 'DET NOUN VERB ADV');
    assert.equal(t.templates[0]!.count, 4);
    assert.equal(t.templates[0]!.share, 1);
    assert.deepEqual(t.templates[0]!.example, { output: 2, match: 'the sun sets late' });
    // The first output's other three 4-grams: four patterns in all.
    assert.equal(t.templates.length, 4);
    assert.ok(t.templates.slice(1).every((s) => s.share === 1 / 3 && s.example.output === 0));
    assert.equal(t.templateRate, 1);
  });

  test('tagLimit cuts the sequence pos_ngram_diversity is computed on', () => {
    const outputs = [out('DET NOUN VERB DET NOUN'), out('PRON VERB ADV')];
    const t = analyzeTemplates(outputs, { tagLimit: 5 });
    assert.equal(t.tags, 5);
    close(t.posNgramDiversity, 3 / 5 + 3 / 4 + 1 + 1);
    assert.equal(analyzeTemplates(outputs).tags, 8);
  });

  test('no outputs: NaN metrics, no templates', () => {
    const t = analyzeTemplates([]);
    assert.ok(Number.isNaN(t.templateRate) && Number.isNaN(t.posNgramDiversity));
    assert.deepEqual(t.templates, []);
  });
});

describe('OutputSample (bottom-k by a seeded hash of the position)', () => {
  test('keeps the k smallest keys, whatever the order the outputs come in', () => {
    const lines = Array.from({ length: 500 }, (_, i) => i + 1);
    const forward = new OutputSample(42, 50);
    for (const l of lines) forward.add(`text ${l}`, l);
    const backward = new OutputSample(42, 50);
    for (const l of [...lines].reverse()) backward.add(`text ${l}`, l);
    const keys = lines.map((l) => forward.key(l, 0)).sort((a, b) => a - b).slice(0, 50);
    assert.deepEqual(forward.items().map((i) => i.key), keys);
    assert.deepEqual(backward.items().map((i) => i.line), forward.items().map((i) => i.line));
    assert.ok(forward.sampled);
    assert.equal(forward.seen, 500);
    // Another seed, another sample.
    const other = new OutputSample(7, 50);
    for (const l of lines) other.add(`text ${l}`, l);
    assert.notDeepEqual(other.items().map((i) => i.line), forward.items().map((i) => i.line));
  });

  test('several outputs on one line are told apart by their index on it', () => {
    const s = new OutputSample(1, 10);
    for (let k = 0; k < 3; k++) s.add(`choice ${k}`, 5);
    assert.equal(new Set(s.items().map((i) => i.key)).size, 3);
    assert.ok(!s.sampled);
  });

  test('a character budget: long outputs shrink the sample, which keeps the smallest keys', () => {
    const s = new OutputSample(3, 100, 1000);
    for (let l = 1; l <= 100; l++) s.add('x'.repeat(100), l);
    const items = s.items();
    assert.ok(items.length <= 10, `${items.length} outputs kept`);
    const keys = Array.from({ length: 100 }, (_, i) => s.key(i + 1, 0)).sort((a, b) => a - b).slice(0, items.length);
    assert.deepEqual(items.map((i) => i.key), keys);
    // One output longer than the budget is cut to it.
    const one = new OutputSample(3, 10, 50);
    one.add('y'.repeat(80), 1);
    assert.equal(one.items()[0]!.text.length, 50);
  });
});
