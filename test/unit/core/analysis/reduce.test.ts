// Reducing idle generations (src/core/analysis/builder.ts, IDLE_RECORDS; read.ts; the roles' `reduce`):
// a plain analysis lets go of a generation's tables once the reading has moved on, and the
// report is byte for byte the one of keeping every accumulator whole to the end; a generation
// that comes back after it was reduced makes the inputs be read again, with the same result.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeFiles } from '../../../../src/core/analyze';
import { encodeBase64 } from '../../../../src/core/numeric/base64';
import { IDLE_RECORDS, readInputs } from '../../../../src/core/analysis/read';
import type { AnalyzeInput, ReadInputsOptions } from '../../../../src/core/analysis/read';
import { finishAnalysis } from '../../../../src/core/analysis/finish';
import { readInParallel } from '../../../../src/core/analysis/parallel';
import { formatJson } from '../../../../src/core/format/json';
import { buildTextBaseline, finishTextMetrics, reduceTextAccumulator, TextAccumulator } from '../../../../src/core/metrics/text';
import { ValueAccumulator } from '../../../../src/core/metrics/values';
import { Random } from '../../../../src/core/random';
import { repoRoot } from '../../support';

const readerThread = path.join(repoRoot(), 'dist', 'reader-thread.js');
const analysisThread = path.join(repoRoot(), 'dist', 'analysis-thread.js');
const PER_GENERATION = IDLE_RECORDS + 1500;
let tmp: string;

/** A record of generation `g`: words from a vocabulary that narrows with g, a score, a label and a prompt. */
function record(rng: Random, g: number, i: number, generation: string | undefined): string {
  const words: string[] = [];
  const n = 3 + Math.floor(rng.next() * 12);
  for (let k = 0; k < n; k++) words.push(`w${Math.floor(rng.next() ** (1 + g) * (3000 >> g))}`);
  if (i % 50 === 0) words.push('The cat sat on the mat.');
  const rec: Record<string, unknown> = { prompt: `p${i % 700}`, output: words.join(' '), score: Math.round(rng.next() * (100 - 20 * g)) / 100, label: ['a', 'b', 'c'][Math.floor(rng.next() * (3 - g))] };
  return JSON.stringify(generation === undefined ? rec : { generation, ...rec });
}

function write(name: string, lines: string[]): AnalyzeInput {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return { file, display: name };
}

/** Generations in blocks of `block` records, in the order `order` gives. */
function blocks(name: string, order: number[], block: number): AnalyzeInput {
  const rng = new Random(7);
  const lines: string[] = [];
  order.forEach((g, b) => {
    for (let i = 0; i < block; i++) lines.push(record(rng, g, b * block + i, `gen-${g}`));
  });
  return write(name, lines);
}

async function both(inputs: AnalyzeInput[], options: ReadInputsOptions = {}) {
  const reduced = await analyzeFiles(inputs, options);
  const whole = finishAnalysis(await readInputs(inputs, { ...options, reduceIdle: false }), options);
  return { reduced, whole };
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-reduce-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('reducing idle generations', () => {
  test('one file, generations one after the other: reduced as the reading moves on, the same report', async () => {
    const input = blocks('sorted.jsonl', [0, 1, 2], PER_GENERATION);
    const partial = await readInputs([input]);
    const reduced = partial.groups.filter((g) => g.roles.text?.reduction !== undefined).map((g) => g.group);
    // The last generation is still being read when the input ends: only the first two were let go.
    assert.deepEqual(reduced, ['gen-0', 'gen-1']);
    const { reduced: r, whole } = await both([input]);
    assert.equal(formatJson(r.report), formatJson(whole.report));
    assert.deepEqual(r.details, whole.details);
    assert.ok(r.report.groups[0]!.metrics.ead !== undefined && r.report.groups[1]!.metrics.rare_token_share !== undefined);
  });

  test('read on a second thread: the same report', async () => {
    const input = blocks('sorted.jsonl', [0, 1, 2], PER_GENERATION);
    const { reduced, whole } = await both([input], { readerThread, readerThreadMinBytes: 0 });
    assert.equal(formatJson(reduced.report), formatJson(whole.report));
  });

  test('several files, each a generation: the same report', async () => {
    const rng = new Random(3);
    const inputs = [0, 1, 2].map((g) => write(`gen-${g}.jsonl`, Array.from({ length: PER_GENERATION }, (_, i) => record(rng, g, i, undefined))));
    const partial = await readInputs(inputs);
    assert.equal(partial.groups.filter((g) => g.roles.values?.sampled !== undefined && g.roles.text?.reduction).length, 2);
    // The first file is the baseline: the second is finished against it as it is reduced.
    const early = await readInputs(inputs, { finishEarly: true });
    assert.equal(early.groups[1]!.roles.text!.early?.source, early.groups[0]!.roles.text);
    const { reduced, whole } = await both(inputs);
    assert.equal(formatJson(reduced.report), formatJson(whole.report));
    assert.deepEqual(reduced.details, whole.details);
  });

  test('a generation that comes back after it was reduced: the input is read again, the same report', async () => {
    const input = blocks('returns.jsonl', [0, 1, 0, 2], PER_GENERATION);
    const partial = await readInputs([input]);
    assert.equal(partial.groups.filter((g) => g.roles.text?.reduction !== undefined).length, 0, 'read again without reducing');
    const { reduced, whole } = await both([input]);
    assert.equal(formatJson(reduced.report), formatJson(whole.report));
    assert.equal(reduced.report.groups.find((g) => g.id === 'gen-0')!.records, 2 * PER_GENERATION);
  });

  test('the baseline is not the first generation read: the same report', async () => {
    const input = blocks('late-baseline.jsonl', [2, 1, 0], PER_GENERATION);
    const { reduced, whole } = await both([input]);
    assert.equal(reduced.report.baseline, 'gen-0');
    assert.equal(formatJson(reduced.report), formatJson(whole.report));
    const named = await both([input], { baseline: 'gen-1' });
    assert.equal(formatJson(named.reduced.report), formatJson(named.whole.report));
  });

  test('with the first generation as the baseline, each later one is finished as it is reduced and keeps its result alone: the same report', async () => {
    const input = blocks('early.jsonl', [0, 1, 2, 3], PER_GENERATION);
    const partial = await readInputs([input], { finishEarly: true });
    const byId = new Map(partial.groups.map((g) => [g.group, g.roles.text!]));
    // gen-0 is the baseline: reduced and kept; gen-1 and gen-2 finished against it; gen-3 was still being read.
    assert.equal(byId.get('gen-0')!.early, undefined);
    assert.ok(byId.get('gen-0')!.reduction && byId.get('gen-0')!.vocabularySize > 0);
    for (const id of ['gen-1', 'gen-2']) {
      const acc = byId.get(id)!;
      assert.equal(acc.early?.source, byId.get('gen-0'), id);
      assert.equal(acc.vocabularySize, 0, `${id} let go of its vocabulary`);
      assert.throws(() => acc.toReducedState(), /finished against its baseline/);
    }
    assert.equal(byId.get('gen-3')!.reduction, undefined);
    const { reduced, whole } = await both([input]);
    assert.equal(formatJson(reduced.report), formatJson(whole.report));
    assert.deepEqual(reduced.details, whole.details);
    // Finishing such a generation against a baseline built from another accumulator is refused.
    assert.throws(() => finishTextMetrics(byId.get('gen-1')!, buildTextBaseline(byId.get('gen-3')!)), /another baseline/);
  });

  test('the baseline moves after generations were finished against another: read again without finishing early, the same report', async () => {
    const input = blocks('moves.jsonl', [1, 2, 3, 0], PER_GENERATION);
    const partial = await readInputs([input], { finishEarly: true });
    assert.equal(partial.groups.filter((g) => g.roles.text?.early !== undefined).length, 0, 'read again');
    assert.equal(partial.groups.filter((g) => g.roles.text?.reduction !== undefined).length, 3, 'still reduced');
    const { reduced, whole } = await both([input]);
    assert.equal(reduced.report.baseline, 'gen-0');
    assert.equal(formatJson(reduced.report), formatJson(whole.report));
  });

  test('on a second thread, which compresses, tags and joins for this one: finished early once the tags are back, read again when the baseline moves or a generation returns, the same report', async () => {
    const onThread = { readerThread, readerThreadMinBytes: 0 };
    const early = blocks('early-thread.jsonl', [0, 1, 2, 3], PER_GENERATION);
    const partial = await readInputs([early], { ...onThread, finishEarly: true });
    const byId = new Map(partial.groups.map((g) => [g.group, g.roles.text!]));
    // Every generation is reduced (the last ones before the thread stops), each later one finished against gen-0.
    for (const id of ['gen-1', 'gen-2', 'gen-3']) assert.equal(byId.get(id)!.early?.source, byId.get('gen-0'), id);
    for (const acc of byId.values()) assert.equal(acc.tagging, undefined);
    for (const [name, order] of [['early-thread.jsonl', [0, 1, 2, 3]], ['moves-thread.jsonl', [1, 2, 3, 0]], ['returns-thread.jsonl', [0, 1, 0, 2]]] as const) {
      const input = blocks(name, [...order], PER_GENERATION);
      const { reduced, whole } = await both([input], onThread);
      assert.equal(formatJson(reduced.report), formatJson(whole.report), name);
      assert.equal(formatJson(reduced.report), formatJson((await both([input])).whole.report), `${name}: as on one thread`);
    }
  });

  test('ids that sort as numbers until one is not: the order turns natural and the baseline with it, the same report', async () => {
    // As numbers 1.25 comes first; once "x" arrives the order is natural and "1.5" comes first.
    const rng = new Random(9);
    const ids = ['1.25', '1.5', '2', 'x'];
    const lines: string[] = [];
    ids.forEach((id, g) => {
      for (let i = 0; i < PER_GENERATION; i++) lines.push(record(rng, g, g * PER_GENERATION + i, id));
    });
    const input = write('turns.jsonl', lines);
    const { reduced, whole } = await both([input]);
    assert.equal(reduced.report.baseline, '1.5');
    assert.equal(formatJson(reduced.report), formatJson(whole.report));
    // Numbers throughout: finished early against 1.25, which stays the baseline.
    const numeric = write('numbers.jsonl', lines.slice(0, 3 * PER_GENERATION));
    const partial = await readInputs([numeric], { finishEarly: true });
    assert.equal(partial.groups.find((g) => g.group === '1.5')!.roles.text!.early?.source, partial.groups.find((g) => g.group === '1.25')!.roles.text);
    const n = await both([numeric]);
    assert.equal(n.reduced.report.baseline, '1.25');
    assert.equal(formatJson(n.reduced.report), formatJson(n.whole.report));
  });

  test('interleaved generations are never idle long enough: nothing is reduced', async () => {
    const input = blocks('interleaved.jsonl', Array.from({ length: 30 }, (_, i) => i % 3), 500);
    const partial = await readInputs([input]);
    assert.equal(partial.groups.filter((g) => g.roles.text?.reduction !== undefined).length, 0);
  });

  test('a set read on analysis threads: each file reduced where it was read, the same report', { skip: !fs.existsSync(analysisThread) && 'dist/analysis-thread.js is not built' }, async () => {
    const rng = new Random(5);
    const inputs = [0, 1, 2].map((g) => write(`set-${g}.jsonl`, Array.from({ length: 3000 }, (_, i) => record(rng, g, i, undefined))));
    const one = await analyzeFiles(inputs);
    const partial = await readInParallel(inputs, { jobs: 2, analysisThread, minRangeBytes: 1024 });
    assert.equal(partial.groups.filter((g) => g.roles.text?.reduction !== undefined).length, 3);
    const threads = finishAnalysis(partial);
    assert.equal(formatJson(threads.report), formatJson(one.report));
    assert.deepEqual(threads.details, one.details);
    // Kept to be stored (the extension): nothing reduced.
    const stored = await readInParallel(inputs, { jobs: 2, analysisThread, mergeable: true, minRangeBytes: 1024 });
    assert.equal(stored.groups.filter((g) => g.roles.text?.reduction !== undefined).length, 0);
  });

  test('mergeable reading (partial results, threads, the extension cache) never reduces', async () => {
    const input = blocks('sorted.jsonl', [0, 1, 2], PER_GENERATION);
    const partial = await readInputs([input], { mergeable: true });
    assert.equal(partial.groups.filter((g) => g.roles.text?.reduction !== undefined).length, 0);
  });
});

describe('a reduced accumulator', () => {
  test('text: finishes to the same metrics, and takes, stores and merges nothing more', () => {
    const rng = new Random(11);
    const texts = Array.from({ length: 3000 }, (_, i) => JSON.parse(record(rng, 1, i, undefined)).output as string);
    const whole = new TextAccumulator();
    const reduced = new TextAccumulator();
    texts.forEach((text, i) => {
      whole.add(text, i, i % 40);
      reduced.add(text, i, i % 40);
    });
    const baseline = buildTextBaseline(whole);
    reduceTextAccumulator(reduced);
    const expected = finishTextMetrics(whole, baseline);
    const got = finishTextMetrics(reduced, baseline);
    assert.deepEqual(got, expected);
    assert.deepEqual(Object.keys(got.metrics), Object.keys(expected.metrics), 'metrics in the same order');
    assert.ok(expected.metrics.self_bleu !== undefined && expected.metrics.per_prompt_ead !== undefined && expected.metrics.template_rate !== undefined);
    // The baseline can be built from a reduced accumulator too.
    assert.deepEqual(buildTextBaseline(reduced), baseline);
    assert.throws(() => reduced.add('more', 4000), /reduced/);
    assert.throws(() => reduced.toState(), /reduced/);
    assert.throws(() => whole.merge(reduced), /reduced/);
  });

  test('text: what it keeps (vocabulary in one or two bytes a character, counts in 32 bits when they fit) travels between threads unchanged', () => {
    for (const texts of [['the cat sat on the mat', 'the café is open'], ['東京 の 猫', 'the naïve cat — again', 'Ā ā']]) {
      const acc = new TextAccumulator();
      texts.forEach((t, i) => acc.add(t, i));
      reduceTextAccumulator(acc);
      const state = acc.toReducedState();
      const back = TextAccumulator.fromReducedState(JSON.parse(JSON.stringify(state)), {});
      assert.deepEqual(back.toReducedState(), state);
      assert.deepEqual(finishTextMetrics(back, buildTextBaseline(back)), finishTextMetrics(acc, buildTextBaseline(acc)));
    }
    // A count past 2³² stays a double.
    const acc = new TextAccumulator();
    acc.add('a b', 0);
    reduceTextAccumulator(acc);
    const state = acc.toReducedState();
    const big = { ...state, typeCounts: encodeBase64(Float64Array.from([2 ** 33 + 1, 1])) };
    const back = TextAccumulator.fromReducedState(big, {});
    assert.equal(back.typeCounts[0], 2 ** 33 + 1);
    assert.equal(back.toReducedState().typeCounts, big.typeCounts);
  });

  test('values: keeps the sorted sample only, with the same result', () => {
    const a = new ValueAccumulator({ reservoir: 100 });
    for (let i = 0; i < 250; i++) a.add((i * 37) % 101, i);
    const sorted = Float64Array.from(a.sortedSample());
    const sampled = a.sampled;
    a.reduce();
    assert.deepEqual(a.sortedSample(), sorted);
    assert.equal(a.sampled, sampled);
    assert.equal(a.sampled, true);
    // Its state carries the sorted sample (between analysis threads).
    const back = ValueAccumulator.fromState(JSON.parse(JSON.stringify(a.toState())), { reservoir: 100 });
    assert.deepEqual(back.sortedSample(), sorted);
    assert.equal(back.sampled, true);
    assert.deepEqual(back.moments, a.moments);
  });

  test('values that repeat: kept as distinct values with counts, given back whole (-0 and 0 apart)', () => {
    const a = new ValueAccumulator();
    for (let i = 0; i < 5000; i++) a.add(i % 3 === 0 ? -0 : (i % 7) / 2, i);
    const sorted = Float64Array.from(a.sortedSample());
    a.reduce();
    const again = a.sortedSample();
    assert.equal(again.length, 5000);
    assert.deepEqual(Array.from(again, (x) => Object.is(x, -0) ? '-0' : String(x)), Array.from(sorted, (x) => Object.is(x, -0) ? '-0' : String(x)));
    assert.throws(() => a.add(1, 6000), /sorted/);
    const back = ValueAccumulator.fromState(JSON.parse(JSON.stringify(a.toState())));
    assert.equal(back.sortedSample().length, 5000);
    assert.ok(Object.is(back.sortedSample()[0], -0));
  });
});
