// Share of each label per generation, stacked to 100%, with the dominant-output threshold:
// a bar segment crossing the line is one label taking over.
import type { TopLevelSpec } from 'vega-lite';
import type { AnalysisResult } from '../../shared/details';
import { type ChartDescriptor, VL_SCHEMA, generationAxis, generationIds, share, themeColor, tooltip } from './common';

export function labelSharesChart(result: AnalysisResult): ChartDescriptor | undefined {
  const order = generationIds(result);
  const present = result.details.groups.filter((d) => (d.labelCounts ?? []).some((c) => c.count > 0));
  if (present.length === 0) return undefined;
  const ids = order.filter((id) => present.some((d) => d.id === id));
  const labelTotals = new Map<string, number>();
  const rows: Record<string, unknown>[] = [];
  const totals = new Map<string, number>();
  for (const d of present) {
    const total = d.labelCounts!.reduce((a, c) => a + c.count, 0);
    totals.set(d.id, total);
    for (const c of d.labelCounts!) {
      if (c.count <= 0) continue;
      rows.push({ generation: d.id, label: c.label, count: c.count, share: c.count / total });
      labelTotals.set(c.label, (labelTotals.get(c.label) ?? 0) + c.count);
    }
  }
  // Most frequent label overall at the bottom of every bar, so its growth reads as height.
  const labels = [...labelTotals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([l]) => l);
  for (const r of rows) r.labelOrder = labels.indexOf(r.label as string);
  const threshold = result.details.thresholds.dominantShare;
  const field = result.report.fields.label ?? result.report.fields.prediction ?? 'label';
  const spec = {
    $schema: VL_SCHEMA,
    description: `Share of each ${field} value per generation.`,
    width: Math.max(220, Math.min(760, ids.length * 34)),
    height: 240,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'bar', stroke: themeColor('background'), strokeWidth: ids.length > 40 ? 0 : 0.5 },
        encoding: {
          // Literal domains order the bars and the legend: data strings never go into a
          // `sort` array, which Vega-Lite compiles to an expression (see common.ts).
          x: { field: 'generation', type: 'ordinal', scale: { domain: ids, paddingInner: 0.15 }, axis: generationAxis(ids) },
          y: { field: 'count', type: 'quantitative', stack: 'normalize', axis: { title: 'Share of records', format: '.0%', tickCount: 5 } },
          color: { field: 'label', type: 'nominal', scale: { domain: labels }, legend: { title: field } },
          order: { field: 'labelOrder', type: 'quantitative', sort: 'ascending' },
          tooltip: tooltip([
            { field: 'generation', title: 'Generation' },
            { field: 'label', title: field },
            { field: 'count', title: 'Records' },
            { field: 'share', title: 'Share', format: 'percent' },
          ]),
        },
      },
      {
        data: { values: [{ threshold, text: `dominant share ${Math.round(threshold * 100)}%` }] },
        layer: [
          { mark: { type: 'rule', color: themeColor('warning'), strokeWidth: 2, strokeDash: [6, 3] }, encoding: { y: { field: 'threshold', type: 'quantitative' } } },
          // A halo in the background colour keeps the label readable over the bars.
          ...[
            { stroke: themeColor('background'), strokeWidth: 4, strokeJoin: 'round' },
            {},
          ].map((halo) => ({
            mark: { type: 'text', align: 'right', baseline: 'bottom', dx: -4, dy: -4, fontWeight: 600, color: themeColor('foreground'), ...halo },
            encoding: { y: { field: 'threshold', type: 'quantitative' }, x: { value: 'width' }, text: { field: 'text' } },
          })),
        ],
      },
    ],
  } as unknown as TopLevelSpec;

  const over = present.filter((d) => d.labelCounts!.some((c) => c.count / totals.get(d.id)! > threshold)).map((d) => d.id);
  const description =
    `Share of each ${field} value in ${ids.length} generation${ids.length === 1 ? '' : 's'}, stacked to 100% with a line at ${Math.round(threshold * 100)}%; ` +
    (over.length === 0
      ? 'no value passes it.'
      : over.length <= 5
        ? `one value passes it in generation${over.length === 1 ? '' : 's'} ${over.join(', ')}.`
        : `one value passes it in ${over.length} generations, first in ${over[0]}.`);
  return {
    id: 'label-shares',
    height: 240 + 70,
    title: 'Label shares',
    description,
    spec,
    table: {
      columns: ['Generation', ...labels],
      rows: ids.map((id) => {
        const d = present.find((x) => x.id === id)!;
        const total = totals.get(id)!;
        return [id, ...labels.map((l) => share((d.labelCounts!.find((c) => c.label === l)?.count ?? 0) / total))];
      }),
    },
  };
}

export function labelSharesSpec(result: AnalysisResult): TopLevelSpec | undefined {
  return labelSharesChart(result)?.spec;
}
