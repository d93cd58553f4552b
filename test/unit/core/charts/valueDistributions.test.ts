// The value distributions chart (src/core/charts/valueDistributions.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { valueDistributionsChart } from '../../../../src/core/charts';
import { dataRows, sample } from './support';

describe('valueDistributionsChart', () => {
  test('value distributions: shares per bin and the baseline percentiles as rules', () => {
    const c = valueDistributionsChart(sample)!;
    const rows = dataRows(c.spec);
    const bounds = sample.details.valueBounds!;
    assert.deepEqual(
      rows.filter((r) => typeof r.v === 'number' && r.text).map((r) => r.v),
      [bounds.p01, bounds.p99, bounds.p01, bounds.p99],
    );
    const gen0 = rows.filter((r) => r.generation === 'gen0');
    assert.equal(gen0.length, 32);
    assert.ok(Math.abs(gen0.reduce((a, r) => a + (r.share as number), 0) - 1) < 1e-9);
  });
});
