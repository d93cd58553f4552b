// accuracy-below-threshold (src/core/rules/accuracy-below-threshold.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { group, run } from './support';

describe('accuracy-below-threshold', () => {
  test('accuracy-below-threshold under 0.7 (seed: continuous evaluation)', () => {
    const f = run([group('g0', { accuracy: 0.69 })]);
    assert.equal(f[0]!.rule, 'accuracy-below-threshold');
    assert.match(f[0]!.message, /Accuracy is 0\.69, below 0\.7 \(prediction vs label, 100 records\)/);
  });
});
