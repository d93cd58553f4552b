// dominant-output (src/core/rules/dominant-output.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { group, run } from './support';

describe('dominant-output', () => {
  test('dominant-output above 60% of a generation (seed: EthicalAI 60% rule)', () => {
    const g = group('g0', { top_share: 0.65 });
    g.labels = { metrics: { top_share: 0.65 }, counts: [{ label: 'A', count: 65, firstLine: 3 }, { label: 'B', count: 35, firstLine: 1 }] };
    const f = run([g]);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.rule, 'dominant-output');
    assert.match(f[0]!.message, /Prediction "A" is 65% of 100 records \(threshold 60%\)/);
    assert.equal(f[0]!.related?.[0]?.location.line, 3);
    g.labels.metrics.top_share = 0.6;
    g.group.metrics.top_share = 0.6;
    assert.equal(run([g]).length, 0, 'exactly 60% is not more than 60%');
  });
});
