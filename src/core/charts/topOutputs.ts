// The outputs repeated most often, over all generations: the one answer a collapsed model
// falls back to shows as the longest bar, and its first occurrence is one click away.
import type { TopLevelSpec } from 'vega-lite';
import type { AnalysisResult } from '../../shared/details';
import { type ChartDescriptor, VL_SCHEMA, generationColor, generationIds, generationParams, lookupLabelExpr, themeColor, truncate, tooltip } from './common';

const MAX_BARS = 12;
const LABEL_CHARS = 48;
const OUTPUT_LABELS_SIGNAL = 'outputLabels';

export function topOutputsChart(result: AnalysisResult): ChartDescriptor | undefined {
  const ids = generationIds(result);
  const all = result.details.groups.flatMap((d) => (d.topOutputs ?? []).filter((o) => o.count > 1).map((o) => ({ ...o, generation: d.id, file: d.file, index: ids.indexOf(d.id) })));
  if (all.length === 0) return undefined;
  all.sort((a, b) => b.count - a.count || a.index - b.index || a.line - b.line);
  const top = all.slice(0, MAX_BARS);
  const multi = ids.length > 1;
  const rows = top.map((o, i) => ({
    rank: i + 1,
    text: o.text,
    count: o.count,
    note: multi ? `${o.count} · ${o.generation}` : String(o.count),
    generation: o.generation,
    index: o.index,
    line: o.line,
    file: o.file,
  }));
  const tips = tooltip([
    { field: 'text', title: 'Output' },
    { field: 'count', title: 'Times' },
    { field: 'generation', title: 'Generation' },
    { field: 'file', title: 'File' },
    { field: 'line', title: 'First line' },
  ]);
  // Bars are keyed by rank: the same text can top several generations. The axis shows the
  // text, looked up by rank in a signal that holds the labels as data (see common.ts).
  const labels = rows.map((r) => truncate(r.text, LABEL_CHARS));
  const y = {
    field: 'rank',
    type: 'ordinal' as const,
    sort: 'ascending',
    axis: { title: null, labelLimit: 340, labelExpr: lookupLabelExpr(OUTPUT_LABELS_SIGNAL, 1) },
  };
  const maxCount = rows[0]!.count;
  const spec = {
    $schema: VL_SCHEMA,
    description: 'Most repeated outputs with their counts.',
    width: 340,
    height: { step: 22 },
    params: [{ name: OUTPUT_LABELS_SIGNAL, value: labels }, ...(multi ? generationParams(ids) : [])],
    data: { values: rows },
    encoding: { y },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 2 },
        encoding: {
          // Room on the right for the count label.
          x: { field: 'count', type: 'quantitative', scale: { domain: [0, Math.ceil(maxCount * 1.25)] }, axis: { title: 'Times repeated', tickCount: 5, format: 'd' } },
          color: multi ? generationColor(ids, 'square') : { value: themeColor('accent') },
          tooltip: tips,
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, color: themeColor('foreground') },
        encoding: { x: { field: 'count', type: 'quantitative' }, text: { field: 'note' }, tooltip: tips },
      },
    ],
  } as unknown as TopLevelSpec;
  const lead = rows[0]!;
  const description = `The ${rows.length} most repeated outputs; the first, "${truncate(lead.text, 60)}", appears ${lead.count} times${multi ? ` in generation ${lead.generation}` : ''}.`;
  return {
    id: 'top-outputs',
    height: rows.length * 22 + 60,
    title: 'Most repeated outputs',
    description,
    spec,
    table: { columns: ['Output', 'Times', 'Generation', 'File', 'First line'], rows: rows.map((r) => [r.text, r.count, r.generation, r.file, r.line]) },
  };
}

export function topOutputsSpec(result: AnalysisResult): TopLevelSpec | undefined {
  return topOutputsChart(result)?.spec;
}
