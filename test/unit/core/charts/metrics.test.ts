// The metric small multiples (src/core/charts/metrics.ts): one panel per metric, the baseline,
// drop zones and findings.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { metricsChart } from '../../../../src/core/charts';
import { clone, dataRows, sample } from './support';

describe('metric small multiples', () => {
  const chart = metricsChart(sample, 'text')!;
  const rows = dataRows(chart.spec);
  const of = (metric: string, kind: string) => rows.filter((r) => r.metric === metric && r.kind === kind);

  test('one panel per metric present, independent y', () => {
    const spec = chart.spec as unknown as { facet: { field: string; sort: string[] }; resolve: { scale: { y: string } }; columns: number };
    assert.equal(spec.facet.field, 'title');
    assert.equal(spec.facet.sort.length, 12);
    assert.equal(spec.facet.sort[0], 'Distinct-1');
    assert.equal(spec.resolve.scale.y, 'independent');
    assert.equal(spec.columns, 4);
    assert.equal(of('distinct_1', 'value').length, 6);
  });

  test('baseline rule at the baseline generation value', () => {
    assert.deepEqual(
      of('distinct_1', 'baseline').map((r) => [r.value, r.generation]),
      [[0.42, 'gen0']],
    );
  });

  test('drop zones: warning band from −50% to −20%, error band below −50%', () => {
    const bands = of('distinct_1', 'band').map((r) => [r.severity, Number((r.y0 as number).toFixed(6)), Number((r.y1 as number).toFixed(6))]);
    assert.deepEqual(bands, [
      ['warning', 0.21, 0.336],
      ['error', 0, 0.21],
    ]);
    // `down` metrics have no drop zone; the absolute rules have theirs.
    assert.deepEqual(of('self_bleu', 'band'), []);
    const labels = dataRows(metricsChart(sample, 'labels')!.spec);
    const topShare = labels.filter((r) => r.metric === 'top_share' && r.kind === 'band');
    assert.deepEqual(topShare.map((r) => [r.severity, r.y0, r.y1]), [['warning', 0.6, 1]]);
    const accuracy = labels.filter((r) => r.metric === 'accuracy' && r.kind === 'band');
    assert.deepEqual(accuracy.map((r) => [r.severity, r.y0, r.y1]), [['warning', 0, 0.7]]);
    const vectors = dataRows(metricsChart(sample, 'vectors')!.spec);
    assert.ok(vectors.some((r) => r.metric === 'mean_pairwise_distance' && r.kind === 'band' && r.severity === 'error' && r.y1 === 0.1));
  });

  test('findings sit on the line at their generation, by severity', () => {
    const drop = of('distinct_1', 'finding');
    assert.deepEqual(drop.map((r) => [r.generation, r.value, r.severity, r.rule]), [['gen5', 0.1715, 'error', 'diversity-drop']]);
    // A trend finding's value is the slope; the mark uses the metric value of its generation.
    const trend = of('distinct_2', 'finding').find((r) => r.rule === 'diversity-trend')!;
    assert.equal(trend.value, sample.report.groups[5]!.metrics.distinct_2);
    assert.equal(trend.line, 1);
  });

  test('the table lists every generation and marks the baseline', () => {
    assert.deepEqual(chart.table.columns.slice(0, 3), ['Generation', 'Distinct-1', 'Distinct-2']);
    assert.deepEqual(chart.table.rows.map((r) => r[0]), ['gen0 (baseline)', 'gen1', 'gen2', 'gen3', 'gen4', 'gen5']);
  });

  test('another baseline moves the rule and the zones', () => {
    const other = clone(sample);
    other.report.baseline = 'gen2';
    const moved = dataRows(metricsChart(other, 'text')!.spec).filter((r) => r.metric === 'distinct_1');
    const base = other.report.groups[2]!.metrics.distinct_1!;
    assert.deepEqual(moved.filter((r) => r.kind === 'baseline').map((r) => r.value), [base]);
    assert.equal(moved.find((r) => r.kind === 'band' && r.severity === 'warning')!.y1, base * 0.8);
  });
});
