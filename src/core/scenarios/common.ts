// Plumbing every scenario shares: option checks, record encoding (JSONL / CSV), file
// names, rounding, and the little linear algebra the simulations need.
import { Random } from '../random';
import type { ParamValue, Scenario, ScenarioFile, ScenarioFormat, ScenarioOptions, ScenarioParameter } from './types';

export type RecordValue = string | number | boolean | number[];
export type OutputRecord = Record<string, RecordValue>;

export const MAX_GENERATIONS = 1000;

/** Thrown by `run` when options are out of range; the message is meant for the user. */
export class ScenarioOptionError extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join('; '));
    this.name = 'ScenarioOptionError';
  }
}

function describeRange(p: ScenarioParameter): string {
  if (p.min !== undefined && p.max !== undefined) return `between ${p.min} and ${p.max}`;
  if (p.min !== undefined) return `at least ${p.min}`;
  if (p.max !== undefined) return `at most ${p.max}`;
  return '';
}

const shown = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v));

/** Checks one typed value against its declaration; returns a message or undefined. */
export function checkParamValue(scenario: string, p: ScenarioParameter, value: unknown): string | undefined {
  const label = `parameter '${p.name}' of scenario '${scenario}'`;
  switch (p.type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${label} must be true or false (got ${shown(value)})`;
    case 'enum':
      return typeof value === 'string' && p.values?.includes(value)
        ? undefined
        : `${label} must be one of ${(p.values ?? []).join(', ')} (got ${shown(value)})`;
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return `${label} must be ${p.type === 'integer' ? 'an integer' : 'a number'} (got ${shown(value)})`;
      }
      if (p.type === 'integer' && !Number.isInteger(value)) return `${label} must be an integer (got ${value})`;
      if ((p.min !== undefined && value < p.min) || (p.max !== undefined && value > p.max)) {
        return `${label} must be ${describeRange(p)} (got ${value})`;
      }
      return undefined;
    }
  }
}

/** Parses a command-line string for one parameter; returns the value or an error message. */
export function parseParamString(scenario: string, p: ScenarioParameter, raw: string): { value?: ParamValue; error?: string } {
  const text = raw.trim();
  let value: ParamValue;
  switch (p.type) {
    case 'boolean': {
      const t = text.toLowerCase();
      if (['true', '1', 'yes', 'on', ''].includes(t)) value = true;
      else if (['false', '0', 'no', 'off'].includes(t)) value = false;
      else return { error: `parameter '${p.name}' of scenario '${scenario}' must be true or false (got '${raw}')` };
      break;
    }
    case 'enum':
      value = text;
      break;
    case 'integer':
    case 'number': {
      const n = text === '' ? NaN : Number(text);
      if (!Number.isFinite(n)) {
        return { error: `parameter '${p.name}' of scenario '${scenario}' must be ${p.type === 'integer' ? 'an integer' : 'a number'} (got '${raw}')` };
      }
      value = n;
      break;
    }
  }
  const error = checkParamValue(scenario, p, value);
  return error ? { error } : { value };
}

export interface Resolved {
  rng: Random;
  generations: number;
  params: Record<string, ParamValue>;
  format: ScenarioFormat;
}

/** Applies defaults and checks everything `run` receives; throws ScenarioOptionError. */
export function resolveOptions(s: Scenario, options: ScenarioOptions): Resolved {
  const errors: string[] = [];
  if (!Number.isInteger(options.seed)) errors.push(`seed must be an integer (got ${JSON.stringify(options.seed)})`);
  if (options.format !== 'jsonl' && options.format !== 'csv') errors.push(`format must be jsonl or csv (got ${JSON.stringify(options.format)})`);
  const generations = options.generations ?? s.defaultGenerations;
  if (!Number.isInteger(generations) || generations < s.minGenerations || generations > MAX_GENERATIONS) {
    errors.push(`generations for scenario '${s.name}' must be an integer between ${s.minGenerations} and ${MAX_GENERATIONS} (got ${JSON.stringify(options.generations)})`);
  }
  const params: Record<string, ParamValue> = {};
  for (const p of s.parameters) params[p.name] = p.default;
  for (const [key, value] of Object.entries(options.params ?? {})) {
    const p = s.parameters.find((x) => x.name === key);
    if (!p) {
      errors.push(unknownParamMessage(s, key));
      continue;
    }
    const error = checkParamValue(s.name, p, value);
    if (error) errors.push(error);
    else params[key] = value;
  }
  if (errors.length) throw new ScenarioOptionError(errors);
  return { rng: new Random(options.seed), generations, params, format: options.format };
}

export function unknownParamMessage(s: Scenario, key: string): string {
  const known = s.parameters.map((p) => p.name);
  return known.length
    ? `scenario '${s.name}' has no parameter '${key}' (it has: ${known.join(', ')})`
    : `scenario '${s.name}' takes no parameters (got '${key}')`;
}

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
