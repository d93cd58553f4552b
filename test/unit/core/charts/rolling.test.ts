// The rolling window of a single stream (src/core/charts/rolling.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rollingChart } from '../../../../src/core/charts';
import { dataRows, stream } from './support';

describe('rollingChart', () => {
  test('rolling window: diversity and accuracy rows over record index, the accuracy line drawn', () => {
    const c = rollingChart(stream)!;
    const spec = c.spec as unknown as { vconcat: { layer: unknown[] }[] };
    assert.equal(spec.vconcat.length, 2);
    const rows = dataRows(spec.vconcat[1]);
    assert.ok(rows.some((r) => r.threshold === 0.7));
    assert.ok(rows.some((r) => r.severity === 'warning' && typeof r.index === 'number'));
    assert.equal(c.table.columns[2], 'Distinct-1');
  });
});
