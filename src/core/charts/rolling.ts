// One stream without generations: diversity and accuracy over a rolling window of records,
// two rows sharing the record axis (the seed's ModelMonitor).
import type { TopLevelSpec } from 'vega-lite';
import type { AnalysisResult } from '../../shared/details';
import { METRIC_BY_KEY } from '../../shared/metrics';
import { type ChartDescriptor, VL_SCHEMA, findingMarks, round4, themeColor, tooltip } from './common';

export function rollingChart(result: AnalysisResult): ChartDescriptor | undefined {
  const rolling = result.details.rolling;
  if (!rolling || rolling.points.length === 0) return undefined;
  const diversityTitle = METRIC_BY_KEY.get(rolling.diversityMetric)?.title ?? rolling.diversityMetric;
  const file = result.report.inputs[0]?.file ?? '';
  const threshold = result.details.thresholds.accuracy;
  const hasDiversity = rolling.points.some((p) => p.diversity !== undefined);
  const hasAccuracy = rolling.points.some((p) => p.accuracy !== undefined);
  if (!hasDiversity && !hasAccuracy) return undefined;
  const rows = rolling.points.map((p) => ({ index: p.index, line: p.line, diversity: p.diversity ?? null, accuracy: p.accuracy ?? null, file }));
  const x = { field: 'index', type: 'quantitative' as const, scale: { nice: false, zero: false }, axis: { title: 'Record index', tickCount: 8, format: 'd' } };

  const marks = (metric: 'diversity' | 'accuracy') =>
    result.report.findings
      .filter((f) => (metric === 'accuracy' ? f.metric === 'accuracy' : f.metric === rolling.diversityMetric))
      .map((f) => {
        const p = rolling.points.find((q) => q.line >= f.location.line);
        const v = p?.[metric];
        return p && v !== undefined ? { index: p.index, value: v, severity: f.severity, message: f.message, line: f.location.line, file: f.location.file } : undefined;
      })
      .filter((m) => m !== undefined);

  const row = (metric: 'diversity' | 'accuracy', title: string) => {
    const findings = marks(metric);
    const layer: object[] = [];
    if (metric === 'accuracy') {
      layer.push({
        data: { values: [{ y0: 0, y1: threshold }] },
        mark: { type: 'rect', color: themeColor('warning'), opacity: 0.12 },
        encoding: { y: { field: 'y0', type: 'quantitative' }, y2: { field: 'y1' }, x: { value: 0 }, x2: { value: 'width' } },
      });
    }
    layer.push({
      data: { values: rows },
      transform: [{ filter: `isValid(datum.${metric})` }],
      mark: {
        type: 'line',
        color: themeColor(metric === 'accuracy' ? 'good' : 'accent'),
        strokeWidth: 1.6,
        // A short stream: show where the windows are.
        point: rows.length <= 30 ? { filled: true, size: 24, color: themeColor(metric === 'accuracy' ? 'good' : 'accent') } : false,
      },
      encoding: {
        x,
        y: { field: metric, type: 'quantitative', scale: metric === 'accuracy' ? { domain: [0, 1] } : { zero: false }, axis: { title, tickCount: 5 } },
        tooltip: tooltip([
          { field: 'index', title: 'Record' },
          { field: 'line', title: 'Line' },
          { field: metric, title, format: 'number' },
        ]),
      },
    });
    if (metric === 'accuracy') {
      layer.push({
        data: { values: [{ threshold }] },
        mark: { type: 'rule', color: themeColor('warning'), strokeDash: [6, 3], strokeWidth: 1.5 },
        encoding: { y: { field: 'threshold', type: 'quantitative' } },
      });
    }
    if (findings.length > 0) {
      layer.push({
        data: { values: findings },
        ...findingMarks(findings.map((f) => f.severity), [
          { field: 'severity', title: 'Severity' },
          { field: 'message', title: 'Finding' },
          { field: 'line', title: 'Line' },
        ]),
      });
    }
    return { width: 560, height: 120, layer };
  };

  const spec = {
    $schema: VL_SCHEMA,
    description: `Rolling ${rolling.window}-record window of diversity and accuracy.`,
    vconcat: [
      ...(hasDiversity ? [row('diversity', `Diversity (${diversityTitle})`)] : []),
      ...(hasAccuracy ? [row('accuracy', 'Accuracy')] : []),
    ],
    spacing: 14,
    resolve: { scale: { x: 'shared' }, legend: { color: 'independent', shape: 'independent' } },
  } as unknown as TopLevelSpec;

  const first = rolling.points[0]!;
  const last = rolling.points[rolling.points.length - 1]!;
  const parts: string[] = [];
  if (hasDiversity && first.diversity !== undefined && last.diversity !== undefined) parts.push(`${diversityTitle} goes from ${round4(first.diversity)} to ${round4(last.diversity)}`);
  if (hasAccuracy && first.accuracy !== undefined && last.accuracy !== undefined) parts.push(`accuracy from ${round4(first.accuracy)} to ${round4(last.accuracy)} (threshold ${threshold})`);
  const description = `Rolling window of ${rolling.window} records over records ${first.index} to ${last.index}${parts.length ? `: ${parts.join('; ')}` : ''}.`;
  return {
    id: 'rolling',
    height: (hasDiversity && hasAccuracy ? 2 : 1) * (120 + 50),
    title: `Rolling window (${rolling.window} records)`,
    description,
    spec,
    table: {
      columns: ['Record', 'Line', diversityTitle, 'Accuracy'],
      rows: rolling.points.map((p) => [p.index, p.line, p.diversity === undefined ? '' : round4(p.diversity), p.accuracy === undefined ? '' : round4(p.accuracy)]),
    },
  };
}

export function rollingSpec(result: AnalysisResult): TopLevelSpec | undefined {
  return rollingChart(result)?.spec;
}
