// The label shares chart (src/core/charts/labelShares.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { labelSharesChart } from '../../../../src/core/charts';
import { dataRows, sample } from './support';

describe('labelSharesChart', () => {
  test('label shares: normalized stack and the dominant-share line', () => {
    const c = labelSharesChart(sample)!;
    const text = JSON.stringify(c.spec);
    assert.match(text, /"stack":"normalize"/u);
    assert.ok(dataRows(c.spec).some((r) => r.threshold === 0.6));
    assert.deepEqual(c.table.columns, ['Generation', 'approve', 'reject', 'escalate', 'defer', 'unclear']);
    assert.equal(c.table.rows[5]![1], '75.0%');
    assert.match(c.description, /passes it in generations gen4, gen5\.$/u);
  });
});
