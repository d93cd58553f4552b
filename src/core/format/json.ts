// The JSON report: exactly one document valid against schemas/report.schema.json, with the
// same bytes for the same input (key order fixed by construction, numbers rounded).
import type { Report } from '../../shared/report';

/** Rounds to 12 significant digits so platform float noise never changes the bytes. */
export function stableNumber(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  return Number(x.toPrecision(12));
}

export function formatJson(report: Report): string {
  return JSON.stringify(report, (_k, v) => (typeof v === 'number' ? stableNumber(v) : v), 2) + '\n';
}
