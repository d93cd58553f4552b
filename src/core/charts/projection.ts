// Embeddings projected on their first two principal components, coloured by generation:
// collapse is the cloud shrinking and its small modes emptying.
import type { TopLevelSpec } from 'vega-lite';
import type { AnalysisResult } from '../../shared/details';
import { type ChartDescriptor, VL_SCHEMA, generationColor, generationIds, generationParams, round4, tooltip } from './common';

export function projectionChart(result: AnalysisResult): ChartDescriptor | undefined {
  const projection = result.details.projection;
  if (!projection || projection.points.length === 0) return undefined;
  const ids = generationIds(result);
  const fileOf = new Map(result.details.groups.map((d) => [d.id, d.file]));
  const rows = projection.points.map((p) => ({ generation: p.group, index: ids.indexOf(p.group), x: p.x, y: p.y, line: p.line, file: fileOf.get(p.group) ?? '' }));
  const [e1, e2] = projection.explained;
  const pc = (n: number, e: number) => `PC${n} (${(e * 100).toFixed(1)}% of variance)`;
  const spec = {
    $schema: VL_SCHEMA,
    description: 'Embeddings projected on two principal components, by generation.',
    width: 440,
    height: 340,
    params: generationParams(ids),
    data: { values: rows },
    mark: { type: 'point', filled: true, size: 30, opacity: 0.75 },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: { zero: false }, axis: { title: pc(1, e1), tickCount: 6 } },
      y: { field: 'y', type: 'quantitative', scale: { zero: false }, axis: { title: pc(2, e2), tickCount: 6 } },
      color: generationColor(ids, 'circle'),
      order: { field: 'index', type: 'quantitative' },
      tooltip: tooltip([
        { field: 'generation', title: 'Generation' },
        { field: 'file', title: 'File' },
        { field: 'line', title: 'Line' },
        { field: 'x', title: 'PC1', format: 'number' },
        { field: 'y', title: 'PC2', format: 'number' },
      ]),
    },
  } as unknown as TopLevelSpec;

  const stats = ids
    .map((id) => {
      const pts = rows.filter((r) => r.generation === id);
      if (pts.length === 0) return undefined;
      const cx = pts.reduce((a, p) => a + p.x, 0) / pts.length;
      const cy = pts.reduce((a, p) => a + p.y, 0) / pts.length;
      const spread = pts.reduce((a, p) => a + Math.hypot(p.x - cx, p.y - cy), 0) / pts.length;
      return { id, n: pts.length, cx, cy, spread };
    })
    .filter((s) => s !== undefined);
  const first = stats[0]!;
  const last = stats[stats.length - 1]!;
  const description =
    `${rows.length} embeddings on the first two principal components (${((e1 + e2) * 100).toFixed(0)}% of variance), coloured by generation` +
    (stats.length > 1 ? `; the mean distance to the centre goes from ${round4(first.spread)} in generation ${first.id} to ${round4(last.spread)} in generation ${last.id}.` : '.');
  return {
    id: 'projection',
    height: 340 + 60,
    title: 'Embedding projection (PCA)',
    description,
    spec,
    table: {
      columns: ['Generation', 'Points', 'Centre PC1', 'Centre PC2', 'Mean distance to centre'],
      rows: stats.map((s) => [s.id, s.n, round4(s.cx), round4(s.cy), round4(s.spread)]),
    },
  };
}

export function projectionSpec(result: AnalysisResult): TopLevelSpec | undefined {
  return projectionChart(result)?.spec;
}
