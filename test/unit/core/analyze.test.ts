// analyzeFiles (src/core/analyze.ts): generations, malformed lines, unusable input, progress
// and abort, the rolling view; no findings on metadata; hostile records (test/fixtures/hostile/).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { analyzeFiles, InputError } from '../../../src/core/analyze';
import { inputError, repoRoot } from '../support';

function tmp(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-analyze-'));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const varied = (n: number, seed = 0) => Array.from({ length: n }, (_, i) => `word${(i * 7 + seed) % 50} token${(i * 13 + seed) % 31} item${(i + seed) % 17} thing${i % 11}`);

describe('analyzeFiles', () => {
  test('one file with a generation field: groups in numeric order, metrics per group, findings located', async () => {
    const rows: object[] = [];
    for (const g of [10, 2, 1]) {
      const texts = g === 10 ? Array(40).fill('the same answer every time') : varied(40, g);
      texts.forEach((t, i) => rows.push({ generation: g, id: `${g}-${i}`, output: t }));
    }
    const dir = tmp({ 'gens.jsonl': jsonl(rows) });
    const { report, details } = await analyzeFiles([{ file: path.join(dir, 'gens.jsonl'), display: 'gens.jsonl' }]);
    assert.deepEqual(report.groups.map((g) => g.id), ['1', '2', '10']);
    assert.equal(report.baseline, '1');
    assert.equal(report.fields.group, 'generation');
    assert.equal(report.groups[2]!.metrics.duplicate_rate, 1 - 1 / 40);
    assert.equal(report.groups[2]!.location.line, 1, 'generation 10 starts on line 1');
    assert.equal(report.groups[0]!.location.line, 81);
    const rep = report.findings.find((f) => f.rule === 'repeated-outputs');
    assert.ok(rep, 'repeated outputs found');
    assert.equal(rep.group, '10');
    assert.equal(rep.related?.[0]?.location.line, 1);
    assert.ok(report.findings.some((f) => f.rule === 'diversity-drop' && f.severity === 'error'));
    assert.equal(details.groups.length, 3);
    assert.ok(details.groups[0]!.rankFrequency!.length > 0);
  });

  test('several files are generations in natural order; the baseline can be chosen', async () => {
    const dir = tmp({
      'gen10.jsonl': jsonl(varied(30, 3).map((output) => ({ output }))),
      'gen2.jsonl': jsonl(varied(30, 2).map((output) => ({ output }))),
      'gen1.jsonl': jsonl(varied(30, 1).map((output) => ({ output }))),
    });
    const inputs = ['gen10.jsonl', 'gen2.jsonl', 'gen1.jsonl'].map((f) => ({ file: path.join(dir, f), display: f }));
    const a = await analyzeFiles(inputs);
    assert.deepEqual(a.report.groups.map((g) => g.id), ['gen1', 'gen2', 'gen10']);
    assert.deepEqual(a.report.inputs.map((i) => i.file), ['gen1.jsonl', 'gen2.jsonl', 'gen10.jsonl']);
    const b = await analyzeFiles(inputs, { baseline: 'gen2.jsonl' });
    assert.equal(b.report.baseline, 'gen2');
    await assert.rejects(analyzeFiles(inputs, { baseline: 'gen7' }), /the baseline "gen7" is not one of the generations \(gen1, gen2, gen10\)/);
  });

  test('malformed lines are counted with line and column, the rest analyzed', async () => {
    const good = varied(20).map((output) => JSON.stringify({ output }));
    good.splice(4, 0, '{"output": "broken" }}');
    good.splice(9, 0, '[1, 2]');
    const dir = tmp({ 'bad.jsonl': good.join('\n') + '\n' });
    const { report } = await analyzeFiles([{ file: path.join(dir, 'bad.jsonl'), display: 'bad.jsonl' }]);
    assert.equal(report.inputs[0]!.records, 20);
    assert.equal(report.inputs[0]!.malformed, 2);
    assert.deepEqual(report.inputs[0]!.malformedLines, [5, 10]);
    const f = report.findings.find((x) => x.rule === 'malformed-records')!;
    assert.equal(f.location.line, 5);
    assert.ok((f.location.column ?? 0) >= 1);
    assert.match(f.message, /2 of 22 records could not be read/);
  });

  test('unusable input is an InputError with a clear message', async () => {
    const dir = tmp({ 'empty.jsonl': '', 'flags.jsonl': jsonl([{ ok: true, meta: { a: null } }, { ok: false, meta: null }]), 'big.jsonl': jsonl(varied(50).map((output) => ({ output }))) });
    await assert.rejects(analyzeFiles([{ file: path.join(dir, 'empty.jsonl'), display: 'empty.jsonl' }]), (e: unknown) => e instanceof InputError && /empty/.test((e as Error).message));
    await assert.rejects(analyzeFiles([{ file: path.join(dir, 'flags.jsonl'), display: 'flags.jsonl' }]), /flags\.jsonl has no field Collapse Lens can analyze \(paths found: ok, meta\.a, meta\); name one with --text-field/);
    await assert.rejects(analyzeFiles([{ file: path.join(dir, 'big.jsonl'), display: 'big.jsonl' }], { maxFileBytes: 100 }), /more than the 100 bytes limit/);
    await assert.rejects(analyzeFiles([{ file: path.join(dir, 'missing.jsonl'), display: 'missing.jsonl' }]), /missing\.jsonl does not exist/);
    // A file with no usable record is named with its own first problem, even after another
    // file's problems filled the list of those kept (found by fuzzing).
    const crowded = tmp({ 'a.jsonl': `${'x\n'.repeat(150)}${jsonl(varied(20).map((output) => ({ output })))}`, 'b.jsonl': '[]\n' });
    await assert.rejects(
      analyzeFiles(['a.jsonl', 'b.jsonl'].map((name) => ({ file: path.join(crowded, name), display: name }))),
      /^InputError: b\.jsonl: none of its 1 records could be read \(line 1, column 1: expected a JSON object, found an array\)/,
    );
    // Several missing: always the first in the order files are analyzed, whichever stat ends first.
    const missing = ['m-3.jsonl', 'm-1.jsonl', 'm-2.jsonl'].map((name) => ({ file: path.join(dir, name), display: name }));
    for (let i = 0; i < 5; i++) await assert.rejects(analyzeFiles(missing), /m-1\.jsonl does not exist/);
  });

  test('progress is reported and an abort stops the work', async () => {
    const dir = tmp({ 'a.jsonl': jsonl(varied(5000).map((output, i) => ({ id: i, output }))) });
    let calls = 0;
    await analyzeFiles([{ file: path.join(dir, 'a.jsonl'), display: 'a.jsonl' }], { onProgress: () => calls++ });
    assert.ok(calls >= 1);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(analyzeFiles([{ file: path.join(dir, 'a.jsonl'), display: 'a.jsonl' }], { signal: ac.signal }), (e: unknown) => (e as Error).name === 'AbortError');
  });

  test('a single stream gets the rolling ModelMonitor view', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ id: i, output: i < 500 ? varied(1, i)[0] : 'same same same', label: 'a', prediction: i % 3 ? 'a' : 'b' }));
    const dir = tmp({ 's.jsonl': jsonl(rows) });
    const { details } = await analyzeFiles([{ file: path.join(dir, 's.jsonl'), display: 's.jsonl' }], { rollingWindow: 100 });
    assert.equal(details.rolling?.points.length, 10);
    assert.ok(details.rolling!.points[0]!.diversity! > details.rolling!.points[9]!.diversity!);
    assert.ok(Math.abs(details.rolling!.points[0]!.accuracy! - 0.66) < 0.02);
  });

  test('a long stream keeps evenly spaced rolling windows, at most 500', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => ({ id: i, output: `token${i % 97} other${i % 13}` }));
    const dir = tmp({ 'long.jsonl': jsonl(rows) });
    const { details } = await analyzeFiles([{ file: path.join(dir, 'long.jsonl'), display: 'long.jsonl' }], { rollingWindow: 10 });
    const points = details.rolling!.points;
    assert.ok(points.length <= 500 && points.length >= 250, `${points.length} points`);
    assert.ok(points.every((p) => p.index % 10 === 0), 'each point starts a window');
    const gaps = new Set(points.slice(1).map((p, i) => p.index - points[i]!.index));
    assert.ok(gaps.size <= 2, `nearly even spacing: ${[...gaps].join(', ')}`);
    // Every window holds the same 10 records' worth of text: distinct-1 of a full window.
    assert.ok(points.every((p) => p.diversity !== undefined && p.diversity > 0));
  });
});

describe('no findings on metadata', () => {
  const gen = (i: number, decision: (k: number) => string, constant = 'approve') =>
    jsonl(
      varied(40, i * 3).map((t, k) => ({
        id: `r${i}-${k}`,
        object: 'chat.completion',
        model: 'gpt-4o-mini-2024-07-18',
        finish_reason: 'stop',
        status_code: 200,
        result: { type: 'succeeded' },
        output: t,
        decision: decision(k),
        category: constant,
      })),
    );

  test('constant metadata (object, model, finish reason, status, result type) is never a label and raises nothing', async () => {
    const dir = tmp({ 'gen1.jsonl': gen(1, (k) => (k % 2 ? 'approve' : 'deny')), 'gen2.jsonl': gen(2, (k) => (k % 2 ? 'approve' : 'deny')) });
    const { report } = await analyzeFiles(['gen1.jsonl', 'gen2.jsonl'].map((f) => ({ file: path.join(dir, f), display: f })));
    assert.equal(report.fields.label, 'decision');
    assert.deepEqual(report.findings, []);
  });

  test('a label constant all through the baseline is metadata: silent; a decision that drifts to one value still fires', async () => {
    const dir = tmp({
      'gen1.jsonl': gen(1, (k) => (k % 2 ? 'approve' : 'deny')),
      'gen2.jsonl': gen(2, (k) => (k % 10 ? 'approve' : 'deny')),
    });
    const files = ['gen1.jsonl', 'gen2.jsonl'].map((f) => ({ file: path.join(dir, f), display: f }));
    const drifting = await analyzeFiles(files);
    const dominant = drifting.report.findings.filter((f) => f.rule === 'dominant-output');
    assert.equal(dominant.length, 1, 'the decision that drifted to "approve" fires');
    assert.match(dominant[0]!.message, /^Decision "approve" is 90% of 40 records in generation gen2/);

    const constant = await analyzeFiles(files, { fields: { label: 'category' } });
    assert.equal(constant.report.fields.label, 'category');
    assert.deepEqual(constant.report.findings.filter((f) => f.rule === 'dominant-output'), [], 'a label that was one value in the baseline too is metadata');
  });

  test('a reference label (target) without a prediction is not a decision: no dominant-output on it', async () => {
    const rows = (i: number) => varied(30, i).map((t, k) => ({ completion: t, target: 'the same reference answer', doc: { answer: 'A' }, k }));
    const dir = tmp({ 'gen1.jsonl': jsonl(rows(1)), 'gen2.jsonl': jsonl(rows(2)) });
    const { report } = await analyzeFiles(['gen1.jsonl', 'gen2.jsonl'].map((f) => ({ file: path.join(dir, f), display: f })));
    assert.equal(report.fields.text, 'completion');
    assert.equal(report.fields.label, null);
    assert.deepEqual(report.findings.filter((f) => f.rule === 'dominant-output'), []);
  });
});

// Hostile records (test/fixtures/hostile/analysis-*): field names of Object.prototype, group
// values that are no ids, vectors that cannot be used. A record the analysis cannot use is
// malformed and not a record: it counts once, at the column of the value at fault.
describe('hostile records', () => {
  const hostile = (name: string) => [{ file: path.join(repoRoot(), 'test', 'fixtures', 'hostile', name), display: name }];
  const lineOf = (name: string, line: number) => fs.readFileSync(hostile(name)[0]!.file, 'utf8').split('\n')[line - 1]!;

  for (const field of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    test(`--group-field ${field} selects nothing on ordinary records`, async () => {
      await inputError(analyzeFiles(hostile('analysis-ordinary.jsonl'), { fields: { group: field } }), new RegExp(`the group field "${field}" selects nothing in the data`));
    });
  }

  test('a record that really has a __proto__ key (an own key after JSON.parse) is grouped by it', async () => {
    const { report } = await analyzeFiles(hostile('analysis-proto-group.jsonl'), { fields: { group: '__proto__' } });
    assert.equal(report.fields.group, '__proto__');
    assert.deepEqual(report.groups.map((g) => [g.id, g.records]), [['1', 1], ['2', 2]]);
  });

  test('a group value that is an object, array or boolean is one malformed record each, the rest analyzed', async () => {
    const name = 'analysis-group-values.jsonl';
    const { report, issues } = await analyzeFiles(hostile(name), { fields: { group: 'generation' } });
    assert.deepEqual(report.groups.map((g) => [g.id, g.records]), [['1', 1], ['2', 1]], 'no "[object Object]", "2" from [2], or "true" group');
    assert.equal(report.inputs[0]!.records, 2);
    assert.equal(report.inputs[0]!.malformed, 3);
    assert.deepEqual(report.inputs[0]!.malformedLines, [2, 3, 4]);
    assert.deepEqual(issues.map((i) => [i.line, i.message]), [
      [2, 'the group field generation holds an object, not a generation id'],
      [3, 'the group field generation holds an array, not a generation id'],
      [4, 'the group field generation holds a boolean (true), not a generation id'],
    ]);
    for (const i of issues) assert.equal(i.column, lineOf(name, i.line).indexOf('"generation": ') + '"generation": '.length + 1, `line ${i.line}: the column of the value`);
    const f = report.findings.find((x) => x.rule === 'malformed-records')!;
    assert.match(f.message, /^3 of 5 records could not be read and were skipped \(lines 2, 3, 4\); line 2, column 16: the group field generation holds an object, not a generation id\.$/);
  });

  test('a vector of another length counts once: malformed, not a record, at the column of the vector', async () => {
    const name = 'analysis-vector-length.jsonl';
    const { report, issues } = await analyzeFiles(hostile(name));
    assert.equal(report.fields.vector, 'embedding');
    assert.equal(report.inputs[0]!.records, 9);
    assert.equal(report.inputs[0]!.malformed, 1);
    assert.equal(report.groups[0]!.records, 9);
    const column = lineOf(name, 6).indexOf('[1,2]') + 1;
    assert.deepEqual(issues.map((i) => [i.line, i.column, i.message]), [[6, column, 'embedding: expected 4 numbers, found 2']]);
    const f = report.findings.find((x) => x.rule === 'malformed-records')!;
    assert.match(f.message, /^1 of 10 records could not be read and were skipped \(line 6\); line 6, column 21: /);
    assert.deepEqual(f.location, { file: name, line: 6, column });
  });

  test('a vector element that is not a number is reported at the element', async () => {
    const name = 'analysis-vector-element.jsonl';
    const { report, issues } = await analyzeFiles(hostile(name));
    assert.equal(report.inputs[0]!.records, 9);
    assert.equal(report.inputs[0]!.malformed, 1);
    assert.deepEqual(issues.map((i) => [i.line, i.column, i.message]), [[4, lineOf(name, 4).indexOf('"x"') + 1, 'embedding: element 1 is not a finite number ("x")']]);
  });

  test('read on a second thread: the same counts and columns', async () => {
    const script = path.join(repoRoot(), 'dist', 'reader-thread.js');
    for (const [name, fields] of [['analysis-vector-length.jsonl', {}], ['analysis-group-values.jsonl', { group: 'generation' }]] as const) {
      const one = await analyzeFiles(hostile(name), { fields });
      const two = await analyzeFiles(hostile(name), { fields, readerThread: script, readerThreadMinBytes: 0 });
      assert.deepEqual(two.report, one.report, name);
      assert.deepEqual(two.issues, one.issues, name);
    }
  });

  test('a gzip-compressed file is located too; a file where every record is skipped says why, at the column', async () => {
    const dir = tmp({});
    const text = fs.readFileSync(hostile('analysis-vector-length.jsonl')[0]!.file);
    fs.writeFileSync(path.join(dir, 'v.jsonl.gz'), zlib.gzipSync(text));
    const { issues } = await analyzeFiles([{ file: path.join(dir, 'v.jsonl.gz'), display: 'v.jsonl.gz' }]);
    assert.deepEqual(issues.map((i) => [i.line, i.column]), [[6, 21]]);
    fs.writeFileSync(path.join(dir, 'all.jsonl'), '{"generation": {"a": 1}, "output": "x y"}\n{"generation": [], "output": "z w"}\n');
    await inputError(
      analyzeFiles([{ file: path.join(dir, 'all.jsonl'), display: 'all.jsonl' }], { fields: { group: 'generation' } }),
      /^all\.jsonl: none of its 2 records could be read \(line 1, column 16: the group field generation holds an object, not a generation id\)$/,
    );
  });
});
