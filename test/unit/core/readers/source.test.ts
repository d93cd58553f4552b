// Bytes to text (src/core/readers/source.ts): gzip and its size limit, encodings, binary data.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { readRecords } from '../../../../src/core/readers/index';
import { inputError } from '../../support';
import { chunked, fixture, readAll, values } from './support';

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

describe('a gzip input past the size limit', () => {
  /** Small gzip, large inside: 2,000 lines of JSONL, about 120 KB, compressing to a few KB. */
  const bomb = gzipSync(Buffer.from(Array.from({ length: 2000 }, (_, i) => `{"text":"the same answer again and again ${i % 7}"}\n`).join('')));

  test('the reader stops as soon as a gzip input decompresses past maxDecompressedBytes', async () => {
    assert.ok(bomb.length < 16 * 1024);
    let records = 0;
    const read = (async () => {
      for await (const batch of readRecords(chunked(bomb, 512), { format: 'jsonl', compressed: true, batchSize: 64, maxDecompressedBytes: 16 * 1024 })) records += batch.records.length;
    })();
    await inputError(read, /^decompresses to more than 16\.0 KB, the file size limit; raise the limit/u);
    assert.ok(records < 1000, `stopped early (${records} records read)`);
    // Without a limit, or under a large one, everything is read.
    for (const options of [{}, { maxDecompressedBytes: 1024 * 1024 }]) {
      let all = 0;
      for await (const batch of readRecords(chunked(bomb, 512), { format: 'jsonl', compressed: true, ...options })) all += batch.records.length;
      assert.equal(all, 2000);
    }
  });
});
