// The `collapse-lens` command (src/cli.ts), in process with fake streams: its output against the
// report and SARIF schemas, exit codes, flags and manners (colour, usage, one-line errors). Then
// against hostile data and surroundings: strings that break Vega expressions or terminals, --out
// names that point at the user's data or nowhere (src/core/outputFile.ts), scenario folders with
// planted links (src/core/scenarios/write.ts), readers that hang up, gzip bombs. Inputs are the
// smallest that show each.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import Ajv2020 from 'ajv/dist/2020';
import AjvDraft04 from 'ajv-draft-04';
import { parse as parseVega } from 'vega';
import { runCli, type CliRun } from './cliRunner';
import { PAYLOAD_ELEMENT_ID, type ReportPayload } from '../../src/shared/protocol';
import { LIGHT_PALETTE, vegaThemeConfig } from '../../src/shared/theme';
import { repoRoot } from './support';

const root = repoRoot();
const reportSchema = JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'report.schema.json'), 'utf8'));
const sarifSchema = JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'sarif-2.1.0.json'), 'utf8'));
const reportValidator = new Ajv2020({ allErrors: true, strict: false }).compile(reportSchema);
const sarifValidator = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false, logger: false }).compile(sarifSchema);
/** Schema errors as text, or undefined when the document is valid. */
const reportErrors = (d: unknown) => (reportValidator(d) ? undefined : JSON.stringify(reportValidator.errors, null, 2));
const sarifErrors = (d: unknown) => (sarifValidator(d) ? undefined : JSON.stringify(sarifValidator.errors, null, 2));

/** Runs the command in `cwd` (the repository by default); `tty` makes stdout and stderr terminals. */
const cli = runCli;
type Run = CliRun;

const chat = [1, 2, 3, 4, 5].map((g) => `examples/chat-generations/gen${g}.jsonl`);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const parse = (s: string): any => JSON.parse(s);

function listing(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).sort();
}

describe('collapse-lens CLI', () => {
  test('--version and --help exit 0; no command is a usage error', async () => {
    const v = await cli(['--version']);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^\d+\.\d+\.\d+/);
    const h = await cli(['--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /collapse-lens analyze FILE\.\.\./);
    assert.equal((await cli([])).code, 2);
    assert.equal((await cli(['frobnicate'])).code, 2);
  });

  test('JSON output validates against the report schema and is byte-identical across runs', async () => {
    const a = await cli(['analyze', ...chat, '--format', 'json', '--fail-on', 'never']);
    const b = await cli(['analyze', ...[...chat].reverse(), '--format', 'json', '--fail-on', 'never']);
    assert.equal(a.code, 0, a.stderr);
    const report = parse(a.stdout);
    assert.equal(reportErrors(report), undefined);
    assert.equal(a.stdout, b.stdout, 'same input in another order → same bytes');
    assert.deepEqual(report.groups.map((g: { id: string }) => g.id), ['gen1', 'gen2', 'gen3', 'gen4', 'gen5']);
    assert.equal(report.fields.text, 'completion');
    assert.ok(report.findings.length > 0);
  });

  test('every shipped example validates against the schema', async () => {
    for (const f of ['examples/classifier-eval.csv', 'examples/embeddings.jsonl']) {
      const r = await cli(['analyze', f, '--format', 'json', '--fail-on', 'never']);
      assert.equal(r.code, 0, r.stderr);
      const report = parse(r.stdout);
      assert.equal(reportErrors(report), undefined);
      assert.ok(report.groups.length >= 5, `${f} has generations`);
    }
  });

  test('SARIF output is valid SARIF 2.1.0 with one result per finding and physical locations', async () => {
    const j = parse((await cli(['analyze', ...chat, '--format', 'json', '--fail-on', 'never'])).stdout);
    const r = await cli(['analyze', ...chat, '--format', 'sarif', '--fail-on', 'never']);
    const sarif = parse(r.stdout);
    assert.equal(sarifErrors(sarif), undefined);
    assert.equal(sarif.runs[0].results.length, j.findings.length);
    const first = sarif.runs[0].results[0];
    assert.equal(first.ruleId, j.findings[0].rule);
    assert.equal(first.locations[0].physicalLocation.region.startLine, j.findings[0].location.line);
    assert.equal(first.locations[0].physicalLocation.artifactLocation.uri, j.findings[0].location.file);
  });

  test('text output: a table per generation and the findings, no colour off a terminal, colour on one', async () => {
    const r = await cli(['analyze', ...chat, '--fail-on', 'never']);
    assert.match(r.stdout, /metric\s+gen1\s+gen2\s+gen3\s+gen4\s+gen5/);
    assert.match(r.stdout, /distinct_2/);
    assert.ok(!r.stdout.includes('\x1b['), 'no ANSI codes when stdout is not a TTY');
    assert.equal(r.stderr, '', 'no progress when stderr is not a TTY');
    const t = await cli(['analyze', ...chat, '--fail-on', 'never'], { tty: true });
    assert.ok(t.stdout.includes('\x1b['));
  });

  test('exit codes follow --fail-on', async () => {
    const j = parse((await cli(['analyze', ...chat, '--format', 'json', '--fail-on', 'never'])).stdout);
    const hasError = j.findings.some((f: { severity: string }) => f.severity === 'error');
    assert.equal((await cli(['analyze', ...chat, '--format', 'json'])).code, hasError ? 1 : 0);
    assert.equal((await cli(['analyze', ...chat, '--format', 'json', '--fail-on', 'warning'])).code, 1);
    assert.equal((await cli(['analyze', ...chat, '--format', 'json', '--fail-on', 'never'])).code, 0);
    assert.equal((await cli(['analyze', ...chat, '--fail-on', 'sometimes'])).code, 2);
    assert.equal((await cli(['analyze', ...chat, '--format', 'yaml'])).code, 2);
  });

  test('field flags, --baseline and --config are honoured; a wrong field is exit 2 naming the fields', async () => {
    const r = parse((await cli(['analyze', ...chat, '--format', 'json', '--text-field', 'prompt', '--baseline', 'examples/chat-generations/gen3.jsonl', '--fail-on', 'never'])).stdout);
    assert.equal(r.fields.text, 'prompt');
    assert.equal(r.baseline, 'gen3');
    const bad = await cli(['analyze', ...chat, '--text-field', 'nope']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /the text field "nope" selects nothing in the data; paths found: id, prompt, completion, score/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-cli-'));
    fs.writeFileSync(path.join(dir, 'cfg.json'), JSON.stringify({ fields: { group: 'generation', label: 'label', prediction: 'prediction' }, thresholds: { accuracy: 0.99 } }));
    const c = parse((await cli(['analyze', path.join(root, 'examples/classifier-eval.csv'), '--format', 'json', '--config', path.join(dir, 'cfg.json'), '--fail-on', 'never'], { cwd: dir })).stdout);
    const accuracy = c.findings.filter((f: { rule: string }) => f.rule === 'accuracy-below-threshold');
    assert.equal(accuracy.length, 1, 'one finding for the event');
    assert.ok(accuracy[0].related.length >= 4, 'the other generations below the threshold are related information');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('field paths: a nested path with a wildcard as a flag; a path with a syntax error is a usage error naming the column', async () => {
    const files = ['gen-1.jsonl', 'gen-2.jsonl', 'gen-3.jsonl'].map((f) => path.join(root, 'test/fixtures/layouts/openai-chat-n3', f));
    const all = parse((await cli(['analyze', ...files, '--format', 'json', '--fail-on', 'never'])).stdout);
    const first = parse((await cli(['analyze', ...files, '--format', 'json', '--fail-on', 'never', '--text-field', 'choices[0].message.content'])).stdout);
    assert.equal(all.fields.text, 'choices[*].message.content');
    assert.equal(all.groups[0].outputs, 36);
    assert.equal(first.fields.text, 'choices[0].message.content');
    assert.equal(first.groups[0].outputs, undefined, 'one output per record');
    assert.equal(first.groups[0].records, 12);
    const bad = await cli(['analyze', ...files, '--text-field', 'choices[*.message']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim(), 'collapse-lens: --text-field is not a valid field path: unexpected "." at column 10 of choices[*.message: expected "]"');
    const typo = await cli(['analyze', ...files, '--text-field', 'choices[0].mesage.content']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /selects nothing in the data; paths found: .*; did you mean "choices\[\*\]\.message\.content"\?$/m);
  });

  test('--out writes only the named file; nothing is written next to the inputs', async () => {
    const before = listing(path.join(root, 'examples'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-out-'));
    const out = path.join(dir, 'sub', 'report.json');
    const r = await cli(['analyze', ...chat, '--format', 'json', '--out', out, '--fail-on', 'never']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.equal(reportErrors(JSON.parse(fs.readFileSync(out, 'utf8'))), undefined);
    assert.deepEqual(listing(path.join(root, 'examples')), before);
    assert.equal((await cli(['analyze', chat[0]!, '--out', chat[0]!])).code, 2, 'refuses to overwrite an input');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a missing file and an unknown extension are exit 2 with a clear message', async () => {
    const m = await cli(['analyze', 'examples/nope.jsonl']);
    assert.equal(m.code, 2);
    assert.match(m.stderr, /examples\/nope\.jsonl does not exist/);
    const u = await cli(['analyze', 'README.md']);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /README\.md has an unknown file type/);
  });
});

describe('CLI manners', () => {
  const withEnv = (args: string[], env: Record<string, string>, tty: boolean): Promise<Run> => runCli(args, { env, tty, stderrTty: false });

  const coloured = (s: string) => s.includes('\x1b[');
  const text = ['analyze', chat[0]!, chat[4]!, '--fail-on', 'never'];

  test('NO_COLOR: any non-empty value turns colour off on a terminal; an empty one does not', async () => {
    assert.ok(coloured((await withEnv(text, {}, true)).stdout));
    assert.ok(!coloured((await withEnv(text, { NO_COLOR: '1' }, true)).stdout));
    assert.ok(!coloured((await withEnv(text, { NO_COLOR: 'false' }, true)).stdout), 'any value, even "false"');
    assert.ok(coloured((await withEnv(text, { NO_COLOR: '' }, true)).stdout), 'empty is unset');
  });

  test('FORCE_COLOR: on off a terminal (and over NO_COLOR); FORCE_COLOR=0 turns it off on one; never into an --out file', async () => {
    assert.ok(!coloured((await withEnv(text, {}, false)).stdout));
    for (const v of ['1', '2', '3', 'true', '']) assert.ok(coloured((await withEnv(text, { FORCE_COLOR: v }, false)).stdout), `FORCE_COLOR=${v}`);
    assert.ok(coloured((await withEnv(text, { FORCE_COLOR: '1', NO_COLOR: '1' }, false)).stdout), 'FORCE_COLOR wins');
    for (const v of ['0', 'false']) assert.ok(!coloured((await withEnv(text, { FORCE_COLOR: v }, true)).stdout), `FORCE_COLOR=${v}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-color-'));
    const out = path.join(dir, 'report.txt');
    assert.equal((await withEnv([...text, '--out', out], { FORCE_COLOR: '1' }, true)).code, 0);
    assert.ok(!coloured(fs.readFileSync(out, 'utf8')));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('usage goes to stderr on no arguments, to stdout when asked for', async () => {
    const none = await cli([]);
    assert.equal(none.code, 2);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /^collapse-lens \d+\.\d+\.\d+ — /u);
    for (const args of [['--help'], ['-h'], ['help'], ['analyze', '--help'], ['scenario', '--help']]) {
      const h = await cli(args);
      assert.equal(h.code, 0, args.join(' '));
      assert.equal(h.stderr, '', args.join(' '));
      assert.match(h.stdout, /Usage:/u, args.join(' '));
    }
  });

  test('a mistyped option: one line naming the nearest option', async () => {
    const r = await cli(['analyze', chat[0]!, '--formt', 'json']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'collapse-lens: unknown option --formt; did you mean --format?\n');
    assert.equal((await cli(['analyze', chat[0]!, '--fail-of=never'])).stderr, 'collapse-lens: unknown option --fail-of; did you mean --fail-on?\n');
    assert.equal((await cli(['scenario', 'recommender', '--seeed', '3'])).stderr, 'collapse-lens: unknown option --seeed; did you mean --seed?\n');
    assert.equal((await cli(['scenario', '--lst'])).stderr, 'collapse-lens: unknown option --lst; did you mean --list?\n');
    assert.equal((await cli(['analyze', chat[0]!, '--zzzzzz'])).stderr, 'collapse-lens: unknown option --zzzzzz; collapse-lens --help lists the options\n');
    assert.equal((await cli(['analyse', chat[0]!])).stderr, 'collapse-lens: unknown command "analyse"; did you mean analyze?\n');
    assert.equal((await cli(['analyze', chat[0]!, '--format'])).stderr, 'collapse-lens: --format needs a value (text, json, sarif or html)\n');
    assert.equal((await cli(['analyze', chat[0]!, '--lowercase=yes'])).stderr, 'collapse-lens: --lowercase takes no value; write --lowercase alone\n');
  });

  test('every exit-2 message is exactly one line, with no stack trace', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-oneline-'));
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"fields": {\n  "text": \n');
    fs.writeFileSync(path.join(dir, 'wrong.json'), JSON.stringify({ failOn: 'sometimes', fields: { text: 'a[[' } }));
    const cases: [string, string[]][] = [
      ['unknown option', ['analyze', chat[0]!, '--formt', 'json']],
      ['bad --format', ['analyze', chat[0]!, '--format', 'ya\nml']],
      ['bad --fail-on', ['analyze', chat[0]!, '--fail-on', 'sometimes']],
      ['missing file', ['analyze', 'examples/no\nsuch.jsonl']],
      ['bad field path', ['analyze', chat[0]!, '--text-field', 'choices[*.message']],
      ['bad config (not JSON)', ['analyze', chat[0]!, '--config', path.join(dir, 'bad.json')]],
      ['bad config (wrong values)', ['analyze', chat[0]!, '--config', path.join(dir, 'wrong.json')]],
      ['missing config', ['analyze', chat[0]!, '--config', path.join(dir, 'none.json')]],
      ['bad --max-file-size', ['analyze', chat[0]!, '--max-file-size', '0']],
      ['scenario without a name', ['scenario']],
      ['unknown scenario', ['scenario', 'nope']],
    ];
    for (const [what, args] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, what);
      assert.match(r.stderr, /^collapse-lens: [^\n]+\n$/u, `${what}: ${JSON.stringify(r.stderr)}`);
      assert.doesNotMatch(r.stderr, /internal error|\bat .+:\d+:\d+/u, what);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the help lists every option the parsers accept, and no other', async () => {
    const { HELP, ANALYZE_OPTIONS, SCENARIO_OPTIONS, GLOBAL_OPTIONS } = await import('../../src/cli');
    const inHelp = new Set([...HELP.matchAll(/(?<![\w-])--([a-z][a-z-]*)/gu)].map((m) => m[1]!));
    const accepted = new Set([...Object.keys(ANALYZE_OPTIONS), ...Object.keys(SCENARIO_OPTIONS), ...Object.keys(GLOBAL_OPTIONS)]);
    assert.deepEqual([...inHelp].sort(), [...accepted].sort());
    assert.ok(inHelp.has('force'), '--force of scenario');
    const shorts = [...Object.values(ANALYZE_OPTIONS), ...Object.values(SCENARIO_OPTIONS), ...Object.values(GLOBAL_OPTIONS)].map((o) => o.short).filter(Boolean);
    for (const s of new Set(shorts)) assert.match(HELP, new RegExp(`(?<![\\w-])-${s},`, 'u'), `-${s}`);
    // The scenario options are listed under the scenario heading.
    const scenarioPart = HELP.slice(HELP.indexOf('Scenario options:'));
    for (const name of Object.keys(SCENARIO_OPTIONS).filter((n) => n !== 'help')) assert.match(scenarioPart, new RegExp(`--${name}\\b`, 'u'), name);
  });

  test('--jobs defaults to every core past two, at most one per GiB of memory, else one', async () => {
    const { defaultJobs } = await import('../../src/core/analysis/parallel');
    const GiB = 2 ** 30;
    assert.equal(defaultJobs(1, 16 * GiB), 1);
    assert.equal(defaultJobs(2, 16 * GiB), 1, 'two cores: one reading, its records parsed on a second thread');
    assert.equal(defaultJobs(3, 16 * GiB), 3);
    assert.equal(defaultJobs(8, 16 * GiB), 8);
    assert.equal(defaultJobs(64, 16 * GiB), 16, 'memory bounds it');
    assert.equal(defaultJobs(8, 0.5 * GiB), 1, 'never below one');
  });
});

// ===========================================================================================
// Hostile data and surroundings.

const hostile = (name: string) => path.join(root, 'test', 'fixtures', 'hostile', name);
/** The first and last generations of the chat example, by absolute path (some runs change the working folder). */
const chatPair = [1, 5].map((g) => path.join(root, `examples/chat-generations/gen${g}.jsonl`));

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cl-${prefix}-`));
}

/** Every entry of `dir`: a file's content, a link's target, or '/' for a folder. */
function contents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    const st = fs.lstatSync(p);
    out[name] = st.isSymbolicLink() ? `-> ${fs.readlinkSync(p)}` : st.isDirectory() ? '/' : fs.readFileSync(p, 'utf8');
  }
  return out;
}

function oneLine(r: Run, what: string): void {
  assert.match(r.stderr, /^collapse-lens: [^\n]+\n$/u, `${what}: ${JSON.stringify(r.stderr)}`);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /u, what);
}

// -------------------------------------------------------------------------------------------
describe('U+2028 and U+2029 in labels, decisions and generation ids', () => {
  test('--format html writes the report; every chart parses as the page parses it', async () => {
    const dir = tmp('sep');
    const out = path.join(dir, 'r.html');
    // Two generations "run\u20281" and "run\u20292"; decisions "approve\u2028now" and "deny\u2029".
    const r = await cli(['analyze', hostile('separators.jsonl'), '--group-field', 'gen', '--format', 'html', '--out', out, '--fail-on', 'never']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `wrote ${out}\n`);
    const html = fs.readFileSync(out, 'utf8');
    const block = new RegExp(`<script type="application/json" id="${PAYLOAD_ELEMENT_ID}">([^]*?)</script>`, 'u').exec(html)![1]!;
    assert.doesNotMatch(block, /[\u2028\u2029]/u, 'escaped inside the JSON block');
    const payload = JSON.parse(block) as ReportPayload;
    assert.deepEqual(payload.result.report.groups.map((g) => g.id), ['run\u20281', 'run\u20292']);
    assert.ok(payload.charts.some((c) => c.id === 'label-shares'), 'the decisions are charted');
    for (const c of payload.charts) parseVega(c.spec, vegaThemeConfig(LIGHT_PALETTE), { ast: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

// -------------------------------------------------------------------------------------------
describe('control characters never reach the terminal', () => {
  // Generation ids "g\e[31m1" and "g\e]0;pwned\a2"; the second generation repeats one output
  // with ESC sequences, CR LF, RLO (U+202E) and C1 controls, which the findings quote.
  const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

  test('text report: ids, quoted outputs and file names are escaped, one line each', async () => {
    const r = await cli(['analyze', hostile('controls.jsonl'), '--group-field', 'gen', '--fail-on', 'never']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, unsafe);
    assert.ok(r.stdout.includes('g\\e]0;pwned\\a2'), 'the id is shown escaped');
    assert.match(r.stdout, /"\\e\[2J\\e\[Hcleared \\u202eevil\\x85 \\x9b31m"/u, 'the output is shown escaped');
    for (const line of r.stdout.split('\n').filter((l) => l.includes('[dominant-output]'))) assert.match(line, /^warning /u);
  });

  test('with colour, the only escape sequences are the report\'s own', async () => {
    const r = await cli(['analyze', hostile('controls.jsonl'), '--group-field', 'gen', '--fail-on', 'never'], { tty: true });
    assert.ok(r.stdout.includes('\x1b[1m'));
    assert.doesNotMatch(r.stdout.replace(/\x1b\[\d+m/gu, ''), unsafe);
  });

  test('error messages: a file name with a line break and an escape stays on one line', async () => {
    const r = await cli(['analyze', 'no\nsuch\x1b[2J.jsonl']);
    assert.equal(r.code, 2);
    oneLine(r, 'missing file');
    assert.ok(r.stderr.includes('no\\nsuch\\e[2J.jsonl'));
  });
});

// -------------------------------------------------------------------------------------------
describe('--out never destroys data', () => {
  test('a link to an input is refused and the input is unchanged', async () => {
    const dir = tmp('out-link');
    const input = path.join(dir, 'gen1.jsonl');
    fs.copyFileSync(chatPair[0]!, input);
    const before = fs.readFileSync(input, 'utf8');
    fs.symlinkSync(input, path.join(dir, 'link.json'));
    const r = await cli(['analyze', 'gen1.jsonl', '--format', 'json', '--out', 'link.json'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'collapse-lens: --out link.json is one of the input files; write the output to another file\n');
    assert.equal(fs.readFileSync(input, 'utf8'), before);
    // A hard link is the same file under another name.
    fs.linkSync(input, path.join(dir, 'hard.json'));
    const h = await cli(['analyze', 'gen1.jsonl', '--format', 'json', '--out', 'hard.json'], { cwd: dir });
    assert.equal(h.code, 2);
    oneLine(h, 'hard link');
    assert.equal(fs.readFileSync(input, 'utf8'), before);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a folder, a path under a file, a link to nothing: one line, exit 2, nothing written', async () => {
    const dir = tmp('out-bad');
    fs.mkdirSync(path.join(dir, 'folder'));
    fs.writeFileSync(path.join(dir, 'file.txt'), 'mine');
    fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling.json'));
    const before = contents(dir);
    const cases: [string, RegExp][] = [
      ['folder', /^collapse-lens: --out folder is a folder; name a file inside it\n$/u],
      ['file.txt/r.json', /^collapse-lens: --out file\.txt\/r\.json is under a file, not a folder; choose another --out\n$/u],
      ['file.txt/sub/r.json', /^collapse-lens: --out file\.txt\/sub\/r\.json is under a file, not a folder; choose another --out\n$/u],
      ['dangling.json', /^collapse-lens: --out dangling\.json is a symbolic link to a file that does not exist; choose another --out\n$/u],
    ];
    for (const [out, message] of cases) {
      const r = await cli(['analyze', chatPair[0]!, '--format', 'json', '--out', out], { cwd: dir });
      assert.equal(r.code, 2, out);
      assert.match(r.stderr, message, out);
    }
    assert.deepEqual(contents(dir), before);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a folder that cannot be made (under /proc) is refused at once, not a hang', { skip: !fs.existsSync('/proc/self') && 'no /proc', timeout: 20_000 }, async () => {
    const r = await cli(['analyze', chatPair[0]!, '--format', 'json', '--out', '/proc/nope/r.json']);
    assert.equal(r.code, 2);
    oneLine(r, '/proc');
    assert.match(r.stderr, /--out \/proc\/nope\/r\.json is in a folder that cannot be made/u);
  });

  test('a named pipe is not a file to write a report into (it would block)', { skip: process.platform === 'win32' && 'no mkfifo', timeout: 20_000 }, async (t) => {
    const dir = tmp('out-fifo');
    try {
      execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    } catch {
      t.skip('mkfifo is not available');
      return;
    }
    const r = await cli(['analyze', chatPair[0]!, '--format', 'json', '--out', 'pipe'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'collapse-lens: --out pipe is not a regular file (a device, pipe or socket); choose another --out\n');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('an existing report is replaced whole; no temporary file is left; a link to a file writes that file', async () => {
    const dir = tmp('out-replace');
    fs.writeFileSync(path.join(dir, 'r.json'), 'old');
    const r = await cli(['analyze', ...chatPair, '--format', 'json', '--out', 'r.json', '--fail-on', 'never'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'r.json'), 'utf8')).tool.name, 'collapse-lens');
    assert.deepEqual(fs.readdirSync(dir), ['r.json']);
    fs.mkdirSync(path.join(dir, 'reports'));
    fs.writeFileSync(path.join(dir, 'reports', 'latest.json'), 'old');
    fs.symlinkSync(path.join(dir, 'reports', 'latest.json'), path.join(dir, 'current.json'));
    assert.equal((await cli(['analyze', ...chatPair, '--format', 'json', '--out', 'current.json', '--fail-on', 'never'], { cwd: dir })).code, 0);
    assert.ok(fs.lstatSync(path.join(dir, 'current.json')).isSymbolicLink(), 'the link stays a link');
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'reports', 'latest.json'), 'utf8')).tool.name, 'collapse-lens');
    assert.deepEqual(fs.readdirSync(path.join(dir, 'reports')), ['latest.json']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

// -------------------------------------------------------------------------------------------
describe('scenario --out never writes through links or over what it should not', () => {
  const args = (out: string, ...more: string[]) => ['scenario', 'recommender', '--generations', '2', '--catalogue', '8', '--out', out, ...more];

  test('--force with a link planted as a generation file: refused, the link\'s target untouched, nothing written', async () => {
    const dir = tmp('sc-link');
    const outside = path.join(dir, 'precious.txt');
    fs.writeFileSync(outside, 'precious');
    assert.equal((await cli(args('s'), { cwd: dir })).code, 0);
    fs.rmSync(path.join(dir, 's', 'gen-01.jsonl'));
    fs.symlinkSync(outside, path.join(dir, 's', 'gen-01.jsonl'));
    fs.writeFileSync(path.join(dir, 's', 'gen-00.jsonl'), 'mine');
    const before = contents(path.join(dir, 's'));
    const r = await cli(args('s', '--force'), { cwd: dir });
    assert.equal(r.code, 2);
    oneLine(r, 'link');
    assert.match(r.stderr, /s holds a symbolic link where a scenario file goes \(gen-01\.jsonl\); links are never written through/u);
    assert.equal(fs.readFileSync(outside, 'utf8'), 'precious');
    assert.deepEqual(contents(path.join(dir, 's')), before, 'nothing written, not even the files before the link');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a dangling link is refused before any file is written', async () => {
    const dir = tmp('sc-dangling');
    fs.mkdirSync(path.join(dir, 's'));
    fs.symlinkSync(path.join(dir, 'elsewhere.jsonl'), path.join(dir, 's', 'gen-01.jsonl'));
    for (const force of [[], ['--force']]) {
      const r = await cli(args('s', ...force), { cwd: dir });
      assert.equal(r.code, 2);
      oneLine(r, 'dangling');
      assert.deepEqual(Object.keys(contents(path.join(dir, 's'))), ['gen-01.jsonl']);
      assert.ok(!fs.existsSync(path.join(dir, 'elsewhere.jsonl')));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('--force replaces a regular file without writing through its other names (hard links)', async () => {
    const dir = tmp('sc-hard');
    assert.equal((await cli(args('s'), { cwd: dir })).code, 0);
    const outside = path.join(dir, 'outside.jsonl');
    fs.writeFileSync(outside, 'outside');
    fs.rmSync(path.join(dir, 's', 'gen-00.jsonl'));
    fs.linkSync(outside, path.join(dir, 's', 'gen-00.jsonl'));
    const r = await cli(args('s', '--force'), { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(outside, 'utf8'), 'outside');
    assert.notEqual(fs.readFileSync(path.join(dir, 's', 'gen-00.jsonl'), 'utf8'), 'outside');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a bare --out is a usage error (no folder named "true")', async () => {
    const dir = tmp('sc-bare');
    for (const a of [['scenario', 'recommender', '--out'], ['scenario', 'recommender', '--out', '--force'], ['scenario', 'recommender', '--out=']]) {
      const r = await cli(a, { cwd: dir });
      assert.equal(r.code, 2, a.join(' '));
      oneLine(r, a.join(' '));
      assert.match(r.stderr, /--out needs/u);
    }
    assert.deepEqual(fs.readdirSync(dir), []);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a file where the folder goes: "choose another --out", not --force', async () => {
    const dir = tmp('sc-file');
    fs.writeFileSync(path.join(dir, 'taken'), 'mine');
    for (const out of ['taken', 'taken/sub']) {
      for (const force of [[], ['--force']]) {
        const r = await cli(args(out, ...force), { cwd: dir });
        assert.equal(r.code, 2);
        oneLine(r, out);
        assert.match(r.stderr, new RegExp(`^collapse-lens: --out ${out} .*choose another --out\\n$`, 'u'));
        assert.doesNotMatch(r.stderr, /--force/u);
      }
    }
    assert.equal(fs.readFileSync(path.join(dir, 'taken'), 'utf8'), 'mine');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('files already there: --force is suggested, and it helps', async () => {
    const dir = tmp('sc-exists');
    assert.equal((await cli(args('s'), { cwd: dir })).code, 0);
    const again = await cli(args('s'), { cwd: dir });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /^collapse-lens: s already holds gen-00\.jsonl, gen-01\.jsonl, README\.md; choose another --out, or add --force to replace them\n$/u);
    assert.equal((await cli(args('s', '--force'), { cwd: dir })).code, 0);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

// -------------------------------------------------------------------------------------------
describe('a reader that hangs up', () => {
  /** A stream whose every write fails as a closed pipe does. */
  const closedPipe = () =>
    new Writable({
      write(_chunk, _enc, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' }));
      },
    });

  test('EPIPE on stdout ends quietly with the exit code the command would have had', async () => {
    const list = await cli(['scenario', '--list'], { stdout: closedPipe() });
    assert.deepEqual([list.code, list.stderr], [0, '']);
    const expected = (await cli(['analyze', ...chatPair, '--format', 'json'])).code;
    assert.equal(expected, 1, 'the chat example has an error finding');
    const analyze = await cli(['analyze', ...chatPair, '--format', 'json'], { stdout: closedPipe() });
    assert.deepEqual([analyze.code, analyze.stderr], [1, '']);
    // Let a late 'error' event fire: it must not be unhandled.
    await new Promise((r) => setImmediate(r));
  });

  test('EPIPE on stderr too', async () => {
    const r = await cli(['analyze', chatPair[0]!, '--formt', 'json'], { stderr: closedPipe() });
    assert.equal(r.code, 2);
    await new Promise((r) => setImmediate(r));
  });

  /** Runs the built CLI with its stdout closed before it writes anything, like `| head -1`. */
  function closedEarly(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stderr }));
    });
  }

  test('the built CLI, piped into a reader that has gone: no stack, the usual exit code', { skip: !fs.existsSync(path.join(root, 'dist', 'cli.js')) && 'dist/cli.js is not built (node esbuild.js)', timeout: 60_000 }, async () => {
    assert.deepEqual(await closedEarly(['scenario', '--list']), { code: 0, signal: null, stderr: '' });
    assert.deepEqual(await closedEarly(['analyze', ...chatPair, '--format', 'json']), { code: 1, signal: null, stderr: '' });
  });
});

// -------------------------------------------------------------------------------------------
describe('--max-file-size', () => {
  test('a tiny positive limit is a limit of at least one byte, not "no limit"', async () => {
    const r = await cli(['analyze', chatPair[0]!, '--max-file-size', '0.0000001']);
    assert.equal(r.code, 2);
    oneLine(r, 'tiny limit');
    assert.match(r.stderr, /more than the 1 bytes limit/u);
    for (const bad of ['0', '-1', 'abc', 'NaN', 'Infinity', '']) {
      const b = await cli(['analyze', chatPair[0]!, `--max-file-size=${bad}`]);
      assert.equal(b.code, 2, bad);
      assert.match(b.stderr, /--max-file-size must be a positive number of megabytes/u, bad);
    }
  });

  /** Small gzip, large inside: 2,000 lines of JSONL, about 120 KB, compressing to a few KB. */
  const bomb = gzipSync(Buffer.from(Array.from({ length: 2000 }, (_, i) => `{"text":"the same answer again and again ${i % 7}"}\n`).join('')));

  test(
    'the CLI applies --max-file-size to decompressed bytes',
    async () => {
      const dir = tmp('bomb');
      fs.writeFileSync(path.join(dir, 'big.jsonl.gz'), bomb);
      const r = await cli(['analyze', 'big.jsonl.gz', '--max-file-size', String(32 / 1024)], { cwd: dir });
      fs.rmSync(dir, { recursive: true, force: true });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^collapse-lens: big\.jsonl\.gz decompresses to more than 32\.0 KB/u);
    },
  );
});
