// Messages between the report panel (host) and the report page (webview), one discriminated
// union per direction. Naming as in GitLens: `…Command` goes from the page to the host,
// `Did…Notification` from the host to the page. The standalone HTML report embeds a
// `ReportPayload` and runs the same page without a host.
import type { Spec as VegaSpec } from 'vega';
import type { AnalysisResult } from './details';
import type { Location } from './report';

/** Text alternative of a chart: what a screen reader user or a copy-paste gets. */
export interface ChartTable {
  columns: string[];
  rows: (string | number)[][];
}

/** A chart ready for the page: Vega (already compiled from Vega-Lite on the host), no colours. */
export interface CompiledChart {
  id: string;
  title: string;
  /** One sentence for screen readers. */
  description: string;
  spec: VegaSpec;
  table: ChartTable;
  /** About how tall the drawn chart is, in pixels (placeholder before it is drawn). */
  height: number;
}

/**
 * What the host needs to analyze the same files again: the page keeps it in its saved state,
 * so a report panel restored after a window reload can be filled without the old result.
 */
export interface ReportSource {
  kind: 'file' | 'generations';
  /** The files as URI strings, in generation order. */
  uris: string[];
  /** The baseline chosen in the report (a group id); absent: the first generation. */
  baseline?: string;
}

export interface ReportPayload {
  result: AnalysisResult;
  title: string;
  /** The file of each generation, in generation order (from `details.groups`). */
  generationFiles: string[];
  charts: CompiledChart[];
  /** Whether the host can re-run the analysis against another baseline. */
  canChangeBaseline: boolean;
  /** Absent in the standalone file, which has no host to analyze anything. */
  source?: ReportSource;
}

export type ExportKind = 'svg' | 'png' | 'json' | 'html';

interface Message<M extends string, P> {
  readonly method: M;
  readonly params: P;
}

// ---- page → host ---------------------------------------------------------------------

/** The page has loaded and listens; the host answers with `DidChangeReportNotification`. */
export type ReadyCommand = Message<'webview/ready', { restored: boolean }>;
/** Reveal a record: `file` as reported, `line` 1-based. */
export type OpenLocationCommand = Message<'location/open', Location>;
export type ChangeBaselineCommand = Message<'baseline/change', { groupId: string }>;
/**
 * Save something. `svg`/`png` carry `chartId` and `data` (SVG text, PNG data URL);
 * `json` and `html` are written by the host from the report it holds.
 */
export type ExportCommand = Message<'export', { kind: ExportKind; chartId?: string; data?: string }>;

export type WebviewCommand = ReadyCommand | OpenLocationCommand | ChangeBaselineCommand | ExportCommand;

// ---- host → page ---------------------------------------------------------------------

export type DidChangeReportNotification = Message<'report/didChange', ReportPayload>;
export type DidChangeBusyNotification = Message<'busy/didChange', { busy: boolean; message?: string }>;
export type DidFailNotification = Message<'report/didFail', { message: string; location?: Location }>;
/** Where an export went; `file` is absent when the user cancelled. */
export type DidExportNotification = Message<'export/didFinish', { kind: ExportKind; file?: string; error?: string }>;
/** Bring a finding into view and mark it: `index` into `report.findings` (a quick fix's "open the report at this finding"). */
export type DidFocusFindingNotification = Message<'finding/didFocus', { index: number }>;

export type HostNotification =
  | DidChangeReportNotification
  | DidChangeBusyNotification
  | DidFailNotification
  | DidExportNotification
  | DidFocusFindingNotification;

const COMMAND_METHODS: ReadonlySet<string> = new Set<WebviewCommand['method']>(['webview/ready', 'location/open', 'baseline/change', 'export']);
const NOTIFICATION_METHODS: ReadonlySet<string> = new Set<HostNotification['method']>([
  'report/didChange',
  'busy/didChange',
  'report/didFail',
  'export/didFinish',
  'finding/didFocus',
]);

function isMessage(value: unknown): value is { method: string; params: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { method?: unknown }).method === 'string' && 'params' in value;
}

/** Messages arrive as `unknown`; the host checks the method before dispatching. */
export function isWebviewCommand(value: unknown): value is WebviewCommand {
  return isMessage(value) && COMMAND_METHODS.has(value.method);
}

export function isHostNotification(value: unknown): value is HostNotification {
  return isMessage(value) && NOTIFICATION_METHODS.has(value.method);
}

/**
 * A chart tooltip, filled in on hover from the datum under the pointer. Vega-Lite's own
 * tooltips build an object for every mark item when the chart is drawn; at 100 generations
 * that was a fifth of the render time. The spec carries this constant string instead.
 */
export interface TooltipField {
  field: string;
  title: string;
  /** `number`: 4 significant digits; `percent`: one decimal. Otherwise shown as is. */
  format?: 'number' | 'percent';
}

const TOOLTIP_PREFIX = 'collapse-lens-tooltip:';

export function encodeTooltip(fields: TooltipField[]): string {
  return TOOLTIP_PREFIX + JSON.stringify(fields);
}

export function decodeTooltip(value: unknown): TooltipField[] | undefined {
  if (typeof value !== 'string' || !value.startsWith(TOOLTIP_PREFIX)) return undefined;
  try {
    const fields: unknown = JSON.parse(value.slice(TOOLTIP_PREFIX.length));
    return Array.isArray(fields) ? (fields as TooltipField[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Id of the `<script type="application/json">` block that carries a `ReportPayload` in the page HTML. */
export const PAYLOAD_ELEMENT_ID = 'collapse-lens-payload';
