import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import Ajv2020 from 'ajv/dist/2020';
import AjvDraft04 from 'ajv-draft-04';
import { main } from '../../src/cli';

const root = path.resolve(__dirname, '..', '..', '..');
const reportSchema = JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'report.schema.json'), 'utf8'));
const sarifSchema = JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'sarif-2.1.0.json'), 'utf8'));
const reportValidator = new Ajv2020({ allErrors: true, strict: false }).compile(reportSchema);
const sarifValidator = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false, logger: false }).compile(sarifSchema);
/** Schema errors as text, or undefined when the document is valid. */
const reportErrors = (d: unknown) => (reportValidator(d) ? undefined : JSON.stringify(reportValidator.errors, null, 2));
const sarifErrors = (d: unknown) => (sarifValidator(d) ? undefined : JSON.stringify(sarifValidator.errors, null, 2));

interface Run { code: number; stdout: string; stderr: string }

async function cli(args: string[], cwd = root, tty = false): Promise<Run> {
  const stdout = new PassThrough() as PassThrough & { isTTY?: boolean };
  const stderr = new PassThrough() as PassThrough & { isTTY?: boolean };
  stdout.isTTY = tty;
  stderr.isTTY = tty;
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  // No NO_COLOR / FORCE_COLOR from the environment (node --test sets FORCE_COLOR=1 in a colour terminal).
  const code = await main(args, { stdout, stderr, cwd, env: {} });
  return { code, stdout: out, stderr: err };
}

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
    const t = await cli(['analyze', ...chat, '--fail-on', 'never'], root, true);
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
    const c = parse((await cli(['analyze', path.join(root, 'examples/classifier-eval.csv'), '--format', 'json', '--config', path.join(dir, 'cfg.json'), '--fail-on', 'never'], dir)).stdout);
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
  async function withEnv(args: string[], env: Record<string, string>, tty: boolean): Promise<Run> {
    const stdout = new PassThrough() as PassThrough & { isTTY?: boolean };
    const stderr = new PassThrough() as PassThrough & { isTTY?: boolean };
    stdout.isTTY = tty;
    stderr.isTTY = false;
    let out = '';
    let err = '';
    stdout.on('data', (d) => (out += d));
    stderr.on('data', (d) => (err += d));
    const code = await main(args, { stdout, stderr, cwd: root, env });
    return { code, stdout: out, stderr: err };
  }
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
});
