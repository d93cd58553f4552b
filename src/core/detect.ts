// Field-role detection: which field holds the text, the vector, the labels, the values and
// the generation, decided from a sample of records and overridable by the user.
import type { FieldRole, FieldRoles } from '../shared/report';
import type { FieldOverrides } from './options';

/** A synthetic field made of numbered CSV columns (`x0..x383`). */
export interface ColumnVector {
  prefix: string;
  columns: string[];
}

export interface DetectedFields {
  roles: Record<FieldRole, string | null>;
  /** Set when the vector role is a run of numbered columns. */
  columnVector?: ColumnVector;
  /** Every field seen in the sample, for messages and quick picks. */
  fields: string[];
  /** Why each role was chosen (or not), for `--verbose` and the host's hover. */
  reasons: Partial<Record<FieldRole, string>>;
}

const GROUP_NAMES = /^(generation|gen|generation_id|epoch|round|step|iteration|iter|cycle|group|model_generation)$/i;
const TEXT_NAMES = /^(output|outputs|completion|response|text|generation_text|generated|generated_text|answer_text|content|sample_text|message|prediction_text)$/i;
const PREDICTION_NAMES = /^(prediction|pred|predicted|predicted_label|predicted_class|y_pred|model_label|model_answer)$/i;
const LABEL_NAMES = /^(label|class|category|decision|target|gold|gold_label|true_label|y_true|y|reference_label|recommendation|item|choice|action|answer)$/i;
const VALUE_NAMES = /^(score|reward|sample|value|loss|logprob|log_prob|confidence|probability|prob|error|rating|perplexity|x)$/i;
const VECTOR_NAMES = /^(embedding|embeddings|vector|vec|features|representation|hidden|emb)$/i;
const ID_NAMES = /(^id$|_id$|^idx$|^index$|^uuid$|^key$|^seed$|^timestamp$|^time$|^date$|^line$|^row$|^record$|^ts$|^created(_at)?$)/i;

interface FieldStats {
  name: string;
  present: number;
  strings: number;
  numbers: number;
  integers: number;
  numericArrays: number;
  arrayLengths: Map<number, number>;
  distinct: Map<string, number>;
  distinctCapped: boolean;
  stringLength: number;
  whitespaceStrings: number;
}

const DISTINCT_CAP = 5000;

function statsFor(map: Map<string, FieldStats>, name: string): FieldStats {
  let s = map.get(name);
  if (!s) {
    s = {
      name, present: 0, strings: 0, numbers: 0, integers: 0, numericArrays: 0, arrayLengths: new Map(),
      distinct: new Map(), distinctCapped: false, stringLength: 0, whitespaceStrings: 0,
    };
    map.set(name, s);
  }
  return s;
}

function isNumericArray(v: unknown): v is number[] {
  if (!Array.isArray(v) || v.length === 0) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number' || !Number.isFinite(v[i])) return false;
  return true;
}

/** Reads a possibly dotted field path (`response.text`) from a record. */
export function getField(record: Record<string, unknown>, path: string): unknown {
  if (path in record) return record[path];
  if (!path.includes('.')) return undefined;
  let cur: unknown = record;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function collectStats(sample: readonly Record<string, unknown>[]): Map<string, FieldStats> {
  const map = new Map<string, FieldStats>();
  const visit = (name: string, v: unknown, depth: number) => {
    if (v === null || v === undefined) {
      statsFor(map, name);
      return;
    }
    if (typeof v === 'object' && !Array.isArray(v)) {
      if (depth < 1) for (const [k, x] of Object.entries(v)) visit(`${name}.${k}`, x, depth + 1);
      return;
    }
    const s = statsFor(map, name);
    s.present++;
    let key: string | undefined;
    if (typeof v === 'string') {
      if (v.length === 0) return;
      s.strings++;
      s.stringLength += v.length;
      if (/\s/u.test(v.trim())) s.whitespaceStrings++;
      key = 's:' + (v.length > 200 ? v.slice(0, 200) : v);
    } else if (typeof v === 'number' && Number.isFinite(v)) {
      s.numbers++;
      if (Number.isInteger(v)) s.integers++;
      key = 'n:' + v;
    } else if (typeof v === 'boolean') {
      key = 'b:' + v;
    } else if (isNumericArray(v)) {
      s.numericArrays++;
      s.arrayLengths.set(v.length, (s.arrayLengths.get(v.length) ?? 0) + 1);
    }
    if (key !== undefined && !s.distinctCapped) {
      s.distinct.set(key, (s.distinct.get(key) ?? 0) + 1);
      if (s.distinct.size > DISTINCT_CAP) s.distinctCapped = true;
    }
  };
  for (const r of sample) for (const [k, v] of Object.entries(r)) visit(k, v, 0);
  return map;
}

function findColumnVector(fields: readonly string[]): ColumnVector | undefined {
  const byPrefix = new Map<string, Map<number, string>>();
  for (const f of fields) {
    const m = /^(.*?)(\d+)$/.exec(f);
    if (!m || m[1] === undefined || m[2] === undefined) continue;
    const prefix = m[1];
    if (!byPrefix.has(prefix)) byPrefix.set(prefix, new Map());
    byPrefix.get(prefix)!.set(Number(m[2]), f);
  }
  let best: ColumnVector | undefined;
  for (const [prefix, idx] of byPrefix) {
    const start = idx.has(0) ? 0 : idx.has(1) ? 1 : -1;
    if (start < 0) continue;
    const columns: string[] = [];
    for (let i = start; idx.has(i); i++) columns.push(idx.get(i)!);
    if (columns.length >= 2 && (!best || columns.length > best.columns.length)) best = { prefix, columns };
  }
  return best;
}

export class DetectionError extends Error {}

/**
 * Chooses a field for each role from a sample of records. Overrides win; a named field that
 * does not exist is an error with the list of fields, so the user can correct the flag.
 */
export function detectFields(
  sample: readonly Record<string, unknown>[],
  overrides: FieldOverrides = {},
  options: { multipleFiles?: boolean } = {},
): DetectedFields {
  const stats = collectStats(sample);
  const fields = [...stats.keys()];
  const n = sample.length;
  const roles: Record<FieldRole, string | null> = { text: null, vector: null, label: null, prediction: null, value: null, group: null };
  const reasons: Partial<Record<FieldRole, string>> = {};
  const taken = new Set<string>();
  let columnVector: ColumnVector | undefined;

  for (const [role, name] of Object.entries(overrides) as [FieldRole, string | undefined][]) {
    if (!name) continue;
    const cv = role === 'vector' ? findColumnVectorByName(fields, name) : undefined;
    if (!stats.has(name) && !cv) {
      throw new DetectionError(`the ${role} field "${name}" is not in the data; fields found: ${fields.join(', ') || '(none)'}`);
    }
    roles[role] = name;
    if (cv) columnVector = cv;
    reasons[role] = 'set by the user';
    taken.add(name);
  }

  const distinctCount = (s: FieldStats) => (s.distinctCapped ? Infinity : s.distinct.size);
  const lowCardinality = (s: FieldStats) => {
    const d = distinctCount(s);
    return d >= 1 && d <= Math.max(50, Math.min(200, n * 0.05)) && d <= Math.max(2, n * 0.5);
  };
  const free = (s: FieldStats) => !taken.has(s.name);
  const all = [...stats.values()];
  const choose = (role: FieldRole, pick: FieldStats | undefined, why: string) => {
    if (!pick || roles[role] !== null) return;
    roles[role] = pick.name;
    reasons[role] = why;
    taken.add(pick.name);
  };

  // Group: a generation-like name whose values are few; with several files the files are
  // the generations, unless the user names a group field.
  if (!options.multipleFiles && roles.group === null) {
    const g = all.find((s) => free(s) && GROUP_NAMES.test(leaf(s.name)) && (s.numbers > 0 || s.strings > 0) && distinctCount(s) >= 1 && lowCardinality(s));
    choose('group', g, 'named like a generation, with few distinct values');
  }

  // Vector: arrays of numbers of one length (or numbered columns in CSV).
  if (roles.vector === null) {
    const candidates = all
      .filter((s) => free(s) && s.numericArrays > 0 && s.numericArrays >= 0.9 * s.present)
      .map((s) => {
        const [len, count] = [...s.arrayLengths].sort((a, b) => b[1] - a[1])[0]!;
        return { s, len, share: count / s.numericArrays };
      })
      .filter((c) => c.len >= 2 && c.share >= 0.9)
      .sort((a, b) => Number(VECTOR_NAMES.test(leaf(b.s.name))) - Number(VECTOR_NAMES.test(leaf(a.s.name))) || b.len - a.len);
    if (candidates[0]) choose('vector', candidates[0].s, `arrays of ${candidates[0].len} numbers`);
    else {
      const numericFields = fields.filter((f) => {
        const s = stats.get(f)!;
        return s.numbers > 0 && s.numbers >= 0.9 * s.present;
      });
      const cv = findColumnVector(numericFields);
      if (cv && cv.columns.length >= 2) {
        columnVector = cv;
        roles.vector = `${cv.columns[0]}..${cv.columns[cv.columns.length - 1]}`;
        reasons.vector = `${cv.columns.length} numbered columns`;
        cv.columns.forEach((c) => taken.add(c));
      }
    }
  }

  // Text: a text-like name, else the longest varying string field that reads like prose.
  if (roles.text === null) {
    const strings = all.filter((s) => free(s) && s.strings > 0 && s.strings >= 0.5 * s.present && !ID_NAMES.test(leaf(s.name)));
    const named = strings.find((s) => TEXT_NAMES.test(leaf(s.name)) && distinctCount(s) >= 1);
    if (named) choose('text', named, 'named like model output');
    else {
      const prose = strings
        .filter((s) => distinctCount(s) > 1 && (s.whitespaceStrings >= 0.3 * s.strings || s.stringLength / s.strings >= 40))
        .filter((s) => !(LABEL_NAMES.test(leaf(s.name)) || PREDICTION_NAMES.test(leaf(s.name))) || s.whitespaceStrings >= 0.5 * s.strings)
        .sort((a, b) => b.stringLength / b.strings - a.stringLength / a.strings);
      choose('text', prose[0], 'the longest varying string field');
    }
  }

  // Prediction and label: by name first, low-cardinality strings or integers otherwise.
  const labelLike = (s: FieldStats) =>
    free(s) && (s.strings > 0 || s.integers > 0) && s.strings + s.integers >= 0.9 * s.present && lowCardinality(s) && !ID_NAMES.test(leaf(s.name));
  if (roles.prediction === null) {
    choose('prediction', all.find((s) => labelLike(s) && PREDICTION_NAMES.test(leaf(s.name))), 'named like a prediction');
  }
  if (roles.label === null) {
    const named = all.find((s) => labelLike(s) && LABEL_NAMES.test(leaf(s.name)));
    choose('label', named, 'named like a label or decision');
    if (!named && roles.prediction === null && roles.text === null) {
      const fallback = all.find((s) => labelLike(s) && s.strings > 0 && !VALUE_NAMES.test(leaf(s.name)));
      choose('label', fallback, 'a low-cardinality string field');
    }
  }

  // Value: a numeric scalar that is not an id or a group.
  if (roles.value === null) {
    const numeric = all.filter((s) => free(s) && s.numbers > 0 && s.numbers >= 0.9 * s.present && !ID_NAMES.test(leaf(s.name)) && !GROUP_NAMES.test(leaf(s.name)));
    const named = numeric.find((s) => VALUE_NAMES.test(leaf(s.name)));
    const fractional = numeric.find((s) => s.integers < s.numbers);
    choose('value', named ?? fractional, named ? 'named like a score' : 'a numeric field with fractional values');
  }

  const result: DetectedFields = { roles, fields, reasons };
  if (columnVector) result.columnVector = columnVector;
  return result;
}

function leaf(name: string): string {
  const i = name.lastIndexOf('.');
  return i < 0 ? name : name.slice(i + 1);
}

function findColumnVectorByName(fields: readonly string[], name: string): ColumnVector | undefined {
  // `--vector-field x` or `--vector-field x0..x383` name a run of numbered columns.
  const prefix = name.includes('..') ? (/^(.*?)\d+\.\./.exec(name)?.[1] ?? name) : name;
  const cv = findColumnVector(fields.filter((f) => f.startsWith(prefix) && /^\d+$/.test(f.slice(prefix.length))));
  return cv && cv.prefix === prefix ? cv : undefined;
}

/** The report's `fields` object. */
export function fieldRoles(d: DetectedFields): FieldRoles {
  return { ...d.roles };
}

/** Reads a record's vector, from an array field or from numbered columns. */
export function readVector(record: Record<string, unknown>, d: DetectedFields): number[] | undefined {
  if (d.columnVector) {
    const cols = d.columnVector.columns;
    const out = new Array<number>(cols.length);
    for (let i = 0; i < cols.length; i++) {
      const v = record[cols[i]!];
      if (typeof v !== 'number') return undefined;
      out[i] = v;
    }
    return out;
  }
  const name = d.roles.vector;
  if (!name) return undefined;
  const v = getField(record, name);
  return Array.isArray(v) ? (v as number[]) : undefined;
}
