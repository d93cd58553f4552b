// Shared by the chart tests: the analysis results they chart, and ways to read a spec (its
// inline data, its tooltips) and to draw it as Vega does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { View, parse } from 'vega';
import { compileChartSpec, type ChartDescriptor } from '../../../../src/core/charts';
import type { AnalysisResult } from '../../../../src/shared/details';
import { type TooltipField, decodeTooltip } from '../../../../src/shared/protocol';
import { LIGHT_PALETTE, vegaThemeConfig } from '../../../../src/shared/theme';
import { repoRoot } from '../../support';

function fixture(name: string): AnalysisResult {
  return JSON.parse(readFileSync(join(repoRoot(), 'test', 'fixtures', 'analysis', `${name}.json`), 'utf8')) as AnalysisResult;
}

/** Six generations with every role (test/fixtures/analysis/sample-result.json). */
export const sample = fixture('sample-result');
/** One stream with the rolling view (test/fixtures/analysis/sample-stream.json). */
export const stream = fixture('sample-stream');

export const clone = (r: AnalysisResult): AnalysisResult => JSON.parse(JSON.stringify(r)) as AnalysisResult;

export async function renderSvg(chart: ChartDescriptor, palette = LIGHT_PALETTE): Promise<string> {
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
export function tooltips(spec: unknown): TooltipField[][] {
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

/** Rows of the inline data of a Vega-Lite spec (top level or any layer). */
export function dataRows(spec: unknown): Record<string, unknown>[] {
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
