// Label metrics (src/core/metrics/labels.ts) against hand-computed values.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { finishLabelMetrics, LabelAccumulator, labelEntropy, simpsonDiversity } from '../../../../src/core/metrics/labels';

const close = (actual: number, expected: number, tol = 1e-12): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

function labels(outputs: string[], references?: string[]): LabelAccumulator {
  const acc = new LabelAccumulator();
  outputs.forEach((o, i) => acc.add(o, references?.[i], i + 1));
  return acc;
}

describe('labelEntropy', () => {
  test('hand-computed: counts 2, 1, 1 → p = ½, ¼, ¼ → ½·1 + 2·¼·2 = 1.5 bits', () => {
    close(labelEntropy([2, 1, 1]), 1.5);
  });

  test('k equally frequent labels give log₂ k; one label gives 0; zeros are ignored', () => {
    close(labelEntropy([5, 5, 5, 5]), 2);
    close(labelEntropy([3, 3, 3]), Math.log2(3));
    assert.equal(labelEntropy([7]), 0);
    assert.ok(Object.is(labelEntropy([7]), 0), 'not −0');
    close(labelEntropy([2, 0, 1, 1]), 1.5);
    assert.equal(labelEntropy([]), 0);
  });
});

describe('simpsonDiversity', () => {
  test('hand-computed: counts 2, 1, 1 → 1 − (¼ + 1/16 + 1/16) = 0.625', () => {
    close(simpsonDiversity([2, 1, 1]), 0.625);
  });

  test('k equally frequent labels give 1 − 1/k; one label 0', () => {
    close(simpsonDiversity([4, 4, 4, 4, 4]), 0.8);
    assert.equal(simpsonDiversity([9]), 0);
    assert.equal(simpsonDiversity([]), 0);
  });
});

describe('finishLabelMetrics', () => {
  test('all metrics against hand-computed values', () => {
    const baseline = labels(['a', 'b', 'c', 'd', 'e']);
    const group = labels(['b', 'a', 'a', 'c'], ['b', 'a', 'c', 'c']);
    const { metrics, counts } = finishLabelMetrics(group, baseline);
    close(metrics.label_entropy!, 1.5);
    close(metrics.simpson_diversity!, 0.625);
    close(metrics.top_share!, 0.5); // a: 2 of 4
    close(metrics.coverage!, 3 / 5); // {a, b, c} of {a, b, c, d, e}
    close(metrics.accuracy!, 3 / 4); // b=b, a=a, a≠c, c=c
    assert.deepEqual(counts, [
      { label: 'a', count: 2, firstLine: 2 },
      { label: 'b', count: 1, firstLine: 1 },
      { label: 'c', count: 1, firstLine: 4 },
    ]);
  });

  test('no accuracy without reference labels; accuracy over the records that have one', () => {
    const base = labels(['x', 'y']);
    assert.equal('accuracy' in finishLabelMetrics(labels(['x', 'y', 'x']), base).metrics, false);
    const acc = new LabelAccumulator();
    acc.add('x', 'x', 1);
    acc.add('y', undefined, 2);
    acc.add('y', 'x', 3);
    close(finishLabelMetrics(acc, base).metrics.accuracy!, 0.5);
  });

  test('a record without an output is not counted', () => {
    const acc = new LabelAccumulator();
    acc.add(undefined, 'x', 1);
    acc.add('x', 'x', 2);
    assert.equal(acc.records, 1);
    assert.deepEqual(finishLabelMetrics(acc, acc).metrics, { label_entropy: 0, simpson_diversity: 0, top_share: 1, coverage: 1, accuracy: 1 });
  });

  test('the baseline against itself has coverage 1; new labels can push coverage above 1', () => {
    const base = labels(['a', 'b']);
    assert.equal(finishLabelMetrics(base, base).metrics.coverage, 1);
    assert.equal(finishLabelMetrics(labels(['a', 'b', 'c']), base).metrics.coverage, 1.5);
  });

  test('collapse onto one label: entropy 0, Simpson 0, top share 1', () => {
    const { metrics } = finishLabelMetrics(labels(['yes', 'yes', 'yes']), labels(['yes', 'no']));
    assert.deepEqual(metrics, { label_entropy: 0, simpson_diversity: 0, top_share: 1, coverage: 0.5 });
  });

  test('past the cap on tracked labels, each further new label counts as a singleton', () => {
    const acc = new LabelAccumulator(3);
    for (const [i, l] of ['a', 'a', 'b', 'c', 'd', 'e', 'a'].entries()) acc.add(l, undefined, i + 1);
    assert.equal(acc.records, 7);
    assert.equal(acc.untracked, 2);
    assert.equal(acc.distinct, 5);
    const { metrics, counts } = finishLabelMetrics(acc, acc);
    // Counts 3, 1, 1 tracked + 1, 1 untracked: as if all five were tracked.
    close(metrics.label_entropy!, labelEntropy([3, 1, 1, 1, 1]));
    close(metrics.top_share!, 3 / 7);
    assert.deepEqual(counts.map((c) => c.label), ['a', 'b', 'c']);
  });
});

describe('LabelAccumulator as mergeable state', () => {
  const outputs = Array.from({ length: 2000 }, (_, i) => `c${(i * i) % 37}`);
  const references = outputs.map((o, i) => (i % 5 === 0 ? 'c0' : o));

  test('1, 2, 3 or 16 shards in any order give byte-identical metrics and counts', () => {
    const base = labels(outputs.slice(0, 300));
    const whole = JSON.stringify(finishLabelMetrics(labels(outputs, references), base));
    for (const shards of [2, 3, 16]) {
      const parts = Array.from({ length: shards }, () => new LabelAccumulator());
      outputs.forEach((o, i) => parts[(i * 13) % shards]!.add(o, references[i], i + 1));
      const merged = new LabelAccumulator();
      for (const p of parts.reverse()) merged.merge(LabelAccumulator.fromState(JSON.parse(JSON.stringify(p.toState()))));
      assert.equal(JSON.stringify(finishLabelMetrics(merged, base)), whole, `${shards} shards`);
    }
  });

  test('past the cap, labels a shard tracked but the whole would not count as untracked records', () => {
    const a = new LabelAccumulator(2);
    a.add('x', undefined, 1);
    a.add('y', undefined, 2);
    const b = new LabelAccumulator(2);
    b.add('z', undefined, 3);
    b.add('z', undefined, 4);
    a.merge(b);
    assert.equal(a.records, 4);
    assert.equal(a.untracked, 2);
    assert.equal(a.distinct, 4);
  });
});
