// classifier-self-training (src/core/scenarios/classifier.ts) with and without mitigations.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lines, run } from './support';

describe('classifier self-training', () => {
  test('without mitigation one class takes over; active learning keeps accuracy and both classes', () => {
    const none = run('classifier-self-training', 42);
    assert.ok(none.series.accuracy![0]! > 0.85);
    assert.ok(Math.min(...none.series.accuracy!) < 0.7);
    const share = none.series.positive_share![19]!;
    assert.ok(Math.max(share, 1 - share) > 0.6);
    const al = run('classifier-self-training', 42, { mitigation: 'active-learning' });
    assert.ok(al.series.accuracy!.every((a) => a > 0.8), al.series.accuracy!.join(' '));
    assert.ok(al.series.positive_share!.every((s) => s > 0.3 && s < 0.7));
    assert.deepEqual(al.expected.rules, []);
    for (const mitigation of ['l1', 'l2', 'ensemble', 'adaptive-lr']) {
      const r = run('classifier-self-training', 42, { mitigation }, 8);
      assert.equal(r.series.accuracy!.length, 8);
      const rec = lines(r, 7)[0]!;
      assert.deepEqual(Object.keys(rec), ['generation', 'id', 'label', 'prediction', 'score']);
      assert.ok((rec.score as number) >= 0.5 && (rec.score as number) <= 1);
    }
  });
});
