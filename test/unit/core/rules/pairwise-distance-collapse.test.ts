// pairwise-distance-collapse (src/core/rules/pairwise-distance-collapse.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_THRESHOLDS } from '../../../../src/core/options';
import { group, run } from './support';

describe('pairwise-distance-collapse', () => {
  test('pairwise-distance-collapse below 0.1 is an error (seed: detect_model_collapse)', () => {
    const f = run([group('g0', { mean_pairwise_distance: 1.2 }), group('g1', { mean_pairwise_distance: 0.05 })], { thresholds: { ...DEFAULT_THRESHOLDS, dropWarning: 1, dropError: 1 } });
    assert.equal(f.length, 1);
    assert.equal(f[0]!.rule, 'pairwise-distance-collapse');
    assert.equal(f[0]!.severity, 'error');
  });
});
