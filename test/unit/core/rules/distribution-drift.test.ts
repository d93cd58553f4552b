// distribution-drift (src/core/rules/distribution-drift.ts): values that moved from the baseline,
// significantly and far.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupEvidence } from '../../../../src/core/rules';
import { group, run } from './support';

describe('distribution-drift', () => {
  const values = (id: string, mean: number, std: number, ks: number, w: number, n = 200) => group(id, { mean, std, ks_vs_baseline: ks, wasserstein_vs_baseline: w }, n);
  const drift = (gs: GroupEvidence[], value = 'error') => run(gs, { mode: 'event', fields: { text: null, vector: null, label: null, prediction: null, value, group: null, prompt: null } }).filter((x) => x.rule === 'distribution-drift');

  test('a significant and large move is flagged once, with its direction for an error field', () => {
    const f = drift([values('g0', 0, 0.5, 0, 0), values('g1', 0, 0.55, 0.1, 0.05), values('g2', -0.1, 0.9, 0.2, 0.3), values('g3', -0.2, 1.6, 0.35, 0.9)]);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.group, 'g2');
    assert.match(f[0]!.message, /^Error values drifted from the baseline in generation g2: KS D = 0\.2 \(p = 5\.43e-4\), Wasserstein distance 0\.3 = 0\.6 baseline standard deviations; mean 0 → -0\.1, spread 0\.5 → 0\.9 — the error is getting wider; 1 later generation as far or farther\.$/);
  });

  test('a score falling is said so; a small move or a non-significant one is not flagged', () => {
    assert.match(drift([values('g0', 0.8, 0.1, 0, 0), values('g1', 0.6, 0.1, 0.6, 0.2)], 'reward')[0]!.message, /the reward is falling/);
    assert.equal(drift([values('g0', 0, 1, 0, 0), values('g1', 0, 1, 0.2, 0.1)]).length, 0, 'effect 0.1 sd');
    assert.equal(drift([values('g0', 0, 1, 0, 0), values('g1', 0, 1, 0.1, 0.5)]).length, 0, 'p ≈ 0.27');
  });
});
