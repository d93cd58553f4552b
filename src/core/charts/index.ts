// The report's charts: Vega-Lite specs built from an analysis by pure functions, and their
// compilation to Vega on the host so the page only ships the Vega runtime.
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { Config as VegaConfig, Spec as VegaSpec } from 'vega';
import type { AnalysisResult } from '../../shared/details';
import type { CompiledChart, ReportPayload, ReportSource } from '../../shared/protocol';
import type { ChartDescriptor } from './common';
import { labelSharesChart } from './labelShares';
import { METRIC_ROLES, metricsChart } from './metrics';
import { projectionChart } from './projection';
import { rankFrequencyChart } from './rankFrequency';
import { rollingChart } from './rolling';
import { topOutputsChart } from './topOutputs';
import { valueDistributionsChart } from './valueDistributions';

export type { ChartDescriptor } from './common';
export { METRIC_ROLES, metricsChart, metricsSpec } from './metrics';
export { rankFrequencyChart, rankFrequencySpec } from './rankFrequency';
export { labelSharesChart, labelSharesSpec } from './labelShares';
export { valueDistributionsChart, valueDistributionsSpec } from './valueDistributions';
export { projectionChart, projectionSpec } from './projection';
export { topOutputsChart, topOutputsSpec } from './topOutputs';
export { rollingChart, rollingSpec } from './rolling';

/** Every chart the analysis has data for, in page order. */
export function buildCharts(result: AnalysisResult): ChartDescriptor[] {
  const charts: (ChartDescriptor | undefined)[] = [
    rollingChart(result),
    ...METRIC_ROLES.map((role) => metricsChart(result, role)),
    labelSharesChart(result),
    topOutputsChart(result),
    rankFrequencyChart(result),
    valueDistributionsChart(result),
    projectionChart(result),
  ];
  return charts.filter((c): c is ChartDescriptor => c !== undefined);
}

/**
 * Vega-Lite → Vega. Without `themeConfig` the spec carries no colours at all and needs a
 * config from `vegaThemeConfig` at parse time; with it, the config is embedded and the spec
 * renders on its own (tests, exports). Vega-Lite warnings go to `warnings` when given.
 */
export function compileChartSpec(spec: TopLevelSpec, themeConfig?: VegaConfig, warnings?: string[]): VegaSpec {
  const record = (level: string) =>
    function (this: unknown, ...args: unknown[]) {
      warnings?.push(`${level}: ${args.map(String).join(' ')}`);
      return this;
    };
  const logger = { level: () => logger, error: record('error'), warn: record('warn'), info: () => logger, debug: () => logger };
  // No generated aria description per mark: an expression per point and per frame, the main
  // render cost at 100 generations, and a screen reader gets the chart's description and its
  // data table instead of thousands of "x: …; y: …" items.
  // Data is finite by construction, so no per-datum validity filter or `defined` test either.
  const out = compile(spec, { logger: logger as never, config: { mark: { aria: false, invalid: 'show' } } }).spec as VegaSpec & { background?: unknown };
  // Vega-Lite writes its default white background, and echoes the compile config (already
  // applied to every mark); the theme decides the rest at parse time.
  delete out.background;
  delete out.config;
  if (themeConfig) out.config = themeConfig;
  return out;
}

export function compileCharts(result: AnalysisResult, themeConfig?: VegaConfig): CompiledChart[] {
  return buildCharts(result).map((c) => {
    const spec = compileChartSpec(c.spec, themeConfig);
    // The SVG's aria-label: the full sentence, not the spec's short note.
    spec.description = c.description;
    return { id: c.id, title: c.title, description: c.description, table: c.table, height: c.height, spec };
  });
}

/** What the page renders: `DidChangeReportNotification` params and the standalone file's data. */
export function buildReportPayload(result: AnalysisResult, title: string, options: { canChangeBaseline?: boolean; source?: ReportSource } = {}): ReportPayload {
  return {
    result,
    title,
    generationFiles: result.details.groups.map((g) => g.file),
    charts: compileCharts(result),
    canChangeBaseline: options.canChangeBaseline ?? false,
    ...(options.source ? { source: options.source } : {}),
  };
}
