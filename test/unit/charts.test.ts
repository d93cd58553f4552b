// Chart specs tested as data (what they encode) and as pictures (the SVG Vega draws from
// them), both snapshotted under __snapshots__/charts. `UPDATE_SNAPSHOTS=1` rewrites them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { View, parse } from 'vega';
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
  type ChartDescriptor,
} from '../../src/core/charts';
import { sampleGenerations } from '../../src/core/charts/common';
import type { AnalysisResult } from '../../src/shared/details';
import { type TooltipField, decodeTooltip, encodeTooltip } from '../../src/shared/protocol';
import { DARK_PALETTE, LIGHT_PALETTE, THEME_SIGNALS, vegaThemeConfig } from '../../src/shared/theme';
import { syntheticResult } from '../fixtures/analysis/synthetic';
import { repoRoot } from './support';


const ROOT = repoRoot();
const SNAPSHOTS = join(ROOT, 'test', 'unit', '__snapshots__', 'charts');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

function fixture(name: string): AnalysisResult {
  return JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'analysis', `${name}.json`), 'utf8')) as AnalysisResult;
}

const sample = fixture('sample-result');
const stream = fixture('sample-stream');

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

async function renderSvg(chart: ChartDescriptor, palette = LIGHT_PALETTE): Promise<string> {
  const warnings: string[] = [];
  const spec = compileChartSpec(chart.spec, vegaThemeConfig(palette), warnings);
  assert.deepEqual(warnings, [], `${chart.id}: Vega-Lite warnings`);
  const view = new View(parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Every tooltip field list a spec carries (resolved by the page on hover). */
function tooltips(spec: unknown): TooltipField[][] {
  const out: TooltipField[][] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
        const fields = k === 'tooltip' ? decodeTooltip((v as { value?: unknown }).value) : undefined;
        if (fields) out.push(fields);
        else visit(v);
      }
    }
  };
  visit(spec);
  return out;
}

const count = (s: string, needle: string) => s.split(needle).length - 1;
const clone = (r: AnalysisResult): AnalysisResult => JSON.parse(JSON.stringify(r)) as AnalysisResult;

/** Rows of the inline data of a Vega-Lite spec (top level or any layer). */
function dataRows(spec: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      const data = o.data as { values?: Record<string, unknown>[] } | undefined;
      if (data?.values) out.push(...data.values);
      for (const [k, v] of Object.entries(o)) if (k !== 'data') visit(v);
    }
  };
  visit(spec);
  return out;
}

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

describe('the other charts', () => {
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

  test('label shares: normalized stack and the dominant-share line', () => {
    const c = labelSharesChart(sample)!;
    const text = JSON.stringify(c.spec);
    assert.match(text, /"stack":"normalize"/u);
    assert.ok(dataRows(c.spec).some((r) => r.threshold === 0.6));
    assert.deepEqual(c.table.columns, ['Generation', 'approve', 'reject', 'escalate', 'defer', 'unclear']);
    assert.equal(c.table.rows[5]![1], '75.0%');
    assert.match(c.description, /passes it in generations gen4, gen5\.$/u);
  });

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

  test('projection: points coloured by generation with file and line', () => {
    const c = projectionChart(sample)!;
    const rows = dataRows(c.spec);
    assert.equal(rows.length, sample.details.projection!.points.length);
    assert.deepEqual(Object.keys(rows[0]!).sort(), ['file', 'generation', 'index', 'line', 'x', 'y']);
    assert.equal(rows[0]!.file, 'runs/gen0.jsonl');
    assert.match(JSON.stringify(c.spec), /PC1 \(41\.2% of variance\)/u);
  });

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

  test('rolling window: diversity and accuracy rows over record index, the accuracy line drawn', () => {
    const c = rollingChart(stream)!;
    const spec = c.spec as unknown as { vconcat: { layer: unknown[] }[] };
    assert.equal(spec.vconcat.length, 2);
    const rows = dataRows(spec.vconcat[1]);
    assert.ok(rows.some((r) => r.threshold === 0.7));
    assert.ok(rows.some((r) => r.severity === 'warning' && typeof r.index === 'number'));
    assert.equal(c.table.columns[2], 'Distinct-1');
  });

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

describe('theme', () => {
  test('compiled specs name no colour; every colour signal they use is in the theme config', () => {
    const config = vegaThemeConfig(LIGHT_PALETTE);
    const defined = new Set((config.signals ?? []).map((s) => s.name));
    for (const name of Object.values(THEME_SIGNALS)) assert.ok(defined.has(name), name);
    for (const chart of [...compileCharts(sample), ...compileCharts(stream)]) {
      const text = JSON.stringify(chart.spec);
      assert.doesNotMatch(text, /#[0-9a-f]{3,8}\b|rgba?\(|"(white|black|steelblue)"/iu, chart.id);
      assert.ok(!('config' in chart.spec), chart.id);
      assert.ok(!('background' in chart.spec), chart.id);
      for (const [, name] of text.matchAll(/"signal":"(cl_[a-z]+)"/gu)) assert.ok(defined.has(name!), `${chart.id}: ${name}`);
    }
  });

  test('the dark palette changes colours only', async () => {
    const chart = labelSharesChart(sample)!;
    const light = await renderSvg(chart, LIGHT_PALETTE);
    const dark = await renderSvg(chart, DARK_PALETTE);
    assert.notEqual(light, dark);
    assert.ok(dark.includes(DARK_PALETTE.background));
    const strip = (s: string) => s.replace(/#[0-9a-f]{6}/giu, '#');
    assert.equal(strip(light), strip(dark));
  });
});

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
