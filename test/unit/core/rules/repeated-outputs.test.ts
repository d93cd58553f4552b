// repeated-outputs (src/core/rules/repeated-outputs.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { group, run } from './support';

describe('repeated-outputs', () => {
  test('repeated-outputs above 30% with the most repeated record as related info', () => {
    const g = group('g0', { duplicate_rate: 0.45 }, 20);
    g.text = { metrics: {}, sampled: {}, topOutputs: [{ text: 'The cat sat on the mat.', count: 9, line: 4 }], rankFrequency: [], mostRepeatedLine: 4 };
    const f = run([g]);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.rule, 'repeated-outputs');
    assert.equal(f[0]!.related?.[0]?.location.line, 4);
    assert.match(f[0]!.message, /45% of 20 outputs are exact duplicates \(threshold 30%\); the most repeated appears 9 times/);
  });
});
