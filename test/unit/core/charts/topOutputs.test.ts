// The top outputs chart (src/core/charts/topOutputs.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { topOutputsChart } from '../../../../src/core/charts';
import { dataRows, sample, tooltips } from './support';

describe('topOutputsChart', () => {
  test('top outputs: by count, text truncated on the axis, full text and line in the tooltip', () => {
    const c = topOutputsChart(sample)!;
    const rows = dataRows(c.spec);
    assert.equal(rows.length, 12);
    const counts = rows.map((r) => r.count as number);
    assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
    assert.equal(rows[0]!.text, 'The answer depends on several factors, and it is important to consider all of them.');
    assert.equal(rows[0]!.generation, 'gen5');
    assert.match(JSON.stringify(c.spec), /The answer depends on several factors, and it…/u);
    const fields = tooltips(c.spec).flat();
    assert.ok(fields.some((f) => f.field === 'text' && f.title === 'Output'));
    assert.ok(fields.some((f) => f.field === 'line' && f.title === 'First line'));
  });
});
