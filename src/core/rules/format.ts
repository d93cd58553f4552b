// How rules write numbers and names into their one-sentence messages.
import { METRIC_BY_KEY } from '../../shared/metrics';
import type { MetricRole } from '../../shared/metrics';

/** A number for a sentence: 3 significant digits, no exponent for everyday sizes. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e7) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) return x.toExponential(2);
  return String(Number(x.toPrecision(3)));
}

export function pct(x: number): string {
  const p = x * 100;
  return `${Math.abs(p) < 10 && !Number.isInteger(p) ? p.toFixed(1) : Math.round(p)}%`;
}

/** The metric's title (`Distinct-2`), or its key. */
export function labelOf(key: string): string {
  return METRIC_BY_KEY.get(key)?.title ?? key;
}

/** What a role's metrics measure, for one-line verdicts. */
export const ROLE_TITLE: Record<MetricRole, string> = {
  text: 'Text diversity',
  vectors: 'Embedding diversity',
  labels: 'Label diversity',
  values: 'Value spread',
};

export function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

export function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
