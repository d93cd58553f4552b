// The charts of a report (src/core/charts/index.ts): which charts, in which order, compiled to
// Vega and put in the page's payload, tested as data (what they encode) and as pictures (the SVG
// Vega draws from them), both snapshotted under __snapshots__/. `UPDATE_SNAPSHOTS=1` rewrites
// them. Each chart's own encoding is tested in the file named after its module.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'vega';
import {
  buildCharts,
  buildReportPayload,
  compileChartSpec,
  compileCharts,
  labelSharesChart,
  metricsChart,
  projectionChart,
  rankFrequencyChart,
  rollingChart,
  topOutputsChart,
  valueDistributionsChart,
} from '../../../../src/core/charts';
import type { AnalysisResult } from '../../../../src/shared/details';
import { type TooltipField, decodeTooltip, encodeTooltip } from '../../../../src/shared/protocol';
import { LIGHT_PALETTE, vegaThemeConfig } from '../../../../src/shared/theme';
import { syntheticResult } from '../../../fixtures/analysis/synthetic';
import { repoRoot } from '../../support';
import { clone, dataRows, renderSvg, sample, stream, tooltips } from './support';

const SNAPSHOTS = join(repoRoot(), 'test', 'unit', 'core', 'charts', '__snapshots__');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

function matchSnapshot(name: string, actual: string): void {
  const file = join(SNAPSHOTS, name);
  // A missing snapshot fails (nothing would be compared); UPDATE_SNAPSHOTS=1 writes it.
  if (UPDATE) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `${name} has no snapshot; run the tests with UPDATE_SNAPSHOTS=1 and commit it`);
  const expected = readFileSync(file, 'utf8');
  assert.ok(actual === expected, `${name} differs from its snapshot (run with UPDATE_SNAPSHOTS=1 if the change is intended)`);
}

const count = (s: string, needle: string) => s.split(needle).length - 1;

describe('buildCharts', () => {
  test('every chart the sample has data for, in page order', () => {
    assert.deepEqual(
      buildCharts(sample).map((c) => c.id),
      ['metrics-text', 'metrics-vectors', 'metrics-labels', 'metrics-values', 'label-shares', 'top-outputs', 'rank-frequency', 'value-distributions', 'projection'],
    );
    assert.deepEqual(
      buildCharts(stream).map((c) => c.id),
      ['rolling', 'label-shares'],
    );
  });

  test('pure: same input, same specs; the input is not modified', () => {
    const before = JSON.stringify(sample);
    assert.deepEqual(buildCharts(sample), buildCharts(clone(sample)));
    assert.equal(JSON.stringify(sample), before);
  });

  test('each descriptor has a title, a one-sentence description and a rectangular table', () => {
    for (const c of [...buildCharts(sample), ...buildCharts(stream)]) {
      assert.ok(c.title.length > 0, c.id);
      assert.match(c.description, /^[^\n]+\.$/u, c.id);
      assert.equal(c.description.split(/\.\s/u).length, 1, `${c.id}: one sentence`);
      assert.ok(c.table.columns.length >= 2, c.id);
      assert.ok(c.table.rows.length > 0, c.id);
      for (const row of c.table.rows) assert.equal(row.length, c.table.columns.length, c.id);
    }
  });

  test('charts without data are absent', () => {
    const bare = clone(sample);
    bare.details = { groups: bare.details.groups.map((g) => ({ id: g.id, file: g.file })), thresholds: bare.details.thresholds };
    assert.equal(rankFrequencyChart(bare), undefined);
    assert.equal(labelSharesChart(bare), undefined);
    assert.equal(valueDistributionsChart(bare), undefined);
    assert.equal(projectionChart(bare), undefined);
    assert.equal(topOutputsChart(bare), undefined);
    assert.equal(rollingChart(bare), undefined);
    assert.deepEqual(
      buildCharts(bare).map((c) => c.id),
      ['metrics-text', 'metrics-vectors', 'metrics-labels', 'metrics-values'],
    );
    // One generation: nothing to compare against, so no small multiples.
    assert.equal(metricsChart(stream, 'text'), undefined);
    const noVectors = clone(sample);
    for (const g of noVectors.report.groups) for (const k of ['vendi_score', 'mean_pairwise_distance', 'effective_rank', 'total_variance']) delete g.metrics[k];
    assert.equal(metricsChart(noVectors, 'vectors'), undefined);
  });
});

/** Every string of `value` passed through `f` (keys untouched). */
function mapStrings<T>(value: T, f: (s: string) => string): T {
  const visit = (v: unknown): unknown =>
    typeof v === 'string' ? f(v) : Array.isArray(v) ? v.map(visit) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x)])) : v;
  return visit(value) as T;
}

/** Expression source in a compiled Vega spec: every `expr`, `signal`, `update` and `test` string. */
function expressions(spec: unknown): string[] {
  const out: string[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
        if (typeof v === 'string' && ['expr', 'signal', 'update', 'test'].includes(k)) out.push(v);
        else visit(v);
      }
    }
  };
  visit(spec);
  return out;
}

describe('snapshots: spec and SVG', () => {
  const cases: [string, AnalysisResult][] = [
    ['sample', sample],
    ['stream', stream],
  ];
  for (const [name, result] of cases) {
    for (const chart of buildCharts(result)) {
      test(`${name} ${chart.id}`, async () => {
        matchSnapshot(`${name}.${chart.id}.vl.json`, `${JSON.stringify(chart.spec, null, 1)}\n`);
        const svg = await renderSvg(chart);
        matchSnapshot(`${name}.${chart.id}.svg`, svg);
        assert.ok(svg.startsWith('<svg'), chart.id);
        const marks = count(svg, '<path') + count(svg, '<line') + count(svg, '<rect');
        assert.ok(marks > 10, `${chart.id}: ${marks} marks`);
        // The data is drawn, not only the axes: each chart has its own kind of mark.
        const drawn: Record<string, RegExp> = {
          'metrics-text': /class="mark-line role-mark/u,
          'label-shares': /class="mark-rect role-mark/u,
          'top-outputs': /class="mark-rect role-mark/u,
          'rank-frequency': /class="mark-line role-mark/u,
          'value-distributions': /class="mark-line role-mark/u,
          projection: /class="mark-symbol role-mark/u,
          rolling: /class="mark-line role-mark/u,
        };
        if (drawn[chart.id]) assert.match(svg, drawn[chart.id]!, chart.id);
        assert.match(svg, /aria-label="|role="graphics-document"/u);
      });
    }
  }

  test('rendering is deterministic', async () => {
    const chart = projectionChart(sample)!;
    assert.equal(await renderSvg(chart), await renderSvg(chart));
  });
});

describe('tooltips', () => {
  test('a constant per mark, decoded by the page; nothing built per item at render', () => {
    const fields: TooltipField[] = [{ field: 'value', title: 'Value', format: 'number' }];
    assert.deepEqual(decodeTooltip(encodeTooltip(fields)), fields);
    assert.equal(decodeTooltip('plain text'), undefined);
    assert.equal(decodeTooltip(42), undefined);
    for (const chart of compileCharts(sample)) {
      const text = JSON.stringify(chart.spec);
      assert.doesNotMatch(text, /"tooltip":\{"signal"/u, chart.id);
      assert.doesNotMatch(text, /"description":\{"signal"/u, chart.id);
      assert.ok(tooltips(chart.spec).length > 0, chart.id);
    }
  });

  test('every tooltip field exists in the chart data', () => {
    for (const c of buildCharts(sample)) {
      const keys = new Set(dataRows(c.spec).flatMap((r) => Object.keys(r)));
      for (const f of tooltips(c.spec).flat()) assert.ok(keys.has(f.field), `${c.id}: ${f.field}`);
    }
  });
});

describe('compile and payload', () => {
  test('100 generations × 20 metrics compile without warnings', () => {
    const big = syntheticResult({ generations: 100, metrics: 20 });
    const charts = buildCharts(big);
    for (const c of charts) {
      const warnings: string[] = [];
      compileChartSpec(c.spec, undefined, warnings);
      assert.deepEqual(warnings, [], c.id);
    }
    const panels = charts.filter((c) => c.id.startsWith('metrics-')).reduce((a, c) => a + (c.spec as unknown as { facet: { sort: string[] } }).facet.sort.length, 0);
    assert.equal(panels, 20);
  });

  test('with a theme config the Vega spec renders on its own', () => {
    const spec = compileChartSpec(labelSharesChart(sample)!.spec, vegaThemeConfig(LIGHT_PALETTE));
    assert.equal(spec.config?.background, LIGHT_PALETTE.background);
  });

  test('payload: compiled charts, generation files, title', () => {
    const p = buildReportPayload(sample, 'runs', { canChangeBaseline: true });
    assert.equal(p.title, 'runs');
    assert.equal(p.canChangeBaseline, true);
    assert.deepEqual(p.generationFiles, ['runs/gen0.jsonl', 'runs/gen1.jsonl', 'runs/gen2.jsonl', 'runs/gen3.jsonl', 'runs/gen4.jsonl', 'runs/gen5.jsonl']);
    assert.equal(p.charts.length, 9);
    assert.equal(p.charts[0]!.spec.$schema, 'https://vega.github.io/schema/vega/v6.json');
    assert.equal(buildReportPayload(stream, 's').canChangeBaseline, false);
  });
});

// Last: Vega numbers clip paths across renders, and the SVG snapshots above start from 1.
describe('data strings stay data', () => {
  // U+2028/U+2029 end a Vega expression's string literal ("Unexpected token ILLEGAL"); quotes and
  // backslashes would need escaping. None of it may reach expression source.
  const hostile = (r: AnalysisResult) =>
    mapStrings(r, (s) =>
      s
        .replace(/\bgen(\d+)/gu, 'gen\u2028$1')
        .replace(/^(approve|reject)$/u, '$1\u2029"\\\'')
        .replace(/^The answer/u, 'The "answer\'\\'),
    );
  const results: [string, AnalysisResult][] = [
    ['sample', hostile(sample)],
    ['stream', hostile(stream)],
    ['100 generations', hostile(syntheticResult({ generations: 100, metrics: 20 }))],
  ];

  for (const [name, result] of results) {
    test(`${name}: ids, labels and outputs with U+2028/U+2029 compile, parse and draw; no data string in any expression`, async () => {
      const charts = buildCharts(result);
      assert.ok(charts.length >= 2, name);
      for (const chart of charts) {
        const warnings: string[] = [];
        const vega = compileChartSpec(chart.spec, vegaThemeConfig(LIGHT_PALETTE), warnings);
        assert.deepEqual(warnings, [], chart.id);
        for (const e of expressions(vega)) {
          assert.doesNotMatch(e, /[\u2028\u2029]|answer/u, `${chart.id}: data in the expression ${e}`);
        }
        // The page parses with the interpreter (no eval under its CSP): expressions as ASTs.
        parse(vega, undefined, { ast: true });
        const svg = await renderSvg(chart);
        assert.ok(svg.startsWith('<svg'), chart.id);
      }
    });
  }

  test('the labels still show the strings: generation ids on the x axis, the output on the bar', async () => {
    const r = hostile(sample);
    const metrics = await renderSvg(metricsChart(r, 'text')!);
    assert.ok(metrics.includes('gen\u20285'), 'generation id as an axis label');
    const top = await renderSvg(topOutputsChart(r)!);
    assert.match(top, /The (&quot;|")answer/u, 'output text as an axis label');
    const shares = await renderSvg(labelSharesChart(r)!);
    assert.ok(shares.includes('approve\u2029'), 'label in the legend');
  });
});
