// Over 400 lines: the CLI's option tables, parser, help and its four commands (analyze, partial, merge, scenario) share one set of options, messages and exit codes.
// The `collapse-lens` command: the engine for terminals and CI.
import { limitHeapGrowth } from './core/analysis/heapGrowth';
import { readerThreadBeside } from './core/analysis/offThread';
import { analysisThreadBeside, defaultJobs } from './core/analysis/parallel';
import { pairThreadBeside, usePairThread } from './core/numeric/pairThreads';
import { compileFieldPath, FieldPathError } from './core/fieldPath';
import { existsSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Severity } from './shared/report';
import { SEVERITY_ORDER } from './shared/report';
import { analyzeFiles, InputError, readPartial } from './core/analyze';
import type { AnalyzeInput, AnalyzeOutcome } from './core/analyze';
import { finishAnalysis } from './core/analysis/finish';
import { MergeError, mergePartials, partialFromState, partialToState, StateError } from './core/analysis/partial';
import type { PartialAnalysis } from './core/analysis/partial';
import { CONFIG_FILE_NAME, ConfigError, loadConfig, mergeOptions } from './core/config';
import type { AnalyzeOptions, FieldOverrides } from './core/options';
import { formatJson } from './core/format/json';
import { formatSarif } from './core/format/sarif';
import { formatText } from './core/format/text';
import { renderStandaloneHtml } from './core/html';
import { SUPPORTED_FILE } from './shared/formats';
import { OutputError, resolveOutput, writeOutputFile } from './core/outputFile';
import { getScenario, SCENARIOS } from './core/scenarios/index';
import type { ScenarioResult } from './core/scenarios/index';
import { resolveScenarioOptions, scenarioOptionMessage, ScenarioOptionError } from './core/scenarios/options';
import type { ScenarioOptionProblem } from './core/scenarios/options';
import { ScenarioWriteError, writeScenario } from './core/scenarios/write';
import { terminalSafe } from './core/terminalText';
import { VERSION } from './core/version';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export const HELP = `collapse-lens ${VERSION} — find model collapse in the files models write

Usage:
  collapse-lens analyze FILE... [options]
  collapse-lens partial FILE... --out STATE [reading options]
  collapse-lens merge STATE... [report options]
  collapse-lens scenario NAME [--seed N] [--generations G] [--out DIR] [--format jsonl|csv] [--force] [--PARAM VALUE...]
  collapse-lens scenario --list
  collapse-lens --version | --help

Analyze options:
  --format text|json|sarif|html   output format (default text)
  --out FILE                      write the output to FILE instead of standard output
  --baseline FILE|ID              the baseline generation (default: the first)
  --group-field F                 field that splits one file into generations
  --text-field F                  field holding the model's text output
  --vector-field F                field holding an embedding (or a column prefix such as x)
  --label-field F                 field holding the reference label or decision
  --prediction-field F            field holding the model's predicted label
  --value-field F                 numeric field (score, reward, sample)
  --prompt-field F                field naming the prompt or request each output answers
                                  Fields are detected when not given. F is a name or a path:
                                  response.body.choices[0].message.content, choices[*].text,
                                  messages[-1].content, messages[?@.role=='assistant'].content
  --config FILE                   options file (default: ./${CONFIG_FILE_NAME} when present)
  --fail-on error|warning|info|never
                                  exit 1 when a finding at or above this severity exists (default error)
  --lowercase                     fold case before tokenizing text
  --per-metric                    one finding per metric and generation (default: one per collapse)
  --seed N                        seed for sampled metrics (default 42)
  --max-file-size MB              refuse files larger than MB megabytes, on disk or once
                                  decompressed (default: no limit)
  -j, --jobs N                    threads that read the inputs: several files, and parts of a
                                  large JSON Lines, CSV or TSV (gzip too) or Parquet file (cut
                                  where its generation changes), at once, each thread alone
                                  (default: the cores, at most one per GiB of memory; 1 on two
                                  cores, where one reading parses on a second thread); the
                                  report is the same for any N

Partial results (one shard per machine or process, merged at the end):
  partial takes the options above that say what to read (fields, --config, --lowercase,
  --seed, --max-file-size) and writes the state of its files to --out STATE (JSON);
  merge takes those that say how to report (--format, --out, --baseline, --fail-on,
  --per-metric, --config) and prints the report one analyze of all the shards gives.
  States that were read with other options or fields are refused.

Scenario options:
  --seed N                        seed of the simulation (default 42)
  --generations G                 generations to write, 2 to 1000 (default: the scenario's)
  --out DIR                       folder to write into (default collapse-lens-scenarios/NAME-seedN)
  --format jsonl|csv              file format (default jsonl)
  --force                         replace scenario files already in the folder
  --list                          list the scenarios
  --PARAM VALUE                   a parameter of the scenario; a wrong one is named with the ones it has

Options of every command:
  -h, --help                      this help
  -v, --version                   the version

Files given together are generations in natural-sort order (gen2 before gen10).
Reads .jsonl, .ndjson, .json, .csv, .tsv (each optionally .gz) and .parquet.
Colour: the text report is coloured on a terminal; NO_COLOR=1 turns colour off, FORCE_COLOR=1
turns it on for any standard output (FORCE_COLOR=0 turns it off).
Exit codes: 0 no finding at or above --fail-on, 1 such findings, 2 usage error or unusable input.`;

class UsageError extends Error {}

/** Most threads --jobs takes. */
const MAX_JOBS = 256;

/** An option the parser accepts: a value (`--format json`, `--format=json`) or a switch. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** What the value is, for "needs a value" messages. */
  hint?: string;
}
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** Options before or instead of a command. */
export const GLOBAL_OPTIONS: OptionTable = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
};

const FIELD = 'a field name or path';

export const ANALYZE_OPTIONS: OptionTable = {
  format: { type: 'string', hint: 'text, json, sarif or html' },
  out: { type: 'string', hint: 'a file name' },
  baseline: { type: 'string', hint: 'a file or generation id' },
  'group-field': { type: 'string', hint: FIELD },
  'text-field': { type: 'string', hint: FIELD },
  'vector-field': { type: 'string', hint: FIELD },
  'label-field': { type: 'string', hint: FIELD },
  'prediction-field': { type: 'string', hint: FIELD },
  'value-field': { type: 'string', hint: FIELD },
  'prompt-field': { type: 'string', hint: FIELD },
  config: { type: 'string', hint: 'a file name' },
  'fail-on': { type: 'string', hint: 'error, warning, info or never' },
  lowercase: { type: 'boolean' },
  'per-metric': { type: 'boolean' },
  seed: { type: 'string', hint: 'an integer' },
  'max-file-size': { type: 'string', hint: 'a number of megabytes' },
  jobs: { type: 'string', short: 'j', hint: 'a number of threads' },
  help: { type: 'boolean', short: 'h' },
};

const READING_OPTIONS = ['group-field', 'text-field', 'vector-field', 'label-field', 'prediction-field', 'value-field', 'prompt-field', 'lowercase', 'seed', 'max-file-size', 'jobs'];
const REPORTING_OPTIONS = ['format', 'baseline', 'fail-on', 'per-metric'];
const pick = (names: readonly string[]): OptionTable => Object.fromEntries(Object.entries(ANALYZE_OPTIONS).filter(([k]) => names.includes(k)));

/** `partial` reads like `analyze` and writes the partial result to --out. */
export const PARTIAL_OPTIONS: OptionTable = pick([...READING_OPTIONS, 'out', 'config', 'help']);

/** `merge` reports like `analyze`; what was read is fixed in the partial results. */
export const MERGE_OPTIONS: OptionTable = pick([...REPORTING_OPTIONS, 'out', 'config', 'help']);

/** Besides these, `scenario` takes `--PARAM VALUE` for the scenario's own parameters. */
export const SCENARIO_OPTIONS: OptionTable = {
  seed: { type: 'string', hint: 'an integer' },
  generations: { type: 'string', hint: 'an integer from 2 to 1000' },
  out: { type: 'string', hint: 'a folder' },
  format: { type: 'string', hint: 'jsonl or csv' },
  force: { type: 'boolean' },
  list: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const COMMANDS = ['analyze', 'partial', 'merge', 'scenario', 'help'];

type Env = Readonly<Record<string, string | undefined>>;

export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  cwd: string;
  /** Environment (NO_COLOR, FORCE_COLOR); default `process.env`. */
  env?: Env;
}

/** A stream the commands write to: writes stop quietly once the reader has gone (EPIPE). */
interface Out {
  write(text: string): void;
  readonly isTTY: boolean;
  readonly columns: number | undefined;
}

interface Ctx {
  stdout: Out;
  stderr: Out;
  cwd: string;
  env: Env;
}

/** Once a stream has failed, later errors (a write still in flight) are expected and ignored. */
function ignoreStreamError(): void {}

function guard(stream: CliIO['stdout']): { out: Out; failure: () => NodeJS.ErrnoException | undefined; release: () => void } {
  let failure: NodeJS.ErrnoException | undefined;
  const onError = (e: NodeJS.ErrnoException) => {
    failure ??= e;
  };
  stream.on('error', onError);
  const state = stream as { destroyed?: boolean; writableEnded?: boolean };
  const out: Out = {
    write(text: string) {
      if (failure || state.destroyed || state.writableEnded) return;
      try {
        stream.write(text);
      } catch (e) {
        failure ??= e as NodeJS.ErrnoException;
      }
    },
    get isTTY() {
      return Boolean(stream.isTTY);
    },
    get columns() {
      return (stream as { columns?: number }).columns;
    },
  };
  return {
    out,
    failure: () => failure,
    release: () => {
      // A write may still be in flight: its error must not become an unhandled 'error' event.
      if (!stream.listeners('error').includes(ignoreStreamError)) stream.on('error', ignoreStreamError);
      stream.off('error', onError);
    },
  };
}

/**
 * Colour by the conventions: FORCE_COLOR (set, and '', 'true' or a positive level) turns it
 * on even off a terminal, any other FORCE_COLOR value turns it off and wins over NO_COLOR;
 * a non-empty NO_COLOR turns it off; otherwise colour on a terminal only.
 */
export function colorWanted(env: Env, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force === '' || force === 'true' || (/^\d+$/u.test(force) && Number(force) > 0);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY;
}

export async function main(argv: string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }): Promise<number> {
  const out = guard(io.stdout);
  const errOut = guard(io.stderr);
  const ctx: Ctx = { stdout: out.out, stderr: errOut.out, cwd: io.cwd, env: io.env ?? process.env };
  // Every message is one line: data in it (file names, values given) is shown escaped.
  const err = (s: string) => ctx.stderr.write(`collapse-lens: ${terminalSafe(s)}\n`);
  try {
    let code = await run(argv, ctx, err);
    const failed = out.failure();
    if (failed && failed.code !== 'EPIPE' && code !== EXIT_USAGE) {
      err(`cannot write to standard output (${failed.code ?? failed.message})`);
      code = EXIT_USAGE;
    }
    return code;
  } finally {
    out.release();
    errOut.release();
  }
}

async function run(argv: string[], ctx: Ctx, err: (s: string) => void): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined) {
      ctx.stderr.write(HELP + '\n');
      return EXIT_USAGE;
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      ctx.stdout.write(HELP + '\n');
      return EXIT_OK;
    }
    if (command === '--version' || command === '-v') {
      ctx.stdout.write(VERSION + '\n');
      return EXIT_OK;
    }
    if (command === 'analyze') return await analyzeCommand(rest, ctx);
    if (command === 'partial') return await partialCommand(rest, ctx);
    if (command === 'merge') return await mergeCommand(rest, ctx);
    if (command === 'scenario') return await scenarioCommand(rest, ctx);
    if (command.startsWith('-')) {
      const name = optionName(command);
      if (Object.hasOwn(ANALYZE_OPTIONS, name) || Object.hasOwn(SCENARIO_OPTIONS, name)) throw new UsageError(`${command} goes after a command, as in collapse-lens analyze FILE... ${command}`);
      throw unknownOption(command, GLOBAL_OPTIONS);
    }
    if (SUPPORTED_FILE.test(command)) throw new UsageError(`unknown command "${command}"; to analyze a file, run collapse-lens analyze ${command}`);
    const near = closest(command, COMMANDS);
    throw new UsageError(`unknown command "${command}"; ${near ? `did you mean ${near}?` : 'the commands are analyze, partial, merge and scenario (collapse-lens --help)'}`);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      err(e.message);
      return EXIT_USAGE;
    }
    if (e instanceof InputError) {
      // The message names the file already; add the position when it does not say it.
      const pos = e.line && !e.message.includes(`line ${e.line}`) ? ` (line ${e.line}${e.column ? `, column ${e.column}` : ''})` : '';
      err(`${e.message}${pos}`);
      return EXIT_USAGE;
    }
    const error = e as Error | undefined;
    err(`internal error: ${error?.name && error.name !== 'Error' ? `${error.name}: ` : ''}${error?.message ?? String(e)}; this is a bug in Collapse Lens, please report it with the command you ran`);
    return EXIT_USAGE;
  }
}

// ---------------------------------------------------------------------------------------
// Options

/** Edit distance (insertions, deletions, substitutions). */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The candidate nearest `wanted`, when it is near enough to be a typo of it. */
function closest(wanted: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = levenshtein(wanted.toLowerCase(), c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(1, Math.min(3, Math.floor(wanted.length / 3))) ? best : undefined;
}

function optionName(arg: string): string {
  const eq = arg.indexOf('=');
  return (eq > 0 ? arg.slice(0, eq) : arg).replace(/^--?/u, '');
}

function unknownOption(arg: string, table: OptionTable, extra: readonly string[] = []): UsageError {
  const shown = arg.startsWith('--') ? `--${optionName(arg)}` : arg.replace(/=.*/su, '');
  const near = arg.startsWith('--') ? closest(optionName(arg), [...Object.keys(table), ...extra]) : undefined;
  return new UsageError(`unknown option ${shown}; ${near ? `did you mean --${near}?` : 'collapse-lens --help lists the options'}`);
}

interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** `--name value` pairs not in the table (only with `passUnknown`); a bare `--name` is 'true'. */
  unknown: Record<string, string>;
}

/**
 * `--name value`, `--name=value`, switches, `-h`, and `--` before positionals that start
 * with a dash. A value never starts with `--` unless given with `=` (`--out --format` is a
 * missing value, not a file named --format).
 */
/** Whether --help was given; prints the help when it was. */
function helpAsked(values: Parsed['values'], ctx: Ctx): boolean {
  if (values.help) ctx.stdout.write(HELP + '\n');
  return Boolean(values.help);
}

function parseOptions(args: readonly string[], table: OptionTable, passUnknown = false): Parsed {
  const values: Parsed['values'] = {};
  const positionals: string[] = [];
  const unknown: Record<string, string> = {};
  const shorts = new Map(Object.entries(table).filter(([, s]) => s.short).map(([n, s]) => [s.short!, n]));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
      const spec = Object.hasOwn(table, name) ? table[name] : undefined;
      const next = args[i + 1];
      const nextIsValue = next !== undefined && !next.startsWith('--');
      if (!spec) {
        if (!passUnknown || name === '') throw unknownOption(arg, table);
        if (inline !== undefined) unknown[name] = inline;
        else if (nextIsValue) unknown[name] = args[++i]!;
        else unknown[name] = 'true';
        continue;
      }
      if (spec.type === 'boolean') {
        if (inline !== undefined) throw new UsageError(`--${name} takes no value; write --${name} alone`);
        values[name] = true;
      } else if (inline !== undefined) {
        values[name] = inline;
      } else if (nextIsValue) {
        values[name] = args[++i]!;
      } else {
        throw new UsageError(`--${name} needs a value (${spec.hint ?? 'see collapse-lens --help'})`);
      }
      continue;
    }
    if (arg.length > 1 && arg.startsWith('-') && !/^-\d/u.test(arg)) {
      const long = shorts.get(arg.slice(1));
      if (long === undefined) throw unknownOption(arg, table);
      values[long] = true;
      continue;
    }
    positionals.push(arg);
  }
  return { values, positionals, unknown };
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

// ---------------------------------------------------------------------------------------
// analyze

async function analyzeCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values, positionals } = parseOptions(args, ANALYZE_OPTIONS);
  if (helpAsked(values, ctx)) return EXIT_OK;
  const format = reportFormat(values);
  if (positionals.length === 0) throw new UsageError('analyze needs at least one file; try collapse-lens --help');
  const { options, failOn } = await analysisOptions(values, ctx);
  const inputs = inputFiles(positionals, ctx);
  const out = await outputTarget(values, ctx, inputs.map((i) => i.file));
  const result = await withProgress(ctx, options, (o) => analyzeFiles(inputs, o));
  return emitReport(result, { format, failOn, out, options, ctx, inputs: inputs.map((i) => i.file) });
}

// ---------------------------------------------------------------------------------------
// partial and merge: the analysis of shards, run where the shards are, combined at the end

async function partialCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values, positionals } = parseOptions(args, PARTIAL_OPTIONS);
  if (helpAsked(values, ctx)) return EXIT_OK;
  if (positionals.length === 0) throw new UsageError('partial needs at least one file; try collapse-lens --help');
  if (str(values.out) === undefined) throw new UsageError('partial needs --out STATE, the file to write the partial result to');
  const { options } = await analysisOptions(values, ctx);
  const inputs = inputFiles(positionals, ctx);
  const out = (await outputTarget(values, ctx, inputs.map((i) => i.file)))!;
  const partial = await withProgress(ctx, options, (o) => readPartial(inputs, { ...o, mergeable: true }));
  const state = JSON.stringify(partialToState(partial, VERSION));
  await writeOutputFile(out.path, state, { inputs: inputs.map((i) => i.file) }).catch(out.error);
  if (ctx.stderr.isTTY) ctx.stderr.write(`wrote ${terminalSafe(out.display)}\n`);
  return EXIT_OK;
}

async function mergeCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values, positionals } = parseOptions(args, MERGE_OPTIONS);
  if (helpAsked(values, ctx)) return EXIT_OK;
  const format = reportFormat(values);
  if (positionals.length === 0) throw new UsageError('merge needs at least one partial result (written by collapse-lens partial); try collapse-lens --help');
  const { options, failOn } = await analysisOptions(values, ctx);
  const states = inputFiles(positionals, ctx);
  const out = await outputTarget(values, ctx, states.map((s) => s.file));
  const parts: PartialAnalysis[] = [];
  for (const s of states) {
    let text: string;
    try {
      text = await readFile(s.file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(code === 'ENOENT' ? `${s.display} does not exist` : `${s.display} cannot be read (${code ?? String(e)})`, undefined, undefined, s.display);
    }
    try {
      parts.push(partialFromState(JSON.parse(text)));
    } catch (e) {
      if (e instanceof SyntaxError) throw new InputError(`${s.display} is not a partial result: its JSON does not parse (${e.message})`, undefined, undefined, s.display);
      if (e instanceof StateError) throw new InputError(`${s.display} cannot be merged: ${e.message}`, undefined, undefined, s.display);
      throw e;
    }
  }
  // A file in two states would be counted twice.
  const holder = new Map<string, string>();
  parts.forEach((p, i) => {
    for (const f of p.files) {
      const other = holder.get(f.summary.file);
      if (other !== undefined) throw new InputError(`${f.summary.file} is in two partial results (${other} and ${states[i]!.display}); give each file to one partial run`);
      holder.set(f.summary.file, states[i]!.display);
    }
  });
  let merged: PartialAnalysis;
  try {
    merged = mergePartials(parts);
  } catch (e) {
    if (e instanceof MergeError) throw new InputError(e.message);
    throw e;
  }
  const result = finishAnalysis(merged, options);
  return emitReport(result, { format, failOn, out, options, ctx, inputs: states.map((s) => s.file) });
}

// ---------------------------------------------------------------------------------------
// What analyze, partial and merge share

function reportFormat(values: Parsed['values']): string {
  const format = str(values.format) ?? 'text';
  if (!['text', 'json', 'sarif', 'html'].includes(format)) throw new UsageError(`--format must be text, json, sarif or html, not "${format}"`);
  return format;
}

/** The analysis options of the flags given over those of the options file, and --fail-on. */
async function analysisOptions(values: Parsed['values'], ctx: Ctx): Promise<{ options: AnalyzeOptions; failOn: Severity | 'never' }> {
  const configArg = str(values.config);
  const configPath = configArg !== undefined ? path.resolve(ctx.cwd, configArg) : path.join(ctx.cwd, CONFIG_FILE_NAME);
  const fileConfig = await loadConfig(configPath, configArg !== undefined);

  const failOnRaw = str(values['fail-on']) ?? fileConfig.failOn ?? 'error';
  if (!['error', 'warning', 'info', 'never'].includes(failOnRaw)) throw new UsageError(`--fail-on must be error, warning, info or never, not "${failOnRaw}"`);
  const failOn = failOnRaw as Severity | 'never';

  const fields: FieldOverrides = {};
  const fieldFlag = { group: 'group-field', text: 'text-field', vector: 'vector-field', label: 'label-field', prediction: 'prediction-field', value: 'value-field', prompt: 'prompt-field' } as const;
  for (const [role, flag] of Object.entries(fieldFlag)) {
    const v = str(values[flag]);
    if (v === undefined) continue;
    try {
      compileFieldPath(v);
    } catch (e) {
      if (e instanceof FieldPathError) throw new UsageError(`--${flag} is not a valid field path: ${e.message}`);
      throw e;
    }
    fields[role as keyof FieldOverrides] = v;
  }
  const flags: AnalyzeOptions = {};
  if (Object.keys(fields).length) flags.fields = fields;
  const baseline = str(values.baseline);
  if (baseline !== undefined) flags.baseline = existsSync(path.resolve(ctx.cwd, baseline)) ? toDisplay(ctx.cwd, baseline) : baseline;
  if (values.lowercase) flags.lowercase = true;
  if (values['per-metric']) flags.findingMode = 'metric';
  const seedArg = str(values.seed);
  if (seedArg !== undefined) {
    const s = Number(seedArg);
    if (seedArg.trim() === '' || !Number.isInteger(s)) throw new UsageError(`--seed must be an integer, not "${seedArg}"`);
    flags.seed = s;
  }
  const maxArg = str(values['max-file-size']);
  if (maxArg !== undefined) {
    const mb = Number(maxArg);
    if (!(mb > 0) || !Number.isFinite(mb)) throw new UsageError(`--max-file-size must be a positive number of megabytes, not "${maxArg}"`);
    // A positive limit stays a limit: 0 bytes would mean none.
    flags.maxFileBytes = Math.max(1, Math.ceil(mb * 1024 * 1024));
  }
  const jobsArg = str(values.jobs);
  if (jobsArg !== undefined) {
    const n = Number(jobsArg);
    if (jobsArg.trim() === '' || !Number.isInteger(n) || n < 1 || n > MAX_JOBS) throw new UsageError(`--jobs must be a whole number of threads from 1 to ${MAX_JOBS}, not "${jobsArg}"`);
    flags.jobs = n;
  }
  return { options: mergeOptions(fileConfig, flags), failOn };
}

function inputFiles(positionals: readonly string[], ctx: Ctx): AnalyzeInput[] {
  const inputs: AnalyzeInput[] = positionals.map((p) => ({ file: path.resolve(ctx.cwd, p), display: toDisplay(ctx.cwd, p) }));
  const seen = new Set<string>();
  for (const i of inputs) {
    if (seen.has(i.file)) throw new UsageError(`${i.display} is given twice`);
    seen.add(i.file);
  }
  return inputs;
}

interface OutTarget {
  path: string;
  display: string;
  error: (e: unknown) => never;
}

/** --out, checked before any reading (never one of the inputs, never through a link to one). */
async function outputTarget(values: Parsed['values'], ctx: Ctx, inputs: readonly string[]): Promise<OutTarget | undefined> {
  const outArg = str(values.out);
  if (outArg === undefined) return undefined;
  if (outArg === '') throw new UsageError('--out needs a file name, as in --out report.json');
  const display = toDisplay(ctx.cwd, outArg);
  const target: OutTarget = {
    path: path.resolve(ctx.cwd, outArg),
    display,
    error: (e: unknown): never => {
      if (e instanceof OutputError) throw new UsageError(`--out ${display} ${e.message}`);
      throw e;
    },
  };
  await resolveOutput(target.path, inputs, false).catch(target.error);
  return target;
}

/** Runs `work` with a progress line on a terminal's standard error. */
async function withProgress<T>(ctx: Ctx, options: AnalyzeOptions, work: (options: AnalyzeOptions) => Promise<T>): Promise<T> {
  const showProgress = ctx.stderr.isTTY;
  let lastDraw = 0;
  const run: AnalyzeOptions = { ...options };
  if (showProgress) {
    run.onProgress = (p) => {
      const now = Date.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      const pctDone = p.totalBytes > 0 ? Math.min(100, Math.floor((100 * p.bytes) / p.totalBytes)) : 0;
      ctx.stderr.write(`\r\x1b[2Kanalyzing ${terminalSafe(p.file)} (${p.fileIndex + 1}/${p.files}) ${pctDone}% · ${p.records} records`);
    };
  }
  const readerThread = readerThreadBeside(__dirname);
  if (readerThread) run.readerThread = readerThread;
  usePairThread(pairThreadBeside(__dirname));
  const analysisThread = analysisThreadBeside(__dirname);
  if (analysisThread) {
    run.analysisThread = analysisThread;
    run.jobs = options.jobs ?? Math.min(defaultJobs(availableParallelism(), totalmem()), MAX_JOBS);
  }
  try {
    return await work(run);
  } finally {
    if (showProgress) ctx.stderr.write('\r\x1b[2K');
  }
}

/** Writes the report in its format to --out or standard output; the exit code --fail-on asks for. */
async function emitReport(
  result: AnalyzeOutcome,
  how: { format: string; failOn: Severity | 'never'; out: OutTarget | undefined; options: AnalyzeOptions; ctx: Ctx; inputs: readonly string[] },
): Promise<number> {
  const { report } = result;
  const { format, out, ctx } = how;
  let output: string;
  if (format === 'json') output = formatJson(report);
  else if (format === 'sarif') output = formatSarif(report, how.options.thresholds ? { thresholds: how.options.thresholds } : {});
  else if (format === 'html') output = renderStandaloneHtml({ report: result.report, details: result.details }, await readReportAssets());
  else {
    // A file gets no colour codes; standard output follows the terminal and NO_COLOR / FORCE_COLOR.
    const color = !out && colorWanted(ctx.env, ctx.stdout.isTTY);
    output = formatText(report, { color, ...(ctx.stdout.columns ? { width: ctx.stdout.columns } : {}) });
  }

  if (out) {
    await writeOutputFile(out.path, output, { inputs: how.inputs }).catch(out.error);
    if (format !== 'text' || ctx.stderr.isTTY) ctx.stderr.write(`wrote ${terminalSafe(out.display)}\n`);
  } else ctx.stdout.write(output);

  if (how.failOn === 'never') return EXIT_OK;
  const bar = SEVERITY_ORDER[how.failOn];
  return report.findings.some((f) => SEVERITY_ORDER[f.severity] >= bar) ? EXIT_FINDINGS : EXIT_OK;
}

/** The webview bundle and stylesheet, shipped beside the CLI bundle. */
export async function readReportAssets(): Promise<{ script: string; style: string }> {
  const root = packageRoot(__dirname);
  const script = await readFile(path.join(root, 'dist', 'webview.js'), 'utf8').catch(() => {
    throw new UsageError('the report bundle dist/webview.js is missing; run npm run build');
  });
  const style = await readFile(path.join(root, 'media', 'report.css'), 'utf8').catch(() => {
    throw new UsageError('the report stylesheet media/report.css is missing; reinstall collapse-lens');
  });
  return { script, style };
}

/** The folder holding package.json and media/, found upward from this bundle. */
function packageRoot(from: string): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'media'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(from, '..');
    dir = up;
  }
}

function toDisplay(cwd: string, p: string): string {
  const rel = path.relative(cwd, path.resolve(cwd, p));
  return (rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(cwd, p) : rel).split(path.sep).join('/');
}

// ---------------------------------------------------------------------------------------
// scenario

async function scenarioCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values, positionals, unknown: params } = parseOptions(args, SCENARIO_OPTIONS, true);
  if (helpAsked(values, ctx)) return EXIT_OK;
  if (values.list) {
    const width = Math.max(...SCENARIOS.map((s) => s.name.length));
    for (const s of SCENARIOS) ctx.stdout.write(`${s.name.padEnd(width)}  ${s.description}\n`);
    return EXIT_OK;
  }
  const name = positionals[0];
  if (!name) {
    // Without a scenario there are no parameters: anything else is a mistyped option.
    const first = Object.keys(params)[0];
    if (first !== undefined) throw unknownOption(`--${first}`, SCENARIO_OPTIONS);
    throw new UsageError('scenario needs a NAME; collapse-lens scenario --list shows them');
  }
  const scenario = getScenario(name);
  if (!scenario) {
    const near = closest(name, SCENARIOS.map((s) => s.name));
    throw new UsageError(`unknown scenario "${name}"; ${near ? `did you mean ${near}? ` : ''}known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  }
  if (positionals.length > 1) throw new UsageError(`scenario takes one NAME, not also "${positionals[1]}"`);
  // A name that is neither a parameter of the scenario nor close to one but close to an
  // option is a mistyped option (--seeed 3).
  const paramNames = scenario.parameters.map((p) => p.name);
  for (const key of Object.keys(params)) {
    if (paramNames.includes(key.replace(/_/gu, '-'))) continue;
    const option = closest(key, Object.keys(SCENARIO_OPTIONS));
    if (option && !closest(key, paramNames)) throw new UsageError(`unknown option --${key}; did you mean --${option}?`);
  }
  const seedArg = str(values.seed);
  const generationsArg = str(values.generations);
  const formatArg = str(values.format);
  const outArg = str(values.out);
  const resolved = resolveScenarioOptions(scenario, { seed: seedArg, generations: generationsArg, format: formatArg, paramStrings: params });
  const problems = resolved.ok ? [] : resolved.problems;
  // The flags' problems one at a time, then --out, then the parameters' all together.
  const flag = problems.find((p) => p.option !== 'param');
  if (flag) throw new UsageError(flagProblemMessage(flag));
  if (outArg === '') throw new UsageError('--out needs a folder, as in --out runs/my-scenario');
  if (!resolved.ok) throw new UsageError(problems.map(scenarioOptionMessage).join('; '));
  const options = resolved.options;
  let result: ScenarioResult;
  try {
    result = scenario.run(options);
  } catch (e) {
    // Options each fine alone can clash (train-size against features): the user's to fix.
    if (e instanceof ScenarioOptionError) throw new UsageError(e.message);
    throw e;
  }
  const outDir = path.resolve(ctx.cwd, outArg ?? path.join('collapse-lens-scenarios', `${scenario.name}-seed${options.seed}`));
  const display = toDisplay(ctx.cwd, outDir);
  let written: string[];
  try {
    written = await writeScenario(result, outDir, { scenario: scenario.name, title: scenario.title, ...options }, { overwrite: values.force === true });
  } catch (e) {
    if (e instanceof ScenarioWriteError) throw new UsageError(scenarioWriteMessage(e, outDir, display));
    throw e;
  }
  ctx.stdout.write(`${scenario.title}: wrote ${written.length} files to ${terminalSafe(display)}\n`);
  ctx.stdout.write(`expect: ${result.expected.description}\n`);
  const ext = path.extname(result.files[0]!.name);
  ctx.stdout.write(`next: collapse-lens analyze ${terminalSafe(display)}/${result.files.length > 1 ? `gen-*${ext}` : result.files[0]!.name}\n`);
  return EXIT_OK;
}

function flagProblemMessage(p: ScenarioOptionProblem): string {
  switch (p.option) {
    case 'seed':
      return `--seed must be an integer from ${p.min} to ${p.max}, not "${String(p.got)}"`;
    case 'generations':
      return `--generations must be an integer from ${p.min} to ${p.max}, not "${String(p.got)}"`;
    case 'format':
      return `--format must be ${p.formats.join(' or ')}, not "${String(p.got)}"`;
    case 'param':
      return p.message;
  }
}

function scenarioWriteMessage(e: ScenarioWriteError, dir: string, display: string): string {
  const names = e.names.slice(0, 3).join(', ') + (e.names.length > 3 ? ` and ${e.names.length - 3} more` : '');
  const detail = (e.message.startsWith(dir) ? e.message.slice(dir.length) : ` ${e.message}`).trim();
  switch (e.problem) {
    case 'exists':
      return `${display} already holds ${names}; choose another --out, or add --force to replace them`;
    case 'link':
      return `${display} holds a symbolic link where a scenario file goes (${names}); links are never written through, so remove ${e.names.length === 1 ? 'it' : 'them'} or choose another --out`;
    case 'not-a-file':
      return `${display} holds a folder or another non-file where a scenario file goes (${names}); remove it or choose another --out`;
    case 'not-a-folder':
      return `--out ${display} ${detail}${/choose another --out/u.test(detail) ? '' : '; choose another --out'}`;
    default:
      return `--out ${display}: ${detail}${/choose another --out/u.test(detail) ? '' : '; choose another --out'}`;
  }
}

// Set only in the CLI bundle, so importing this module (tests, other bundles) runs nothing.
declare const __CLI_ENTRY__: boolean | undefined;
if (typeof __CLI_ENTRY__ !== 'undefined' && __CLI_ENTRY__) {
  limitHeapGrowth();
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
