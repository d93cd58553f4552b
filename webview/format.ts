// How the page writes numbers and places: one formatter, so every count on the page reads alike.
import type { Location } from '../src/shared/report';

const numberFormat = new Intl.NumberFormat('en-US');

/** A count with thousands separators: `12,345`. */
export function formatCount(n: number): string {
  return numberFormat.format(n);
}

/** A table cell: integers as counts, other numbers as they came. */
export function formatCell(n: number): string {
  return Number.isInteger(n) ? formatCount(n) : String(n);
}

/** `file:line`, as the editor's "Go to" and the Problems panel write it. */
export function where(location: Location): string {
  return `${location.file}:${location.line}`;
}
