// The page's expression evaluator must draw exactly what vega-interpreter draws: every report
// chart rendered with both, and single expressions compared value for value.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { View, parse, parseExpression } from 'vega';
import { expressionInterpreter as reference } from 'vega-interpreter';
import { buildCharts, compileChartSpec } from '../../src/core/charts';
import type { AnalysisResult } from '../../src/shared/details';
import { DARK_PALETTE, LIGHT_PALETTE, vegaThemeConfig } from '../../src/shared/theme';
import { expressionInterpreter } from '../../webview/expression';
import { syntheticResult } from '../fixtures/analysis/synthetic';

const ROOT = join(__dirname, '..', '..', '..');
const fixture = (name: string) => JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'analysis', `${name}.json`), 'utf8')) as AnalysisResult;

async function svg(spec: object, expr: unknown): Promise<string> {
  const view = new View(parse(spec as never, undefined, { ast: true }), { renderer: 'none', expr: expr as never });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

describe('page expression evaluator', () => {
  const results: [string, AnalysisResult][] = [
    ['sample', fixture('sample-result')],
    ['stream', fixture('sample-stream')],
    ['12 generations', syntheticResult({ generations: 12, metrics: 20 })],
    ['100 generations', syntheticResult({ generations: 100, metrics: 20 })],
  ];
  for (const [name, result] of results) {
    test(`${name}: every chart draws the same SVG as vega-interpreter`, async () => {
      const charts = buildCharts(result);
      assert.ok(charts.length > 0);
      for (const chart of charts) {
        for (const palette of [LIGHT_PALETTE, DARK_PALETTE]) {
          const spec = compileChartSpec(chart.spec, vegaThemeConfig(palette));
          // Clip path and gradient ids come from counters shared by every view: not compared.
          const [expected, actual] = [await svg(spec, reference), await svg(spec, expressionInterpreter)].map((s) => s.replace(/(clip|gradient_)\d+/gu, '$1'));
          assert.ok(expected.includes('role-mark'), `${chart.id}: marks drawn`);
          assert.ok(actual === expected, `${chart.id}: SVG differs from vega-interpreter's`);
        }
      }
    });
  }

  test('single expressions evaluate as in vega-interpreter', () => {
    const cases = [
      "datum.kind === 'band' && datum.severity === 'error'",
      "abs(datum.value) >= 1e5 ? format(datum.value, '.3~s') : format(datum.value, ',~r')",
      "(['g0', 'g1', 'g2'])[datum.index] || ''",
      "if(datum.value > 1, 'big', 'small')",
      "{a: datum.value, 'b': [1, 2, -datum.index], c: !datum.missing}",
      "datum['kind'] + '-' + upper(datum.kind) + length(datum.kind)",
      "PI * 2 + SQRT2 - (datum.index % 2) + (5 >>> 1) + (~3 | 1)",
      "test(/^ban/g, datum.kind) + replace(datum.kind, /a/g, 'o')",
      "isValid(datum.missing) ? 1 : clamp(datum.value, 0, 1)",
      'datum.value == "0.5" || datum.value != null',
    ];
    const datum = { kind: 'band', severity: 'error', value: 123456, index: 1 };
    const view = new View(parse({ width: 10, height: 10 }, undefined, { ast: true }), { renderer: 'none', expr: expressionInterpreter as never });
    // The View's runtime context carries the expression functions (format, isValid, …).
    const ctx = (view as unknown as { _runtime: { functions: Record<string, unknown> } })._runtime;
    for (const source of cases) {
      const expr = { ast: (parseExpression as (s: string) => object)(source) };
      const want = reference.parameter(ctx as never, expr as never)(datum as never, {} as never);
      const got = expressionInterpreter.parameter(ctx, expr as never)(datum, {});
      assert.deepEqual(got, want, source);
    }
    view.finalize();
  });

  test('a function or constructor reached by a member is not handed out', () => {
    const view = new View(parse({}, undefined, { ast: true }), { renderer: 'none', expr: expressionInterpreter as never });
    const ctx = (view as unknown as { _runtime: { functions: Record<string, unknown> } })._runtime;
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const expr = { ast: (parseExpression as (s: string) => object)('datum.f') };
      assert.equal(expressionInterpreter.parameter(ctx, expr as never)({ f: Function }, {}), undefined);
      assert.equal(expressionInterpreter.parameter(ctx, expr as never)({ f: setTimeout }, {}), undefined);
      assert.equal(expressionInterpreter.parameter(ctx, expr as never)({ f: 1 }, {}), 1);
      assert.equal(errors.length, 2);
    } finally {
      console.error = original;
      view.finalize();
    }
  });
});
