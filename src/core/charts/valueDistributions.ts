// Value histograms per generation on shared bins, against the baseline's 1st and 99th
// percentiles: the tails beyond those lines empty out first (Shumailov et al. 2024).
import type { TopLevelSpec } from 'vega-lite';
import type { AnalysisResult } from '../../shared/details';
import { type ChartDescriptor, VL_SCHEMA, generationColor, generationIds, generationParams, round4, sampleGenerations, share, themeColor, tooltip } from './common';

export function valueDistributionsChart(result: AnalysisResult): ChartDescriptor | undefined {
  const ids = generationIds(result);
  const present = result.details.groups.filter((d) => d.values && d.values.histogram.length > 0);
  if (present.length === 0) return undefined;
  const drawn = new Set(sampleGenerations(present.map((d) => d.id), result.report.baseline));
  const rows: Record<string, unknown>[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const d of present.filter((x) => drawn.has(x.id))) {
    const total = d.values!.histogram.reduce((a, b) => a + b.count, 0) || 1;
    const index = ids.indexOf(d.id);
    for (const b of d.values!.histogram) {
      rows.push({ generation: d.id, index, x: (b.x0 + b.x1) / 2, x0: b.x0, x1: b.x1, count: b.count, share: b.count / total });
      lo = Math.min(lo, b.x0);
      hi = Math.max(hi, b.x1);
    }
  }
  const bounds = result.details.valueBounds;
  const field = result.report.fields.value ?? 'value';
  const x = { field: 'x', type: 'quantitative' as const, scale: { domain: [lo, hi], nice: false, zero: false }, axis: { title: field, tickCount: 8 } };
  const layers: object[] = [];
  if (bounds) {
    // The tail zones, shaded so "nothing left out here" is visible without reading numbers.
    const tails = [
      { a: lo, b: Math.max(lo, bounds.p01), side: 'below the baseline 1st percentile' },
      { a: Math.min(hi, bounds.p99), b: hi, side: 'above the baseline 99th percentile' },
    ].filter((t) => t.b > t.a);
    layers.push({
      data: { values: tails },
      mark: { type: 'rect', color: themeColor('muted'), opacity: 0.1 },
      encoding: { x: { field: 'a', type: 'quantitative', scale: x.scale }, x2: { field: 'b' }, tooltip: tooltip([{ field: 'side', title: 'Tail' }]) },
    });
  }
  layers.push({
    data: { values: rows },
    mark: { type: 'line', interpolate: 'monotone', strokeWidth: 1.8 },
    encoding: {
      x,
      y: { field: 'share', type: 'quantitative', axis: { title: 'Share of records per bin', format: '.0%', tickCount: 5 } },
      color: generationColor(ids, 'stroke'),
      detail: { field: 'generation', type: 'nominal' },
      tooltip: tooltip([
        { field: 'generation', title: 'Generation' },
        { field: 'x0', title: 'From', format: 'number' },
        { field: 'x1', title: 'To', format: 'number' },
        { field: 'count', title: 'Records' },
        { field: 'share', title: 'Share', format: 'percent' },
      ]),
    },
  });
  if (bounds) {
    const lines = [
      // Labels inside the bounds: outside, they would run into the axis or the legend.
      { v: bounds.p01, text: 'baseline p1', align: 'left', dx: 4 },
      { v: bounds.p99, text: 'baseline p99', align: 'right', dx: -4 },
    ];
    layers.push(
      {
        data: { values: lines },
        mark: { type: 'rule', color: themeColor('foreground'), strokeDash: [4, 3], strokeWidth: 1.2 },
        encoding: { x: { field: 'v', type: 'quantitative' }, tooltip: tooltip([{ field: 'text', title: 'Line' }, { field: 'v', title: 'Value', format: 'number' }]) },
      },
      ...lines.map((l) => ({
        data: { values: [l] },
        mark: { type: 'text', align: l.align, baseline: 'top', dx: l.dx, y: 2, color: themeColor('foreground') },
        encoding: { x: { field: 'v', type: 'quantitative' }, text: { field: 'text' } },
      })),
    );
  }
  const spec = {
    $schema: VL_SCHEMA,
    description: `Distribution of ${field} per generation.`,
    width: 500,
    height: 260,
    params: generationParams(ids),
    layer: layers,
  } as unknown as TopLevelSpec;

  const tail = (id: string) => result.report.groups.find((g) => g.id === id)?.metrics.tail_mass;
  const first = present[0]!;
  const last = present[present.length - 1]!;
  const description =
    `Histogram of ${field} for ${present.length} generation${present.length === 1 ? '' : 's'}${drawn.size < present.length ? ` (${drawn.size} drawn, evenly spaced)` : ''} on shared bins` +
    (bounds ? ` with the baseline 1st and 99th percentiles (${round4(bounds.p01)}, ${round4(bounds.p99)}) as dashed lines` : '') +
    (present.length > 1 ? `; the 1st–99th percentile range goes from ${round4(first.values!.p99 - first.values!.p01)} in generation ${first.id} to ${round4(last.values!.p99 - last.values!.p01)} in generation ${last.id}.` : '.');
  return {
    id: 'value-distributions',
    height: 260 + 60,
    title: 'Value distributions',
    description,
    spec,
    table: {
      columns: ['Generation', '1st percentile', 'Median', '99th percentile', 'Tail mass'],
      rows: present.map((d) => {
        const t = tail(d.id);
        return [d.id, round4(d.values!.p01), round4(d.values!.p50), round4(d.values!.p99), t === undefined ? '' : share(t)];
      }),
    },
  };
}

export function valueDistributionsSpec(result: AnalysisResult): TopLevelSpec | undefined {
  return valueDistributionsChart(result)?.spec;
}
