// Property-based fuzz of the record readers (src/core/readers/index.ts), seeded and
// reproducible; see test/fuzz/runner.ts for the knobs and the fixture replay.
//   any bytes: whatever the bytes (random, generated JSON/CSV, mutated fixtures, gzip and corrupt
//     gzip, Parquet through bytesSource), in any chunking, reading yields batches or throws an
//     InputError, never another error; every issue has an integer line ≥ 1 and column ≥ 1; an
//     InputError's position, when it has one, too, and its message is one line; a batch holds at
//     most batchSize records plus issues; every record is a plain object; record lines increase
//     (JSON Lines, CSV, TSV, Parquet rows) or never decrease (JSON, where records share lines).
//     Positions also point into the file: lines at most the file's line count, and in JSON Lines
//     an issue's column at most its line's length + 1.
//   chunking: the same bytes read in one chunk and in small chunks give the same records and
//     issues, or both fail (with the same message when it is the same problem).
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { InputError, openInputRecords } from '../../../src/core/readers/index';
import type { ReadOptions, RecordIssue, SourceRecord } from '../../../src/core/readers/index';
import { fileBytes, inputFile, type InputFile } from '../../fuzz/arbitraries';
import { fuzzProperty } from '../../fuzz/runner';

interface ReaderCase {
  file: InputFile;
  /** Bytes per chunk handed to the reader. */
  chunk: number;
  batchSize: number;
  maxRecordLength: number | null;
}

const readerCase: fc.Arbitrary<ReaderCase> = fc.record({
  file: inputFile(),
  chunk: fc.oneof({ arbitrary: fc.constant(1 << 20), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 16 }), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 9000 }), weight: 2 }),
  batchSize: fc.oneof({ arbitrary: fc.constant(2048), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 8 }), weight: 1 }),
  maxRecordLength: fc.oneof({ arbitrary: fc.constant(null), weight: 5 }, { arbitrary: fc.integer({ min: 1, max: 300 }), weight: 1 }),
});

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  if (bytes.length === 0) return;
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

interface Outcome {
  records: SourceRecord[];
  issues: RecordIssue[];
  error?: InputError;
}

const describe = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e));
const positive = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1;

/** The text the reader sees (gunzipped, BOM dropped), or undefined when it is not UTF-8. */
function decodedText(bytes: Uint8Array): string | undefined {
  let b = Buffer.from(bytes);
  if (b[0] === 0x1f && b[1] === 0x8b) {
    try {
      b = gunzipSync(b);
    } catch {
      return undefined;
    }
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}

/** Bounds for positions: the most lines any line-break convention gives, and JSON Lines' lines. */
function bounds(bytes: Uint8Array, format: string): { maxLine: number; jsonlLines?: string[] } | undefined {
  if (format === 'parquet') return undefined;
  const text = decodedText(bytes);
  if (text === undefined) return undefined;
  const maxLine = 1 + (text.match(/\r\n|\r|\n/g)?.length ?? 0);
  return format === 'jsonl' ? { maxLine, jsonlLines: text.split('\n') } : { maxLine };
}

/** Reads the case, checking every batch as it comes; returns what was read. */
async function read(c: ReaderCase, chunk = c.chunk): Promise<Outcome> {
  const bytes = fileBytes(c.file);
  const format = c.file.format;
  const options: ReadOptions = { format, compressed: c.file.gzip !== null, batchSize: c.batchSize };
  if (c.maxRecordLength !== null) options.maxRecordLength = c.maxRecordLength;
  const out: Outcome = { records: [], issues: [] };
  const strict = format !== 'json';
  const within = bounds(bytes, format);
  let last = 0;
  try {
    for await (const batch of openInputRecords({ file: `fuzz.${format}`, open: () => chunked(bytes, chunk) }, options)) {
      assert.ok(Array.isArray(batch.records) && Array.isArray(batch.issues), 'a batch has records and issues');
      assert.ok(batch.records.length + batch.issues.length <= c.batchSize, `a batch of ${batch.records.length} records and ${batch.issues.length} issues exceeds batchSize ${c.batchSize}`);
      for (const issue of batch.issues) {
        assert.ok(positive(issue.line) && positive(issue.column), `issue position must be ≥ 1: ${JSON.stringify(issue)}`);
        assert.ok(typeof issue.message === 'string' && issue.message.length > 0, `issue without a message: ${JSON.stringify(issue)}`);
        if (within) {
          assert.ok(issue.line <= within.maxLine, `issue at line ${issue.line} of a ${within.maxLine}-line file: ${JSON.stringify(issue)}`);
          const text = within.jsonlLines?.[issue.line - 1];
          if (text !== undefined) assert.ok(issue.column <= text.length + 1, `issue at column ${issue.column} of a ${text.length}-character line: ${JSON.stringify(issue)}`);
        }
        out.issues.push(issue);
      }
      for (const r of batch.records) {
        assert.ok(positive(r.line), `record line must be ≥ 1: ${r.line}`);
        if (within) assert.ok(r.line <= within.maxLine, `record at line ${r.line} of a ${within.maxLine}-line file`);
        assert.ok(r.value !== null && typeof r.value === 'object' && !Array.isArray(r.value), `record at line ${r.line} is not an object`);
        assert.ok(strict ? r.line > last : r.line >= last, `${format} record lines must ${strict ? 'increase' : 'not decrease'}: line ${r.line} after line ${last}`);
        last = r.line;
        out.records.push(r);
      }
    }
  } catch (error) {
    if (!(error instanceof InputError)) assert.fail(`reading ${format} threw something other than an InputError: ${describe(error)}`);
    assert.ok(error.line === undefined || positive(error.line), `InputError line must be ≥ 1: ${error.line} (${error.message})`);
    assert.ok(error.column === undefined || positive(error.column), `InputError column must be ≥ 1: ${error.column} (${error.message})`);
    if (within && error.line !== undefined) assert.ok(error.line <= within.maxLine, `InputError at line ${error.line} of a ${within.maxLine}-line file (${error.message})`);
    assert.ok(!error.message.includes('\n'), `InputError message must be one line: ${JSON.stringify(error.message)}`);
    out.error = error;
  }
  return out;
}

/** What an error message is about, without its numbers: "is not valid UTF-8 at line". */
const problem = (message: string) => message.split(/\d/, 1)[0]!;

const sidecars = (c: ReaderCase) => [{ suffix: `.input.${c.file.format}${c.file.gzip && c.file.format !== 'parquet' ? '.gz' : ''}`, bytes: fileBytes(c.file) }];

fuzzProperty({
  target: 'readers',
  name: 'any bytes',
  title: 'any bytes give batches or an InputError; positions ≥ 1; record lines in order',
  arbitrary: readerCase,
  check: async (c) => {
    await read(c);
  },
  sidecars,
  isolate: true,
  timeoutMs: 5000,
  label: (c) => `reading ${c.file.format}${c.file.gzip && c.file.format !== 'parquet' ? '.gz' : ''}`,
});

fuzzProperty({
  target: 'readers',
  name: 'chunking',
  title: 'one chunk or many: the same records, issues and error',
  arbitrary: readerCase.filter((c) => c.chunk !== 1 << 20),
  check: async (c) => {
    const whole = await read(c, 1 << 30);
    const pieces = await read(c);
    assert.equal(Boolean(pieces.error), Boolean(whole.error), `with ${c.chunk}-byte chunks: ${pieces.error?.message ?? 'no error'}; in one chunk: ${whole.error?.message ?? 'no error'}`);
    // A file with two fatal problems may report either first, depending on where the chunks end;
    // the same problem must be reported alike (same line, same offset).
    if (pieces.error && whole.error && problem(pieces.error.message) === problem(whole.error.message)) {
      assert.equal(pieces.error.message, whole.error.message, `error differs with ${c.chunk}-byte chunks`);
    }
    // Before an error, how much was handed on depends on the batches, so only a clean read compares records.
    if (whole.error) return;
    assert.deepEqual(pieces.issues, whole.issues, `issues differ with ${c.chunk}-byte chunks`);
    assert.deepEqual(pieces.records, whole.records, `records differ with ${c.chunk}-byte chunks`);
  },
  sidecars,
  isolate: true,
  timeoutMs: 5000,
  label: (c) => `reading ${c.file.format}${c.file.gzip && c.file.format !== 'parquet' ? '.gz' : ''}`,
});
