// diversity-drop (src/core/rules/diversity-drop.ts): a metric fallen below the baseline, one
// finding per role for one collapse.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupEvidence, RuleInput } from '../../../../src/core/rules';
import { group, run } from './support';

describe('diversity-drop', () => {
  test('a 20% fall is a warning, a 50% fall an error, one finding per metric at the worst level', () => {
    const f = run([group('g0', { distinct_2: 0.8 }), group('g1', { distinct_2: 0.64 }), group('g2', { distinct_2: 0.5 }), group('g3', { distinct_2: 0.4 })]);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.rule, 'diversity-drop');
    assert.equal(f[0]!.severity, 'error');
    assert.equal(f[0]!.group, 'g3');
    assert.equal(f[0]!.baseline, 0.8);
    assert.equal(f[0]!.value, 0.4);
    assert.match(f[0]!.message, /Distinct-2 fell 50% below the baseline \(0\.8 → 0\.4\) in generation g3; it first fell 20% or more in generation g1\./);
    assert.equal(f[0]!.related?.[0]?.location.file, 'g0.jsonl');
  });
  test('a 19% fall is nothing; metrics where higher is less diverse are not compared', () => {
    assert.equal(run([group('g0', { distinct_2: 1, self_bleu: 0.2 }), group('g1', { distinct_2: 0.81, self_bleu: 0.05 })]).length, 0);
  });
  test('the baseline can be another generation', () => {
    const f = run([group('g0', { vendi_score: 2 }), group('g1', { vendi_score: 10 })], { baselineIndex: 1 });
    assert.equal(f[0]!.severity, 'error');
    assert.equal(f[0]!.group, 'g0');
  });
});

describe('one finding per event', () => {
  const ev = (groups: GroupEvidence[], extra: Partial<RuleInput> = {}) => run(groups, { mode: 'event', ...extra });

  test('the text metrics that fell together are one diversity-drop, worst first, each metric related', () => {
    const f = ev([
      group('g0', { distinct_1: 0.5, distinct_2: 0.8, vocabulary_size: 1000, vendi_score: 4 }),
      group('g1', { distinct_1: 0.38, distinct_2: 0.6, vocabulary_size: 700, vendi_score: 4 }),
      group('g2', { distinct_1: 0.3, distinct_2: 0.3, vocabulary_size: 600, vendi_score: 1.5 }),
    ]);
    const drops = f.filter((x) => x.rule === 'diversity-drop');
    assert.equal(drops.length, 2, 'one for the text, one for the embeddings');
    const text = drops.find((x) => x.metric === 'distinct_2')!;
    assert.equal(text.severity, 'error');
    assert.equal(text.group, 'g2');
    // Each metric at the first generation that reached its worst level: distinct-1 was a
    // warning from g1 on (−24%), distinct-2 an error at g2.
    assert.equal(text.message, 'Text diversity collapsed below the baseline by generation g2: Distinct-2 −63%, Vocabulary size −30% (g1), Distinct-1 −24% (g1).');
    assert.deepEqual(text.related?.map((r) => r.message), [
      'baseline generation g0 starts here',
      'Distinct-2 fell 63% below the baseline (0.8 → 0.3) in generation g2.',
      'Vocabulary size fell 30% below the baseline (1000 → 700) in generation g1.',
      'Distinct-1 fell 24% below the baseline (0.5 → 0.38) in generation g1.',
    ]);
    assert.match(drops.find((x) => x.metric === 'vendi_score')!.message, /^Embedding diversity collapsed below the baseline by generation g2: Vendi score −63%\.$/);
  });
});
