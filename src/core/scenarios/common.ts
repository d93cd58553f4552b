// Plumbing every scenario shares: record encoding (JSONL / CSV), file names, rounding, and
// the little linear algebra the simulations need. The options are checked in options.ts.
import type { ParamValue, ScenarioFile, ScenarioFormat } from './types';

export type RecordValue = string | number | boolean | number[];
export type OutputRecord = Record<string, RecordValue>;

export const num = (params: Record<string, ParamValue>, key: string): number => params[key] as number;
export const bool = (params: Record<string, ParamValue>, key: string): boolean => params[key] as boolean;
export const str = (params: Record<string, ParamValue>, key: string): string => params[key] as string;

/** Rounds for the files only (smaller, still plenty of precision); ground truth stays exact. */
export function round(x: number, digits: number): number {
  const r = Number(x.toFixed(digits));
  return Object.is(r, -0) ? 0 : r;
}

export function generationFileName(g: number, generations: number, format: ScenarioFormat): string {
  const width = Math.max(2, String(generations - 1).length);
  return `gen-${String(g).padStart(width, '0')}.${format}`;
}

/** A name a scenario run writes (a generation file or README.md): what replacing an earlier run may delete. */
export function isScenarioFileName(name: string): boolean {
  return /^(gen-\d+\.(jsonl|csv)|README\.md)$/.test(name);
}

function csvCell(v: string | number | boolean): string {
  const s = String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * JSONL: one object per line. CSV: a header from the first record's keys; an `embedding`
 * (array) becomes columns x0..xN, the layout the analyzer reads as a vector.
 */
export function encodeRecords(records: readonly OutputRecord[], format: ScenarioFormat): string {
  if (format === 'jsonl') return records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '');
  if (!records.length) return '';
  const first = records[0]!;
  const header: string[] = [];
  for (const [k, v] of Object.entries(first)) {
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) header.push(`x${i}`);
    else header.push(k);
  }
  const lines = [header.map(csvCell).join(',')];
  for (const r of records) {
    const cells: string[] = [];
    for (const v of Object.values(r)) {
      if (Array.isArray(v)) for (const x of v) cells.push(String(x));
      else cells.push(csvCell(v));
    }
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

export function generationFiles(perGeneration: readonly OutputRecord[][], format: ScenarioFormat): ScenarioFile[] {
  return perGeneration.map((records, g) => ({
    name: generationFileName(g, perGeneration.length, format),
    content: encodeRecords(records, format),
  }));
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * Solves A x = b for a symmetric positive-definite A by Cholesky. Returns undefined when A
 * is not numerically positive definite (a singular design), so callers can say so.
 */
export function solveSpd(a: readonly number[][], b: readonly number[]): number[] | undefined {
  const n = b.length;
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(s > 1e-12)) return undefined;
        l[i]![i] = Math.sqrt(s);
      } else {
        l[i]![j] = s / l[j]![j]!;
      }
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * y[k]!;
    y[i] = s / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}

export const dot = (a: readonly number[], b: readonly number[]): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length ? s / xs.length : NaN;
}

/** MLE (divide-by-n) variance, the estimator whose shrinkage drives Shumailov's collapse. */
export function mleVariance(xs: readonly number[]): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / xs.length;
}
