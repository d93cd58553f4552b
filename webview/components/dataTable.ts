// A chart's data as a table: the text alternative a screen reader reads and a user copies.
// Built when first opened, since a large report has thousands of rows nobody may look at.
import type { ChartTable } from '../../src/shared/protocol';
import { h } from '../dom';
import { formatCell } from '../format';
import { locationButton, type OpenLocation } from './buttons';

export interface DataTableProps {
  /** Open at first (the user left it open before a reload). */
  open: boolean;
  onToggle: (open: boolean) => void;
  /** Makes a `… line` column link to the record (with a `File` column beside it). */
  onOpen?: OpenLocation;
}

/** `<details>` "Data table" that fills itself with `dataTable` when first opened. */
export function dataTableDisclosure(title: string, table: ChartTable, props: DataTableProps): HTMLDetailsElement {
  const details = h('details', { class: 'data-table' }, h('summary', {}, 'Data table'));
  let filled = false;
  const fill = () => {
    if (filled) return;
    filled = true;
    details.appendChild(dataTable(title, table, props.onOpen));
  };
  if (props.open) {
    fill();
    details.open = true;
  }
  details.addEventListener('toggle', () => {
    if (details.open) fill();
    props.onToggle(details.open);
  });
  return details;
}

/** The table in a scrollable region; number columns right-aligned, `title` as its caption. */
export function dataTable(title: string, t: ChartTable, onOpen?: OpenLocation): HTMLElement {
  const fileCol = t.columns.indexOf('File');
  const lineCol = t.columns.findIndex((c) => /line$/iu.test(c));
  const linkable = onOpen !== undefined && fileCol >= 0 && lineCol >= 0;
  // Right-align a column of numbers, its header included.
  const numeric = t.columns.map((_, i) => t.rows.some((r) => typeof r[i] === 'number') && t.rows.every((r) => typeof r[i] === 'number' || r[i] === ''));
  return h(
    'div',
    { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': `${title} data` },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, title),
      h('thead', {}, h('tr', {}, t.columns.map((c, i) => h('th', { scope: 'col', class: numeric[i] ? 'num' : undefined }, c)))),
      h(
        'tbody',
        {},
        t.rows.map((row) =>
          h(
            'tr',
            {},
            row.map((cell, i) => {
              const num = typeof cell === 'number';
              const content: Node | string =
                linkable && i === lineCol && typeof cell === 'number'
                  ? locationButton({ file: String(row[fileCol]), line: cell }, String(cell), onOpen)
                  : num
                    ? formatCell(cell)
                    : cell;
              return i === 0 ? h('th', { scope: 'row', class: num ? 'num' : undefined }, content) : h('td', { class: num ? 'num' : undefined }, content);
            }),
          ),
        ),
      ),
    ),
  );
}
