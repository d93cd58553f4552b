// Over 400 lines: the role heuristics depend on each other (a path taken by one role is not free for the next).
// Field-role detection: which path holds the text, the vector, the labels, the values, the
// prompt and the generation, decided from a sample of records and overridable by the user.
// Nested objects, chat message lists and arrays of outputs are walked (see layout.ts), so the
// files real tools write (batch results, chat datasets, eval logs) need no flags.
import type { FieldRole, FieldRoles } from '../shared/report';
import type { FieldOverrides } from './options';
import { compileFieldPath, FieldPathError } from './fieldPath';
import type { FieldPath } from './fieldPath';
import { INPUT_NAMES, textOf, walkRecord } from './layout';
import type { PathInfo } from './layout';

/** A synthetic field made of numbered CSV columns (`x0..x383`). */
export interface ColumnVector {
  prefix: string;
  columns: string[];
}

export interface DetectedFields {
  roles: Record<FieldRole, string | null>;
  /** The compiled path of each role (none for a column vector). */
  paths: Partial<Record<FieldRole, FieldPath>>;
  /** Set when the vector role is a run of numbered columns. */
  columnVector?: ColumnVector;
  /** Every path seen in the sample, for messages and quick picks. */
  fields: string[];
  /** Why each role was chosen (or not), for the report and the host's hover. */
  reasons: Partial<Record<FieldRole, string>>;
  /** Roles whose field is a reference or an input (e.g. a gold label), not the model's output. */
  references: FieldRole[];
  /** When no role fits: the path closest to a text (the longest strings), to suggest. */
  closest?: string;
  /**
   * Records written once per variant with the same outputs (lm-evaluation-harness writes each
   * doc once per `filter`): only the records with this value are read.
   */
  variant?: { path: string; value: string };
}

const GROUP_NAMES = /^(generation|gen|generation_id|epoch|round|step|iteration|iter|cycle|group|model_generation)$/i;
const TEXT_NAMES = /^(output|outputs|completion|response|text|generation_text|generated|generated_text|answer_text|content|sample_text|message|prediction_text|resps|filtered_resps)$/i;
const PREDICTION_NAMES = /^(prediction|pred|predicted|predicted_label|predicted_class|y_pred|model_label|model_answer)$/i;
const LABEL_NAMES = /^(label|class|category|decision|target|gold|gold_label|true_label|y_true|y|reference_label|recommendation|item|choice|action|answer)$/i;
/** Label names that hold the reference rather than what the model chose. */
const REFERENCE_NAMES = /^(target|gold|gold_label|true_label|y_true|reference|reference_label|answer|expected|ideal|correct_answer)$/i;
const VALUE_NAMES = /^(score|reward|sample|value|loss|logprob|log_prob|confidence|probability|prob|error|rating|perplexity|x)$/i;
const VECTOR_NAMES = /^(embedding|embeddings|vector|vec|features|representation|hidden|emb)$/i;
const ID_NAMES = /(^id$|_id$|Id$|^idx$|^index$|^uuid$|^key$|^seed$|^timestamp$|^time$|^date$|^line$|^row$|^record$|^ts$|^created(_at)?$|_hash$|^hash$|^fingerprint$|_fingerprint$)/;
/** Metadata beside the output: never the text, never a label. */
const METADATA_NAMES =
  /^(object|model|model_name|modelVersion|model_version|role|type|finish_reason|finishReason|stop_reason|stop_sequence|status|status_code|service_tier|system_fingerprint|version|filter|method|url|name|language|lang|source|split|task|dataset|provider|engine|responseId|request_id|custom_id)$/i;
/** Singular paths naming the request an output answers, for outputs grouped per prompt. */
const PROMPT_NAMES = /^(prompt|input|question|instruction|query|doc_id|prompt_id|question_id|problem_id|task_id|sample_id|custom_id|key|request_id)$/i;

interface FieldStats {
  name: string;
  info: PathInfo;
  /** Records of the sample with at least one value at this path. */
  records: number;
  /** Values seen (several per record for a multi path). */
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
  numericStrings: number;
}

const DISTINCT_CAP = 5000;

function isNumericArray(v: unknown): v is number[] {
  if (!Array.isArray(v) || v.length === 0) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number' || !Number.isFinite(v[i])) return false;
  return true;
}

const NUMERIC_STRING = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$|^(true|false|True|False|null|None)$/;

function collectStats(sample: readonly Record<string, unknown>[]): Map<string, FieldStats> {
  const map = new Map<string, FieldStats>();
  let recordIndex = 0;
  const lastRecord = new Map<string, number>();
  const statsFor = (name: string, info: PathInfo): FieldStats => {
    let s = map.get(name);
    if (!s) {
      s = {
        name, info, records: 0, present: 0, strings: 0, numbers: 0, integers: 0, numericArrays: 0, arrayLengths: new Map(),
        distinct: new Map(), distinctCapped: false, stringLength: 0, whitespaceStrings: 0, numericStrings: 0,
      };
      map.set(name, s);
    }
    return s;
  };
  const visit = (name: string, raw: unknown, info: PathInfo) => {
    const s = statsFor(name, info);
    if (raw === null || raw === undefined) return;
    if (lastRecord.get(name) !== recordIndex) {
      lastRecord.set(name, recordIndex);
      s.records++;
    }
    s.present++;
    const v = typeof raw === 'object' && !isNumericArray(raw) ? textOf(raw) : raw;
    let key: string | undefined;
    if (typeof v === 'string') {
      if (v.length === 0) return;
      s.strings++;
      s.stringLength += v.length;
      if (/\s/u.test(v.trim())) s.whitespaceStrings++;
      if (v.length < 40 && NUMERIC_STRING.test(v)) s.numericStrings++;
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
  for (const r of sample) {
    walkRecord(r, visit);
    recordIndex++;
  }
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

/** Compiles a user's path, turning a syntax error into a DetectionError naming the role. */
function compileOverride(role: FieldRole, text: string): FieldPath {
  try {
    return compileFieldPath(text);
  } catch (e) {
    if (e instanceof FieldPathError) throw new DetectionError(`the ${role} field path is not valid: ${e.message}`);
    throw e;
  }
}

/** Whether a user's path selects anything in the sample. */
function selectsSomething(path: FieldPath, sample: readonly Record<string, unknown>[]): boolean {
  const out: unknown[] = [];
  for (const r of sample) {
    out.length = 0;
    path.select(r, out);
    if (out.some((v) => v !== undefined && v !== null)) return true;
  }
  return false;
}

/** The paths of the sample closest to a wrong one, for "did you mean". */
function closest(wanted: string, fields: readonly string[]): string[] {
  const leafOf = (p: string) => (/([A-Za-z0-9_-]+)'?\]?$/.exec(p)?.[1] ?? p).toLowerCase();
  const w = leafOf(wanted);
  return fields.filter((f) => leafOf(f) === w || f.toLowerCase().includes(w)).slice(0, 3);
}

/**
 * Chooses a path for each role from a sample of records. Overrides win; a path that selects
 * nothing is an error with the paths found, so the user can correct the flag.
 */
export function detectFields(
  sample: readonly Record<string, unknown>[],
  overrides: FieldOverrides = {},
  options: { multipleFiles?: boolean } = {},
): DetectedFields {
  const stats = collectStats(sample);
  const fields = [...stats.keys()];
  const n = sample.length;
  const roles: Record<FieldRole, string | null> = { text: null, vector: null, label: null, prediction: null, value: null, group: null, prompt: null };
  const paths: Partial<Record<FieldRole, FieldPath>> = {};
  const reasons: Partial<Record<FieldRole, string>> = {};
  const references: FieldRole[] = [];
  const taken = new Set<string>();
  let columnVector: ColumnVector | undefined;

  for (const [role, name] of Object.entries(overrides) as [FieldRole, string | undefined][]) {
    if (!name) continue;
    const cv = role === 'vector' ? findColumnVectorByName(fields, name) : undefined;
    if (cv) {
      columnVector = cv;
      roles.vector = name;
      reasons.vector = 'set by the user';
      continue;
    }
    const path = compileOverride(role, name);
    if (!stats.has(name) && !stats.has(path.canonical) && !selectsSomething(path, sample)) {
      const near = closest(name, fields);
      throw new DetectionError(
        `the ${role} field "${name}" selects nothing in the data; paths found: ${fields.slice(0, 40).join(', ') || '(none)'}${near.length ? `; did you mean ${near.map((f) => `"${f}"`).join(' or ')}?` : ''}`,
      );
    }
    roles[role] = name;
    paths[role] = path;
    reasons[role] = 'set by the user';
    taken.add(path.canonical);
    taken.add(name);
  }

  const distinctCount = (s: FieldStats) => (s.distinctCapped ? Infinity : s.distinct.size);
  const lowCardinality = (s: FieldStats) => {
    const d = distinctCount(s);
    return d >= 1 && d <= Math.max(50, Math.min(200, n * 0.05)) && d <= Math.max(2, n * 0.5);
  };
  const free = (s: FieldStats) => !taken.has(s.name);
  const all = [...stats.values()];
  const singular = (s: FieldStats) => !s.info.multi;
  const choose = (role: FieldRole, pick: FieldStats | undefined, why: string) => {
    if (!pick || roles[role] !== null) return;
    roles[role] = pick.name;
    paths[role] = compileFieldPath(pick.name);
    reasons[role] = why;
    taken.add(pick.name);
  };

  // Group: a generation-like name whose values are few; with several files the files are
  // the generations, unless the user names a group field.
  if (!options.multipleFiles && roles.group === null) {
    const g = all.find(
      (s) => free(s) && singular(s) && !s.info.input && GROUP_NAMES.test(leaf(s.name)) && (s.numbers > 0 || s.strings > 0) && distinctCount(s) >= 1 && lowCardinality(s),
    );
    choose('group', g, 'named like a generation, with few distinct values');
  }

  // Vector: arrays of numbers of one length (or numbered columns in CSV).
  if (roles.vector === null) {
    const candidates = all
      .filter((s) => free(s) && !s.info.input && s.numericArrays > 0 && s.numericArrays >= 0.9 * s.present)
      .map((s) => {
        const [len, count] = [...s.arrayLengths].sort((a, b) => b[1] - a[1])[0]!;
        return { s, len, share: count / s.numericArrays };
      })
      .filter((c) => c.len >= 2 && c.share >= 0.9)
      .sort((a, b) => Number(VECTOR_NAMES.test(leaf(b.s.name))) - Number(VECTOR_NAMES.test(leaf(a.s.name))) || b.len - a.len);
    if (candidates[0]) choose('vector', candidates[0].s, `arrays of ${candidates[0].len} numbers${candidates[0].s.info.multi ? ', several per record' : ''}`);
    else {
      const numericFields = fields.filter((f) => {
        const s = stats.get(f)!;
        return singular(s) && s.numbers > 0 && s.numbers >= 0.9 * s.present;
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

  // Text: the model's turns of a message list; else an output-like path; else the longest
  // varying prose. Inputs (prompts, user turns, references) and metadata never are.
  let inputText: FieldStats | undefined;
  if (roles.text === null) {
    const strings = all.filter(
      (s) => free(s) && s.strings > 0 && s.strings >= 0.5 * s.present && !ID_NAMES.test(leaf(s.name)) && !METADATA_NAMES.test(leaf(s.name)) && s.numericStrings < 0.5 * s.strings,
    );
    const outputs = strings.filter((s) => !s.info.input);
    const coverage = (s: FieldStats) => s.records / Math.max(1, n);
    // Most records covered; then the path giving the most outputs per record (all of
    // `resps[*][*]` rather than the first of each in `filtered_resps[*]`); then the shallower.
    const perRecord = (s: FieldStats) => s.strings / Math.max(1, s.records);
    const rank = (a: FieldStats, b: FieldStats) =>
      Number(coverage(b) >= 0.5) - Number(coverage(a) >= 0.5) || perRecord(b) - perRecord(a) || depthOf(a.name) - depthOf(b.name) || b.stringLength / b.strings - a.stringLength / a.strings;
    const prose = (s: FieldStats) => s.whitespaceStrings >= 0.3 * s.strings || s.stringLength / s.strings >= 40;
    const turns = outputs.filter((s) => s.info.model).sort(rank);
    const named = outputs
      .filter((s) => TEXT_NAMES.test(leaf(s.name)) && (!s.info.multi || s.info.output || prose(s)))
      .sort(rank);
    // An output container (`output.choices[*].message.content`) is the final answer even when
    // a transcript of message turns sits beside it, as in eval logs.
    const contained = named.find((s) => s.info.output && !s.info.model && coverage(s) >= 0.5);
    const why = (s: FieldStats) => (s.info.multi ? `named like model output, one output per element of ${arraysOf(s.name)}` : 'named like model output');
    if (contained && turns[0]) choose('text', contained, why(contained));
    else if (turns[0]) choose('text', turns[0], turns[0].info.note ?? 'the model turns of a message list');
    else if (named[0]) choose('text', named[0], why(named[0]));
    else {
      const candidates = outputs
        .filter((s) => distinctCount(s) > 1 && prose(s))
        .filter((s) => !(LABEL_NAMES.test(leaf(s.name)) || PREDICTION_NAMES.test(leaf(s.name))) || s.whitespaceStrings >= 0.5 * s.strings)
        .sort((a, b) => Number(b.info.output) - Number(a.info.output) || b.stringLength / b.strings - a.stringLength / a.strings);
      choose('text', candidates[0], 'the longest varying string field');
    }
    if (roles.text === null) inputText = strings.filter((s) => s.info.input && prose(s)).sort((a, b) => b.stringLength / b.strings - a.stringLength / a.strings)[0];
  }

  // Prediction and label: by name first, low-cardinality strings or integers otherwise.
  // Paths through inputs (`doc.answer`) are references, never labels of their own.
  const labelLike = (s: FieldStats) =>
    free(s) && singular(s) && !inputContainer(s.name) && (s.strings > 0 || s.integers > 0) && s.strings + s.integers >= 0.9 * s.present && lowCardinality(s) &&
    !ID_NAMES.test(leaf(s.name)) && !METADATA_NAMES.test(leaf(s.name)) && s.records >= 0.5 * n;
  if (roles.prediction === null) {
    choose('prediction', all.find((s) => labelLike(s) && PREDICTION_NAMES.test(leaf(s.name))), 'named like a prediction');
  }
  if (roles.label === null) {
    const named = all.find((s) => labelLike(s) && LABEL_NAMES.test(leaf(s.name)) && (roles.prediction !== null || !REFERENCE_NAMES.test(leaf(s.name))));
    choose('label', named, roles.prediction !== null && named && REFERENCE_NAMES.test(leaf(named.name)) ? 'named like a reference label' : 'named like a label or decision');
    if (!named && roles.prediction === null && roles.text === null) {
      const fallback = all.find((s) => labelLike(s) && s.strings > 0 && distinctCount(s) > 1 && !VALUE_NAMES.test(leaf(s.name)) && !INPUT_NAMES.test(leaf(s.name)));
      choose('label', fallback, 'a low-cardinality string field');
    }
  }
  if (roles.label && roles.prediction && (REFERENCE_NAMES.test(leaf(roles.label)) || reasons.label === 'set by the user')) references.push('label');

  // Value: a numeric scalar that is not an id or a group.
  if (roles.value === null) {
    const numeric = all.filter(
      (s) => free(s) && singular(s) && !s.info.input && s.numbers > 0 && s.numbers >= 0.9 * s.present && !ID_NAMES.test(leaf(s.name)) && !GROUP_NAMES.test(leaf(s.name)) && !METADATA_NAMES.test(leaf(s.name)),
    );
    const named = numeric.find((s) => VALUE_NAMES.test(leaf(s.name)));
    const fractional = numeric.find((s) => s.integers < s.numbers);
    choose('value', named ?? fractional, named ? 'named like a score' : 'a numeric field with fractional values');
  }

  // Prompt: what each output answers, so outputs can be grouped per request. Several outputs
  // in one record already share one; otherwise a singular prompt-like input or request id.
  if (roles.prompt === null && roles.text !== null) {
    // `prompt`, `instruction`, `doc_id`, or the text inside a prompt object (`prompt.raw`);
    // numbers only for ids (`doc_id`), never a count such as `usage.prompt` tokens.
    const promptLike = (s: FieldStats) => {
      const name = leaf(s.name);
      const parent = leaf(s.name.slice(0, Math.max(0, s.name.length - name.length - 1)));
      const named = PROMPT_NAMES.test(name) || (/^(raw|text|content)$/.test(name) && PROMPT_NAMES.test(parent));
      const ids = /(_id|Id|^key)$/.test(name);
      return named && (s.strings >= 0.9 * s.present || (ids && s.integers >= 0.9 * s.present));
    };
    const p = all.find((s) => free(s) && singular(s) && promptLike(s) && s.records >= 0.9 * n);
    const userTurn = all.find((s) => free(s) && s.info.input && s.info.multi && s.info.note !== undefined && /\b(user|human)\b/.test(s.info.note) && s.records >= 0.9 * n);
    const pick = p ?? userTurn;
    if (pick) choose('prompt', pick, pick === p ? 'named like a prompt or request id' : pick.info.note ?? 'the user turns');
  }

  if (inputText) reasons.text = `no model output found; the only text is an input or reference: ${inputText.name}`;
  const result: DetectedFields = { roles, paths, fields, reasons, references };
  // The same outputs once per filter: a `filter` field with a few values that each cover the
  // same share of the records. Reading one of them keeps every output once.
  if (roles.text !== null && !overrides.text) {
    const f = all.find((s) => singular(s) && leaf(s.name) === 'filter' && s.strings === s.present && s.records === n && s.distinct.size >= 2 && s.distinct.size <= 10);
    const counts = f ? [...f.distinct.values()] : [];
    if (f && counts.every((c) => c === counts[0])) {
      const value = [...f.distinct.keys()][0]!.slice(2);
      result.variant = { path: f.name, value };
      reasons.text = `${reasons.text}; the records of ${f.name} "${value}" only (each record is written once per ${f.name}, with the same outputs)`;
    }
  }
  if (!roles.text && !roles.vector && !roles.label && !roles.prediction && !roles.value) {
    // Nothing fits: the closest is the string path with the longest values.
    const longest = all.filter((s) => s.strings > 0).sort((a, b) => b.stringLength / b.strings - a.stringLength / a.strings)[0];
    if (longest) result.closest = longest.name;
  }
  if (columnVector) result.columnVector = columnVector;
  return result;
}

/** The member name a path ends in: `choices[*].message.content` → `content`; `resps[*][*]` → `resps`. */
function leaf(name: string): string {
  const bare = name.replace(/(\[(\*|-?\d+|\?[^\]]*)\])+$/, '');
  const m = /(?:^|\.)([^.[\]]+)$|\['((?:[^'\\]|\\.)*)'\]$/.exec(bare);
  return m?.[1] ?? m?.[2] ?? bare;
}

/** Whether a path goes through an input container before its last member (`doc.answer`). */
function inputContainer(name: string): boolean {
  const parts = name.split(/[.[]/).map((p) => p.replace(/^'|'?\]$/g, ''));
  return parts.slice(0, -1).some((p) => INPUT_NAMES.test(p));
}

function depthOf(name: string): number {
  let d = 0;
  for (let i = 0; i < name.length; i++) if (name[i] === '.' || name[i] === '[') d++;
  return d;
}

/** `choices[*].message.content` → `choices`; `resps[*][*]` → `resps`. */
function arraysOf(name: string): string {
  const i = name.indexOf('[');
  return i < 0 ? name : name.slice(0, i);
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

/** Reads a record's vector, from an array field or from numbered columns (the first, for a multi path). */
export function readVector(record: Record<string, unknown>, d: DetectedFields): number[] | undefined {
  if (d.columnVector) {
    const cols = d.columnVector.columns;
    const out = new Array<number>(cols.length);
    for (let i = 0; i < cols.length; i++) {
      const v = Object.prototype.hasOwnProperty.call(record, cols[i]!) ? record[cols[i]!] : undefined;
      if (typeof v !== 'number') return undefined;
      out[i] = v;
    }
    return out;
  }
  const v = d.paths.vector?.first(record);
  return Array.isArray(v) ? (v as number[]) : undefined;
}
