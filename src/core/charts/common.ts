// Pieces every chart spec shares: theme colours by reference, the generation colour scale,
// number formatting for the text alternatives.
import type { TopLevelSpec } from 'vega-lite';
import type { AnalysisResult } from '../../shared/details';
import { type ChartTable, type TooltipField, encodeTooltip } from '../../shared/protocol';
import type { GroupReport, Severity } from '../../shared/report';
import { THEME_SIGNALS, type ThemeColor } from '../../shared/theme';

export interface ChartDescriptor {
  id: string;
  title: string;
  /** One sentence for screen readers. */
  description: string;
  spec: TopLevelSpec;
  /** Text alternative. */
  table: ChartTable;
  /** About how tall the drawn chart is, in pixels: the page's placeholder until it is drawn. */
  height: number;
}

export const VL_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A colour by reference to the theme signal, resolved when the page parses the spec. */
export function themeColor(name: ThemeColor): { expr: string } {
  return { expr: THEME_SIGNALS[name] };
}

/** A tooltip the page resolves on hover (see `TooltipField`): a constant, nothing per item. */
export function tooltip(fields: TooltipField[]): { value: string } {
  return { value: encodeTooltip(fields) };
}

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export const SEVERITY_SHAPES: Record<Severity, string> = { error: 'diamond', warning: 'triangle-up', info: 'circle' };

/** Colour and shape encodings for a severity field, limited to the severities present. */
export function severityEncoding(present: Iterable<Severity>, field = 'severity', legend: object | null = { title: 'Finding' }) {
  const set = new Set(present);
  const domain = SEVERITIES.filter((s) => set.has(s));
  return {
    color: { field, type: 'nominal' as const, scale: { domain, range: domain.map((s) => themeColor(s)) }, legend },
    shape: { field, type: 'nominal' as const, scale: { domain, range: domain.map((s) => SEVERITY_SHAPES[s]) }, legend },
  };
}

/**
 * The mark and encoding of the points that mark findings on a line chart (x `index`, y
 * `value`), coloured and shaped by severity, with the given tooltip fields.
 */
export function findingMarks(present: Iterable<Severity>, fields: TooltipField[]) {
  const sev = severityEncoding(present);
  return {
    mark: { type: 'point' as const, filled: true, size: 90, opacity: 1, stroke: themeColor('background'), strokeWidth: 1 },
    encoding: {
      x: { field: 'index', type: 'quantitative' as const },
      y: { field: 'value', type: 'quantitative' as const },
      color: sev.color,
      shape: sev.shape,
      tooltip: tooltip(fields),
    },
  };
}

/** Generations in report order (natural order of the inputs). */
export function generationIds(result: AnalysisResult): string[] {
  return result.report.groups.map((g) => g.id);
}

export function baselineGroup(result: AnalysisResult): GroupReport | undefined {
  const groups = result.report.groups;
  return groups.find((g) => g.id === result.report.baseline) ?? groups[0];
}

/** Above this many generations a colour legend of swatches is unreadable; use a gradient. */
const MAX_SWATCHES = 12;

/**
 * Data strings (generation ids, labels, outputs) never become Vega expression source: a
 * string literal in an expression breaks on characters its lexer rejects (U+2028, U+2029)
 * and is code, not data. A label expression looks them up by index in a signal holding the
 * strings as a JSON value, and ordinal scales get them as a literal domain, not a `sort`
 * array (Vega-Lite compiles one to an expression).
 */
export const GENERATION_IDS_SIGNAL = 'generationIds';

/**
 * The top-level `params` of a spec that shows generation ids through `generationColor` or
 * `generationIndexX`: the ids in report order, as data.
 */
export function generationParams(ids: readonly string[]) {
  return [{ name: GENERATION_IDS_SIGNAL, value: [...ids] }];
}

/**
 * Colour for "which generation": a discrete legend for a few, a gradient over the index for
 * many. Rows must carry `generation` (id) and `index` (position in `ids`); the spec must
 * carry `generationParams(ids)`.
 */
export function generationColor(ids: readonly string[], symbol: 'stroke' | 'circle' | 'square') {
  if (ids.length <= MAX_SWATCHES) {
    return {
      field: 'generation',
      type: 'ordinal' as const,
      // The literal domain orders the legend; a sort array would be compiled to an expression.
      scale: { domain: [...ids] },
      legend: { title: 'Generation', symbolType: symbol },
    };
  }
  return {
    field: 'index',
    type: 'quantitative' as const,
    scale: { domain: [0, ids.length - 1] },
    legend: { title: 'Generation', labelExpr: lookupLabelExpr(GENERATION_IDS_SIGNAL), gradientLength: 160 },
  };
}

/**
 * Vega expression for a tick label: the string at position `datum.value - offset` of the
 * array in signal `signal`, or nothing between positions.
 */
export function lookupLabelExpr(signal: string, offset = 0): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/u.test(signal)) throw new Error(`not a signal name: ${signal}`);
  return `${signal}[datum.value${offset ? ` - ${offset}` : ''}] || ''`;
}

/**
 * Generations on x by position, labelled with their ids. A quantitative axis keeps a handful
 * of ticks however many generations there are; an ordinal one lays out (and then hides) one
 * label per generation in every panel, which dominates render time at 100 generations.
 * The spec must carry `generationParams(ids)`.
 */
export function generationIndexX(ids: readonly string[], title: string | null = null) {
  const n = ids.length;
  const longest = ids.reduce((m, id) => Math.max(m, id.length), 0);
  return {
    field: 'index',
    type: 'quantitative' as const,
    scale: { domain: [0, Math.max(1, n - 1)], nice: false, zero: false, padding: 6 },
    axis: { title, labelExpr: lookupLabelExpr(GENERATION_IDS_SIGNAL), tickMinStep: 1, tickCount: Math.min(n, 6), labelAngle: longest > 6 ? -40 : 0, labelOverlap: true, labelLimit: 90, grid: false, labelFlush: false },
  };
}

/**
 * At most `max` generations, evenly spaced, always with the first, the baseline and the last:
 * for charts that draw one line per generation, where a hundred overlapping lines say less
 * than a dozen (their data tables still list every generation).
 */
export function sampleGenerations(ids: readonly string[], baseline: string | undefined, max = 12): string[] {
  if (ids.length <= max) return [...ids];
  const keep = new Set<number>([0, ids.length - 1]);
  const b = baseline === undefined ? -1 : ids.indexOf(baseline);
  if (b >= 0) keep.add(b);
  for (let i = 0; keep.size < max && i < max; i++) keep.add(Math.round((i * (ids.length - 1)) / (max - 1)));
  return ids.filter((_, i) => keep.has(i));
}

/** Axis settings for generation ids on x: rotate long ids, thin out crowded labels. */
export function generationAxis(ids: readonly string[], title: string | null = 'Generation') {
  const longest = ids.reduce((m, id) => Math.max(m, id.length), 0);
  return { title, labelAngle: longest > 6 || ids.length > 12 ? -40 : 0, labelOverlap: true, labelLimit: 90 };
}

export function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/gu, ' ').trim();
  if (oneLine.length <= max) return oneLine;
  const cut = oneLine.slice(0, max - 1);
  // End on a whole word unless that throws away too much.
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/u, '')}…`;
}

/** Four significant digits, integers as they are: enough for a table, stable in snapshots. */
export function round4(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  return Number(x.toPrecision(4));
}

export function share(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
