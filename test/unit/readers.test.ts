import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatFromPath, openFileStream, readRecords } from '../../src/core/readers/index';
import type { ReadOptions, RecordBatch, RecordIssue, SourceRecord } from '../../src/core/readers/index';
import { castCell, uniqueNames } from '../../src/core/readers/csv';
import { describeJsonError, findJsonErrorOffset } from '../../src/core/readers/jsonError';
import type { InputFormat } from '../../src/shared/report';
import { repoRoot, inputError } from './support';

const FIXTURES = path.join(repoRoot(), 'test', 'fixtures');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

async function* chunked(data: Uint8Array | string, size = 1 << 20): AsyncGenerator<Uint8Array> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

interface ReadResult {
  records: SourceRecord[];
  issues: RecordIssue[];
  batches: RecordBatch[];
}

async function readAll(data: Uint8Array | string, format: InputFormat, options: Partial<ReadOptions> & { chunk?: number } = {}): Promise<ReadResult> {
  const { chunk, ...rest } = options;
  const result: ReadResult = { records: [], issues: [], batches: [] };
  for await (const batch of readRecords(chunked(data, chunk), { format, compressed: false, ...rest })) {
    result.batches.push(batch);
    result.records.push(...batch.records);
    result.issues.push(...batch.issues);
  }
  return result;
}

async function readFixture(name: string, options: Partial<ReadOptions> & { chunk?: number } = {}): Promise<ReadResult> {
  const detected = formatFromPath(name);
  assert.ok(detected, `no format for ${name}`);
  return readAll(fixture(name), detected.format, { compressed: detected.compressed, ...options });
}


const lines = (r: ReadResult) => r.records.map((x) => x.line);
const values = (r: ReadResult) => r.records.map((x) => x.value);

describe('formatFromPath', () => {
  test('knows the formats, with and without .gz, in any case', () => {
    assert.deepEqual(formatFromPath('a/b/gen1.jsonl'), { format: 'jsonl', compressed: false });
    assert.deepEqual(formatFromPath('out.NDJSON'), { format: 'jsonl', compressed: false });
    assert.deepEqual(formatFromPath('x.json.gz'), { format: 'json', compressed: true });
    assert.deepEqual(formatFromPath('C:\\data\\Eval.CSV.GZ'), { format: 'csv', compressed: true });
    assert.deepEqual(formatFromPath('t.tsv'), { format: 'tsv', compressed: false });
  });

  test('returns undefined for anything else', () => {
    assert.equal(formatFromPath('notes.txt'), undefined);
    assert.equal(formatFromPath('archive.gz'), undefined);
    assert.equal(formatFromPath('jsonl'), undefined);
    assert.equal(formatFromPath('dir.csv/file'), undefined);
  });
});

describe('JSON Lines', () => {
  test('BOM, CRLF, blank lines, a malformed and a non-object line in the middle', async () => {
    const r = await readFixture('readers/mixed.jsonl');
    assert.deepEqual(lines(r), [1, 3, 5, 8]);
    assert.deepEqual(r.records[0].value, { id: 1, text: 'café — first 😀', score: 0.5 });
    assert.deepEqual(r.records[1].value.emb, [0.1, 0.2]);
    assert.equal(r.records[2].value.text, 'has "quotes" and {braces} and [brackets]');
    assert.deepEqual(r.issues, [
      { line: 6, column: 29, message: "Expected double-quoted property name in JSON" },
      { line: 7, column: 1, message: 'expected a JSON object, found a string' },
    ]);
  });

  test('a malformed line is reported with line, column and a short message, the rest is read', async () => {
    const r = await readAll('{"a":1}\n{"a":}\n{"a":3}', 'jsonl');
    assert.deepEqual(values(r), [{ a: 1 }, { a: 3 }]);
    assert.equal(r.issues.length, 1);
    assert.equal(r.issues[0].line, 2);
    assert.equal(r.issues[0].column, 6);
    assert.match(r.issues[0].message, /^Unexpected token '?}'? in JSON$/);
  });

  test('values that are not objects are issues that say what was found', async () => {
    const r = await readAll('[1,2]\n42\n"s"\nnull\ntrue\n  {"ok":1}\n', 'jsonl');
    assert.deepEqual(
      r.issues.map((i) => i.message),
      ['expected a JSON object, found an array', 'expected a JSON object, found a number', 'expected a JSON object, found a string', 'expected a JSON object, found null', 'expected a JSON object, found a boolean (true)'],
    );
    assert.deepEqual(lines(r), [6]);
  });

  test('CRLF line endings and a last line without a line break', async () => {
    const r = await readAll('{"a":1}\r\n\r\n{"a":"x\\r"}\r\n{"a":3}', 'jsonl');
    assert.deepEqual(lines(r), [1, 3, 4]);
    assert.deepEqual(values(r), [{ a: 1 }, { a: 'x\r' }, { a: 3 }]);
    assert.deepEqual(r.issues, []);
  });

  test('a line longer than the limit is unusable input', async () => {
    await inputError(readAll(`{"a":"${'x'.repeat(200)}"}\n`, 'jsonl', { maxRecordLength: 100 }), /has a line longer than 100 characters at line 1/);
  });
});

describe('JSON', () => {
  test('a pretty-printed array: each record has the line of its opening brace', async () => {
    const r = await readFixture('readers/pretty.json');
    assert.deepEqual(lines(r), [2, 8, 13, 15]);
    assert.deepEqual(r.issues, []);
    assert.equal(r.records[0].value.text, 'brackets ] and } and [ and { inside a string');
    assert.deepEqual(r.records[0].value.nested, [[1, 2], [3, [4, 5]]]);
    assert.deepEqual(r.records[0].value.obj, { a: { b: [{ c: 1 }] } });
    assert.equal(r.records[1].value.text, 'escaped \\" quote and backslash \\');
    assert.deepEqual(r.records[1].value.emb, [0.25, -1.5e-3, 3]);
    assert.equal(r.records[2].value.text, 'café 😀 日本');
  });

  test('a compact one-line array', async () => {
    const r = await readFixture('readers/compact.json');
    assert.deepEqual(lines(r), [1, 1, 1]);
    assert.deepEqual(values(r), [
      { id: 1, text: 'a,b' },
      { id: 2, text: 'c]d' },
      { id: 3, text: 'e}f', v: [1, [2]] },
    ]);
  });

  test('an object holding records: every array of objects among its members is a collection, named by its path', async () => {
    const r = await readFixture('readers/wrapped.json');
    assert.deepEqual(values(r), [{ not: 'these' }, { id: 1, text: 'one' }, { id: 2, text: 'two' }, { id: 99 }]);
    assert.deepEqual(lines(r), [2, 6, 7, 9]);
    assert.deepEqual(r.records.map((x) => x.collection), ['meta.items', 'results', 'results', 'later']);
  });

  test('collections are found in nested objects (eval logs: plan.steps, results.results, samples), not inside arrays', async () => {
    const r = await readAll(
      '{"version":2,"plan":{"steps":[{"solver":"generate"}]},"results":{"scores":[{"name":"acc"}],"results":[{"o":"r1"}]},' +
        '"samples":[{"o":"s1"},{"o":"s2"}],"tags":["a","b"],"m":[[1,2]],"rows":[[{"not":"a record"}]]}',
      'json',
    );
    assert.deepEqual(
      r.records.map((x) => [x.collection, x.value]),
      [
        ['plan.steps', { solver: 'generate' }],
        ['results.scores', { name: 'acc' }],
        ['results.results', { o: 'r1' }],
        ['samples', { o: 's1' }],
        ['samples', { o: 's2' }],
      ],
    );
    assert.deepEqual(r.issues, []);
  });

  test('keys that are not plain names are bracketed in the collection path', async () => {
    const r = await readAll('{"weird key": {"x.y": [{"a": 1}]}}', 'json');
    assert.deepEqual(r.records.map((x) => x.collection), ["['weird key']['x.y']"]);
  });

  test('an array of arrays of records (a text-generation pipeline over several prompts) is flattened, keeping each inner array as a request', async () => {
    const r = await readAll('[\n [{"generated_text": "a"}, {"generated_text": "b"}],\n [{"generated_text": "c"}]\n]', 'json');
    assert.deepEqual(
      r.records.map((x) => [x.line, x.request, x.value.generated_text]),
      [
        [2, 0, 'a'],
        [2, 0, 'b'],
        [3, 1, 'c'],
      ],
    );
    assert.deepEqual(r.issues, []);
  });

  test('a malformed record with balanced braces is an issue at the exact spot; the next records are read', async () => {
    const text = '[\n  {"a": 1},\n  {"a": 2,\n   "b": tru},\n  {"a": 3}\n]';
    const r = await readAll(text, 'json');
    assert.deepEqual(values(r), [{ a: 1 }, { a: 3 }]);
    assert.equal(r.issues.length, 1);
    assert.deepEqual([r.issues[0].line, r.issues[0].column], [4, 12]);
  });

  test('a mismatched bracket spoils one record only', async () => {
    const r = await readAll('[{"a": [1, 2}, {"a": 2}, {"a": 3]', 'json');
    assert.deepEqual(values(r), [{ a: 2 }]);
    assert.equal(r.issues.length, 2);
    assert.deepEqual([r.issues[0].line, r.issues[0].column], [1, 13]);
  });

  test('a string that runs past the end of its line spoils one record only', async () => {
    const r = await readAll('[\n{"a": "no end},\n{"a": 2}\n]', 'json');
    assert.ok(r.issues.length >= 1);
    assert.equal(r.issues[0].line, 2);
  });

  test('elements that are not objects are issues', async () => {
    const r = await readAll('[{"a":1}, 2, "x", [3], null, false, {"a":2}]', 'json');
    assert.deepEqual(values(r), [{ a: 1 }, { a: 2 }]);
    assert.deepEqual(
      r.issues.map((i) => [i.column, i.message]),
      [
        [11, 'expected a JSON object, found a number'],
        [14, 'expected a JSON object, found a string'],
        [20, 'expected a JSON object, found a number'],
        [24, 'expected a JSON object, found null'],
        [30, 'expected a JSON object, found a boolean'],
      ],
    );
  });

  test('empty arrays give no records and no issues', async () => {
    assert.deepEqual(await readAll('[]', 'json').then((r) => [r.records.length, r.issues.length]), [0, 0]);
    assert.deepEqual(await readAll('{"results": []}', 'json').then((r) => [r.records.length, r.issues.length]), [0, 0]);
  });

  test('content after the array is an issue', async () => {
    const r = await readAll('[{"a":1}]\n[{"a":2}]', 'json');
    assert.deepEqual(values(r), [{ a: 1 }]);
    assert.equal(r.issues.length, 1);
    assert.deepEqual([r.issues[0].line, r.issues[0].column], [2, 1]);
  });

  test('JSON Lines saved as .json is unusable input with a hint', async () => {
    await inputError(readAll('{"msgs": [{"a": 1}]}\n{"msgs": [{"a": 2}]}\n', 'json'), /another starts at line 2.*name it \.jsonl/);
  });

  test('text that is not JSON at all', async () => {
    await inputError(readAll('id,text\n1,a\n', 'json'), /is not JSON: it starts with "i" at line 1, column 1/);
  });

  test('a record longer than the limit is unusable input', async () => {
    await inputError(readAll(`[{"a":"${'x'.repeat(300)}"}]`, 'json', { maxRecordLength: 100, chunk: 64 }), /record longer than 100 characters starting at line 1/);
  });
});

describe('CSV and TSV', () => {
  test('quoted commas, doubled quotes, embedded line breaks, CRLF and cell casting', async () => {
    const r = await readFixture('readers/quoted.csv');
    assert.deepEqual(r.issues, []);
    assert.deepEqual(lines(r), [2, 3, 5, 8]);
    assert.deepEqual(r.records[0].value, { id: 1, text: 'hello, world', emb: [0.1, 0.2], score: 0.5, flag: 'true', note: null });
    assert.deepEqual(r.records[1].value, { id: 2, text: 'she said "hi"\nand left', emb: [1, 2], score: -3, flag: 'false', note: '007' });
    assert.deepEqual(r.records[2].value, { id: 3, text: 'a\nb\nc', emb: [], score: 1000, flag: 'TRUE', note: 'NaN' });
    assert.deepEqual(r.records[3].value, { id: 4, text: 'café 😀', emb: '[1, "x"]', score: 0.5, flag: null, note: 12 });
  });

  test('TSV: tabs separate, commas and inner quotes are text', async () => {
    const r = await readFixture('readers/data.tsv');
    assert.deepEqual(r.issues, []);
    assert.deepEqual(values(r), [
      { id: 1, text: 'plain text, with a comma', score: 0.5 },
      { id: 2, text: 'he said "hi" here', score: 2 },
      { id: 3, text: 'quoted\ttab', score: -1 },
    ]);
  });

  test('a row with the wrong number of fields is an issue; the rows around it are read', async () => {
    const r = await readAll('a,b\n1,2\n3\n4,5,6\n7,8\n', 'csv');
    assert.deepEqual(lines(r), [2, 5]);
    assert.deepEqual(r.issues, [
      { line: 3, column: 1, message: 'expected 2 fields like the header, found 1' },
      { line: 4, column: 1, message: 'expected 2 fields like the header, found 3' },
    ]);
  });

  test('the start line of a bad row after a multi-line record', async () => {
    const r = await readAll('a,b\n1,"x\ny\nz"\n2\n3,"p\nq",extra\n4,w', 'csv');
    assert.deepEqual(lines(r), [2, 8]);
    assert.deepEqual(
      r.issues.map((i) => i.line),
      [5, 6],
    );
  });

  test('a stray quote inside a field, or text after a closing quote, is kept as text', async () => {
    const r = await readAll('a,b\n1,x"y\n2,"x"y\n3,z\n', 'csv');
    assert.deepEqual(values(r), [
      { a: 1, b: 'x"y' },
      { a: 2, b: '"x"y' },
      { a: 3, b: 'z' },
    ]);
    assert.deepEqual(r.issues, []);
  });

  test('empty and repeated header names become unique', async () => {
    const r = await readAll('x,,x, x ,\n1,2,3,4,5\n', 'csv');
    assert.deepEqual(Object.keys(r.records[0].value), ['x', 'col_2', 'x_2', 'x_3', 'col_5']);
    assert.deepEqual(uniqueNames(['a', 'a_2', 'a']), ['a', 'a_2', 'a_3']);
    assert.deepEqual(uniqueNames(['col_1', '']), ['col_1', 'col_2']);
    assert.deepEqual(uniqueNames(['', 'col_1']), ['col_1_2', 'col_1']);
  });

  test('a header named __proto__ stays a plain key', async () => {
    const r = await readAll('__proto__,b\n1,2\n', 'csv');
    assert.deepEqual(Object.keys(r.records[0].value), ['__proto__', 'b']);
    assert.equal(Object.getPrototypeOf(r.records[0].value), Object.prototype);
  });

  test('cell casting', () => {
    assert.equal(castCell(''), null);
    assert.equal(castCell('0'), 0);
    assert.equal(castCell('-12.5'), -12.5);
    assert.equal(castCell('3e-2'), 0.03);
    assert.equal(castCell('.5'), 0.5);
    assert.equal(castCell('1.'), 1);
    assert.equal(castCell(' 7 '), 7);
    assert.equal(castCell('007'), '007');
    assert.equal(castCell('+1'), '+1');
    assert.equal(castCell('1e999'), '1e999');
    assert.equal(castCell('0x10'), '0x10');
    assert.equal(castCell('1,5'), '1,5');
    assert.equal(castCell('Infinity'), 'Infinity');
    assert.equal(castCell('true'), 'true');
    assert.deepEqual(castCell('[1, 2.5, -3e1]'), [1, 2.5, -30]);
    assert.deepEqual(castCell('[]'), []);
    assert.equal(castCell('[1, "a"]'), '[1, "a"]');
    assert.equal(castCell('[1, 2'), '[1, 2');
    assert.equal(castCell('[[1]]'), '[[1]]');
  });

  test('a quote left open in a large file stops at the record limit instead of reading the rest into memory', async () => {
    await inputError(readAll(`a,b\n1,x\n2,"${'x'.repeat(500)}\n`.repeat(3), 'csv', { maxRecordLength: 100, chunk: 64 }), /has a record longer than 100 characters starting at line 3; is a quote left open\?/);
  });

  test('quotes, doubled quotes and CRLF split across chunks read the same at any chunk size', async () => {
    // Beyond the first 8 KiB, which are sniffed in one piece, the chunks reach the parser as cut.
    const data = 'a,b\n' + '1,2\n'.repeat(2100) + '3,"x""y"\r\n4,"p"q\r5,"multi\r\nline"\n\n6,"open\nrest';
    for (const chunk of [1, 7, 1 << 16]) {
      const r = await readAll(data, 'csv', { chunk });
      assert.equal(r.records.length, 2103, `chunk ${chunk}`);
      assert.deepEqual(r.records.slice(-3).map((x) => [x.line, x.value]), [
        [2102, { a: 3, b: 'x"y' }],
        [2103, { a: 4, b: '"p"q' }],
        [2104, { a: 5, b: 'multi\nline' }],
      ]);
      assert.deepEqual(r.issues, [{ line: 2107, column: 3, message: 'a quoted field is never closed; everything after this quote was read as one field' }]);
    }
  });

  test('blank lines between rows are skipped', async () => {
    const r = await readAll('a\n1\n\n\n2\n\n', 'csv');
    assert.deepEqual(lines(r), [2, 5]);
  });
});

describe('gzip', () => {
  test('JSON Lines and CSV, detected by the gzip magic bytes whatever the flag says', async () => {
    for (const [name, format] of [
      ['readers/mixed.jsonl', 'jsonl'],
      ['readers/quoted.csv', 'csv'],
    ] as const) {
      const plain = await readAll(fixture(name), format);
      const gz = gzipSync(fixture(name));
      const flagged = await readAll(gz, format, { compressed: true });
      const unflagged = await readAll(gz, format, { compressed: false, chunk: 7 });
      assert.deepEqual(flagged.records, plain.records);
      assert.deepEqual(flagged.issues, plain.issues);
      assert.deepEqual(unflagged.records, plain.records);
      assert.equal(flagged.batches.at(-1)!.bytes, gz.length, 'progress counts compressed bytes');
    }
  });

  test('a .gz name on plain text still reads the text', async () => {
    const r = await readAll('{"a":1}\n', 'jsonl', { compressed: true });
    assert.deepEqual(values(r), [{ a: 1 }]);
  });

  test('truncated gzip data is unusable input', async () => {
    const gz = gzipSync(Buffer.from('{"a":1}\n'.repeat(1000)));
    await inputError(readAll(gz.subarray(0, gz.length - 20), 'jsonl'), /gzip data is truncated/);
  });

  test('a byte-order mark alone is empty', async () => {
    await inputError(readAll(Buffer.from([0xef, 0xbb, 0xbf]), 'csv'), /^is empty \(only a UTF-8 byte-order mark\)$/);
  });

  test('gzip of nothing is empty', async () => {
    await inputError(readAll(gzipSync(Buffer.alloc(0)), 'jsonl'), /is empty \(it decompresses to 0 bytes\)/);
  });
});

describe('chunk boundaries', () => {
  const cases: Array<[string, InputFormat]> = [
    ['readers/mixed.jsonl', 'jsonl'],
    ['readers/pretty.json', 'json'],
    ['readers/compact.json', 'json'],
    ['readers/wrapped.json', 'json'],
    ['readers/quoted.csv', 'csv'],
    ['readers/data.tsv', 'tsv'],
    ['bad/malformed-lines.jsonl', 'jsonl'],
    ['bad/truncated.json', 'json'],
    ['bad/ragged.csv', 'csv'],
    ['bad/unclosed-quote.csv', 'csv'],
  ];
  for (const [name, format] of cases) {
    test(`${name}: 1-byte, 7-byte and 64 KiB chunks give the same output`, async () => {
      const whole = await readAll(fixture(name), format, { chunk: 1 << 16 });
      assert.ok(whole.records.length > 0);
      for (const chunk of [1, 7]) {
        const split = await readAll(fixture(name), format, { chunk });
        assert.deepEqual(split.records, whole.records, `records with ${chunk}-byte chunks`);
        assert.deepEqual(split.issues, whole.issues, `issues with ${chunk}-byte chunks`);
      }
    });
  }

  test('a record split across many chunks', async () => {
    const long = 'é'.repeat(5000);
    const text = `{"a":"${long}"}\n{"b":1}\n`;
    const r = await readAll(text, 'jsonl', { chunk: 1000 });
    assert.deepEqual(values(r), [{ a: long }, { b: 1 }]);
    const j = await readAll(`[{"a":"${long}"},\n{"b":1}]`, 'json', { chunk: 1000 });
    assert.deepEqual(lines(j), [1, 2]);
  });
});

describe('batches', () => {
  test('records and issues come in batches of batchSize, with growing byte counts', async () => {
    const text = Array.from({ length: 10 }, (_, i) => (i === 4 ? 'bad' : JSON.stringify({ i }))).join('\n');
    const r = await readAll(text, 'jsonl', { batchSize: 3, chunk: 16 });
    assert.deepEqual(
      r.batches.map((b) => b.records.length + b.issues.length),
      [3, 3, 3, 1],
    );
    const bytes = r.batches.map((b) => b.bytes);
    assert.deepEqual([...bytes].sort((a, b) => a - b), bytes);
    assert.equal(bytes.at(-1), Buffer.byteLength(text));
  });

  test('a file without records still yields one batch with the byte count', async () => {
    const r = await readFixture('bad/header-only.csv');
    assert.equal(r.batches.length, 1);
    assert.equal(r.batches[0].bytes, fixture('bad/header-only.csv').length);
  });
});

describe('abort', () => {
  test('an aborted signal stops reading with an AbortError', async () => {
    const controller = new AbortController();
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (let i = 0; ; i++) yield Buffer.from(`{"i":${i}}\n`);
    }
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const batch of readRecords(endless(), { format: 'jsonl', compressed: false, signal: controller.signal, batchSize: 10 })) {
          seen.push(batch.records.length);
          if (seen.length === 2) controller.abort();
        }
      })(),
      (error: Error) => error.name === 'AbortError',
    );
    assert.deepEqual(seen, [10, 10]);
  });

  test('a signal aborted before the start reads nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(readAll('{"a":1}\n', 'jsonl', { signal: controller.signal }), (error: Error) => error.name === 'AbortError');
  });

  test('abort during gzip and CSV reading', async () => {
    for (const format of ['jsonl', 'csv'] as const) {
      const body = format === 'csv' ? 'i\n' + Array.from({ length: 5000 }, (_, i) => i).join('\n') : Array.from({ length: 5000 }, (_, i) => `{"i":${i}}`).join('\n');
      const controller = new AbortController();
      let batches = 0;
      await assert.rejects(
        (async () => {
          for await (const _ of readRecords(chunked(gzipSync(body), 256), { format, compressed: true, signal: controller.signal, batchSize: 100 })) {
            batches++;
            controller.abort();
          }
        })(),
        (error: Error) => error.name === 'AbortError',
      );
      assert.equal(batches, 1);
    }
  });
});

describe('encodings and binary data', () => {
  test('invalid UTF-8 is reported with its line and byte offset, also across chunks', async () => {
    const data = Buffer.concat([Buffer.from('{"a":"ok"}\n{"a":"é"}\n{"a":"'), Buffer.from([0xff]), Buffer.from('"}\n')]);
    for (const chunk of [1, 7, 1 << 16]) {
      const error = await inputError(readAll(data, 'jsonl', { chunk }), /is not valid UTF-8 at line 3 \(byte offset 28: found 0xFF/);
      assert.equal(error.line, 3);
    }
  });

  test('an overlong or surrogate sequence is invalid too', async () => {
    await inputError(readAll(Buffer.from([0x7b, 0x7d, 0x0a, 0xc0, 0xaf, 0x0a]), 'jsonl'), /line 2 \(byte offset 3: found 0xC0\)/);
    await inputError(readAll(Buffer.from([0x61, 0x0a, 0xed, 0xa0, 0x80, 0x0a]), 'csv', { chunk: 1 }), /line 2 \(byte offset 2: found 0xED 0xA0\)/);
  });

  test('a file that ends inside a multi-byte character', async () => {
    await inputError(readAll(Buffer.from([0x61, 0x0a, 0x62, 0xe6, 0x97]), 'csv'), /not valid UTF-8 at line 2 \(byte offset 3\): the file ends in the middle of a multi-byte character/);
  });

  test('UTF-16 without a byte-order mark, UTF-32, and other archives are named', async () => {
    await inputError(readAll(Buffer.from('{"a":1}\n', 'utf16le'), 'jsonl'), /UTF-16 little-endian text without a byte-order mark/);
    await inputError(readAll(Buffer.from([0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0]), 'jsonl'), /UTF-32/);
    await inputError(readAll(Buffer.from('PK\x03\x04rest'), 'csv'), /ZIP archive/);
    await inputError(readAll(Buffer.from('PAR1....'), 'csv'), /Parquet/);
  });

  test('many control characters without NULs is binary', async () => {
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x61)));
    await inputError(readAll(bytes, 'csv'), /looks like a binary file \(33% control characters/);
  });

  test('only the first 8 KiB decide binary, however the bytes arrive', async () => {
    // A NUL past the sniffed bytes is one malformed record, in one chunk as in many.
    const text = `${'{"a":"x"}\n'.repeat(1000)}{"a":"\u0000"}\n{"a":"y"}\n`;
    for (const chunk of [1 << 20, 4096, 1]) {
      const r = await readAll(text, 'jsonl', { chunk });
      assert.equal(r.records.length, 1001, `chunk ${chunk}`);
      assert.deepEqual(r.issues.map((i) => i.line), [1001], `chunk ${chunk}`);
    }
  });

  test('the Latin-1 hint reads the byte after the bad one, even in the next chunk', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0x80, 0xff]), Buffer.from('\n')]);
    for (const chunk of [1 << 20, 7, 1]) {
      const error = await inputError(readAll(bytes, 'csv', { chunk }), /byte offset 6: found 0x80\)/);
      assert.doesNotMatch(error.message, /Latin-1/, `chunk ${chunk}`);
    }
    const latin = Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xe9]), Buffer.from('t\n')]);
    for (const chunk of [1 << 20, 7, 1]) await inputError(readAll(latin, 'csv', { chunk }), /found 0xE9, which looks like Latin-1/);
  });
});

describe('openFileStream', () => {
  test('reads a file in chunks', async () => {
    const r: Buffer[] = [];
    for await (const chunk of openFileStream(path.join(FIXTURES, 'readers/pretty.json'))) r.push(Buffer.from(chunk));
    assert.deepEqual(Buffer.concat(r), fixture('readers/pretty.json'));
  });

  test('a missing path and a directory are InputErrors', async () => {
    const drain = async (p: string) => {
      for await (const _ of openFileStream(p));
    };
    await inputError(drain(path.join(os.tmpdir(), 'collapse-lens-no-such-file.jsonl')), /does not exist/);
    await inputError(drain(FIXTURES), /is a directory/);
  });

  test('stopping early closes the file', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-')), 'big.jsonl');
    fs.writeFileSync(file, '{"a":1}\n'.repeat(400000));
    let batches = 0;
    for await (const _ of readRecords(openFileStream(file), { format: 'jsonl', compressed: false, batchSize: 100 })) {
      if (++batches === 2) break;
    }
    assert.equal(batches, 2);
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});

describe('JSON error positions', () => {
  const broken = ['{"a":}', '{"a":1', '{a:1}', '{"a":1} x', '{"a":"b', '[1,]', '{"a":1,}', '{"a" 1}', '{"a":tru}', '{"a":-}', '{"a":1.}', '{"a":"\\q"}', '{"a":"\t"}', '{"a":01}', '{"a":1e}', '{"a":"\\u12G4"}', '', '  ', '{"a":[1 2]}', '{"a":nul}'];
  test('the validator finds the offset V8 reports, where V8 reports one', () => {
    for (const s of broken) {
      let message = '';
      try {
        JSON.parse(s);
      } catch (error) {
        message = (error as Error).message;
      }
      const v8 = /at position (\d+)/.exec(message);
      const mine = findJsonErrorOffset(s);
      assert.ok(mine >= 0, `validator accepted ${JSON.stringify(s)}`);
      if (v8) assert.equal(mine, Number(v8[1]), `${JSON.stringify(s)}: ${message}`);
    }
  });

  test('valid JSON has no error offset', () => {
    for (const s of ['{}', '[]', ' {"a":[1,-2.5e+3,true,false,null,"\\u00e9\\n"]} ', '0', '"x"']) assert.equal(findJsonErrorOffset(s), -1, s);
  });

  test('messages lose the echoed input and the position', () => {
    assert.deepEqual(describeJsonError('{"a":}', new SyntaxError('Unexpected token \'}\', "{"a":}" is not valid JSON')), { offset: 5, message: "Unexpected token '}' in JSON" });
    assert.deepEqual(describeJsonError('{"a":1', new SyntaxError("Expected ',' or '}' after property value in JSON at position 6 (line 1 column 7)")), {
      offset: 6,
      message: "Expected ',' or '}' after property value in JSON",
    });
    assert.deepEqual(describeJsonError('{"a":', new SyntaxError('Unexpected end of JSON input')), { offset: 5, message: 'Unexpected end of JSON input' });
  });
});

describe('bad inputs (test/fixtures/bad, see its README)', () => {
  test('empty.jsonl', async () => {
    await inputError(readFixture('bad/empty.jsonl'), /^is empty \(0 bytes\)$/);
  });

  test('whitespace-only.jsonl', async () => {
    await inputError(readFixture('bad/whitespace-only.jsonl'), /^is empty \(only whitespace, 11 bytes\)$/);
  });

  test('binary.jsonl', async () => {
    await inputError(readFixture('bad/binary.jsonl'), /^looks like a binary file \(a NUL byte at byte offset 14\)/);
  });

  test('latin1.csv', async () => {
    const error = await inputError(readFixture('bad/latin1.csv'), /^is not valid UTF-8 at line 3 \(byte offset 26: found 0xE9, which looks like Latin-1.*iconv -f latin1 -t utf-8/);
    assert.equal(error.line, 3);
  });

  test('utf16.jsonl', async () => {
    await inputError(readFixture('bad/utf16.jsonl'), /^is UTF-16 little-endian text \(it starts with a UTF-16 byte-order mark\); save it as UTF-8/);
  });

  test('malformed-lines.jsonl', async () => {
    const r = await readFixture('bad/malformed-lines.jsonl');
    assert.deepEqual(lines(r), [1, 2, 5, 8]);
    assert.deepEqual(
      r.issues.map((i) => [i.line, i.column]),
      [
        [3, 41],
        [4, 49],
        [6, 2],
        [7, 1],
      ],
    );
    assert.deepEqual(
      r.issues.map((i) => i.message),
      [
        "Unexpected token '}' in JSON",
        "Expected ',' or '}' after property value in JSON",
        "Unexpected token 'h' in JSON",
        'expected a JSON object, found an array',
      ],
    );
    for (const issue of r.issues) assert.doesNotMatch(issue.message, /is not valid JSON|position/);
  });

  test('truncated.json', async () => {
    const r = await readFixture('bad/truncated.json');
    assert.deepEqual(values(r), [
      { text: 'first', score: 1 },
      { text: 'second', score: 2 },
    ]);
    assert.deepEqual(r.issues, [
      { line: 5, column: 1, message: 'Unexpected end of JSON input: the record that starts at line 4 is not closed (is the file truncated?)' },
    ]);
  });

  test('not-an-array.json', async () => {
    await inputError(readFixture('bad/not-an-array.json'), /^is a JSON object without an array of objects in it; expected an array of objects/);
  });

  test('scalar.json', async () => {
    const error = await inputError(readFixture('bad/scalar.json'), /^holds a number at the top level, not records; expected an array of objects/);
    assert.deepEqual([error.line, error.column], [1, 1]);
  });

  test('ragged.csv', async () => {
    const r = await readFixture('bad/ragged.csv');
    assert.deepEqual(lines(r), [2, 4, 6]);
    assert.deepEqual(r.issues, [
      { line: 3, column: 1, message: 'expected 3 fields like the header, found 2' },
      { line: 5, column: 1, message: 'expected 3 fields like the header, found 4' },
    ]);
  });

  test('unclosed-quote.csv', async () => {
    const r = await readFixture('bad/unclosed-quote.csv');
    assert.deepEqual(values(r), [{ id: 1, text: 'fine' }]);
    assert.deepEqual(r.issues, [{ line: 3, column: 3, message: 'a quoted field is never closed; everything after this quote was read as one field' }]);
  });

  test('header-only.csv', async () => {
    const r = await readFixture('bad/header-only.csv');
    assert.deepEqual([r.records.length, r.issues.length], [0, 0]);
  });

  test('no-usable-fields.jsonl reads fine; judging the fields is the caller’s job', async () => {
    const r = await readFixture('bad/no-usable-fields.jsonl');
    assert.deepEqual(lines(r), [1, 2, 3]);
    assert.deepEqual(r.records[0].value, { a: null, flag: true, meta: { source: 'x' } });
  });

  test('corrupt.jsonl.gz', async () => {
    await inputError(readFixture('bad/corrupt.jsonl.gz'), /^is not readable: gzip data is corrupt \(invalid block type\)/);
  });
});
