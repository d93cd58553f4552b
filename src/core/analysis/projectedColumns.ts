// A batch of projected records as columns, the form in which the reading thread posts them
// (offThread.ts). Structured cloning an array of small objects writes each object's property
// names and rebuilds every object through the slow generic path; the same records as a few
// typed arrays and arrays of strings serialise in about a third of the time and are rebuilt
// here in a quarter of it (per 100,000 records of the text benchmark: 52 + 60 ms as objects,
// 20 + 13 ms as columns). A column is present only when some record of the batch has its field.
import type { Projected, ProjectedIssue } from './project';

export interface ProjectedColumns {
  n: number;
  lines: Float64Array;
  /** Per record an index into `groupValues` (a batch holds few generations), or -1. */
  groups?: Int32Array;
  groupValues?: string[];
  /** Per record how many of `texts` are its own (-1: no `texts`), and all texts in order. */
  textCounts?: Int32Array;
  texts?: string[];
  /** -1: none. */
  tokenized?: Int32Array;
  /** Prompt hashes and values (finite numbers, so NaN marks none). */
  prompts?: Float64Array;
  values?: Float64Array;
  labels?: (string | undefined)[];
  predictions?: (string | undefined)[];
  vectors?: ((number[] | Float64Array)[] | undefined)[];
  malformed?: (ProjectedIssue | undefined)[];
}

export function encodeProjected(records: readonly Projected[]): ProjectedColumns {
  const n = records.length;
  const c: ProjectedColumns = { n, lines: new Float64Array(n) };
  let groupIndex: Map<string, number> | undefined;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    c.lines[i] = r.line;
    if (r.group !== undefined) {
      if (!c.groups) {
        c.groups = new Int32Array(n).fill(-1);
        c.groupValues = [];
        groupIndex = new Map();
      }
      let g = groupIndex!.get(r.group);
      if (g === undefined) groupIndex!.set(r.group, (g = c.groupValues!.push(r.group) - 1));
      c.groups[i] = g;
    }
    if (r.texts !== undefined) {
      if (!c.textCounts) {
        c.textCounts = new Int32Array(n).fill(-1);
        c.texts = [];
      }
      c.textCounts[i] = r.texts.length;
      for (const t of r.texts) c.texts!.push(t);
    }
    if (r.tokenized !== undefined) (c.tokenized ??= new Int32Array(n).fill(-1))[i] = r.tokenized;
    if (r.prompt !== undefined) (c.prompts ??= new Float64Array(n).fill(NaN))[i] = r.prompt;
    if (r.value !== undefined) (c.values ??= new Float64Array(n).fill(NaN))[i] = r.value;
    if (r.label !== undefined) (c.labels ??= new Array<string | undefined>(n).fill(undefined))[i] = r.label;
    if (r.prediction !== undefined) (c.predictions ??= new Array<string | undefined>(n).fill(undefined))[i] = r.prediction;
    if (r.vectors !== undefined) (c.vectors ??= new Array<(number[] | Float64Array)[] | undefined>(n).fill(undefined))[i] = r.vectors;
    if (r.malformed !== undefined) (c.malformed ??= new Array<ProjectedIssue | undefined>(n).fill(undefined))[i] = r.malformed;
  }
  return c;
}

/** The typed arrays of the columns, to move rather than copy (the vectors' included). */
export function columnBuffers(c: ProjectedColumns): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const a of [c.lines, c.groups, c.textCounts, c.tokenized, c.prompts, c.values]) if (a) out.push(a.buffer as ArrayBuffer);
  for (const vs of c.vectors ?? []) for (const v of vs ?? []) if (v instanceof Float64Array) out.push(v.buffer as ArrayBuffer);
  return out;
}

export function decodeProjected(c: ProjectedColumns): Projected[] {
  const out = new Array<Projected>(c.n);
  let text = 0;
  for (let i = 0; i < c.n; i++) {
    const r: Projected = { line: c.lines[i]! };
    const m = c.malformed?.[i];
    if (m !== undefined) r.malformed = m;
    if (c.groups && c.groups[i]! >= 0) r.group = c.groupValues![c.groups[i]!]!;
    if (c.textCounts && c.textCounts[i]! >= 0) {
      const k = c.textCounts[i]!;
      r.texts = k === 1 ? [c.texts![text]!] : c.texts!.slice(text, text + k);
      text += k;
    }
    if (c.tokenized && c.tokenized[i]! >= 0) r.tokenized = c.tokenized[i]!;
    if (c.prompts && !Number.isNaN(c.prompts[i]!)) r.prompt = c.prompts[i]!;
    const v = c.vectors?.[i];
    if (v !== undefined) r.vectors = v;
    const l = c.labels?.[i];
    if (l !== undefined) r.label = l;
    const p = c.predictions?.[i];
    if (p !== undefined) r.prediction = p;
    if (c.values && !Number.isNaN(c.values[i]!)) r.value = c.values[i]!;
    out[i] = r;
  }
  return out;
}
