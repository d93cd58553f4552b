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

/** A share as a percentage to one decimal, without a trailing `.0`: `34.5%`, `72%`, `<0.1%`. */
export function formatShare(share: number): string {
  const percent = Math.round(share * 1000) / 10;
  return percent === 0 && share > 0 ? '<0.1%' : `${percent}%`;
}

/** The difference of two shares in percentage points, signed: `+37.5 pts`, `−3 pts`, `±0 pts`. */
export function formatPoints(difference: number): string {
  const points = Math.round(difference * 1000) / 10;
  return points === 0 ? '±0 pts' : `${points > 0 ? '+' : '−'}${Math.abs(points)} pts`;
}
