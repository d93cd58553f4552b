// A partial analysis: what reading some inputs leaves before any metric is finished — the
// fields used, each file's summary and malformed records, and per generation one accumulator
// per role (roles.ts). Partial analyses of disjoint inputs (files, or shards of one file)
// merge into the partial analysis of all of them, which finish.ts turns into the same report
// one analysis of everything gives. `partialToState`/`partialFromState` store one as plain
// JSON (schemas/partial.schema.json) for `collapse-lens partial` and `merge`.
import type { FieldRole, InputSummary } from '../../shared/report';
import type { RecordIssue } from '../readers/types';
import { HashSet53 } from '../numeric/hashTables';
import { lowBits } from '../numeric/hash53';
import { naturalCompare } from '../generations';
import type { SamplingOptions } from '../options';
import { ROLES } from './roles';
import type { RoleAccumulators, RoleContext, RoleKey } from './roles';
import type { RollingTracker } from './rolling';

/** Malformed records kept with their text, for messages and diagnostics. */
export interface MalformedRecord extends RecordIssue {
  file: string;
}

/** Malformed records kept per file, and in all. */
export const MAX_ISSUES_KEPT = 100;
/** Lines of malformed records listed per file. */
export const MAX_MALFORMED_LINES = 100;

/** The fields an analysis read, as detected (or named) on the first records of its first file. */
export interface FieldsUsed {
  roles: Record<FieldRole, string | null>;
  /** The path of each role as written (`choices[*].message.content`). */
  paths: Partial<Record<FieldRole, string>>;
  reasons: Partial<Record<FieldRole, string>>;
  /** Every path seen while detecting. */
  names: string[];
  /** Numbered columns of a column vector (x0, x1, …), and their prefix (x). */
  columns?: string[];
  columnPrefix?: string;
  variant?: { path: string; value: string };
  /** The array of records analyzed in a JSON document holding several. */
  collection?: string;
  /** Detected for several files at once (where the files are the generations). */
  acrossFiles: boolean;
}

/** Options that change what the accumulators hold: partial analyses merge only when theirs agree. */
export interface PartialSettings {
  seed: number;
  lowercase: boolean;
  sampling: SamplingOptions;
}

export interface FileState {
  summary: InputSummary;
  /** The first malformed records of the file, by line (at most MAX_ISSUES_KEPT). */
  issues: MalformedRecord[];
}

export interface GroupState {
  /** The file the generation was read from (as reported). */
  file: string;
  /** The value of the generation field, when one file holds several generations. */
  group?: string;
  firstLine: number;
  records: number;
  /** Texts added: several per record when a record holds several outputs. */
  outputs: number;
  /** Hashes of the prompts (requests) the outputs answer, when the data says which. */
  prompts?: HashSet53;
  roles: RoleAccumulators;
}

export interface PartialAnalysis {
  settings: PartialSettings;
  fields: FieldsUsed;
  /** Files in the order they are analyzed (natural order of their names). */
  files: FileState[];
  groups: GroupState[];
  /** The rolling view of one stream without generations (not kept when partial analyses merge). */
  rolling?: RollingTracker;
}

export function roleContext(settings: PartialSettings, fields: Pick<FieldsUsed, 'roles'>, vectorReservoir?: () => number, mergeable = true): RoleContext {
  return {
    mergeable,
    seed: settings.seed,
    lowercase: settings.lowercase,
    sampling: settings.sampling,
    detected: { roles: fields.roles } as RoleContext['detected'],
    vectorReservoir: vectorReservoir ?? (() => settings.sampling.vectorReservoir),
  };
}

/** Whether two partial analyses can merge; the reason when they cannot. */
export function mergeProblem(a: PartialAnalysis, b: PartialAnalysis): string | undefined {
  const differs = (what: string, x: unknown, y: unknown) => (JSON.stringify(x) === JSON.stringify(y) ? undefined : `${what} differ (${short(x)} and ${short(y)})`);
  const rolesOf = (p: PartialAnalysis) => {
    const { group: _group, ...rest } = p.fields.roles;
    return rest;
  };
  const pathsOf = (p: PartialAnalysis) => {
    const { group: _group, ...rest } = p.fields.paths;
    return rest;
  };
  return (
    differs('the seeds', a.settings.seed, b.settings.seed) ??
    differs('the lowercase options', a.settings.lowercase, b.settings.lowercase) ??
    differs('the sampling options', a.settings.sampling, b.settings.sampling) ??
    differs('the fields analyzed', rolesOf(a), rolesOf(b)) ??
    differs('the field paths', pathsOf(a), pathsOf(b)) ??
    differs('the vector columns', a.fields.columns, b.fields.columns) ??
    differs('the record variants', a.fields.variant, b.fields.variant) ??
    differs('the record arrays', a.fields.collection, b.fields.collection)
  );
}

function short(x: unknown): string {
  const s = JSON.stringify(x) ?? 'none';
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

/**
 * The partial analysis of the inputs of all `parts` (disjoint records: different files, or
 * different records of the same file). Throws when two of them cannot merge (mergeProblem).
 * The parts are not modified, except that their accumulators may be moved into the result.
 */
export function mergePartials(parts: readonly PartialAnalysis[]): PartialAnalysis {
  if (parts.length === 0) throw new Error('mergePartials: nothing to merge');
  const first = parts[0]!;
  for (const p of parts.slice(1)) {
    const problem = mergeProblem(first, p);
    if (problem) throw new MergeError(problem);
  }
  if (parts.length === 1) return first;
  const files = new Map<string, FileState>();
  for (const p of parts) {
    for (const f of p.files) {
      const mine = files.get(f.summary.file);
      files.set(f.summary.file, mine ? mergeFiles(mine, f) : { summary: { ...f.summary }, issues: [...f.issues] });
    }
  }
  const groups = new Map<string, GroupState>();
  for (const p of parts) {
    for (const g of p.groups) {
      const key = groupKey(g.file, g.group);
      const mine = groups.get(key);
      if (mine) mergeGroup(mine, g);
      else groups.set(key, g);
    }
  }
  // The reasons and field names of the analysis of the first file, as one analysis of all
  // the files would give; a generation field counts only while there is a single file.
  const ordered = [...files.values()];
  const firstFile = ordered.map((f) => f.summary.file).sort(naturalCompare)[0];
  const fields = parts.find((p) => p.files.some((f) => f.summary.file === firstFile))?.fields ?? first.fields;
  return { settings: first.settings, fields, files: ordered, groups: [...groups.values()] };
}

export class MergeError extends Error {
  constructor(reason: string) {
    super(`these partial results cannot be merged: ${reason}; run \`partial\` on every shard with the same options and fields (name the fields with --text-field and the others to stop detection from differing)`);
    this.name = 'MergeError';
  }
}

export function groupKey(file: string, group: string | undefined): string {
  return group === undefined ? `f\0${file}` : `g\0${file}\0${group}`;
}

function mergeFiles(a: FileState, b: FileState): FileState {
  const s = a.summary;
  const t = b.summary;
  const summary: InputSummary = { ...s, records: s.records + t.records, malformed: s.malformed + t.malformed };
  if (s.bytes !== undefined || t.bytes !== undefined) summary.bytes = (s.bytes ?? 0) + (t.bytes ?? 0);
  const lines = [...(s.malformedLines ?? []), ...(t.malformedLines ?? [])].sort((x, y) => x - y).slice(0, MAX_MALFORMED_LINES);
  if (lines.length) summary.malformedLines = lines;
  else delete summary.malformedLines;
  const issues = [...a.issues, ...b.issues].sort(byPosition).slice(0, MAX_ISSUES_KEPT);
  return { summary, issues };
}

export function byPosition(a: RecordIssue, b: RecordIssue): number {
  return a.line - b.line || a.column - b.column;
}

/** Adds the records of `b` (the same generation, other records) to `a`. */
export function mergeGroup(a: GroupState, b: GroupState): void {
  a.firstLine = Math.min(a.firstLine, b.firstLine);
  a.records += b.records;
  a.outputs += b.outputs;
  if (b.prompts) {
    if (!a.prompts) a.prompts = b.prompts;
    else b.prompts.forEach((key) => a.prompts!.addKey(key, lowBits(key), false));
  }
  for (const role of ROLES) {
    const key = role.key as RoleKey;
    const theirs = b.roles[key];
    if (!theirs) continue;
    const mine = a.roles[key];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    if (mine) role.merge(mine, theirs);
    else (a.roles as Record<RoleKey, unknown>)[key] = theirs;
  }
}

/** The prompt hashes of a generation, ascending. */
function promptKeys(set: HashSet53): number[] {
  const keys: number[] = [];
  set.forEach((key) => keys.push(key));
  return keys.sort((x, y) => x - y);
}

// ---------------------------------------------------------------------------------------
// Stored form (schemas/partial.schema.json)

/** Version of the stored form; a state of another version is refused with a message. */
export const PARTIAL_STATE_VERSION = 1;
export const PARTIAL_STATE_KIND = 'collapse-lens/partial';

export interface PartialState {
  kind: typeof PARTIAL_STATE_KIND;
  version: number;
  /** The tool version that wrote it. */
  tool: string;
  settings: PartialSettings;
  fields: FieldsUsed;
  files: FileState[];
  groups: StoredGroup[];
}

export interface StoredGroup {
  file: string;
  group?: string;
  firstLine: number;
  records: number;
  outputs: number;
  /** The prompt hashes, as numbers below 2^53. */
  prompts?: number[];
  roles: Partial<Record<RoleKey, unknown>>;
}

export function partialToState(p: PartialAnalysis, tool: string): PartialState {
  return {
    kind: PARTIAL_STATE_KIND,
    version: PARTIAL_STATE_VERSION,
    tool,
    settings: p.settings,
    fields: p.fields,
    files: p.files,
    groups: p.groups.map((g) => {
      const roles: Partial<Record<RoleKey, unknown>> = {};
      for (const role of ROLES) {
        const acc = g.roles[role.key as RoleKey];
        if (acc) roles[role.key as RoleKey] = role.toState(acc);
      }
      const stored: StoredGroup = { file: g.file, firstLine: g.firstLine, records: g.records, outputs: g.outputs, roles };
      if (g.group !== undefined) stored.group = g.group;
      if (g.prompts) stored.prompts = promptKeys(g.prompts);
      return stored;
    }),
  };
}

/** Reads a stored partial analysis; throws a StateError naming what is wrong. */
export function partialFromState(value: unknown): PartialAnalysis {
  const s = value as Partial<PartialState> | null;
  if (!s || typeof s !== 'object' || s.kind !== PARTIAL_STATE_KIND) throw new StateError('it is not a partial result of collapse-lens (write one with `collapse-lens partial`)');
  if (s.version !== PARTIAL_STATE_VERSION) throw new StateError(`it is a partial result of version ${String(s.version)}, and this collapse-lens reads version ${PARTIAL_STATE_VERSION}; write it again with this version`);
  if (!s.settings || !s.fields || !Array.isArray(s.files) || !Array.isArray(s.groups)) throw new StateError('it lacks its settings, fields, files or generations');
  const ctx = roleContext(s.settings, s.fields);
  const groups = s.groups.map((g): GroupState => {
    const roles: RoleAccumulators = {};
    for (const role of ROLES) {
      const stored = g.roles?.[role.key as RoleKey];
      if (stored !== undefined) (roles as Record<RoleKey, unknown>)[role.key as RoleKey] = role.fromState(stored, ctx);
    }
    const state: GroupState = { file: g.file, firstLine: g.firstLine, records: g.records, outputs: g.outputs, roles };
    if (g.group !== undefined) state.group = g.group;
    if (g.prompts) {
      state.prompts = new HashSet53(Math.max(256, g.prompts.length));
      for (const key of g.prompts) state.prompts.addKey(key, lowBits(key), false);
    }
    return state;
  });
  return { settings: s.settings, fields: s.fields, files: s.files, groups };
}

export class StateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateError';
  }
}
