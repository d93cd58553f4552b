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
  const code = await main(args, { stdout, stderr, cwd });
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
    assert.ok(c.findings.filter((f: { rule: string }) => f.rule === 'accuracy-below-threshold').length >= 5);
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
