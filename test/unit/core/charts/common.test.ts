// What the charts share (src/core/charts/common.ts): with many generations, which get a line
// and how they are coloured.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { labelSharesChart, rankFrequencyChart, valueDistributionsChart } from '../../../../src/core/charts';
import { sampleGenerations } from '../../../../src/core/charts/common';
import { syntheticResult } from '../../../fixtures/analysis/synthetic';
import { dataRows } from './support';

describe('many generations', () => {
  test('many generations: lines for at most 12, evenly spaced, with the first, the baseline and the last', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `g${i}`);
    const drawn = sampleGenerations(ids, 'g37');
    assert.ok(drawn.length <= 12);
    for (const id of ['g0', 'g37', 'g99']) assert.ok(drawn.includes(id), id);
    assert.deepEqual(drawn, [...drawn].sort((a, b) => ids.indexOf(a) - ids.indexOf(b)));
    assert.deepEqual(sampleGenerations(ids.slice(0, 6), 'g0'), ids.slice(0, 6));
    const big = syntheticResult({ generations: 100, metrics: 20 });
    const lines = new Set(dataRows(valueDistributionsChart(big)!.spec).map((r) => r.generation).filter((g) => g !== undefined));
    assert.ok(lines.size <= 12 && lines.has('gen0') && lines.has('gen99'));
    assert.equal(valueDistributionsChart(big)!.table.rows.length, 100);
    assert.match(labelSharesChart(big)!.description, /passes it in \d+ generations, first in gen\d+\.$/u);
  });

  test('many generations: a gradient instead of 100 swatches, generation ids on its labels', () => {
    const big = syntheticResult({ generations: 100, metrics: 20 });
    const c = rankFrequencyChart(big)!;
    const spec = c.spec as unknown as { params: { name: string; value: string[] }[]; encoding: { color: { type: string; legend: { labelExpr: string } } } };
    const color = spec.encoding.color;
    assert.equal(color.type, 'quantitative');
    // The labels are the ids, looked up by index in a signal that holds them as data.
    assert.equal(color.legend.labelExpr, "generationIds[datum.value] || ''");
    const ids = spec.params.find((p) => p.name === 'generationIds')!.value;
    assert.deepEqual(ids.slice(0, 2), ['gen0', 'gen1']);
    assert.equal(ids.length, 100);
  });
});
