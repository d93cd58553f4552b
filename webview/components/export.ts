// Saving the report and its charts: the buttons, what each one hands the host, and the status
// line an export leaves. In VS Code the host writes the file; standalone, the page downloads it.
import type { CompiledChart, DidExportNotification, ReportPayload } from '../../src/shared/protocol';
import { h } from '../dom';
import type { Host } from '../host';
import { actionButton } from './buttons';

export type ReportExportKind = 'json' | 'html';
export type ChartImageKind = 'svg' | 'png';

export interface ReportExportProps {
  /** HTML export needs the host (which writes the standalone file); the standalone page has none. */
  html: boolean;
  onExport: (kind: ReportExportKind) => void;
}

/** "Export JSON" (and "Export HTML") beside the report title. */
export function reportExportButtons(props: ReportExportProps): HTMLElement {
  const actions = h('div', { class: 'actions' }, actionButton('Export JSON', 'Export the report as JSON', () => props.onExport('json')));
  if (props.html) actions.appendChild(actionButton('Export HTML', 'Export a standalone HTML report', () => props.onExport('html')));
  return actions;
}

/** Hands the report to the host; standalone, the JSON is the page's own copy of the report. */
export function exportReport(host: Pick<Host, 'standalone' | 'exportData'>, payload: ReportPayload, kind: ReportExportKind): void {
  const data = kind === 'json' && host.standalone ? `${JSON.stringify(payload.result.report, null, 2)}\n` : undefined;
  host.exportData(kind, `${fileSlug(payload.title)}.collapse-lens.json`, data);
}

export interface ChartExportProps {
  /** The drawn chart: SVG text, or a PNG data URL. */
  image: (kind: ChartImageKind) => Promise<string>;
  save: Host['exportData'];
  /** The chart is not drawn (yet), or drawing it as an image failed. */
  onError: (message: string) => void;
}

/** "SVG" and "PNG" in a chart's head, named for screen readers after the chart. */
export function chartExportButtons(chart: Pick<CompiledChart, 'id' | 'title'>, props: ChartExportProps): HTMLElement {
  const exportAs = (kind: ChartImageKind) => async () => {
    try {
      const data = await props.image(kind);
      props.save(kind, `${chart.id}.${kind}`, data, chart.id);
    } catch (error) {
      props.onError(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return h(
    'div',
    { class: 'chart-actions' },
    actionButton('SVG', `Export ${chart.title} as SVG`, exportAs('svg')),
    actionButton('PNG', `Export ${chart.title} as PNG`, exportAs('png')),
  );
}

/** The status line after the host answers an export; empty when the user cancelled. */
export function exportStatus(p: DidExportNotification['params']): string {
  return p.error ? `Export failed: ${p.error}` : p.file ? `Saved ${p.kind.toUpperCase()} to ${p.file}` : '';
}

/** A file name from the report title: letters, digits, `.`, `_` and `-` only. */
export function fileSlug(s: string): string {
  return s.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/gu, '') || 'report';
}
