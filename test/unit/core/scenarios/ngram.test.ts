// ngram-self-training (src/core/scenarios/ngram.ts): the n-gram model and the collapse of its
// own text.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mannKendall } from '../../../../src/core/numeric/stats';
import { Random } from '../../../../src/core/random';
import { corpusSentences } from '../../../../src/core/scenarios/corpus';
import { NgramModel } from '../../../../src/core/scenarios/ngram';
import { lines, run } from './support';

describe('n-gram self-training', () => {
  test('the model only emits words it was trained on and ends sentences', () => {
    const training = [['the', 'cat', 'sat'], ['the', 'dog', 'ran', 'far'], ['a', 'cat', 'ran']];
    const model = new NgramModel(training, 3);
    assert.equal(model.vocabulary, 7);
    const rng = new Random(5);
    const known = new Set(training.flat());
    for (let i = 0; i < 200; i++) {
      const s = model.sample(rng, 30);
      assert.ok(s.length >= 1 && s.length <= 30);
      assert.ok(s.every((t) => known.has(t)));
    }
  });

  test('generation 0 is real text; vocabulary and distinct bigrams fall afterwards', () => {
    const r = run('ngram-self-training', 42);
    const real = new Set(corpusSentences().map((s) => s.join(' ')));
    assert.ok(lines(r, 0).every((x) => real.has(x.output as string)));
    const v = r.series.vocabulary_size!;
    const d2 = r.series.distinct_2!;
    assert.ok(v[9]! < 0.5 * v[0]!, `vocabulary ${v.join(' ')}`);
    assert.ok(d2[9]! < 0.6 * d2[0]!, `distinct-2 ${d2.join(' ')}`);
    assert.ok(r.series.rare_token_share![9]! < r.series.rare_token_share![0]!);
    const mk = mannKendall(v);
    assert.ok(mk.s < 0 && mk.pValue < 0.01);
  });
});
