// Partial results and their merge (src/core/analysis/partial.ts, read.ts, parallel.ts, the CLI's
// `partial` and `merge`): the analysis of shards — files, byte ranges of one file, threads —
// merged, reports exactly what one analysis of everything does, for every role.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import Ajv2020 from 'ajv/dist/2020';
import { runCli } from '../cliRunner';
import { repoRoot } from '../support';
import { analyzeFiles } from '../../../src/core/analyze';
import { readInputs } from '../../../src/core/analysis/read';
import type { AnalyzeInput } from '../../../src/core/analysis/read';
import { finishAnalysis } from '../../../src/core/analysis/finish';
import { mergePartials, partialFromState, partialToState } from '../../../src/core/analysis/partial';
import type { PartialAnalysis } from '../../../src/core/analysis/partial';
import { countLineBreaks, generationRanges, lineRanges } from '../../../src/core/analysis/ranges';
import { rangePlan, readInParallel } from '../../../src/core/analysis/parallel';
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
          // One file: in byte ranges when kept mergeable, in ranges cut where the generation changes when not (rangePlan).
          for (const mergeable of [false, true]) {
            const partial = await readInParallel(inputs, { jobs, analysisThread: threadScript, minRangeBytes: 2048, mergeable });
            assert.equal(json(partial), want, `${s.name}, ${files.length} file(s), ${jobs} threads${mergeable ? ', mergeable' : ''}`);
          }
        }
      }
    }
  });

  test('--jobs: a cancel stops every thread and rejects with AbortError', { skip: !fs.existsSync(threadScript) && 'dist/analysis-thread.js is not built (npm run build)' }, async () => {
    for (const files of [folders.get(SCENARIOS[0]!.name)!, [oneFile(SCENARIOS[0]!.name)]]) {
      // Aborted before the reading, and at its first progress.
      const early = new AbortController();
      early.abort();
      await assert.rejects(readInParallel(inputsOf(files), { jobs: 2, analysisThread: threadScript, minRangeBytes: 2048, signal: early.signal }), { name: 'AbortError' });
      const abort = new AbortController();
      const started = Date.now();
      await assert.rejects(
        readInParallel(inputsOf(files), { jobs: 2, analysisThread: threadScript, minRangeBytes: 2048, signal: abort.signal, onProgress: () => abort.abort() }),
        { name: 'AbortError' },
        `${files.length} file(s)`,
      );
      assert.ok(Date.now() - started < 10_000, 'promptly');
    }
  });

  test('--jobs: inputs smaller than two ranges are read on this thread, not one thread per small file', async () => {
    const s = SCENARIOS[0]!;
    const inputs = inputsOf(folders.get(s.name)!);
    const bytes = inputs.reduce((a, i) => a + fs.statSync(i.file).size, 0);
    const want = formatJson((await analyzeFiles(inputs)).report);
    // A thread script that does not exist: starting a thread would fail the reading.
    const partial = await readInParallel(inputs, { jobs: 8, analysisThread: path.join(tmp, 'no-such-thread.js'), minRangeBytes: Math.ceil(bytes / 1.5) });
    assert.equal(json(partial), want);
    await assert.rejects(readInParallel(inputs, { jobs: 8, analysisThread: path.join(tmp, 'no-such-thread.js'), minRangeBytes: Math.floor(bytes / 2) }), 'with two ranges\' bytes it starts threads');
  });

  test('--jobs: progress counts every thread\'s records as they are read and names the file read', { skip: !fs.existsSync(threadScript) && 'dist/analysis-thread.js is not built (npm run build)' }, async () => {
    const s = SCENARIOS[0]!;
    for (const files of [folders.get(s.name)!, [oneFile(s.name)]]) {
      const inputs = inputsOf(files);
      const seen: { file: string; fileIndex: number; bytes: number; records: number; totalBytes: number }[] = [];
      const partial = await readInParallel(inputs, { jobs: 2, analysisThread: threadScript, minRangeBytes: 2048, onProgress: (p) => seen.push(p) });
      const records = partial.files.reduce((a, f) => a + f.summary.records, 0);
      assert.ok(seen.length > 0, `${files.length} file(s): progress`);
      for (let k = 1; k < seen.length; k++) {
        assert.ok(seen[k]!.records >= seen[k - 1]!.records && seen[k]!.bytes >= seen[k - 1]!.bytes, 'never goes back');
      }
      const last = seen[seen.length - 1]!;
      assert.ok(last.records > 0 && last.records <= records, `${files.length} file(s): ${last.records} of ${records} records before the end`);
      assert.equal(last.bytes, last.totalBytes);
      for (const p of seen) assert.equal(inputs[p.fileIndex]!.display, p.file, 'the file named is the one at its index');
      if (files.length > 1) assert.ok(new Set(seen.map((p) => p.file)).size > 1, 'a set names the files as they are read');
    }
  });
});

test('how a large file is cut: in even byte ranges when its whole state is kept, where generations change in a plain analysis, not at all in a set', () => {
  const jsonl = { format: 'jsonl', compressed: false } as const;
  const big = 64 * 1024 * 1024;
  assert.equal(rangePlan({ mergeable: true }, jsonl, big, false), 'bytes');
  assert.equal(rangePlan({ mergeable: true }, jsonl, big, true), 'bytes');
  assert.equal(rangePlan({ mergeable: false }, jsonl, big, false), 'generations');
  assert.equal(rangePlan({}, jsonl, big, false), 'generations');
  assert.equal(rangePlan({}, jsonl, big, true), undefined, 'a file of a set is one generation');
  assert.equal(rangePlan({ mergeable: true }, jsonl, 8 * 1024 * 1024, false), undefined, 'under two ranges of 8 MB');
  assert.equal(rangePlan({ minRangeBytes: 2048 }, jsonl, 4096, false), 'generations');
  assert.equal(rangePlan({ mergeable: true }, { format: 'jsonl', compressed: true }, big, false), 'spans', 'gzip: spans of its text, each thread inflating it');
  assert.equal(rangePlan({ mergeable: true }, { format: 'json', compressed: false }, big, false), undefined, 'one JSON document');
  assert.equal(rangePlan({ mergeable: true }, { format: 'parquet', compressed: false }, big, false), 'bytes', 'rows of a Parquet file');
});

test('--jobs: a gzip file read in spans by 2 and 4 threads gives the same JSON as one reading (every role; malformed lines; several gzip members; interleaved generations)', { skip: !fs.existsSync(threadScript) && 'dist/analysis-thread.js is not built (npm run build)' }, async () => {
  const gz = (name: string, text: string, members = 1) => {
    const file = path.join(tmp, name);
    const lines = text.split(/(?<=\n)/);
    const per = Math.ceil(lines.length / members);
    fs.writeFileSync(file, Buffer.concat(Array.from({ length: members }, (_, m) => zlib.gzipSync(lines.slice(m * per, (m + 1) * per).join('')))));
    return file;
  };
  const same = async (file: string, what: string) => {
    const inputs = inputsOf([file]);
    const want = formatJson((await analyzeFiles(inputs)).report);
    // A plain analysis cuts where generations change; a mergeable one (`partial`) at any line.
    for (const jobs of [2, 4]) {
      for (const mergeable of [false, true]) assert.equal(json(await readInParallel(inputs, { jobs, analysisThread: threadScript, minRangeBytes: 2048, mergeable })), want, `${what}, ${jobs} threads${mergeable ? ', mergeable' : ''}`);
    }
    return want;
  };
  for (const s of SCENARIOS) await same(gz(`${s.name}-all.jsonl.gz`, fs.readFileSync(oneFile(s.name), 'utf8')), s.name);
  // No generation field: one stream, cut only when its parts are merged.
  await same(gz('one-stream.jsonl.gz', fs.readFileSync(oneFile('ngram-self-training'), 'utf8').replace(/"generation":"?[^,"]*"?,/g, '')), 'no generation field');
  // A cancel while the spans are read stops every thread.
  const abort = new AbortController();
  const textGz = path.join(tmp, 'ngram-self-training-all.jsonl.gz');
  await assert.rejects(readInParallel(inputsOf([textGz]), { jobs: 2, analysisThread: threadScript, minRangeBytes: 2048, signal: abort.signal, onProgress: () => abort.abort() }), { name: 'AbortError' });
  // Past the size limit once inflated: the message of one reading.
  await assert.rejects(readInParallel(inputsOf([textGz]), { jobs: 2, analysisThread: threadScript, minRangeBytes: 2048, maxFileBytes: 100_000 }), { name: 'InputError', message: /decompresses to more than/ });
  const text = fs.readFileSync(oneFile('ngram-self-training'), 'utf8').split('\n');
  // Malformed and blank lines in every span, reported at their lines; the file in three members.
  const broken = text.map((l, i) => (i % 97 === 5 ? '{"generation": "g1", "output": ' : i % 89 === 3 ? '' : l)).join('\n');
  const report = JSON.parse(await same(gz('broken.jsonl.gz', broken, 3), 'malformed lines')) as { inputs: { malformed: number }[] };
  assert.ok(report.inputs[0]!.malformed > 3);
  // Generations that return after others: read again on one thread.
  const lines = text.filter(Boolean);
  const gen = (l: string) => (JSON.parse(l) as { generation: string }).generation;
  const gens = [...new Set(lines.map(gen))];
  const halves = gens.map((g) => lines.filter((l) => gen(l) === g)).map((ls) => [ls.slice(0, ls.length >> 1), ls.slice(ls.length >> 1)]);
  await same(gz('interleaved.jsonl.gz', [...halves.map((h) => h[0]!), ...halves.map((h) => h[1]!)].flat().join('\n') + '\n'), 'interleaved');
});

test('--jobs: CSV and TSV files cut at line breaks give the same JSON as one reading (every role; quoted line breaks; lone CRs; rows of the wrong width)', { skip: !fs.existsSync(threadScript) && 'dist/analysis-thread.js is not built (npm run build)' }, async () => {
  const cell = (v: unknown, sep: string) => {
    const t = typeof v === 'string' ? v : JSON.stringify(v);
    return /["\n\r]/.test(t) || t.includes(sep) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  /** The scenario's single file as CSV or TSV; `odd(i)` may rewrite row i (a text with a line break, a lone CR, a short row). */
  const delimitedFile = (name: string, sep: ',' | '\t', odd: (row: string, i: number) => string = (r) => r) => {
    const records = fs.readFileSync(oneFile(name), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const keys = [...new Set(records.flatMap((r) => Object.keys(r)))];
    const rows = records.map((r, i) => odd(keys.map((k) => cell(r[k] ?? '', sep)).join(sep), i));
    const file = path.join(tmp, `${name}-${Math.random().toString(36).slice(2)}.${sep === ',' ? 'csv' : 'tsv'}`);
    fs.writeFileSync(file, [keys.join(sep), ...rows].join('\r\n') + '\r\n');
    return file;
  };
  const same = async (file: string, what: string) => {
    const inputs = inputsOf([file]);
    const want = formatJson((await analyzeFiles(inputs)).report);
    for (const jobs of [2, 4]) {
      // Ranges of at least a tenth of the file, so the small ones are cut too.
      const minRangeBytes = Math.min(2048, Math.floor(fs.statSync(file).size / 10));
      for (const mergeable of [false, true]) assert.equal(json(await readInParallel(inputs, { jobs, analysisThread: threadScript, minRangeBytes, mergeable })), want, `${what}, ${jobs} threads${mergeable ? ', mergeable' : ''}`);
    }
    return want;
  };
  for (const s of SCENARIOS) await same(delimitedFile(s.name, ','), `${s.name} as CSV`);
  await same(delimitedFile('biased-decisions', '\t'), 'TSV');
  // Texts holding line breaks in quotes (a cut may fall inside one: the file is then read in one piece),
  // rows ending in a lone CR, and short rows reported at their lines.
  const odd = (row: string, i: number) => (i % 53 === 7 ? row.replace(/^[^,]*/, (c) => `"${c.replace(/"/g, '""')}\nsecond line of the cell"`) : i % 61 === 5 ? row + '\rw1,w2' : i % 67 === 3 ? 'only one field' : row);
  const report = JSON.parse(await same(delimitedFile('ngram-self-training', ',', odd), 'odd rows')) as { inputs: { malformed: number; malformedLines?: number[] }[] };
  assert.ok(report.inputs[0]!.malformed > 3, 'the short rows are counted');
  // Every text quoted across lines: most cuts fall inside a record.
  await same(delimitedFile('ngram-self-training', ',', (row, i) => (i % 2 === 0 ? row.replace(/^[^,]*/, (c) => `"${c}\n${c}"`) : row)), 'quoted line breaks everywhere');
});

test('--jobs: a Parquet file cut into ranges of rows gives the same JSON as one reading (generations across and inside row groups, interleaved, a damaged row group)', { skip: !fs.existsSync(threadScript) && 'dist/analysis-thread.js is not built (npm run build)' }, async () => {
  const text = fs.readFileSync(oneFile('ngram-self-training'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { generation: unknown; output: string });
  const write = (name: string, rowGroupSize: number, records = text) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, new Uint8Array(parquetWriteBuffer({
      columnData: [
        { name: 'generation', data: records.map((r) => String(r.generation)) },
        { name: 'output', data: records.map((r) => r.output) },
        { name: 'score', data: records.map((_, i) => (i * 37) % 101 / 100), type: 'DOUBLE' },
      ],
      rowGroupSize,
    } as Parameters<typeof parquetWriteBuffer>[0])));
    return file;
  };
  const same = async (file: string, what: string) => {
    const inputs = inputsOf([file]);
    const want = formatJson((await analyzeFiles(inputs)).report);
    const minRangeBytes = Math.floor(fs.statSync(file).size / 8);
    for (const jobs of [2, 4]) {
      for (const mergeable of [false, true]) assert.equal(json(await readInParallel(inputs, { jobs, analysisThread: threadScript, minRangeBytes, mergeable })), want, `${what}, ${jobs} threads${mergeable ? ', mergeable' : ''}`);
    }
  };
  // Row groups smaller than a generation, and larger (a generation changes inside a group).
  await same(write('rows-small-groups.parquet', 97), 'small row groups');
  await same(write('rows-large-groups.parquet', 700), 'large row groups');
  // Generations that return after others: read again on one thread.
  const gens = [...new Set(text.map((r) => String(r.generation)))];
  const halves = gens.map((g) => text.filter((r) => String(r.generation) === g)).map((rs) => [rs.slice(0, rs.length >> 1), rs.slice(rs.length >> 1)]);
  await same(write('rows-interleaved.parquet', 128, [...halves.map((h) => h[0]!), ...halves.map((h) => h[1]!)].flat()), 'interleaved');
  // A row group that does not decode: one reading says which rows it skips.
  const damaged = path.join(tmp, 'damaged.parquet');
  fs.copyFileSync(path.join(root, 'test', 'fixtures', 'bad', 'parquet-corrupt-row-group.parquet'), damaged);
  const want = formatJson((await analyzeFiles(inputsOf([damaged]))).report);
  assert.equal(json(await readInParallel(inputsOf([damaged]), { jobs: 3, analysisThread: threadScript, minRangeBytes: 64, mergeable: true })), want, 'damaged row group');
});

test('--jobs: a gzip CSV or TSV file read in spans gives the same JSON as one reading (quoted line breaks too)', { skip: !fs.existsSync(threadScript) && 'dist/analysis-thread.js is not built (npm run build)' }, async () => {
  const records = fs.readFileSync(oneFile('ngram-self-training'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const keys = [...new Set(records.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown, sep: string) => {
    const t = typeof v === 'string' ? v : JSON.stringify(v ?? '');
    return /["\n\r]/.test(t) || t.includes(sep) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  for (const [sep, ext] of [[',', 'csv'], ['\t', 'tsv']] as const) {
    for (const broken of [false, true]) {
      const rows = records.map((r, i) => keys.map((k) => cell(broken && k === 'output' && i % 3 === 0 ? `${String(r[k])}\n${String(r[k])}` : r[k], sep)).join(sep));
      const file = path.join(tmp, `spans-${broken ? 'quoted' : 'plain'}.${ext}.gz`);
      fs.writeFileSync(file, zlib.gzipSync([keys.join(sep), ...rows].join('\n') + '\n'));
      const inputs = inputsOf([file]);
      const want = formatJson((await analyzeFiles(inputs)).report);
      for (const jobs of [2, 4]) assert.equal(json(await readInParallel(inputs, { jobs, analysisThread: threadScript, minRangeBytes: 2048 })), want, `${ext}${broken ? ' with quoted line breaks' : ''}, ${jobs} threads`);
    }
  }
});

test('--jobs: how a file is cut by its format: a gzip file in spans when read alone, CSV and TSV as JSON Lines', () => {
  const gz = { format: 'jsonl' as const, compressed: true };
  assert.equal(rangePlan({ minRangeBytes: 2048 }, gz, 10, false), 'spans');
  assert.equal(rangePlan({ minRangeBytes: 2048, mergeable: true }, gz, 1 << 30, false), 'spans');
  assert.equal(rangePlan({ minRangeBytes: 2048 }, gz, 1 << 30, true), undefined);
  // CSV and TSV as JSON Lines; compressed ones are read whole.
  for (const format of ['csv', 'tsv'] as const) {
    assert.equal(rangePlan({ minRangeBytes: 2048 }, { format, compressed: false }, 4096, false), 'generations');
    assert.equal(rangePlan({ minRangeBytes: 2048, mergeable: true }, { format, compressed: false }, 4096, false), 'bytes');
    assert.equal(rangePlan({ minRangeBytes: 2048 }, { format, compressed: true }, 1 << 30, false), 'spans');
    assert.equal(rangePlan({ minRangeBytes: 2048, mergeable: true }, { format, compressed: true }, 1 << 30, false), 'spans');
  }
});

test('line breaks of a range as the CSV reader counts them: a lone CR too, also at the end of a chunk', async () => {
  const file = path.join(tmp, 'carriage-returns.csv');
  fs.writeFileSync(file, 'x'.repeat(1024 * 1024 - 1) + '\ry\nz\r\r\nw');
  const range = { start: 0, end: fs.statSync(file).size };
  assert.equal(await countLineBreaks(file, range), 2);
  assert.equal(await countLineBreaks(file, range, true), 4);
});

describe('ranges cut where the generation changes', () => {
  const groupOf = (line: string) => {
    try {
      return (JSON.parse(line) as { g?: string }).g;
    } catch {
      return undefined;
    }
  };
  const write = (lines: string[]) => {
    const file = path.join(tmp, `gen-${lines.length}-${Math.random().toString(36).slice(2)}.jsonl`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return file;
  };
  /** The generations of each range's lines. */
  const groupsIn = (file: string, ranges: { start: number; end: number }[]) => {
    const bytes = fs.readFileSync(file);
    return ranges.map((r) => [...new Set(bytes.subarray(r.start, r.end).toString('utf8').split('\n').filter(Boolean).map(groupOf))]);
  };

  test('each generation lies in one range; cuts start lines; the ranges cover the file', async () => {
    const lines: string[] = [];
    for (let g = 0; g < 7; g++) for (let i = 0; i < 40 + g * 13; i++) lines.push(JSON.stringify({ g: `g${g}`, text: 'x'.repeat(i % 17) }));
    const file = write(lines);
    const size = fs.statSync(file).size;
    for (const parts of [2, 3, 5, 9]) {
      const ranges = await generationRanges(file, await lineRanges(file, size, parts), groupOf);
      assert.ok(ranges.length >= 2 && ranges.length <= parts, `${parts} parts: ${ranges.length} ranges`);
      assert.equal(ranges[0]!.start, 0);
      assert.equal(ranges[ranges.length - 1]!.end, size);
      for (let k = 1; k < ranges.length; k++) assert.equal(ranges[k]!.start, ranges[k - 1]!.end);
      const seen = new Set<string>();
      for (const groups of groupsIn(file, ranges)) {
        for (const g of groups) {
          assert.ok(!seen.has(g!), `${parts} parts: generation ${g} in two ranges`);
          seen.add(g!);
        }
      }
      assert.equal(seen.size, 7);
    }
  });

  test('a cut at a change stays; lines without a generation (blank, malformed) are passed over; no change within the scan drops the cut', async () => {
    const a = Array.from({ length: 50 }, () => JSON.stringify({ g: 'a' }));
    const b = Array.from({ length: 50 }, () => JSON.stringify({ g: 'b' }));
    const file = write([...a, '', '{not json', ...a.slice(0, 5), ...b]);
    const size = fs.statSync(file).size;
    const bStart = fs.readFileSync(file, 'utf8').indexOf('{"g":"b"}');
    const ranges = await generationRanges(file, [{ start: 0, end: 100 }, { start: 100, end: size }], groupOf);
    assert.deepEqual(ranges, [{ start: 0, end: bStart }, { start: bStart, end: size }]);
    // Already at the change: the cut does not move.
    assert.deepEqual(await generationRanges(file, [{ start: 0, end: bStart }, { start: bStart, end: size }], groupOf), [{ start: 0, end: bStart }, { start: bStart, end: size }]);
    // One generation: nothing to cut at, and nothing read but the lines around each cut.
    const one = write(Array.from({ length: 2000 }, () => JSON.stringify({ g: 'a' })));
    let calls = 0;
    const counted = (line: string) => (calls++, groupOf(line));
    assert.deepEqual(await generationRanges(one, await lineRanges(one, fs.statSync(one).size, 9), counted), [{ start: 0, end: fs.statSync(one).size }]);
    assert.ok(calls <= 16, `${calls} lines parsed`);
    // A line longer than the chunks the file is read in (1 MB) before the change.
    const longLine = JSON.stringify({ g: 'a', text: 'x'.repeat(3 * 1024 * 1024) });
    const long = write([...a.slice(0, 3), longLine, ...a.slice(0, 3), ...b]);
    const longB = fs.readFileSync(long, 'utf8').indexOf('{"g":"b"}');
    const longSize = fs.statSync(long).size;
    assert.deepEqual(await generationRanges(long, [{ start: 0, end: 30 }, { start: 30, end: longSize }], groupOf), [{ start: 0, end: longB }, { start: longB, end: longSize }]);
    // The change lies beyond the scan: the cut is dropped.
    assert.deepEqual(await generationRanges(file, [{ start: 0, end: 100 }, { start: 100, end: size }], groupOf, 200), [{ start: 0, end: size }]);
  });
});

test('--jobs: a file whose generations return (interleaved) gives the same JSON as one reading', { skip: !fs.existsSync(threadScript) && 'dist/analysis-thread.js is not built (npm run build)' }, async () => {
  const s = SCENARIOS.find((x) => x.role === 'text')!;
  // Every generation in two blocks, the second after all the others' first.
  const lines = fs.readFileSync(oneFile(s.name), 'utf8').split('\n').filter(Boolean);
  const byGroup = new Map<string, string[]>();
  for (const l of lines) {
    const g = (JSON.parse(l) as { generation: string }).generation;
    byGroup.set(g, [...(byGroup.get(g) ?? []), l]);
  }
  const halves = [...byGroup.values()].map((ls) => [ls.slice(0, ls.length >> 1), ls.slice(ls.length >> 1)]);
  const file = path.join(tmp, 'interleaved.jsonl');
  fs.writeFileSync(file, [...halves.map((h) => h[0]!), ...halves.map((h) => h[1]!)].flat().join('\n') + '\n');
  const inputs = inputsOf([file]);
  const want = formatJson((await analyzeFiles(inputs)).report);
  const size = fs.statSync(file).size;
  assert.ok(size >= 2 * 2048);
  for (const jobs of [2, 4]) assert.equal(json(await readInParallel(inputs, { jobs, analysisThread: threadScript, minRangeBytes: 2048 })), want, `${jobs} threads`);

  // Blocks longer than a generation stays unreduced (IDLE_RECORDS): the thread of a range
  // reduces a generation that then returns in that range, and the file is read again.
  const block = (g: string, n: number, from: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ generation: g, output: `w${(from + i) % 97} w${(from * 7 + i) % 89} w${i % 13}` }));
  const long = path.join(tmp, 'interleaved-long.jsonl');
  fs.writeFileSync(long, [...block('a', 5000, 0), ...block('b', 5000, 1), ...block('a', 50, 2), ...block('b', 3000, 3), ...block('c', 9000, 4)].join('\n') + '\n');
  const longInputs = inputsOf([long]);
  const longWant = formatJson((await analyzeFiles(longInputs)).report);
  assert.equal(json(await readInParallel(longInputs, { jobs: 2, analysisThread: threadScript, minRangeBytes: 64 * 1024 })), longWant, 'a generation returning inside a range');
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
