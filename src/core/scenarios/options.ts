// A scenario's options, resolved once for every caller: the CLI (flags as strings), the
// analysis worker (the extension's request), the VS Code command (its argument and what the
// user types) and `run` itself. A problem is a value that carries its numbers, so each caller
// words it its own way: the CLI names its flags, the extension translates, the engine says it
// in English (scenarioOptionMessage). Imports nothing but the types: the extension bundles it.
import type { ParamValue, Scenario, ScenarioFormat, ScenarioParameter } from './types';

export const DEFAULT_SCENARIO_SEED = 42;
/** The seed is a 32-bit integer (the generator takes `seed | 0`): a larger one would alias a smaller one. */
export const SEED_MIN = -(2 ** 31);
export const SEED_MAX = 2 ** 31 - 1;
export const MAX_GENERATIONS = 1000;
export const SCENARIO_FORMATS: readonly ScenarioFormat[] = ['jsonl', 'csv'];
export const DEFAULT_SCENARIO_FORMAT: ScenarioFormat = 'jsonl';

/** Thrown by `run` when options are out of range; the message is meant for the user. */
export class ScenarioOptionError extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join('; '));
    this.name = 'ScenarioOptionError';
  }
}

/** What the generations' check needs of a scenario (the extension holds its description, not the Scenario). */
export type GenerationLimits = Pick<Scenario, 'name' | 'minGenerations'>;

/** An option refused; `got` is the value as given (a string when it was typed). */
export type ScenarioOptionProblem =
  | { option: 'seed'; got: unknown; min: number; max: number }
  | { option: 'generations'; got: unknown; scenario: string; min: number; max: number }
  | { option: 'format'; got: unknown; formats: readonly ScenarioFormat[] }
  /** A parameter of the scenario: unknown, of the wrong type or out of range (English, named). */
  | { option: 'param'; name: string; message: string };

export interface ResolvedScenarioOptions {
  seed: number;
  generations: number;
  format: ScenarioFormat;
  /** Every parameter of the scenario, defaults filled in. */
  params: Record<string, ParamValue>;
}

export interface GivenScenarioOptions {
  /** Default 42. A string is read as typed (`' 7 '` is 7, `''` is no number). */
  seed?: unknown;
  /** Default: the scenario's own. A string is read as typed. */
  generations?: unknown;
  /** Default `jsonl`. */
  format?: unknown;
  /** As on the command line: values parsed (`'0.5'`, `'yes'`), names in kebab- or snake_case. */
  paramStrings?: Record<string, string>;
  /** Typed values, checked as they are (an enum's value is a string); names as above. */
  params?: Record<string, ParamValue>;
}

export type ScenarioOptionsResolution = { ok: true; options: ResolvedScenarioOptions } | { ok: false; problems: ScenarioOptionProblem[] };

/** A number given as text is read as typed: surrounding blanks are fine, a blank is no number. */
export function numberFrom(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.trim() === '' ? NaN : Number(value);
}

const isIntegerIn = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/** `given` is the value as the user gave it, shown in the message (the text typed, say). */
export function seedProblem(seed: unknown, given: unknown = seed): ScenarioOptionProblem | undefined {
  return isIntegerIn(seed, SEED_MIN, SEED_MAX) ? undefined : { option: 'seed', got: given, min: SEED_MIN, max: SEED_MAX };
}

export function generationsProblem(s: GenerationLimits, generations: unknown, given: unknown = generations): ScenarioOptionProblem | undefined {
  return isIntegerIn(generations, s.minGenerations, MAX_GENERATIONS)
    ? undefined
    : { option: 'generations', got: given, scenario: s.name, min: s.minGenerations, max: MAX_GENERATIONS };
}

export function formatProblem(format: unknown): ScenarioOptionProblem | undefined {
  return (SCENARIO_FORMATS as readonly unknown[]).includes(format) ? undefined : { option: 'format', got: format, formats: SCENARIO_FORMATS };
}

/** Applies the defaults and checks every option; all problems at once, in the order seed, generations, format, parameters. */
export function resolveScenarioOptions(s: Scenario, given: GivenScenarioOptions): ScenarioOptionsResolution {
  const seed = given.seed ?? DEFAULT_SCENARIO_SEED;
  const generations = given.generations ?? s.defaultGenerations;
  const format = given.format ?? DEFAULT_SCENARIO_FORMAT;
  const problems = [seedProblem(numberFrom(seed), seed), generationsProblem(s, numberFrom(generations), generations), formatProblem(format)].filter(
    (p): p is ScenarioOptionProblem => p !== undefined,
  );
  const { params, problems: paramProblems } = resolveParams(s, given.paramStrings ?? {}, given.params ?? {});
  problems.push(...paramProblems);
  if (problems.length) return { ok: false, problems };
  return { ok: true, options: { seed: numberFrom(seed) as number, generations: numberFrom(generations) as number, format: format as ScenarioFormat, params } };
}

/** The parameters with defaults filled in and what could be taken of those given, and a problem per refused one. */
function resolveParams(s: Scenario, strings: Record<string, string>, typed: Record<string, ParamValue>): { params: Record<string, ParamValue>; problems: ScenarioOptionProblem[] } {
  const params = defaultParams(s);
  const problems: ScenarioOptionProblem[] = [];
  const take = (key: string, check: (p: ScenarioParameter) => { value?: ParamValue; error?: string }) => {
    // Names may be given in kebab-case or snake_case (`fresh_fraction` = `fresh-fraction`).
    const p = s.parameters.find((x) => x.name === key.replace(/_/g, '-'));
    const checked = p ? check(p) : { error: unknownParamMessage(s, key) };
    if (checked.error !== undefined) problems.push({ option: 'param', name: key, message: checked.error });
    else params[p!.name] = checked.value!;
  };
  for (const [key, raw] of Object.entries(strings)) take(key, (p) => parseParamString(s.name, p, raw));
  for (const [key, value] of Object.entries(typed)) {
    take(key, (p) => {
      const error = checkParamValue(s.name, p, value);
      return error === undefined ? { value } : { error };
    });
  }
  return { params, problems };
}

/** The engine's English sentence for a problem (the CLI and the extension word their own). */
export function scenarioOptionMessage(p: ScenarioOptionProblem): string {
  switch (p.option) {
    case 'seed':
      return `seed must be an integer between ${p.min} and ${p.max} (got ${shown(p.got)})`;
    case 'generations':
      return `generations for scenario '${p.scenario}' must be an integer between ${p.min} and ${p.max} (got ${shown(p.got)})`;
    case 'format':
      return `format must be ${p.formats.join(' or ')} (got ${shown(p.got)})`;
    case 'param':
      return p.message;
  }
}

export function defaultParams(s: Pick<Scenario, 'parameters'>): Record<string, ParamValue> {
  return Object.fromEntries(s.parameters.map((p) => [p.name, p.default]));
}

/**
 * Turns command-line strings into typed parameters: defaults for what is not given, range
 * and enum checks, and a message per problem naming the parameter and what it accepts.
 */
export function validateScenarioParams(s: Scenario, raw: Record<string, string>): { params: Record<string, ParamValue>; errors: string[] } {
  const { params, problems } = resolveParams(s, raw, {});
  return { params, errors: problems.map(scenarioOptionMessage) };
}

export function unknownParamMessage(s: Scenario, key: string): string {
  const known = s.parameters.map((p) => p.name);
  return known.length
    ? `scenario '${s.name}' has no parameter '${key}' (it has: ${known.join(', ')})`
    : `scenario '${s.name}' takes no parameters (got '${key}')`;
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
