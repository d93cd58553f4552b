// `collapselens.json`: field roles, baseline, thresholds and sampling for a folder of
// model outputs, shared by the CLI and the extension.
import { readTextFile } from './localDisk';
import type { Severity } from '../shared/report';
import { FIELD_ROLES } from '../shared/report';
import { RULE_IDS } from '../shared/metrics';
import { DEFAULT_SAMPLING, DEFAULT_THRESHOLDS, THRESHOLD_RANGES } from './options';
import { compileFieldPath, FieldPathError } from './fieldPath';
import type { AnalyzeOptions, FieldOverrides, RuleThresholds, SamplingOptions, ThresholdRange } from './options';

export const CONFIG_FILE_NAME = 'collapselens.json';

export class ConfigError extends Error {
  constructor(message: string, readonly file: string) {
    super(message);
  }
}

/** The subset of AnalyzeOptions a config file can set. */
export type FileConfig = Pick<AnalyzeOptions, 'fields' | 'baseline' | 'thresholds' | 'disabledRules' | 'severities' | 'lowercase' | 'seed' | 'sampling' | 'maxFileBytes' | 'findingMode'> & {
  failOn?: Severity | 'never';
};

/** Reads a config file; a missing optional file gives an empty config. */
export async function loadConfig(file: string, required: boolean): Promise<FileConfig> {
  let text: string;
  try {
    text = await readTextFile(file);
  } catch (e) {
    if (!required && (e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`, file);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new ConfigError(`${file} is not valid JSON: ${(e as Error).message}`, file);
  }
  return parseConfig(raw, file);
}

/**
 * The keys of `collapselens.json`. schemas/collapselens.schema.json describes the same file; a
 * unit test holds the two together.
 */
export const CONFIG_KEYS = ['$schema', 'fields', 'baseline', 'thresholds', 'rules', 'disabledRules', 'severities', 'lowercase', 'seed', 'sampling', 'maxFileBytes', 'failOn', 'findings'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Validates a parsed config object, with a message naming the offending key. */
export function parseConfig(raw: unknown, file: string): FileConfig {
  const fail = (msg: string): never => {
    throw new ConfigError(`${file}: ${msg}`, file);
  };
  if (!isObject(raw)) fail('expected a JSON object');
  const o = raw as Record<string, unknown>;
  const known: ReadonlySet<string> = new Set(CONFIG_KEYS);
  for (const k of Object.keys(o)) if (!known.has(k)) fail(`unknown key "${k}" (known: ${CONFIG_KEYS.filter((x) => x !== '$schema').join(', ')})`);
  if (o.$schema !== undefined && typeof o.$schema !== 'string') fail('"$schema" must be a string (the schema\'s path or URL)');
  const cfg: FileConfig = {};

  if (o.fields !== undefined) {
    if (!isObject(o.fields)) fail('"fields" must be an object of role → field name');
    const fields: FieldOverrides = {};
    for (const [role, name] of Object.entries(o.fields as object)) {
      if (!(FIELD_ROLES as readonly string[]).includes(role)) fail(`"fields.${role}" is not a role (roles: ${FIELD_ROLES.join(', ')})`);
      if (name === null || name === '') continue;
      if (typeof name !== 'string') fail(`"fields.${role}" must be a field name or path`);
      try {
        compileFieldPath(name as string);
      } catch (e) {
        if (e instanceof FieldPathError) fail(`"fields.${role}" is not a valid field path: ${e.message}`);
        throw e;
      }
      fields[role as keyof FieldOverrides] = name as string;
    }
    cfg.fields = fields;
  }
  if (o.baseline !== undefined) {
    if (typeof o.baseline !== 'string') fail('"baseline" must be a file name or a generation id');
    cfg.baseline = o.baseline as string;
  }
  // `rules` is another name for `thresholds`; both are checked, and `thresholds` wins.
  if (o.rules !== undefined || o.thresholds !== undefined) {
    cfg.thresholds = {
      ...(o.rules !== undefined ? parseThresholds(o.rules, fail, 'rules') : {}),
      ...(o.thresholds !== undefined ? parseThresholds(o.thresholds, fail) : {}),
    };
  }
  if (o.disabledRules !== undefined) {
    if (!Array.isArray(o.disabledRules)) fail('"disabledRules" must be an array of rule ids');
    for (const r of o.disabledRules as unknown[]) if (!(RULE_IDS as readonly unknown[]).includes(r)) fail(`"disabledRules" names an unknown rule "${String(r)}" (rules: ${RULE_IDS.join(', ')})`);
    cfg.disabledRules = o.disabledRules as string[];
  }
  if (o.severities !== undefined) {
    if (!isObject(o.severities)) fail('"severities" must map rule ids to error|warning|info');
    for (const [r, s] of Object.entries(o.severities as object)) {
      if (!(RULE_IDS as readonly string[]).includes(r)) fail(`"severities" names an unknown rule "${r}"`);
      if (s !== 'error' && s !== 'warning' && s !== 'info') fail(`"severities.${r}" must be error, warning or info`);
    }
    cfg.severities = o.severities as Record<string, Severity>;
  }
  if (o.findings !== undefined) {
    if (o.findings !== 'event' && o.findings !== 'metric') fail('"findings" must be "event" (one finding per collapse) or "metric" (one per metric and generation)');
    cfg.findingMode = o.findings as 'event' | 'metric';
  }
  if (o.lowercase !== undefined) {
    if (typeof o.lowercase !== 'boolean') fail('"lowercase" must be true or false');
    cfg.lowercase = o.lowercase as boolean;
  }
  if (o.seed !== undefined) {
    if (!Number.isInteger(o.seed)) fail('"seed" must be an integer');
    cfg.seed = o.seed as number;
  }
  if (o.maxFileBytes !== undefined) {
    if (typeof o.maxFileBytes !== 'number' || o.maxFileBytes < 0) fail('"maxFileBytes" must be a number of bytes (0 = no limit)');
    cfg.maxFileBytes = o.maxFileBytes as number;
  }
  if (o.sampling !== undefined) {
    if (!isObject(o.sampling)) fail('"sampling" must be an object');
    const s: Partial<SamplingOptions> = {};
    for (const [k, v] of Object.entries(o.sampling as object)) {
      if (!has(DEFAULT_SAMPLING, k)) fail(`"sampling.${k}" is not a sampling option (options: ${Object.keys(DEFAULT_SAMPLING).join(', ')})`);
      if (!Number.isInteger(v) || (v as number) < 1) fail(`"sampling.${k}" must be a positive integer`);
      s[k as keyof SamplingOptions] = v as number;
    }
    cfg.sampling = s;
  }
  if (o.failOn !== undefined) {
    if (!['error', 'warning', 'info', 'never'].includes(o.failOn as string)) fail('"failOn" must be error, warning, info or never');
    cfg.failOn = o.failOn as Severity | 'never';
  }
  return cfg;
}

export function parseThresholds(raw: unknown, fail: (msg: string) => never, key = 'thresholds'): Partial<RuleThresholds> {
  if (!isObject(raw)) fail(`"${key}" must be an object`);
  const out: Partial<RuleThresholds> = {};
  for (const [k, v] of Object.entries(raw as object)) {
    if (!has(DEFAULT_THRESHOLDS, k)) fail(`"${key}.${k}" is not a threshold (thresholds: ${Object.keys(DEFAULT_THRESHOLDS).join(', ')})`);
    const range = THRESHOLD_RANGES[k as keyof RuleThresholds];
    if (!inRange(v, range)) fail(`"${key}.${k}" must be ${describeRange(range)}${typeof v === 'number' ? ` (got ${v})` : ''}`);
    out[k as keyof RuleThresholds] = v as number;
  }
  return out;
}

function inRange(v: unknown, r: ThresholdRange): v is number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  if (r.integer && !Number.isInteger(v)) return false;
  if (r.minimum !== undefined && v < r.minimum) return false;
  if (r.exclusiveMinimum !== undefined && v <= r.exclusiveMinimum) return false;
  return r.maximum === undefined || v <= r.maximum;
}

/** `a number from 0 to 1`, `an integer of at least 3`, `a number above 0 and at most 1`. */
export function describeRange(r: ThresholdRange): string {
  const kind = r.integer ? 'an integer' : 'a number';
  if (r.minimum !== undefined && r.maximum !== undefined) return `${kind} from ${r.minimum} to ${r.maximum}`;
  if (r.minimum === 0 && r.maximum === undefined && !r.integer) return 'a non-negative number';
  const low = r.minimum !== undefined ? `of at least ${r.minimum}` : r.exclusiveMinimum !== undefined ? `above ${r.exclusiveMinimum}` : '';
  const high = r.maximum !== undefined ? `at most ${r.maximum}` : '';
  const bounds = [low, high].filter(Boolean).join(' and ');
  return bounds ? `${kind} ${bounds}` : kind;
}

/** Later sources win: defaults < config file < flags. */
export function mergeOptions(...layers: (AnalyzeOptions | FileConfig | undefined)[]): AnalyzeOptions {
  const out: AnalyzeOptions = {};
  for (const l of layers) {
    if (!l) continue;
    for (const [k, v] of Object.entries(l)) {
      if (v === undefined) continue;
      const key = k as keyof AnalyzeOptions;
      if ((key === 'fields' || key === 'thresholds' || key === 'sampling' || key === 'severities') && typeof v === 'object') {
        (out as Record<string, unknown>)[key] = { ...((out[key] as object | undefined) ?? {}), ...(v as object) };
      } else (out as Record<string, unknown>)[key] = v;
    }
  }
  return out;
}
