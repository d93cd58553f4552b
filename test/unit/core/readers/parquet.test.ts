import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { ReadContext, type ReadOptions, type RecordBatch, type RecordIssue, type SourceRecord } from '../../../../src/core/readers/types';
import { SLICE_ABOVE, SLICE_ROWS, bytesSource, openFileSource, readParquet, sliceEnds, type RandomAccessSource } from '../../../../src/core/readers/parquet';
import { repoRoot, inputError } from '../../support';

const FIXTURES = path.join(repoRoot(), 'test', 'fixtures');
const LAYOUTS = path.join(FIXTURES, 'layouts');

interface ReadResult {
  records: SourceRecord[];
  issues: RecordIssue[];
  batches: RecordBatch[];
}

async function readSource(source: RandomAccessSource, options: Partial<ReadOptions> = {}): Promise<ReadResult> {
  const result: ReadResult = { records: [], issues: [], batches: [] };
  const ctx = new ReadContext({ format: 'parquet', compressed: false, ...options });
  for await (const batch of readParquet(source, ctx)) {
    result.batches.push(batch);
    result.records.push(...batch.records);
    result.issues.push(...batch.issues);
  }
  return result;
}

const readBytes = (bytes: Uint8Array | ArrayBuffer, options: Partial<ReadOptions> = {}) =>
  readSource(bytesSource(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)), options);

async function readFile(file: string, options: Partial<ReadOptions> = {}): Promise<ReadResult> {
  const source = await openFileSource(file);
  try {
    return await readSource(source, options);
  } finally {
    await source.close();
  }
}


const lines = (r: ReadResult) => r.records.map((x) => x.line);
const values = (r: ReadResult) => r.records.map((x) => x.value);
const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);

// Schema elements as pyarrow writes them (every column nullable).
type Element = Record<string, unknown>;
const str = (name: string, repetition_type = 'OPTIONAL'): Element => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type });
const listOf = (name: string, element: Element[], elementChildren?: number): Element[] => [
  { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  ...(elementChildren === undefined ? element : [{ name: 'element', repetition_type: 'OPTIONAL', num_children: elementChildren }, ...element]),
];

// hyparquet-writer's option types are loose on purpose here: tests write odd files.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const write = (options: any): Uint8Array => new Uint8Array(parquetWriteBuffer(options));

// --- Compressors for writing the codecs hyparquet-writer has none for ----------------------

/** A zstd frame of raw (stored) blocks: valid zstd that any decoder reads, and easy to write. */
function zstdRaw(input: Uint8Array): Uint8Array {
  const BLOCK = 128 * 1024;
  const parts: number[] = [0x28, 0xb5, 0x2f, 0xfd, 0xa0]; // magic; single segment, 4-byte content size
  parts.push(input.length & 0xff, (input.length >>> 8) & 0xff, (input.length >>> 16) & 0xff, (input.length >>> 24) & 0xff);
  const out: Uint8Array[] = [Uint8Array.from(parts)];
  let at = 0;
  do {
    const size = Math.min(BLOCK, input.length - at);
    const last = at + size >= input.length ? 1 : 0;
    const header = last | (size << 3); // block type 0: raw
    out.push(Uint8Array.from([header & 0xff, (header >>> 8) & 0xff, (header >>> 16) & 0xff]), input.subarray(at, at + size));
    at += size;
  } while (at < input.length);
  return Buffer.concat(out);
}

/** An LZ4 block holding one literal run: the LZ4 block format at its simplest. */
function lz4Block(input: Uint8Array): Uint8Array {
  const head: number[] = [];
  if (input.length < 15) head.push(input.length << 4);
  else {
    head.push(0xf0);
    let rest = input.length - 15;
    for (; rest >= 255; rest -= 255) head.push(255);
    head.push(rest);
  }
  return Buffer.concat([Uint8Array.from(head), input]);
}

/** Hadoop's LZ4 framing, as parquet-mr wrote the LZ4 codec: big-endian sizes, then a block. */
function lz4Hadoop(input: Uint8Array): Uint8Array {
  const block = lz4Block(input);
  const sizes = Buffer.alloc(8);
  sizes.writeUInt32BE(input.length, 0);
  sizes.writeUInt32BE(block.length, 4);
  return Buffer.concat([sizes, block]);
}

const writeCompressors = {
  GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)),
  BROTLI: (input: Uint8Array) => new Uint8Array(brotliCompressSync(input)),
  ZSTD: zstdRaw,
  LZ4: lz4Hadoop,
  LZ4_RAW: lz4Block,
};

// ----------------------------------------------------------------------------------------

describe('Parquet reader: values', () => {
  test('a plain text column: one record per row, line = row number', async () => {
    const bytes = write({ columnData: [{ name: 'text', data: ['one', 'two', 'three'] }], schema: [{ name: 'schema', num_children: 1 }, str('text')] });
    const r = await readBytes(bytes);
    assert.deepEqual(lines(r), [1, 2, 3]);
    assert.deepEqual(values(r), [{ text: 'one' }, { text: 'two' }, { text: 'three' }]);
    assert.deepEqual(r.issues, []);
    assert.equal(r.batches.at(-1)!.bytes, bytes.length);
  });

  test('list<struct<content, role>> messages come out as [{content, role}, …]', async () => {
    const messages = [
      [{ content: 'Be brief.', role: 'system' }, { content: 'Hi?', role: 'user' }, { content: 'Hello.', role: 'assistant' }],
      [{ content: 'Why?', role: 'user' }, { content: 'Because.', role: 'assistant' }, { content: 'And?', role: 'user' }, { content: 'So.', role: 'assistant' }],
      [],
      null,
    ];
    const bytes = write({
      columnData: [{ name: 'messages', data: messages }],
      schema: [{ name: 'schema', num_children: 1 }, ...listOf('messages', [str('content'), str('role')], 2)],
    });
    const r = await readBytes(bytes);
    assert.deepEqual(values(r), messages.map((m) => ({ messages: m })));
    // What messages[?@.role=='assistant'].content selects.
    const assistant = values(r).map((v) => ((v.messages as { role: string; content: string }[] | null) ?? []).filter((m) => m.role === 'assistant').map((m) => m.content));
    assert.deepEqual(assistant, [['Hello.'], ['Because.', 'So.'], [], []]);
  });

  test('INT64 becomes a number while safe, a decimal string beyond 2^53', async () => {
    const big = [0n, -5n, 2n ** 53n - 1n, -(2n ** 53n - 1n), 2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n];
    const bytes = write({
      columnData: [
        { name: 'id', data: big, type: 'INT64', nullable: false }, // REQUIRED: hyparquet decodes a BigInt64Array
        { name: 'maybe', data: [1n, null, 3n, null, 5n, null, 7n], type: 'INT64' },
      ],
    });
    const r = await readBytes(bytes);
    assert.deepEqual(values(r).map((v) => v.id), [0, -5, 9007199254740991, -9007199254740991, '9007199254740993', '-9223372036854775808', '9223372036854775807']);
    assert.deepEqual(values(r).map((v) => v.maybe), [1, null, 3, null, 5, null, 7]);
    assert.equal(typeof values(r)[0]!.id, 'number');
  });

  test('nulls stay null in flat, list and struct columns', async () => {
    const bytes = write({
      columnData: [
        { name: 'text', data: ['a', null, 'c'] },
        { name: 'score', data: [0.5, null, 1.5] },
        { name: 'tags', data: [['x', null], null, []] },
        { name: 'meta', data: [{ source: 'web', rank: 1 }, null, { source: null, rank: 3 }] },
      ],
      schema: [
        { name: 'schema', num_children: 4 },
        str('text'),
        { name: 'score', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
        ...listOf('tags', [str('element')]),
        { name: 'meta', repetition_type: 'OPTIONAL', num_children: 2 },
        str('source'),
        { name: 'rank', type: 'INT32', repetition_type: 'OPTIONAL' },
      ],
    });
    const r = await readBytes(bytes);
    assert.deepEqual(values(r), [
      { text: 'a', score: 0.5, tags: ['x', null], meta: { source: 'web', rank: 1 } },
      { text: null, score: null, tags: null, meta: null },
      { text: 'c', score: 1.5, tags: [], meta: { source: null, rank: 3 } },
    ]);
  });

  test('dates and timestamps become ISO strings; floats, booleans, float lists and maps are plain JSON values', async () => {
    const bytes = write({
      columnData: [
        { name: 'day', data: [new Date(Date.UTC(2024, 1, 29)), null] },
        { name: 'at', data: [new Date(Date.UTC(2024, 1, 29, 12, 30, 15, 250)), new Date(0)] },
        { name: 'ok', data: [true, false] },
        { name: 'p', data: [0.25, -1.5] },
        { name: 'embedding', data: [[0.5, -0.25, 1], [0, 0, 0]] },
        { name: 'counts', data: [{ a: 1n, b: 2n }, {}] },
        { name: 'label', data: [{ k: [1, 2] }, null] },
      ],
      schema: [
        { name: 'schema', num_children: 7 },
        { name: 'day', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
        { name: 'at', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'OPTIONAL' },
        { name: 'ok', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
        { name: 'p', type: 'FLOAT', repetition_type: 'OPTIONAL' },
        ...listOf('embedding', [{ name: 'element', type: 'FLOAT', repetition_type: 'OPTIONAL' }]),
        { name: 'counts', repetition_type: 'OPTIONAL', converted_type: 'MAP', num_children: 1 },
        { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
        str('key', 'REQUIRED'),
        { name: 'value', type: 'INT64', repetition_type: 'OPTIONAL' },
        { name: 'label', type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'OPTIONAL' },
      ],
    });
    const r = await readBytes(bytes);
    assert.deepEqual(values(r), [
      { day: '2024-02-29T00:00:00.000Z', at: '2024-02-29T12:30:15.250Z', ok: true, p: 0.25, embedding: [0.5, -0.25, 1], counts: { a: 1, b: 2 }, label: { k: [1, 2] } },
      { day: null, at: '1970-01-01T00:00:00.000Z', ok: false, p: -1.5, embedding: [0, 0, 0], counts: {}, label: null },
    ]);
    // Nothing that JSON cannot hold: a JSON round trip changes nothing.
    for (const v of values(r)) assert.deepEqual(JSON.parse(JSON.stringify(v)), v);
  });

  test('byte arrays without a string type are dropped: a binary column, and bytes inside a struct (HF Image)', async () => {
    const bytes = write({
      columnData: [
        { name: 'text', data: ['a', 'b'] },
        { name: 'raw', data: [new Uint8Array([1, 2, 3]), new Uint8Array([0xff])] },
        { name: 'image', data: [{ bytes: new Uint8Array([0x89, 0x50]), path: 'a.png' }, { bytes: null, path: 'b.png' }] },
        { name: 'digest', data: [new Uint8Array(4), new Uint8Array(4)] },
      ],
      schema: [
        { name: 'schema', num_children: 4 },
        str('text'),
        { name: 'raw', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
        { name: 'image', repetition_type: 'OPTIONAL', num_children: 2 },
        { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
        str('path'),
        { name: 'digest', type: 'FIXED_LEN_BYTE_ARRAY', type_length: 4, repetition_type: 'OPTIONAL' },
      ],
    });
    const r = await readBytes(bytes);
    assert.deepEqual(values(r), [
      { text: 'a', image: { path: 'a.png' } },
      { text: 'b', image: { bytes: null, path: 'b.png' } },
    ]);
  });

  test('a file of only binary columns is an InputError', async () => {
    const bytes = write({ columnData: [{ name: 'raw', data: [new Uint8Array([1])] }], schema: [{ name: 'schema', num_children: 1 }, { name: 'raw', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' }] });
    await inputError(readBytes(bytes), /^has only binary columns \(byte arrays without a string type\)/);
  });

  test('a column of a type hyparquet cannot convert (BSON) is skipped; if it is the only one, an InputError names it', async () => {
    const bson = { name: 'doc', type: 'BYTE_ARRAY', converted_type: 'BSON', repetition_type: 'OPTIONAL' };
    const both = write({ columnData: [{ name: 'text', data: ['a'] }, { name: 'doc', data: [new Uint8Array([5, 0, 0, 0, 0])] }], schema: [{ name: 'schema', num_children: 2 }, str('text'), bson] });
    assert.deepEqual(values(await readBytes(both)), [{ text: 'a' }]);
    const only = write({ columnData: [{ name: 'doc', data: [new Uint8Array([5, 0, 0, 0, 0])] }], schema: [{ name: 'schema', num_children: 1 }, bson] });
    await inputError(readBytes(only), /^has only columns of types Collapse Lens cannot read: doc \(BSON\)/);
  });

  test('a file with no rows gives one empty batch with the byte count', async () => {
    const bytes = write({ columnData: [{ name: 'text', data: [], type: 'STRING' }] });
    const r = await readBytes(bytes);
    assert.equal(r.records.length, 0);
    assert.equal(r.batches.length, 1);
    assert.equal(r.batches[0]!.bytes, bytes.length);
  });
});

describe('Parquet reader: row groups and batches', () => {
  const texts = range(25).map((i) => `row ${i}`);
  const bytes = write({ columnData: [{ name: 'text', data: texts }, { name: 'n', data: range(25), type: 'INT32' }], rowGroupSize: 7 });

  test('lines are row numbers across row groups; batches hold at most batchSize records; progress only grows', async () => {
    assert.equal(parquetMetadata(bytes.slice().buffer).row_groups.length, 4);
    const r = await readBytes(bytes, { batchSize: 4 });
    assert.deepEqual(lines(r), range(25));
    assert.deepEqual(values(r).map((v) => v.text), texts);
    assert.ok(r.batches.every((b) => b.records.length <= 4), 'a batch is larger than batchSize');
    assert.ok(r.batches.length >= 7);
    const progress = r.batches.map((b) => b.bytes);
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b));
    assert.ok(progress[0]! > 0 && progress[0]! < bytes.length, 'the first batch reports partial progress');
    assert.equal(progress.at(-1), bytes.length);
  });

  test('a file source reads only ranges, and gives what a bytes source gives', async () => {
    const file = path.join(LAYOUTS, 'hf-parquet-text', 'gen-1.parquet');
    const fromFile = await readFile(file);
    const fromBytes = await readBytes(fs.readFileSync(file));
    assert.deepEqual(fromFile.records, fromBytes.records);
    assert.equal(fromFile.batches.at(-1)!.bytes, fs.statSync(file).size);
  });

  test('rows [start, end) of the file, across row groups and their slices, are what reading it whole gives there, with their row numbers', async () => {
    const n = 150;
    const bytes = write({ columnData: [{ name: 'text', data: Array.from({ length: n }, (_, i) => `t${i}`) }, { name: 'k', data: range(n), type: 'INT32' }], rowGroupSize: 40, pageSize: 64 });
    const slicing = { sliceAbove: 10, sliceRows: 7 };
    const all = async (rows?: { start: number; end: number }) => {
      const out: { line: number; value: Record<string, unknown> }[] = [];
      for await (const batch of readParquet(bytesSource(bytes), new ReadContext({ format: 'parquet', compressed: false }), slicing, rows)) out.push(...batch.records.map((r) => ({ line: r.line, value: r.value })));
      return out;
    };
    const whole = await all();
    assert.equal(whole.length, n);
    for (const [start, end] of [[0, 150], [0, 1], [13, 97], [40, 80], [39, 41], [149, 150], [60, 60]] as const) {
      assert.deepEqual(await all({ start, end }), whole.slice(start, end), `rows ${start}–${end}`);
    }
  });

  test(`a row group of more than ${SLICE_ABOVE} rows with an offset index is read in slices of about ${SLICE_ROWS}, without reading its bytes again`, async () => {
    const n = SLICE_ABOVE + 50_001; // three slices
    const big = write({ columnData: [{ name: 'text', data: Array.from({ length: n }, (_, i) => `t${i}`) }], rowGroupSize: n, pageSize: 64 * 1024 });
    assert.ok(parquetMetadata(big.slice().buffer).row_groups[0]!.columns[0]!.offset_index_length, 'the writer wrote an offset index');
    const reads: [number, number][] = [];
    const base = bytesSource(big);
    const counting: RandomAccessSource = { byteLength: base.byteLength, read: (s, e) => (reads.push([s, e]), base.read(s, e)), close: base.close };
    const batchSizes: number[] = [];
    const ctx = new ReadContext({ format: 'parquet', compressed: false, batchSize: 8192 });
    let count = 0;
    let next = 1;
    for await (const batch of readParquet(counting, ctx)) {
      batchSizes.push(batch.records.length);
      for (const rec of batch.records) {
        assert.equal(rec.line, next);
        assert.equal(rec.value.text, `t${next - 1}`);
        next++;
        count++;
      }
    }
    assert.equal(count, n);
    const total = reads.reduce((s, [a, b]) => s + b - a, 0);
    const largest = Math.max(...reads.map(([a, b]) => b - a));
    assert.ok(total < big.length * 1.5, `read ${total} bytes of a ${big.length}-byte file`);
    assert.ok(largest < big.length * 0.45, `one read took ${largest} of ${big.length} bytes: the row group was not sliced`);
  });

  test('slices end where the fewest compressed bytes straddle them, near the target size', () => {
    // A text column with pages of 10,000 rows, an int64 column with pages of 131,072 rows.
    const text = { starts: range(60, 0).map((i) => i * 10_000), sizes: Array(60).fill(1_000_000) };
    const ints = { starts: [0, 131_072, 262_144, 393_216, 524_288], sizes: Array(5).fill(1_048_576) };
    const ends = sliceEnds(600_000, 50_000, [text, ints]);
    assert.equal(ends.at(-1), 600_000);
    assert.deepEqual(ends.slice(0, 2), [131_072, 262_144]); // 1 MB of text straddles these, 2 MB elsewhere
    // Without long pages the target size is kept where text pages start.
    assert.deepEqual(sliceEnds(200_000, 50_000, [text]), [50_000, 100_000, 150_000, 200_000]);
    // Slices stay within [sliceRows / 2, 3 × sliceRows] rows, and the last is not tiny.
    const odd = sliceEnds(1_000_003, 40_000, [{ starts: [0], sizes: [5] }]);
    const sizes = odd.map((e, i) => e - (odd[i - 1] ?? 0));
    assert.ok(sizes.every((n) => n >= 20_000 && n <= 120_000), sizes.join(','));
    assert.equal(odd.at(-1), 1_000_003);
  });

  test('a large row group read whole (slicing off) gives the same records as sliced', async () => {
    const n = 3_000;
    const bytes = write({ columnData: [{ name: 'text', data: Array.from({ length: n }, (_, i) => `t${i}`) }, { name: 'k', data: range(n, 0).map(BigInt), type: 'INT64' }], rowGroupSize: n, pageSize: 4096 });
    const read = async (slicing: { sliceAbove?: number; sliceRows?: number }) => {
      const out: SourceRecord[] = [];
      for await (const b of readParquet(bytesSource(bytes), new ReadContext({ format: 'parquet', compressed: false }), slicing)) out.push(...b.records);
      return out;
    };
    const whole = await read({ sliceAbove: 0 });
    assert.deepEqual(lines({ records: whole, issues: [], batches: [] }), range(n));
    assert.deepEqual(await read({ sliceAbove: 100, sliceRows: 250 }), whole);
  });
});

describe('Parquet reader: compression codecs', () => {
  const texts = range(300).map((i) => `output ${i % 17}: the same few words again and again, ${'la '.repeat(i % 5)}`);
  for (const codec of ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'BROTLI', 'ZSTD', 'LZ4', 'LZ4_RAW'] as const) {
    test(codec, async () => {
      const bytes = write({
        columnData: [{ name: 'text', data: texts }, { name: 'k', data: range(300, 0).map(BigInt), type: 'INT64' }],
        codec,
        compressors: writeCompressors,
        rowGroupSize: 128,
      });
      const codecs = new Set(parquetMetadata(bytes.slice().buffer).row_groups.flatMap((g) => g.columns.map((c) => c.meta_data!.codec)));
      assert.deepEqual([...codecs], [codec]);
      const r = await readBytes(bytes);
      assert.deepEqual(r.issues, []);
      assert.deepEqual(values(r).map((v) => v.text), texts);
      assert.deepEqual(values(r).map((v) => v.k), range(300, 0));
    });
  }

  test('a codec it has no decompressor for (LZO) is an InputError naming the codec and column', async () => {
    const bytes = write({ columnData: [{ name: 'text', data: ['a', 'b'] }], codec: 'LZO', compressors: { LZO: (x: Uint8Array) => x } });
    await inputError(readBytes(bytes), /^is compressed with LZO \(column text\), which Collapse Lens cannot decompress; write it again with snappy, zstd or gzip/);
  });
});

describe('Parquet reader: Hugging Face layouts (test/fixtures/layouts)', () => {
  const { generations } = JSON.parse(fs.readFileSync(path.join(LAYOUTS, 'texts.json'), 'utf8')) as {
    generations: { id: string; prompts: { id: string; prompt: string; outputs: string[] }[] }[];
  };
  const expected = (g: number) => generations[g]!.prompts.flatMap((p) => p.outputs.map((output) => ({ prompt: p.prompt, output })));

  test('hf-parquet-text: prompt and text per output, in prompt then output order; gen-1 in 4 row groups', async () => {
    const layout = JSON.parse(fs.readFileSync(path.join(LAYOUTS, 'hf-parquet-text', 'layout.json'), 'utf8'));
    assert.equal(layout.format, 'parquet');
    assert.equal(layout.textPath, 'text');
    for (let g = 0; g < generations.length; g++) {
      const file = path.join(LAYOUTS, 'hf-parquet-text', `${generations[g]!.id}.parquet`);
      const r = await readFile(file, { batchSize: 8 });
      assert.deepEqual(lines(r), range(expected(g).length));
      assert.deepEqual(values(r).map((v) => ({ prompt: v.prompt, output: v[layout.textPath] })), expected(g));
      assert.deepEqual(Object.keys(values(r)[0]!), ['id', 'model', 'prompt', 'text']);
      assert.ok(r.batches.every((b) => b.records.length <= 8));
    }
    const meta = parquetMetadata(fs.readFileSync(path.join(LAYOUTS, 'hf-parquet-text', 'gen-1.parquet')).buffer);
    assert.deepEqual(meta.row_groups.map((rg) => Number(rg.num_rows)), [10, 10, 10, 6]);
  });

  test("hf-parquet-messages: system, user and assistant turns; the assistant's content is the output", async () => {
    const layout = JSON.parse(fs.readFileSync(path.join(LAYOUTS, 'hf-parquet-messages', 'layout.json'), 'utf8'));
    assert.equal(layout.textPath, "messages[?@.role=='assistant'].content");
    for (let g = 0; g < generations.length; g++) {
      const r = await readFile(path.join(LAYOUTS, 'hf-parquet-messages', `${generations[g]!.id}.parquet`));
      assert.deepEqual(lines(r), range(expected(g).length));
      const got = values(r).map((v) => {
        const messages = v.messages as { role: string; content: string }[];
        assert.deepEqual(messages.map((m) => m.role), ['system', 'user', 'assistant']);
        return { prompt: messages.find((m) => m.role === 'user')!.content, output: messages.filter((m) => m.role === 'assistant').map((m) => m.content)[0] };
      });
      assert.deepEqual(got, expected(g));
    }
  });
});

describe('Parquet reader: bad inputs (test/fixtures/bad/parquet-*)', () => {
  const bad = (name: string) => path.join(FIXTURES, 'bad', name);

  test('parquet-empty.parquet: is empty (0 bytes)', async () => {
    await inputError(readFile(bad('parquet-empty.parquet')), /^is empty \(0 bytes\)$/);
  });

  test('parquet-not-parquet.parquet: not a Parquet file', async () => {
    await inputError(readFile(bad('parquet-not-parquet.parquet')), /^is not a Parquet file \(it does not start and end with PAR1\); it looks like JSON text/);
    await inputError(readBytes(Buffer.from('PA')), /^is not a Parquet file \(it does not start and end with PAR1\); expected a Parquet file/);
    await inputError(readBytes(gzipSync('x')), /^is not a Parquet file .*; it is gzip-compressed/);
  });

  test('parquet-truncated.parquet: starts with PAR1, the footer is gone', async () => {
    await inputError(readFile(bad('parquet-truncated.parquet')), /^is a truncated Parquet file: it starts with PAR1 but does not end with it; the footer .* is missing/);
    await inputError(readBytes(Buffer.from('PAR1PAR1')), /^is a truncated Parquet file: it starts with PAR1 but is only 8 bytes long/);
  });

  test('parquet-corrupt-footer.parquet: PAR1 at both ends, metadata that does not decode', async () => {
    await inputError(readFile(bad('parquet-corrupt-footer.parquet')), /^has a corrupt Parquet footer \(its metadata could not be decoded: .+\); the file is damaged/);
  });

  test('a footer length longer than the file, and an encrypted footer', async () => {
    const good = fs.readFileSync(bad('parquet-corrupt-row-group.parquet'));
    const long = Buffer.from(good);
    long.writeUInt32LE(good.length, good.length - 8);
    await inputError(readBytes(long), /^has a corrupt Parquet footer: it gives its length as \d+ bytes, but the file has \d+ bytes between its PAR1 marks/);
    const encrypted = Buffer.from(good);
    encrypted.write('PARE', good.length - 4, 'latin1');
    await inputError(readBytes(encrypted), /^is an encrypted Parquet file \(its footer ends with PARE\)/);
  });

  test('parquet-corrupt-row-group.parquet: one issue for the bad row group, the others are read', async () => {
    const r = await readFile(bad('parquet-corrupt-row-group.parquet'));
    assert.deepEqual(lines(r), [1, 2, 5, 6]);
    assert.deepEqual(values(r).map((v) => String(v.text).split(' ')[0]), ['alpha', 'beta', 'epsilon', 'zeta']);
    assert.equal(r.issues.length, 1);
    assert.equal(r.issues[0]!.line, 3);
    assert.equal(r.issues[0]!.column, 1);
    assert.match(r.issues[0]!.message, /^row group 2 could not be read: snappy data is corrupt \(.+\); rows 3–4 are skipped$/);
  });

  test('a row group whose data lies past the end of the file is an issue, not a crash', async () => {
    const good = fs.readFileSync(path.join(LAYOUTS, 'hf-parquet-text', 'gen-1.parquet'));
    const meta = parquetMetadata(good.buffer.slice(good.byteOffset, good.byteOffset + good.length));
    // Keep the footer, drop the data of the last row group: the row groups before it still read.
    const lastStart = Number(meta.row_groups[3]!.columns[0]!.meta_data!.data_page_offset);
    const footerStart = good.length - 8 - good.readUInt32LE(good.length - 8);
    const cut = Buffer.concat([good.subarray(0, lastStart), good.subarray(footerStart)]);
    const r = await readBytes(cut);
    assert.deepEqual(lines(r), range(30));
    assert.equal(r.issues.length, 1);
    assert.match(r.issues[0]!.message, /^row group 4 could not be read: /);
    assert.equal(r.issues[0]!.line, 31);
  });

  test('file errors: a missing file, a directory', async () => {
    await inputError(openFileSource(path.join(os.tmpdir(), `collapse-lens-missing-${process.pid}.parquet`)), /^does not exist; check the path$/);
    await inputError(openFileSource(FIXTURES), /^is a directory; name the files inside it$/);
  });
});

describe('Parquet reader: abort', () => {
  const bytes = write({ columnData: [{ name: 'text', data: range(40).map((i) => `row ${i}`) }], rowGroupSize: 10 });

  test('an aborted signal stops the read between batches and row groups', async () => {
    const controller = new AbortController();
    const ctx = new ReadContext({ format: 'parquet', compressed: false, batchSize: 5, signal: controller.signal });
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const batch of readParquet(bytesSource(bytes), ctx)) {
          seen.push(...batch.records.map((r) => r.line));
          if (seen.length >= 10) controller.abort();
        }
      })(),
      { name: 'AbortError' },
    );
    assert.deepEqual(seen, range(10));
  });

  test('a signal aborted before the read starts reads nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    let reads = 0;
    const source: RandomAccessSource = { byteLength: bytes.length, read: async (s, e) => (reads++, bytes.slice(s, e).buffer), close: async () => undefined };
    await assert.rejects(readSource(source, { signal: controller.signal }), { name: 'AbortError' });
    assert.equal(reads, 0);
  });
});
