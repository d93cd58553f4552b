// Small multiples of every metric of one role against generation: the baseline as a dashed
// rule, the zones where `diversity-drop` (and the absolute rules) warn or fail shaded, and
// the findings marked where they fired.
import type { TopLevelSpec } from 'vega-lite';
import type { AnalysisResult } from '../../shared/details';
import { METRICS, type MetricInfo, type MetricRole } from '../../shared/metrics';
import type { Severity } from '../../shared/report';
import {
  type ChartDescriptor,
  VL_SCHEMA,
  baselineGroup,
  generationIndexX,
  generationParams,
  generationIds,
  round4,
  SEVERITIES,
  findingMarks,
  themeColor,
  tooltip,
} from './common';

export const METRIC_ROLES: readonly MetricRole[] = ['text', 'vectors', 'labels', 'values'];

const ROLE_TITLES: Record<MetricRole, string> = {
  text: 'Text diversity by generation',
  vectors: 'Embedding diversity by generation',
  labels: 'Label diversity by generation',
  values: 'Value distribution by generation',
};

const ROLE_NOUN: Record<MetricRole, string> = { text: 'text', vectors: 'embedding', labels: 'label', values: 'value' };

const ROLE_FIELD: Record<MetricRole, 'text' | 'vector' | 'label' | 'value'> = { text: 'text', vectors: 'vector', labels: 'label', values: 'value' };

/** Short tick labels for any magnitude: 0.35, 12, 1,450, 120k. */
const NUMBER_LABEL = "abs(datum.value) >= 1e5 ? format(datum.value, '.3~s') : format(datum.value, ',~r')";

/** Up to this many generations each value gets a dot; beyond, the line alone reads better. */
const MAX_DOTTED = 30;

interface Band {
  y0: number;
  y1: number;
  severity: Severity;
  why: string;
}

/** The zones a rule flags, in the metric's units. */
function bands(result: AnalysisResult, m: MetricInfo, baseline: number | undefined): Band[] {
  const t = result.details.thresholds;
  const out: Band[] = [];
  if (m.dropRule && m.direction === 'up' && baseline !== undefined && baseline > 0) {
    const warn = baseline * (1 - t.dropWarning);
    const err = baseline * (1 - t.dropError);
    out.push({ y0: err, y1: warn, severity: 'warning', why: `${Math.round(t.dropWarning * 100)}% or more below the baseline` });
    out.push({ y0: Math.min(0, err), y1: err, severity: 'error', why: `${Math.round(t.dropError * 100)}% or more below the baseline` });
  }
  if (m.key === 'top_share') out.push({ y0: t.dominantShare, y1: 1, severity: 'warning', why: `one label above ${Math.round(t.dominantShare * 100)}%` });
  if (m.key === 'accuracy') out.push({ y0: 0, y1: t.accuracy, severity: 'warning', why: `accuracy below ${t.accuracy}` });
  if (m.key === 'mean_pairwise_distance') out.push({ y0: 0, y1: t.pairwiseDistance, severity: 'error', why: `distance below ${t.pairwiseDistance}` });
  return out;
}

/** Metrics of the role that at least one generation reports, in METRICS order. */
export function metricsOfRole(result: AnalysisResult, role: MetricRole): MetricInfo[] {
  const present = new Set(result.report.groups.flatMap((g) => Object.keys(g.metrics)));
  return METRICS.filter((m) => m.role === role && present.has(m.key));
}

export function metricsChart(result: AnalysisResult, role: MetricRole): ChartDescriptor | undefined {
  const groups = result.report.groups;
  const metrics = metricsOfRole(result, role);
  if (groups.length < 2 || metrics.length === 0) return undefined;
  const ids = generationIds(result);
  const base = baselineGroup(result);
  const rows: Record<string, unknown>[] = [];
  const severities = new Set<Severity>();
  const bandSeverities = new Set<Severity>();
  let findingCount = 0;

  for (const m of metrics) {
    const b = base?.metrics[m.key];
    const common = { metric: m.key, title: m.title };
    groups.forEach((g, index) => {
      const value = g.metrics[m.key];
      if (value !== undefined) rows.push({ ...common, kind: 'value', generation: g.id, index, value, baseline: b ?? null });
    });
    if (b !== undefined) rows.push({ ...common, kind: 'baseline', value: b, generation: base!.id });
    for (const band of bands(result, m, b)) {
      rows.push({ ...common, kind: 'band', y0: band.y0, y1: band.y1, severity: band.severity, why: band.why });
      bandSeverities.add(band.severity);
    }
    for (const f of result.report.findings) {
      if (f.metric !== m.key || f.group === undefined) continue;
      const g = groups.find((x) => x.id === f.group);
      // The point sits on the line: a trend finding's `value` is a slope, not the metric.
      const value = g?.metrics[m.key] ?? f.value;
      if (g === undefined || value === undefined) continue;
      rows.push({ ...common, kind: 'finding', generation: g.id, index: groups.indexOf(g), value, severity: f.severity, rule: f.rule, message: f.message, file: f.location.file, line: f.location.line });
      severities.add(f.severity);
      findingCount++;
    }
  }

  const x = generationIndexX(ids);
  const y = { field: 'value', type: 'quantitative' as const, title: null, axis: { tickCount: 4, labelExpr: NUMBER_LABEL, labelFlush: true } };
  // One layer per zone colour: a colour scale would merge with the findings' legend.
  const bandLayer = (severity: Severity) => ({
    transform: [{ filter: `datum.kind === 'band' && datum.severity === '${severity}'` }],
    mark: { type: 'rect', opacity: 0.13, color: themeColor(severity) },
    encoding: {
      x: { value: 0 },
      x2: { value: 'width' },
      y: { field: 'y0', type: 'quantitative' },
      y2: { field: 'y1' },
      tooltip: tooltip([
        { field: 'title', title: 'Metric' },
        { field: 'why', title: `${severity === 'error' ? 'Error' : 'Warning'} zone` },
      ]),
    },
  });
  const layers: object[] = [
    ...SEVERITIES.filter((s) => bandSeverities.has(s)).map(bandLayer),
    {
      transform: [{ filter: "datum.kind === 'baseline'" }],
      mark: { type: 'rule', strokeDash: [4, 3], color: themeColor('muted'), strokeWidth: 1.2 },
      encoding: {
        y: { field: 'value', type: 'quantitative' },
        tooltip: tooltip([
          { field: 'title', title: 'Metric' },
          { field: 'generation', title: 'Baseline' },
          { field: 'value', title: 'Baseline value', format: 'number' },
        ]),
      },
    },
    {
      transform: [{ filter: "datum.kind === 'value'" }],
      mark: { type: 'line', color: themeColor('accent'), strokeWidth: 2, point: ids.length <= MAX_DOTTED ? { color: themeColor('accent'), size: 22, filled: true } : false },
      encoding: {
        x,
        y,
        tooltip: tooltip([
          { field: 'title', title: 'Metric' },
          { field: 'generation', title: 'Generation' },
          { field: 'value', title: 'Value', format: 'number' },
          { field: 'baseline', title: 'Baseline', format: 'number' },
        ]),
      },
    },
  ];
  if (findingCount > 0) {
    layers.push({
      transform: [{ filter: "datum.kind === 'finding'" }],
      ...findingMarks(severities, [
        { field: 'severity', title: 'Severity' },
        { field: 'rule', title: 'Rule' },
        { field: 'message', title: 'Finding' },
        { field: 'line', title: 'Line' },
      ]),
    });
  }

  const titles = metrics.map((m) => m.title);
  const field = result.report.fields[ROLE_FIELD[role]];
  const spec = {
    $schema: VL_SCHEMA,
    description: `${ROLE_TITLES[role]}${field ? ` (field ${field})` : ''}.`,
    params: generationParams(ids),
    data: { values: rows },
    facet: {
      field: 'title',
      type: 'nominal',
      sort: titles,
      header: { title: null, labelAnchor: 'start', labelFontWeight: 600, labelPadding: 6, labelLimit: 200 },
    },
    columns: Math.min(4, metrics.length),
    spacing: { row: 18, column: 20 },
    spec: { width: 170, height: 96, layer: layers },
    // Each panel its own x axis: a wrapped facet otherwise hangs axes under empty cells.
    resolve: { scale: { y: 'independent' }, axis: { x: 'independent' } },
  } as unknown as TopLevelSpec;

  const baselineText = base ? `the dashed line is the baseline, generation ${base.id}` : 'no baseline';
  const description =
    `${metrics.length === 1 ? titles[0] : `${metrics.length} ${ROLE_NOUN[role]} metrics`} for ${groups.length} generations, one panel each; ${baselineText}, shaded zones are where rules warn or fail` +
    (findingCount ? `, and ${findingCount} finding${findingCount === 1 ? ' is' : 's are'} marked.` : ', and no finding fired.');

  const table = {
    columns: ['Generation', ...titles],
    rows: groups.map((g) => [g.id === base?.id ? `${g.id} (baseline)` : g.id, ...metrics.map((m) => (g.metrics[m.key] === undefined ? '' : round4(g.metrics[m.key]!)))]),
  };
  const rowCount = Math.ceil(metrics.length / Math.min(4, metrics.length));
  return { id: `metrics-${role}`, title: ROLE_TITLES[role], description, spec, table, height: rowCount * (96 + 58) + 20 };
}

export function metricsSpec(result: AnalysisResult, role: MetricRole): TopLevelSpec | undefined {
  return metricsChart(result, role)?.spec;
}
