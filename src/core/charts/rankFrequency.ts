// Token rank–frequency on log–log axes, one line per generation: collapse shows as the curve
// getting steeper and shorter, the rare tail (high ranks) disappearing first.
import type { TopLevelSpec } from 'vega-lite';
import type { AnalysisResult } from '../../shared/details';
import { type ChartDescriptor, VL_SCHEMA, generationColor, generationIds, generationParams, sampleGenerations, tooltip } from './common';

export function rankFrequencyChart(result: AnalysisResult): ChartDescriptor | undefined {
  const ids = generationIds(result);
  const withData = result.details.groups.filter((d) => (d.rankFrequency ?? []).length > 0).map((d) => d.id);
  const drawn = new Set(sampleGenerations(withData, result.report.baseline));
  const rows: Record<string, unknown>[] = [];
  const table: (string | number)[][] = [];
  for (const d of result.details.groups) {
    const points = d.rankFrequency ?? [];
    if (points.length === 0) continue;
    const index = ids.indexOf(d.id);
    if (drawn.has(d.id)) for (const p of points) if (p.rank > 0 && p.frequency > 0) rows.push({ generation: d.id, index, rank: p.rank, frequency: p.frequency });
    const at = (rank: number) => points.find((p) => p.rank >= rank)?.frequency ?? '';
    table.push([d.id, points[points.length - 1]!.rank, points[0]!.frequency, at(10), at(100)]);
  }
  if (rows.length === 0) return undefined;
  const spec = {
    $schema: VL_SCHEMA,
    description: 'Token rank against frequency per generation, log–log.',
    width: 480,
    height: 280,
    params: generationParams(ids),
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1.6, interpolate: 'monotone', opacity: 0.9 },
    encoding: {
      x: { field: 'rank', type: 'quantitative', scale: { type: 'log' }, axis: { title: 'Rank (1 = most frequent token)', grid: true, tickCount: 6 } },
      y: { field: 'frequency', type: 'quantitative', scale: { type: 'log' }, axis: { title: 'Frequency', tickCount: 6, format: '~s' } },
      color: generationColor(ids, 'stroke'),
      detail: { field: 'generation', type: 'nominal' },
      order: { field: 'rank', type: 'quantitative' },
      tooltip: tooltip([
        { field: 'generation', title: 'Generation' },
        { field: 'rank', title: 'Rank' },
        { field: 'frequency', title: 'Frequency' },
      ]),
    },
  } as unknown as TopLevelSpec;
  const n = table.length;
  const first = table[0]!;
  const last = table[n - 1]!;
  const shown = drawn.size < n ? ` (${drawn.size} of them drawn, evenly spaced)` : '';
  const description =
    n > 1
      ? `Token frequency by rank on log scales for ${n} generations${shown}; the highest rank goes from ${first[1]} in generation ${first[0]} to ${last[1]} in generation ${last[0]}, so the rare tail ${Number(last[1]) < Number(first[1]) ? 'shrinks' : 'holds'}.`
      : `Token frequency by rank on log scales for generation ${first[0]}, up to rank ${first[1]}.`;
  return {
    id: 'rank-frequency',
    height: 280 + 60,
    title: 'Token rank–frequency',
    description,
    spec,
    table: { columns: ['Generation', 'Highest rank', 'Frequency of rank 1', 'Frequency at rank 10', 'Frequency at rank 100'], rows: table },
  };
}

export function rankFrequencySpec(result: AnalysisResult): TopLevelSpec | undefined {
  return rankFrequencyChart(result)?.spec;
}
