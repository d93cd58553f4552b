// readRecords and openFileStream (src/core/readers/index.ts): formats, batches, chunk boundaries, abort, the bad-input fixtures.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatFromPath, openFileStream, readRecords } from '../../../../src/core/readers/index';
import type { InputFormat } from '../../../../src/shared/report';
import { inputError } from '../../support';
import { FIXTURES, chunked, fixture, lines, readAll, readFixture, values } from './support';

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
