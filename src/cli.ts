// The `collapse-lens` command: the engine for terminals and CI.
import { readerThreadBeside } from './core/analysis/offThread';
import { compileFieldPath, FieldPathError } from './core/fieldPath';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Severity } from './shared/report';
import { SEVERITY_ORDER } from './shared/details';
import { analyzeFiles, InputError } from './core/analyze';
import type { AnalyzeInput } from './core/analyze';
import { CONFIG_FILE_NAME, ConfigError, loadConfig, mergeOptions } from './core/config';
import type { AnalyzeOptions, FieldOverrides } from './core/options';
import { formatJson } from './core/format/json';
import { formatSarif } from './core/format/sarif';
import { formatText } from './core/format/text';
import { renderStandaloneHtml } from './core/html';
import { getScenario, SCENARIOS, validateScenarioParams } from './core/scenarios/index';
import type { ScenarioFormat } from './core/scenarios/index';
import { writeScenario } from './core/scenarios/write';
import { VERSION } from './core/version';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

const HELP = `collapse-lens ${VERSION} — find model collapse in the files models write

Usage:
  collapse-lens analyze FILE... [options]
  collapse-lens scenario NAME [--seed N] [--generations G] [--out DIR] [--format jsonl|csv] [--PARAM VALUE...]
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
  --seed N                        seed for sampled metrics (default 42)
  --max-file-size MB              refuse larger files (default: no limit)

Files given together are generations in natural-sort order (gen2 before gen10).
Reads .jsonl, .ndjson, .json, .csv, .tsv (each optionally .gz) and .parquet.
Exit codes: 0 no finding at or above --fail-on, 1 such findings, 2 usage error or unusable input.`;

class UsageError extends Error {}

export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  cwd: string;
}

export async function main(argv: string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }): Promise<number> {
  const err = (s: string) => io.stderr.write(s.endsWith('\n') ? s : s + '\n');
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(HELP + '\n');
      return command === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (command === '--version' || command === '-v') {
      io.stdout.write(VERSION + '\n');
      return EXIT_OK;
    }
    if (command === 'analyze') return await analyzeCommand(rest, io);
    if (command === 'scenario') return await scenarioCommand(rest, io);
    throw new UsageError(`unknown command "${command}"; try collapse-lens --help`);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      err(`collapse-lens: ${e.message}`);
      return EXIT_USAGE;
    }
    if (e instanceof InputError) {
      // The message names the file already; add the position when it does not say it.
      const pos = e.line && !e.message.includes(`line ${e.line}`) ? ` (line ${e.line}${e.column ? `, column ${e.column}` : ''})` : '';
      err(`collapse-lens: ${e.message}${pos}`);
      return EXIT_USAGE;
    }
    if ((e as Error)?.name === 'TypeError' && /Unknown option|unexpected argument|argument missing/i.test((e as Error).message)) {
      err(`collapse-lens: ${(e as Error).message}; try collapse-lens --help`);
      return EXIT_USAGE;
    }
    if ((e as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS')) {
      err(`collapse-lens: ${(e as Error).message}; try collapse-lens --help`);
      return EXIT_USAGE;
    }
    err(`collapse-lens: internal error: ${(e as Error)?.stack ?? String(e)}`);
    return EXIT_USAGE;
  }
}

async function analyzeCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      out: { type: 'string' },
      baseline: { type: 'string' },
      'group-field': { type: 'string' },
      'text-field': { type: 'string' },
      'vector-field': { type: 'string' },
      'label-field': { type: 'string' },
      'prediction-field': { type: 'string' },
      'value-field': { type: 'string' },
      'prompt-field': { type: 'string' },
      config: { type: 'string' },
      'fail-on': { type: 'string' },
      lowercase: { type: 'boolean' },
      seed: { type: 'string' },
      'max-file-size': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(HELP + '\n');
    return EXIT_OK;
  }
  const format = values.format!;
  if (!['text', 'json', 'sarif', 'html'].includes(format)) throw new UsageError(`--format must be text, json, sarif or html, not "${format}"`);
  if (positionals.length === 0) throw new UsageError('analyze needs at least one file; try collapse-lens --help');

  const configPath = values.config ? path.resolve(io.cwd, values.config) : path.join(io.cwd, CONFIG_FILE_NAME);
  const fileConfig = await loadConfig(configPath, values.config !== undefined);

  const failOnRaw = values['fail-on'] ?? fileConfig.failOn ?? 'error';
  if (!['error', 'warning', 'info', 'never'].includes(failOnRaw)) throw new UsageError(`--fail-on must be error, warning, info or never, not "${failOnRaw}"`);
  const failOn = failOnRaw as Severity | 'never';

  const fields: FieldOverrides = {};
  const fieldFlag = { group: 'group-field', text: 'text-field', vector: 'vector-field', label: 'label-field', prediction: 'prediction-field', value: 'value-field', prompt: 'prompt-field' } as const;
  for (const [role, flag] of Object.entries(fieldFlag)) {
    const v = values[flag];
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
  if (values.baseline !== undefined) flags.baseline = values.baseline;
  if (values.lowercase) flags.lowercase = true;
  if (values.seed !== undefined) {
    const s = Number(values.seed);
    if (!Number.isInteger(s)) throw new UsageError(`--seed must be an integer, not "${values.seed}"`);
    flags.seed = s;
  }
  if (values['max-file-size'] !== undefined) {
    const mb = Number(values['max-file-size']);
    if (!(mb > 0)) throw new UsageError(`--max-file-size must be a positive number of megabytes, not "${values['max-file-size']}"`);
    flags.maxFileBytes = Math.round(mb * 1024 * 1024);
  }

  const inputs: AnalyzeInput[] = positionals.map((p) => ({ file: path.resolve(io.cwd, p), display: toDisplay(io.cwd, p) }));
  const seen = new Set<string>();
  for (const i of inputs) {
    if (seen.has(i.file)) throw new UsageError(`${i.display} is given twice`);
    seen.add(i.file);
  }
  if (values.baseline !== undefined && existsSync(path.resolve(io.cwd, values.baseline))) {
    flags.baseline = toDisplay(io.cwd, values.baseline);
  }

  const options = mergeOptions(fileConfig, flags);
  const showProgress = Boolean(io.stderr.isTTY);
  let lastDraw = 0;
  if (showProgress) {
    options.onProgress = (p) => {
      const now = Date.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      const pctDone = p.totalBytes > 0 ? Math.min(100, Math.floor((100 * p.bytes) / p.totalBytes)) : 0;
      io.stderr.write(`\r\x1b[2Kanalyzing ${p.file} (${p.fileIndex + 1}/${p.files}) ${pctDone}% · ${p.records} records`);
    };
  }
  let result;
  try {
    const readerThread = readerThreadBeside(__dirname);
    result = await analyzeFiles(inputs, readerThread ? { ...options, readerThread } : options);
  } finally {
    if (showProgress) io.stderr.write('\r\x1b[2K');
  }
  const { report } = result;

  let output: string;
  if (format === 'json') output = formatJson(report);
  else if (format === 'sarif') output = formatSarif(report);
  else if (format === 'html') output = renderStandaloneHtml({ report: result.report, details: result.details }, await readReportAssets());
  else output = formatText(report, { color: !values.out && Boolean(io.stdout.isTTY), ...(io.stdout.columns ? { width: io.stdout.columns } : {}) });

  if (values.out) {
    const outPath = path.resolve(io.cwd, values.out);
    if (inputs.some((i) => i.file === outPath)) throw new UsageError(`--out ${values.out} would overwrite an input file`);
    await mkdir(path.dirname(outPath), { recursive: true });
    await writeFile(outPath, output);
    if (format !== 'text' || io.stderr.isTTY) io.stderr.write(`wrote ${toDisplay(io.cwd, values.out)}\n`);
  } else io.stdout.write(output);

  if (failOn === 'never') return EXIT_OK;
  const bar = SEVERITY_ORDER[failOn];
  return report.findings.some((f) => SEVERITY_ORDER[f.severity] >= bar) ? EXIT_FINDINGS : EXIT_OK;
}

/** The webview bundle and stylesheet, shipped beside the CLI bundle. */
export async function readReportAssets(): Promise<{ script: string; style: string }> {
  const root = packageRoot(__dirname);
  const script = await readFile(path.join(root, 'dist', 'webview.js'), 'utf8').catch(() => {
    throw new UsageError('the report bundle dist/webview.js is missing; run npm run build');
  });
  const style = await readFile(path.join(root, 'media', 'report.css'), 'utf8');
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
  return (rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(cwd, p) : rel).split(path.sep).join('/');
}

async function scenarioCommand(args: string[], io: CliIO): Promise<number> {
  const known = new Set(['seed', 'generations', 'out', 'format']);
  const opts: Record<string, string> = {};
  const params: Record<string, string> = {};
  const positionals: string[] = [];
  let list = false;
  let force = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--list') list = true;
    else if (a === '--force') force = true;
    else if (a === '--help' || a === '-h') {
      io.stdout.write(HELP + '\n');
      return EXIT_OK;
    } else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      let value = eq > 0 ? a.slice(eq + 1) : args[i + 1];
      if (eq < 0) {
        if (value === undefined || value.startsWith('--')) value = 'true';
        else i++;
      }
      (known.has(name) ? opts : params)[name] = value;
    } else positionals.push(a);
  }
  if (list) {
    const width = Math.max(...SCENARIOS.map((s) => s.name.length));
    for (const s of SCENARIOS) io.stdout.write(`${s.name.padEnd(width)}  ${s.description}\n`);
    return EXIT_OK;
  }
  const name = positionals[0];
  if (!name) throw new UsageError('scenario needs a NAME; collapse-lens scenario --list shows them');
  const scenario = getScenario(name);
  if (!scenario) throw new UsageError(`unknown scenario "${name}"; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const seed = opts.seed !== undefined ? Number(opts.seed) : 42;
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, not "${opts.seed}"`);
  const generations = opts.generations !== undefined ? Number(opts.generations) : scenario.defaultGenerations;
  if (!Number.isInteger(generations) || generations < 2 || generations > 1000) throw new UsageError(`--generations must be an integer from 2 to 1000, not "${opts.generations}"`);
  const format = (opts.format ?? 'jsonl') as ScenarioFormat;
  if (format !== 'jsonl' && format !== 'csv') throw new UsageError(`--format must be jsonl or csv, not "${opts.format}"`);
  const { params: typed, errors } = validateScenarioParams(scenario, params);
  if (errors.length) throw new UsageError(errors.join('; '));
  const result = scenario.run({ seed, generations, format, params: typed });
  const outDir = path.resolve(io.cwd, opts.out ?? path.join('collapse-lens-scenarios', `${scenario.name}-seed${seed}`));
  let written: string[];
  try {
    written = await writeScenario(result, outDir, { scenario: scenario.name, title: scenario.title, seed, generations, format, params: typed }, { overwrite: force });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${toDisplay(io.cwd, outDir)} already holds scenario files; choose another --out or add --force to overwrite them`);
    throw e;
  }
  io.stdout.write(`${scenario.title}: wrote ${written.length} files to ${toDisplay(io.cwd, outDir)}\n`);
  io.stdout.write(`expect: ${result.expected.description}\n`);
  const ext = path.extname(result.files[0]!.name);
  io.stdout.write(`next: collapse-lens analyze ${toDisplay(io.cwd, outDir)}/${result.files.length > 1 ? `gen-*${ext}` : result.files[0]!.name}\n`);
  return EXIT_OK;
}

// Set only in the CLI bundle, so importing this module (tests, other bundles) runs nothing.
declare const __CLI_ENTRY__: boolean | undefined;
if (typeof __CLI_ENTRY__ !== 'undefined' && __CLI_ENTRY__) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
