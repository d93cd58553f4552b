// Property-based fuzz of the CLI (`main` from src/cli.ts, in process, fake streams, a temporary
// working directory holding the inputs), seeded and reproducible; see test/fuzz/runner.ts.
//   analyze: any input bytes × any flags (formats, field paths, --fail-on, --baseline, --out,
//     --config, bad values, unknown options) exit 0, 1 or 2;
//     on 2, stderr is one `collapse-lens: …` line, no stack trace, no "internal error";
//     on 0/1 with --format json the output parses and is valid against schemas/report.schema.json,
//     with --format sarif against schemas/sarif-2.1.0.json (parsing also rules out NaN/Infinity);
//     nothing in the inputs' folder is created or changed except the --out file (and its folders);
//     the same command run twice gives the same exit code and byte-identical stdout, stderr and
//     --out file (HTML compared with its per-run CSP nonce blanked out: the nonce is random by design).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import Ajv2020 from 'ajv/dist/2020';
import AjvDraft04 from 'ajv-draft-04';
import { runCli, type CliRun } from '../cliRunner';
import { cliArgs, cliCase, fileBytes, type CliCase } from '../../fuzz/arbitraries';
import { fuzzProperty } from '../../fuzz/runner';
import { repoRoot } from '../support';

const root = repoRoot();
const reportSchema = JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'report.schema.json'), 'utf8'));
const sarifSchema = JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'sarif-2.1.0.json'), 'utf8'));
const reportValidator = new Ajv2020({ allErrors: true, strict: false }).compile(reportSchema);
const sarifValidator = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false, logger: false }).compile(sarifSchema);

type Run = CliRun;

/** The command in `cwd`; main() must return an exit code, never reject. */
async function cli(args: string[], cwd: string): Promise<Run> {
  try {
    return await runCli(args, { cwd });
  } catch (error) {
    assert.fail(`main() rejected instead of returning an exit code: ${error instanceof Error ? error.stack : String(error)}`);
  }
}

/** Every entry under dir (folders with a trailing /) with a hash of each file's bytes. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rel of fs.readdirSync(dir, { recursive: true }).map(String).sort()) {
    const p = path.join(dir, rel);
    const st = fs.statSync(p);
    out.set(st.isDirectory() ? rel + '/' : rel, st.isDirectory() ? '' : crypto.createHash('sha1').update(fs.readFileSync(p)).digest('hex'));
  }
  return out;
}

/** The last value given for --name (as `--name v` or `--name=v`). */
function lastFlag(flags: string[][], name: string): string | undefined {
  let v: string | undefined;
  for (const f of flags) {
    if (f[0] === name && f.length === 2) v = f[1];
    else if (f.length === 1 && f[0]!.startsWith(name + '=')) v = f[0]!.slice(name.length + 1);
  }
  return v;
}

const blankNonce = (s: string) => s.replace(/nonce="[^"]*"/g, 'nonce="…"').replace(/nonce-[A-Za-z0-9+/=_-]+/g, 'nonce-…');

function writeCase(dir: string, c: CliCase): void {
  for (const f of c.files) fs.writeFileSync(path.join(dir, f.name), fileBytes(f.file));
  for (const x of c.extraPositionals) {
    if (x === 'sub') fs.mkdirSync(path.join(dir, x), { recursive: true });
    else if (x === 'notes.txt') fs.writeFileSync(path.join(dir, x), 'some notes\n');
    else if (x === 'archive.gz') fs.writeFileSync(path.join(dir, x), gzipSync('{"text":"x"}\n'));
  }
  if (c.config !== null) fs.writeFileSync(path.join(dir, 'collapselens.json'), c.config);
}

async function checkCli(c: CliCase): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-fuzz-cli-'));
  try {
    writeCase(dir, c);
    const args = cliArgs(c);
    const before = snapshot(dir);
    const first = await cli(args, dir);
    const shown = `collapse-lens ${args.map((a) => JSON.stringify(a)).join(' ')}`;

    assert.ok([0, 1, 2].includes(first.code), `${shown}: exit code ${first.code}`);
    assert.ok(!/^\s+at /m.test(first.stderr), `${shown}: stack trace on stderr:\n${first.stderr}`);
    assert.ok(!first.stderr.includes('internal error'), `${shown}: internal error:\n${first.stderr}`);
    if (first.code === 2) {
      assert.match(first.stderr, /^collapse-lens: [^\n]*\n$/, `${shown}: exit 2 must print one line on stderr, printed ${JSON.stringify(first.stderr)}`);
    }

    // Files: only --out may appear or change, with the folders it needs.
    const outName = lastFlag(c.flags, '--out');
    const outPath = outName === undefined ? undefined : path.resolve(dir, outName);
    const allowed = new Set<string>();
    if (outPath && first.code !== 2) {
      const rel = path.relative(dir, outPath).split(path.sep).join('/');
      const parts = rel.split('/');
      for (let i = 1; i < parts.length; i++) allowed.add(parts.slice(0, i).join('/') + '/');
      allowed.add(rel);
    }
    const after = snapshot(dir);
    for (const [name, hash] of after) {
      if (allowed.has(name)) continue;
      assert.ok(before.has(name), `${shown}: created ${name} in the inputs' folder`);
      assert.equal(hash, before.get(name), `${shown}: changed ${name} in the inputs' folder`);
    }
    for (const name of before.keys()) assert.ok(after.has(name), `${shown}: removed ${name}`);

    const helped = c.flags.some((f) => f[0] === '--help');
    let output = first.stdout;
    let outFile: string | undefined;
    if ((first.code === 0 || first.code === 1) && !helped) {
      if (outPath) {
        assert.equal(first.stdout, '', `${shown}: wrote to stdout despite --out`);
        assert.ok(fs.existsSync(outPath), `${shown}: --out ${outName} was not written`);
        outFile = fs.readFileSync(outPath, 'utf8');
        output = outFile;
      }
      const format = lastFlag(c.flags, '--format') ?? 'text';
      if (format === 'json' || format === 'sarif') {
        let doc: unknown;
        try {
          doc = JSON.parse(output);
        } catch (error) {
          assert.fail(`${shown}: --format ${format} output does not parse (NaN or Infinity?): ${String(error)}\n${output.slice(0, 2000)}`);
        }
        const validate = format === 'json' ? reportValidator : sarifValidator;
        assert.ok(validate(doc), `${shown}: --format ${format} output is not valid against its schema: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`);
      } else if (format === 'html') {
        assert.match(output, /^<!doctype html>/i, `${shown}: --format html output is not an HTML page`);
      }
    }

    // Determinism: the same command again.
    const second = await cli(args, dir);
    const norm = lastFlag(c.flags, '--format') === 'html' ? blankNonce : (s: string) => s;
    assert.equal(second.code, first.code, `${shown}: exit code differs between two runs`);
    assert.ok(norm(second.stdout) === norm(first.stdout), `${shown}: stdout differs between two runs`);
    assert.equal(second.stderr, first.stderr, `${shown}: stderr differs between two runs`);
    if (outFile !== undefined && outPath) {
      assert.ok(norm(fs.readFileSync(outPath, 'utf8')) === norm(outFile), `${shown}: --out file differs between two runs`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

fuzzProperty({
  target: 'cli',
  name: 'analyze',
  title: 'any files × any flags: exit 0/1/2, one-line errors, valid JSON/SARIF, no stray files, deterministic',
  arbitrary: cliCase,
  check: checkCli,
  isolate: true,
  timeoutMs: 20_000,
  label: (c) => `analyzing ${c.files.map((f) => f.name).join(', ')}`,
  sidecars: (c) => c.files.map((f) => ({ suffix: `.input-${f.name.replace(/[^A-Za-z0-9._-]/g, '_')}`, bytes: fileBytes(f.file) })),
});
