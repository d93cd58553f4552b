// The projection of the embeddings (src/core/charts/projection.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { projectionChart } from '../../../../src/core/charts';
import { dataRows, sample } from './support';

describe('projectionChart', () => {
  test('projection: points coloured by generation with file and line', () => {
    const c = projectionChart(sample)!;
    const rows = dataRows(c.spec);
    assert.equal(rows.length, sample.details.projection!.points.length);
    assert.deepEqual(Object.keys(rows[0]!).sort(), ['file', 'generation', 'index', 'line', 'x', 'y']);
    assert.equal(rows[0]!.file, 'runs/gen0.jsonl');
    assert.match(JSON.stringify(c.spec), /PC1 \(41\.2% of variance\)/u);
  });
});
