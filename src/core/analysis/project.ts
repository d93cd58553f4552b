// A record reduced to what the analysis reads from it: the outputs of the text path, the
// group, the labels, the value, the vectors and the prompt it answers. The projection runs
// where the record is parsed (the analysis thread, or a reading thread for large files, see
// offThread.ts), so a large nested record never has to cross a thread whole.
import type { FieldRole } from '../../shared/report';
import type { ColumnVector } from '../detect';
import { compileFieldPath } from '../fieldPath';
import { textOf } from '../layout';
import { hashString53 } from '../numeric/hash53';
import type { SourceRecord } from '../readers/index';

/** What a projector needs: plain data, so it can be sent to another thread. */
export interface ProjectionSpec {
  /** The path of each role that was found. */
  paths: Partial<Record<FieldRole, string>>;
  columnVector?: ColumnVector;
  /** JSON documents with several arrays of records: only this one's records are kept. */
  collection?: string;
  /**
   * The file as reported, so request keys of different files differ; a key depends only on
   * the file and the record's position in it, so a shard of the file gives the same keys.
   */
  file: string;
  /** Only records whose value at `path` is `value` (see DetectedFields.variant). */
  variant?: { path: string; value: string };
}

/**
 * Why a record is malformed although it parsed: the analysis skips it (it is not a record and
 * counts once, as malformed). `field`, `nth` and `element` say where the value at fault is, so
 * the analysis can find its column in a JSON Lines line (the text is not kept this far).
 */
export interface ProjectedIssue {
  message: string;
  /** The path whose value is at fault. */
  field?: string;
  /** Which of the arrays the path selects (vector paths with a wildcard), 0 being the first. */
  nth?: number;
  /** The element of that array at fault. */
  element?: number;
}

export interface Projected {
  line: number;
  /** Set on a record to skip as malformed; nothing else is projected then. */
  malformed?: ProjectedIssue;
  /** The group value as the group id (`(none)` when missing); absent without a group role. */
  group?: string;
  /** The outputs: several when the text path selects several (`choices[*]`). */
  texts?: string[];
  /** Where its texts are among its batch's tokenized texts (tokenize.ts), when the reading thread tokenized them. */
  tokenized?: number;
  /** Hash of the request the outputs answer, when the data says which. */
  prompt?: number;
  /** Numeric vectors as Float64Array (cheap to move between threads); one with a bad element stays as it was, for the message. */
  vectors?: (number[] | Float64Array)[];
  label?: string;
  prediction?: string;
  value?: number;
}

/** Builds the projection of a spec: compiled once, applied to every record. */
export function makeProjector(spec: ProjectionSpec): (rec: SourceRecord) => Projected | undefined {
  const path = (role: FieldRole) => {
    const p = spec.paths[role];
    return p ? compileFieldPath(p) : undefined;
  };
  const text = path('text');
  const group = path('group');
  const label = path('label');
  const prediction = path('prediction');
  const value = path('value');
  const prompt = path('prompt');
  const vector = spec.columnVector ? undefined : path('vector');
  const columns = spec.columnVector?.columns;
  const textMulti = text !== undefined && !text.singular;
  const variant = spec.variant ? compileFieldPath(spec.variant.path) : undefined;
  const variantValue = spec.variant?.value;
  // Records on one line (a JSON document on one line holds several): their place on it.
  let lastLine = -1;
  let onLine = 0;

  return (rec) => {
    if (spec.collection !== undefined && rec.collection !== spec.collection) return undefined;
    if (variant && variant.first(rec.value) !== variantValue) return undefined;
    onLine = rec.line === lastLine ? onLine + 1 : 0;
    lastLine = rec.line;
    const v = rec.value;
    const out: Projected = { line: rec.line };
    if (group) {
      const g = group.first(v);
      if (g === null || g === undefined || g === '') out.group = '(none)';
      else if (typeof g === 'string' || typeof g === 'number' || typeof g === 'bigint') out.group = String(g);
      else {
        // An object, array or boolean is no generation id ("[object Object]", "", "true"):
        // the record is malformed, the rest of the file is analyzed.
        const what = Array.isArray(g) ? 'an array' : typeof g === 'object' ? 'an object' : `a ${typeof g} (${String(g)})`;
        return { line: rec.line, malformed: { message: `the group field ${spec.paths.group} holds ${what}, not a generation id`, field: spec.paths.group! } };
      }
    }
    if (text) {
      // One output without a scratch array: emptying one (`length = 0`) lets its storage go,
      // and pushing again allocates it anew, about 350 bytes a record of garbage.
      let texts: string[];
      if (textMulti) {
        texts = [];
        for (const m of text.select(v)) {
          const t = outputText(m);
          if (t !== undefined) texts.push(t);
        }
      } else {
        const t = outputText(text.first(v));
        texts = t === undefined ? [] : [t];
      }
      out.texts = texts;
      if (texts.length > 0) {
        // The request: a prompt field, else the inner array of an array of arrays, else the
        // record itself when it holds several outputs.
        let key: string | undefined;
        if (prompt) {
          const p = prompt.first(v);
          key = typeof p === 'string' ? p : typeof p === 'number' ? String(p) : p === undefined || p === null ? undefined : (textOf(p) ?? JSON.stringify(p));
        } else if (rec.request !== undefined) key = `${spec.file}\0r${rec.request}`;
        else if (textMulti) key = `${spec.file}\0${rec.line}:${onLine}`;
        if (key !== undefined) out.prompt = hashString53(key);
      }
    }
    if (columns) {
      const row = new Array<number>(columns.length);
      let ok = true;
      for (let i = 0; i < columns.length; i++) {
        const x = Object.prototype.hasOwnProperty.call(v, columns[i]!) ? v[columns[i]!] : undefined;
        if (typeof x !== 'number') {
          ok = false;
          break;
        }
        row[i] = x;
      }
      if (ok) out.vectors = [row];
    } else if (vector) {
      if (vector.singular) {
        const x = vector.first(v);
        if (Array.isArray(x)) out.vectors = [packed(x)];
      } else {
        const found = vector.select(v).filter((x): x is number[] => Array.isArray(x));
        if (found.length) out.vectors = found.map(packed);
      }
    }
    if (label) {
      const l = scalarText(label.first(v));
      if (l !== undefined) out.label = l;
    }
    if (prediction) {
      const p = scalarText(prediction.first(v));
      if (p !== undefined) out.prediction = p;
    }
    if (value) {
      const x = value.first(v);
      if (typeof x === 'number' && Number.isFinite(x)) out.value = x;
    }
    return out;
  };
}

/** An output's text: a string, a number as written, or a block list's text (layout.ts `textOf`). */
function outputText(m: unknown): string | undefined {
  return typeof m === 'number' ? String(m) : textOf(m);
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** An array of finite numbers as a Float64Array; anything else as it is. */
function packed(x: unknown[]): number[] | Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const n = x[i];
    if (typeof n !== 'number' || !Number.isFinite(n)) return x as number[];
    out[i] = n;
  }
  return out;
}
