// Partial results and their merge (src/core/analysis/partial.ts, read.ts, parallel.ts, the CLI's
// `partial` and `merge`): the analysis of shards — files, byte ranges of one file, threads —
// merged, reports exactly what one analysis of everything does, for every role.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { runCli } from '../cliRunner';
import { repoRoot } from '../support';
import { analyzeFiles } from '../../../src/core/analyze';
import { readInputs } from '../../../src/core/analysis/read';
import type { AnalyzeInput } from '../../../src/core/analysis/read';
import { finishAnalysis } from '../../../src/core/analysis/finish';
import { mergePartials, partialFromState, partialToState } from '../../../src/core/analysis/partial';
import type { PartialAnalysis } from '../../../src/core/analysis/partial';
import { lineRanges, countLineBreaks } from '../../../src/core/analysis/ranges';
import { readInParallel, splitsIntoRanges } from '../../../src/core/analysis/parallel';
import { formatJson } from '../../../src/core/format/json';

const root = repoRoot();
const threadScript = path.join(root, 'dist', 'analysis-thread.js');

/** One scenario per role: values, labels, text, embeddings. */
const SCENARIOS = [
  { name: 'gaussian-refit', role: 'values' },
  { name: 'biased-decisions', role: 'labels' },
  { name: 'ngram-self-training', role: 'text' },
  { name: 'mixture-mode-collapse', role: 'vectors' },
] as const;

let tmp: string;
const folders = new Map<string, string[]>();

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-partial-'));
  for (const s of SCENARIOS) {
    const dir = path.join(tmp, s.name);
    const r = await runCli(['scenario', s.name, '--out', dir, '--generations', '4'], { cwd: tmp });
    assert.equal(r.code, 0, r.stderr);
    folders.set(s.name, fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => path.join(dir, f)));
  }
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const inputsOf = (files: string[]): AnalyzeInput[] => files.map((f) => ({ file: f, display: path.relative(tmp, f).split(path.sep).join('/') }));
const json = (partial: PartialAnalysis) => formatJson(finishAnalysis(partial).report);
const roundTrip = (p: PartialAnalysis) => partialFromState(JSON.parse(JSON.stringify(partialToState(p, 'test'))));

/** A single file holding every generation of a scenario, with a generation field. */
function oneFile(name: string): string {
  const out = path.join(tmp, `${name}-all.jsonl`);
  if (!fs.existsSync(out)) {
    const lines = folders.get(name)!.flatMap((f, g) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.stringify({ generation: `g${g}`, ...JSON.parse(l) })));
    fs.writeFileSync(out, lines.join('\n') + '\n');
  }
  return out;
}

describe('partial results merge into the report of one analysis', () => {
  for (const s of SCENARIOS) {
    test(`${s.role} (${s.name}): one partial per file, merged in any order, equals analyze — also stored and read back`, async () => {
      const files = folders.get(s.name)!;
      const want = formatJson((await analyzeFiles(inputsOf(files))).report);
      const fields = (await readInputs(inputsOf(files.slice(0, 1)), { acrossFiles: true, mergeable: true })).fields;
      const parts = await Promise.all(files.map((f) => readInputs(inputsOf([f]), { fieldsFrom: fields, mergeable: true })));
      assert.equal(json(mergePartials(parts.map(roundTrip))), want);
      const again = await Promise.all(files.map((f) => readInputs(inputsOf([f]), { fieldsFrom: fields, mergeable: true })));
      assert.equal(json(mergePartials([...again].reverse().map(roundTrip))), want, 'merged in reverse order');
    });

    test(`${s.role} (${s.name}): one file with a generation field in 1, 3 and 16 byte ranges equals analyze`, async () => {
      const file = oneFile(s.name);
      const [input] = inputsOf([file]);
      const want = formatJson((await analyzeFiles([input!])).report);
      const size = fs.statSync(file).size;
      const fields = (await readInputs([input!])).fields;
      for (const count of [1, 3, 16]) {
        const ranges = await lineRanges(file, size, count);
        let line = 1;
        const parts: PartialAnalysis[] = [];
        for (const range of ranges) {
          parts.push(roundTrip(await readInputs([input!], { fieldsFrom: fields, mergeable: true, range: { ...range, firstLine: line } })));
          line += await countLineBreaks(file, range);
        }
        assert.equal(json(mergePartials(parts)), want, `${count} ranges`);
      }
    });
  }

  test('--jobs: 1, 2 and 4 analysis threads give the same JSON (several files, and ranges of one file)', { skip: !fs.existsSync(threadScript) && 'dist/analysis-thread.js is not built (npm run build)' }, async () => {
    for (const s of SCENARIOS) {
      for (const files of [folders.get(s.name)!, [oneFile(s.name)]]) {
        const inputs = inputsOf(files);
        const want = formatJson((await analyzeFiles(inputs)).report);
        for (const jobs of [2, 4]) {
          // Kept mergeable, one file is read in byte ranges (splitsIntoRanges); a plain reading reads it whole.
          for (const mergeable of [false, true]) {
            const partial = await readInParallel(inputs, { jobs, analysisThread: threadScript, minRangeBytes: 2048, mergeable });
            assert.equal(json(partial), want, `${s.name}, ${files.length} file(s), ${jobs} threads${mergeable ? ', mergeable' : ''}`);
          }
        }
      }
    }
  });
});

test('a file is read in byte ranges only by a reading that keeps its whole state (a plain one reduces each generation)', () => {
  const jsonl = { format: 'jsonl', compressed: false } as const;
  const big = 64 * 1024 * 1024;
  assert.equal(splitsIntoRanges({ mergeable: true }, jsonl, big), true);
  assert.equal(splitsIntoRanges({ mergeable: false }, jsonl, big), false);
  assert.equal(splitsIntoRanges({}, jsonl, big), false);
  assert.equal(splitsIntoRanges({ mergeable: true }, jsonl, 8 * 1024 * 1024), false, 'under two ranges of 8 MB');
  assert.equal(splitsIntoRanges({ mergeable: true, minRangeBytes: 2048 }, jsonl, 4096), true);
  assert.equal(splitsIntoRanges({ mergeable: true }, { format: 'jsonl', compressed: true }, big), false, 'gzip is read from its start');
  assert.equal(splitsIntoRanges({ mergeable: true }, { format: 'csv', compressed: false }, big), false);
});

describe('collapse-lens partial and merge', () => {
  const stateSchema = JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'partial.schema.json'), 'utf8'));
  const reportSchema = JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'report.schema.json'), 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addSchema(reportSchema, 'report.schema.json');
  const validState = ajv.compile(stateSchema);

  for (const s of SCENARIOS) {
    test(`${s.role}: a state per file, valid against schemas/partial.schema.json; merge prints what analyze prints`, async () => {
      const files = folders.get(s.name)!.map((f) => path.relative(tmp, f));
      const analyzed = await runCli(['analyze', ...files, '--format', 'json', '--fail-on', 'never'], { cwd: tmp });
      assert.equal(analyzed.code, 0, analyzed.stderr);
      const states: string[] = [];
      for (const [i, f] of files.entries()) {
        const state = `${s.name}-${i}.state.json`;
        const r = await runCli(['partial', f, '--out', state], { cwd: tmp });
        assert.equal(r.code, 0, r.stderr);
        const doc = JSON.parse(fs.readFileSync(path.join(tmp, state), 'utf8'));
        assert.ok(validState(doc), JSON.stringify(validState.errors?.slice(0, 5)));
        states.push(state);
      }
      const merged = await runCli(['merge', ...states, '--format', 'json', '--fail-on', 'never'], { cwd: tmp });
      assert.equal(merged.code, 0, merged.stderr);
      assert.equal(merged.stdout, analyzed.stdout);
      // A state holding two files merges with the others just the same.
      const pair = `${s.name}-pair.state.json`;
      assert.equal((await runCli(['partial', files[0]!, files[1]!, '--out', pair], { cwd: tmp })).code, 0);
      const mixed = await runCli(['merge', pair, ...states.slice(2), '--format', 'json', '--fail-on', 'never'], { cwd: tmp });
      assert.equal(mixed.stdout, analyzed.stdout);
    });
  }

  test('states read with other settings, another version or no state at all are refused with one line, exit 2', async () => {
    const [a, b] = folders.get('gaussian-refit')!.map((f) => path.relative(tmp, f));
    assert.equal((await runCli(['partial', a!, '--out', 'seed1.json', '--seed', '1'], { cwd: tmp })).code, 0);
    assert.equal((await runCli(['partial', b!, '--out', 'seed2.json', '--seed', '2'], { cwd: tmp })).code, 0);
    const seeds = await runCli(['merge', 'seed1.json', 'seed2.json'], { cwd: tmp });
    assert.equal(seeds.code, 2);
    assert.match(seeds.stderr, /cannot be merged: the seeds differ \(1 and 2\)/);
    assert.equal(seeds.stderr.trim().split('\n').length, 1);

    const doc = JSON.parse(fs.readFileSync(path.join(tmp, 'seed1.json'), 'utf8'));
    fs.writeFileSync(path.join(tmp, 'v99.json'), JSON.stringify({ ...doc, version: 99 }));
    const version = await runCli(['merge', 'v99.json'], { cwd: tmp });
    assert.equal(version.code, 2);
    assert.match(version.stderr, /v99\.json cannot be merged: it is a partial result of version 99/);

    const twice = await runCli(['merge', 'seed1.json', 'seed1.json'], { cwd: tmp });
    assert.equal(twice.code, 2, 'the same state twice');
    assert.equal((await runCli(['partial', a!, '--out', 'again.json', '--seed', '1'], { cwd: tmp })).code, 0);
    assert.match((await runCli(['merge', 'seed1.json', 'again.json'], { cwd: tmp })).stderr, /gen-00\.jsonl is in two partial results \(seed1\.json and again\.json\)/);

    fs.writeFileSync(path.join(tmp, 'other.json'), '{"schemaVersion":1}');
    assert.match((await runCli(['merge', 'other.json'], { cwd: tmp })).stderr, /other\.json cannot be merged: it is not a partial result of collapse-lens/);
    fs.writeFileSync(path.join(tmp, 'broken.json'), '{"kind":');
    assert.match((await runCli(['merge', 'broken.json'], { cwd: tmp })).stderr, /broken\.json is not a partial result: its JSON does not parse/);
    assert.match((await runCli(['merge', 'missing.json'], { cwd: tmp })).stderr, /missing\.json does not exist/);
  });

  test('usage: partial needs --out and files, merge needs states; reporting options belong to merge, reading options to partial', async () => {
    const [a] = folders.get('gaussian-refit')!.map((f) => path.relative(tmp, f));
    assert.match((await runCli(['partial', a!], { cwd: tmp })).stderr, /partial needs --out STATE/);
    assert.match((await runCli(['partial', '--out', 'x.json'], { cwd: tmp })).stderr, /partial needs at least one file/);
    assert.match((await runCli(['merge'], { cwd: tmp })).stderr, /merge needs at least one partial result/);
    assert.equal((await runCli(['partial', a!, '--out', 'y.json', '--format', 'json'], { cwd: tmp })).code, 2);
    assert.equal((await runCli(['merge', 'y.json', '--text-field', 'output'], { cwd: tmp })).code, 2);
    assert.match((await runCli(['analyze', a!, '--jobs', '0'], { cwd: tmp })).stderr, /--jobs must be a whole number of threads from 1 to 256, not "0"/);
    // --out never replaces an input.
    const onInput = await runCli(['partial', a!, '--out', a!], { cwd: tmp });
    assert.equal(onInput.code, 2);
  });
});
