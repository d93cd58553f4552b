// Reading on a second thread (src/core/analysis/offThread.ts) gives the same report as reading
// on the analysis thread, for every layout, issues and all; a cancel ends the reading thread;
// the reading thread compresses, tags and joins the samples of the generations reduced while it reads.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeFiles } from '../../../../src/core/analyze';
import { projectOffThread, ReadingThreadHelp } from '../../../../src/core/analysis/offThread';
import { referenceGzipFileSize } from '../../../../src/core/metrics/compression';
import { packTags } from '../../../../src/core/metrics/packedTagged';
import type { PackedTags } from '../../../../src/core/metrics/packedTagged';
import { tagTexts } from '../../../../src/core/metrics/posTagger';
import { packedNearDuplicateFlags } from '../../../../src/core/metrics/nearDuplicates';
import type { PackedShingles } from '../../../../src/core/metrics/nearDuplicates';
import { formatJson } from '../../../../src/core/format/json';
import { repoRoot } from '../../support';

const root = repoRoot();
const script = path.join(root, 'dist', 'reader-thread.js');
const layout = (name: string, ...files: string[]) => files.map((f) => ({ file: path.join(root, 'test', 'fixtures', 'layouts', name, f), display: f }));
const gens = ['gen-1', 'gen-2', 'gen-3'];

describe('reading on a second thread', () => {
  test('the reading-thread script is built (node esbuild.js)', () => assert.ok(fs.existsSync(script), script));

  for (const [name, ext] of [['openai-batch-output', 'jsonl'], ['inspect-eval-log', 'json'], ['transformers-pipeline', 'json'], ['hf-parquet-messages', 'parquet']] as const) {
    test(`${name}: the same report as on one thread`, async () => {
      const inputs = layout(name, ...gens.map((g) => `${g}.${ext}`));
      const one = await analyzeFiles(inputs);
      const two = await analyzeFiles(inputs, { readerThread: script, readerThreadMinBytes: 0 });
      assert.deepEqual(two.report, one.report);
      assert.deepEqual(two.details, one.details);
    });
  }

  test('a file with a group field, malformed lines and a rolling view: the same report and issues', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-offthread-'));
    const file = path.join(dir, 'stream.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      if (i % 701 === 5) lines.push('{"generation": 1, "output": broken}');
      lines.push(JSON.stringify({ generation: Math.floor(i / 1000), output: `word${i % (400 - Math.floor(i / 10))} and more ${i % 7}`, score: (i % 97) / 97 }));
    }
    fs.writeFileSync(file, lines.join('\n'));
    const inputs = [{ file, display: 'stream.jsonl' }];
    const one = await analyzeFiles(inputs);
    const two = await analyzeFiles(inputs, { readerThread: script, readerThreadMinBytes: 0 });
    assert.deepEqual(two.report, one.report);
    assert.deepEqual(two.issues, one.issues);
    assert.ok(one.issues.length >= 4);
  });

  test('cancel: the analysis rejects with an AbortError and the reading thread ends', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-offthread-'));
    const file = path.join(dir, 'big.jsonl');
    fs.writeFileSync(file, Array.from({ length: 60_000 }, (_, i) => JSON.stringify({ output: `text number ${i} with some words ${i % 13}` })).join('\n'));
    const abort = new AbortController();
    let batches = 0;
    const run = analyzeFiles([{ file, display: 'big.jsonl' }], {
      readerThread: script,
      readerThreadMinBytes: 0,
      signal: abort.signal,
      onProgress: () => {
        if (++batches === 3) abort.abort();
      },
    });
    await assert.rejects(run, (e: Error) => e.name === 'AbortError');
  });
});

describe('work the reading thread does for the analysis thread', () => {
  const text = (n: number) => new TextEncoder().encode(Array.from({ length: n }, (_, i) => `word${i % 97} and the rest ${i % 13}`).join(' '));

  test('compression asked while it reads and at the end: answered, the bytes moved there, nothing asked after it stops', async () => {
    const file = path.join(root, 'test', 'fixtures', 'layouts', 'openai-batch-output', 'gen-1.jsonl');
    const help = new ReadingThreadHelp();
    const asked: Promise<number>[] = [];
    const expected: number[] = [];
    const ask = () => {
      const bytes = text(2000 + asked.length * 500);
      expected.push(referenceGzipFileSize(bytes.slice()));
      asked.push(help.gzipFileSize(bytes));
      assert.equal(bytes.length, 0, 'the array was moved to the reading thread, not copied');
    };
    let batches = 0;
    for await (const _ of projectOffThread(script, { file, format: 'jsonl', compressed: false, spec: { paths: { text: 'response.body.choices[*].message.content' }, file: 'gen-1.jsonl' } }, undefined, { help, atEnd: ask })) {
      batches++;
      ask();
    }
    assert.ok(batches >= 1);
    // Every request is answered before the thread is stopped, the one made at the end too.
    assert.deepEqual(await Promise.all(asked), expected);
    assert.equal(help.attached, false);
    await assert.rejects(help.gzipFileSize(text(10)), /the reading thread has stopped/);
  });

  test('near duplicates asked while it reads: the flags of the join here, the arrays moved there', async () => {
    const file = path.join(root, 'test', 'fixtures', 'layouts', 'openai-batch-output', 'gen-1.jsonl');
    const help = new ReadingThreadHelp();
    // Four records: the first two share 9 of 10 shingles (J = 0.82), one repeats a shingle, one is alone.
    const sets = [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 2, 3, 4, 5, 6, 7, 8, 9, 11], [20, 20, 21], [30]];
    const shingles = { hashes: Float64Array.from(sets.flat()), sizes: Int32Array.from(sets, (s) => s.length) };
    const expected = packedNearDuplicateFlags({ hashes: shingles.hashes.slice(), sizes: shingles.sizes.slice() }, 0.8);
    assert.deepEqual([...expected], [1, 1, 0, 0]);
    let flags: Promise<Uint8Array> | undefined;
    for await (const _ of projectOffThread(script, { file, format: 'jsonl', compressed: false, spec: { paths: { text: 'response.body.choices[*].message.content' }, file: 'gen-1.jsonl' } }, undefined, { help })) {
      flags ??= help.nearDuplicateFlags(shingles, 0.8);
    }
    assert.equal(shingles.hashes.length, 0, 'moved, not copied');
    assert.deepEqual(await flags, expected);
  });

  test('a reading thread that dies with work asked of it: the work fails with why, the reading too, nothing hangs', async () => {
    const dying = path.join(root, 'test', 'fixtures', 'analysis', 'dying-reader-thread.js');
    const help = new ReadingThreadHelp();
    let asked: Promise<number> | undefined;
    await assert.rejects(
      (async () => {
        for await (const _ of projectOffThread(dying, { file: 'unused.jsonl', format: 'jsonl', compressed: false, spec: { paths: {}, file: 'unused.jsonl' } }, undefined, { help })) {
          asked ??= help.gzipFileSize(text(100));
          asked.catch(() => {});
        }
      })(),
      /the reading thread stopped \(exit code 3\)/,
    );
    await assert.rejects(asked!, /the reading thread stopped \(exit code 3\)/);
    assert.equal(help.attached, false);
  });

  test('tagging asked while it reads: the tags of tagTexts here, packed', async () => {
    const file = path.join(root, 'test', 'fixtures', 'layouts', 'openai-batch-output', 'gen-1.jsonl');
    const help = new ReadingThreadHelp();
    const texts = ['The cat sat on the mat. It was happy.', "Bingley's horse can't run fast!", '', 'Dogs bark loudly at night'];
    let tagged: Promise<PackedTags> | undefined;
    for await (const _ of projectOffThread(script, { file, format: 'jsonl', compressed: false, spec: { paths: { text: 'response.body.choices[*].message.content' }, file: 'gen-1.jsonl' } }, undefined, { help })) {
      tagged ??= help.tagTexts(texts);
    }
    assert.deepEqual(await tagged, packTags(tagTexts(texts)));
    assert.equal(help.attached, false);
    await assert.rejects(help.tagTexts(texts), /the reading thread has stopped/);
  });

  test('an analysis read on the reading thread compresses and tags every generation there: the same report as on one thread', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-offthread-'));
    const file = path.join(dir, 'gens.jsonl');
    // Three generations one after the other, each longer than the idle window (reduced while reading).
    const lines = Array.from({ length: 3 * 5000 }, (_, i) => JSON.stringify({ generation: Math.floor(i / 5000), output: `word${i % (900 - Math.floor(i / 20))} said ${i % 31} things` }));
    fs.writeFileSync(file, lines.join('\n'));
    const inputs = [{ file, display: 'gens.jsonl' }];
    const gzip = ReadingThreadHelp.prototype.gzipFileSize;
    const tag = ReadingThreadHelp.prototype.tagTexts;
    const join = ReadingThreadHelp.prototype.nearDuplicateFlags;
    const calls = { gzip: 0, tag: 0, join: 0 };
    ReadingThreadHelp.prototype.gzipFileSize = function (this: ReadingThreadHelp, bytes: Uint8Array) {
      calls.gzip++;
      return gzip.call(this, bytes);
    };
    ReadingThreadHelp.prototype.tagTexts = function (this: ReadingThreadHelp, texts: string[]) {
      calls.tag++;
      return tag.call(this, texts);
    };
    ReadingThreadHelp.prototype.nearDuplicateFlags = function (this: ReadingThreadHelp, shingles: PackedShingles, threshold: number) {
      calls.join++;
      return join.call(this, shingles, threshold);
    };
    try {
      const two = await analyzeFiles(inputs, { readerThread: script, readerThreadMinBytes: 0 });
      // Every generation's compression and tags, the last one's too; its near duplicates are joined here.
      assert.deepEqual(calls, { gzip: 3, tag: 3, join: 2 });
      const one = await analyzeFiles(inputs);
      assert.equal(formatJson(two.report), formatJson(one.report));
      for (const g of two.report.groups) {
        assert.ok(Number.isFinite(g.metrics.compression_ratio), `generation ${g.id}`);
        assert.ok(Number.isFinite(g.metrics.template_rate), `generation ${g.id}`);
        assert.ok(Number.isFinite(g.metrics.near_duplicate_rate), `generation ${g.id}`);
      }
    } finally {
      ReadingThreadHelp.prototype.gzipFileSize = gzip;
      ReadingThreadHelp.prototype.tagTexts = tag;
      ReadingThreadHelp.prototype.nearDuplicateFlags = join;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tokenizing on the reading thread', () => {
  for (const lowercase of [false, true]) {
    test(`outputs tokenized there, several a record, give the report of one thread (lowercase ${lowercase})`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-offthread-'));
      const file = path.join(dir, 'completions.jsonl');
      const words = ['The', 'the', 'Ärger', 'ärger', '東京', '😀', 'model', 'Model', 'collapse'];
      const text = (i: number, k: number) => Array.from({ length: 3 + ((i + k) % 9) }, (_, j) => words[(i * 7 + j * (k + 1)) % words.length] + (j % 4 === 0 ? `${i % 50}` : '')).join(j0(i));
      const j0 = (i: number) => (i % 3 === 0 ? '\u3000' : ' ');
      const lines = Array.from({ length: 6000 }, (_, i) => JSON.stringify({ generation: Math.floor(i / 2000), choices: [{ index: 0, text: text(i, 0) }, { index: 1, text: text(i, 1) }] }));
      fs.writeFileSync(file, lines.join('\n'));
      const inputs = [{ file, display: 'completions.jsonl' }];
      const { TextAccumulator } = await import('../../../../src/core/metrics/text');
      const addTokenized = TextAccumulator.prototype.addTokenized;
      let tokenized = 0;
      TextAccumulator.prototype.addTokenized = function (this: InstanceType<typeof TextAccumulator>, ...args: Parameters<typeof addTokenized>) {
        tokenized++;
        return addTokenized.apply(this, args);
      };
      try {
        const two = await analyzeFiles(inputs, { readerThread: script, readerThreadMinBytes: 0, lowercase });
        assert.equal(tokenized, 12000, 'every output was tokenized on the reading thread');
        const one = await analyzeFiles(inputs, { lowercase });
        assert.equal(formatJson(two.report), formatJson(one.report));
        assert.deepEqual(two.details, one.details);
        assert.equal(two.report.groups.length, 3);
      } finally {
        TextAccumulator.prototype.addTokenized = addTokenized;
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('a reading that asks the reading thread for nothing', () => {
  test('a mergeable reading (partial results) lends no help, so the thread never loads the model; a plain one does', async () => {
    const { readInputs } = await import('../../../../src/core/analysis/read');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-offthread-'));
    const file = path.join(dir, 'outputs.jsonl');
    fs.writeFileSync(file, Array.from({ length: 5000 }, (_, i) => JSON.stringify({ output: `answer ${i % 97} of ${i % 13}` })).join('\n'));
    const inputs = [{ file, display: 'outputs.jsonl' }];
    const attach = ReadingThreadHelp.prototype.attach;
    let lent = 0;
    ReadingThreadHelp.prototype.attach = function (this: ReadingThreadHelp, worker) {
      lent++;
      return attach.call(this, worker);
    };
    try {
      await readInputs(inputs, { readerThread: script, readerThreadMinBytes: 0, mergeable: true });
      assert.equal(lent, 0);
      await readInputs(inputs, { readerThread: script, readerThreadMinBytes: 0 });
      assert.equal(lent, 1);
    } finally {
      ReadingThreadHelp.prototype.attach = attach;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a decoder stuck on a corrupt page', () => {
  test('a decoder that spins on a page is stopped by the watchdog: one clear message, no hang', async () => {
    const file = path.join(root, 'test', 'fixtures', 'layouts', 'hf-parquet-text', 'gen-1.parquet');
    const stuck = path.join(root, 'test', 'fixtures', 'analysis', 'stuck-reader-thread.js');
    const started = Date.now();
    await assert.rejects(
      analyzeFiles([{ file, display: 'gen1.parquet' }], { readerThread: stuck, readerStallMs: 1500 }),
      /^InputError: gen1\.parquet could not be read: its reading made no progress for 1\.5 s \(is a page corrupt\?\)$/,
    );
    assert.ok(Date.now() - started < 15_000, 'stopped, not hung');
  });

  test('healthy Parquet layouts read on the reading thread give the same report as on one thread', async () => {
    const inputs = layout('hf-parquet-text', ...gens.map((g) => `${g}.parquet`));
    assert.deepEqual((await analyzeFiles(inputs, { readerThread: script })).report, (await analyzeFiles(inputs)).report);
  });
});
