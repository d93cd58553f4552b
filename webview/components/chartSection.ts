// One chart on the page: title, export buttons, description, the drawing (a placeholder of the
// chart's height until the render queue reaches it) and its data table. Also the table of
// contents over all charts and the note when there is none.
import type { CompiledChart } from '../../src/shared/protocol';
import { ChartView } from '../charts';
import { h } from '../dom';
import type { Host } from '../host';
import type { OpenLocation } from './buttons';
import { dataTableDisclosure } from './dataTable';
import { chartExportButtons } from './export';

export interface ChartSectionProps {
  /** The data table is open at first. */
  tableOpen: boolean;
  onTableToggle: (open: boolean) => void;
  save: Host['exportData'];
  onExportError: (message: string) => void;
  /** Absent in the standalone file: marks and table lines do not open records. */
  onOpen?: OpenLocation;
}

/** A chart's section; `view` draws into `body`, which the render queue unmarks as placeholder. */
export interface ChartEntry {
  section: HTMLElement;
  body: HTMLElement;
  view: ChartView;
}

export function chartSection(chart: CompiledChart, props: ChartSectionProps): ChartEntry {
  const body = h('div', { class: 'chart-body placeholder' });
  body.style.minHeight = `${chart.height}px`;
  const canvas = h('div', { class: 'chart-canvas' });
  body.appendChild(canvas);
  const view = new ChartView(chart, canvas, props.onOpen);
  const titleId = `chart-${chart.id}-title`;
  const section = h(
    'section',
    { class: 'chart', id: `chart-${chart.id}`, 'aria-labelledby': titleId, 'data-chart': chart.id },
    h(
      'div',
      { class: 'chart-head' },
      h('h2', { id: titleId }, chart.title),
      chartExportButtons(chart, {
        image: (kind) => (kind === 'svg' ? view.toSVG() : view.toPNG()),
        save: props.save,
        onError: props.onExportError,
      }),
    ),
    h('p', { class: 'description' }, chart.description),
    body,
    dataTableDisclosure(chart.title, chart.table, { open: props.tableOpen, onToggle: props.onTableToggle, onOpen: props.onOpen }),
  );
  return { section, body, view };
}

/** Links to every chart (and to another section, by its `href`), when there are two or more. */
export function chartContents(charts: readonly (Pick<CompiledChart, 'id' | 'title'> & { href?: string })[]): HTMLElement | false {
  if (charts.length < 2) return false;
  return h('nav', { class: 'toc', 'aria-label': 'Charts' }, h('ul', {}, charts.map((c) => h('li', {}, h('a', { href: c.href ?? `#chart-${c.id}` }, c.title)))));
}

export function noChartsNote(): HTMLElement {
  return h('p', { class: 'empty' }, 'No chart: the analysis found no field to plot.');
}
