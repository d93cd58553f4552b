// The rank–frequency chart (src/core/charts/rankFrequency.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rankFrequencyChart } from '../../../../src/core/charts';
import { dataRows, sample } from './support';

describe('rankFrequencyChart', () => {
  test('rank–frequency: log–log, one line per generation', () => {
    const c = rankFrequencyChart(sample)!;
    const enc = (c.spec as unknown as { encoding: Record<string, { scale?: { type: string }; field?: string }> }).encoding;
    assert.equal(enc.x!.scale!.type, 'log');
    assert.equal(enc.y!.scale!.type, 'log');
    assert.equal(enc.detail!.field, 'generation');
    assert.equal(new Set(dataRows(c.spec).map((r) => r.generation)).size, 6);
    // The tail shortens: the highest rank of the last generation is below the first's.
    assert.ok((c.table.rows[5]![1] as number) < (c.table.rows[0]![1] as number));
  });
});
