// Reading inputs on every core: the fields are detected once on the first records of the
// first file, then each file — and each range of a large JSON Lines, CSV or TSV file, cut at
// line breaks where its generation changes, or evenly for `partial` (ranges.ts, `rangePlan`),
// and each span of a gzip JSON Lines, CSV or TSV file (gzipSpans.ts) — is read into a partial analysis on
// a pool of analysis threads (partialWorker.ts), and the partial analyses are merged
// (partial.ts). Every accumulator merges to what one pass gives; a generation cut in two, and
// a CSV file cut inside a quoted field, are read again on one thread, so the report does not
// depend on the number of threads.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AnalyzeOptions } from '../options';
import { formatFromPath, openInputRecords } from '../readers/index';
import { delimitedHeader, delimitedLineReader } from '../readers/csv';
import { READ_WHOLE, ReadContext } from '../readers/types';
import { openFileStream } from '../localDisk';
import type { SourceRecord } from '../readers/types';
import { naturalCompare } from '../generations';
import { noRecords, partialSettings, readInputs, statInputs } from './read';
import { chooseFields } from './fields';
import { compileFieldPath } from '../fieldPath';
import type { AnalyzeInput, ByteRange, ReadInputsOptions } from './read';
import { sampleOffThread } from './offThread';
import { GENERATION_RETURNED } from './builder';
import { generationOfLine, generationOfRecord, generationRanges, lineRanges, parquetRowRanges } from './ranges';
import { groupKey, mergePartials, partialFromState } from './partial';
import { AnalysisPool } from './analysisPool';
import { estimateInflatedSize, inflatedFile, spanWindows } from './gzipSpans';
import type { FieldsUsed, PartialAnalysis, PartialState } from './partial';

/** The analysis-thread script built next to a bundle (`dist/analysis-thread.js`), when it is there. */
export function analysisThreadBeside(dir: string): string | undefined {
  const script = path.join(dir, 'analysis-thread.js');
  return existsSync(script) ? script : undefined;
}

/**
 * Threads `--jobs` takes by default: every core, each thread reading and analysing its files or
 * its part of a file alone, and no more than one per GiB of memory, each holding its own heap
 * (about 250–300 MB at its peak). On two cores or fewer, one: a single reading already keeps
 * two cores busy, its records parsed on a reading thread of their own (read.ts), and two
 * threads would take as long with twice the memory. The report is the same for any number.
 */
export function defaultJobs(cores: number, memoryBytes: number): number {
  if (cores <= 2) return 1;
  return Math.max(1, Math.min(cores, Math.floor(memoryBytes / 2 ** 30)));
}

/** Smallest byte range a thread reads of a JSON Lines file. */
export const MIN_RANGE_BYTES = 8 * 1024 * 1024;

/**
 * Threads worth starting for `totalBytes` of input: at most `jobs`, and one for every
 * `minRange` bytes (a thread costs its start and a heap, which many small files are not worth).
 * Below 2, the inputs are read on the calling thread.
 */
export function threadsFor(jobs: number, totalBytes: number, minRange = MIN_RANGE_BYTES): number {
  return Math.min(jobs, Math.floor(totalBytes / minRange));
}

export { AnalysisPool };
export type { Task, TaskMessage, TaskResult } from './analysisPool';

/** What the parallel read needs beyond the analysis options. */
export interface ParallelOptions extends AnalyzeOptions {
  /** Threads to use (at least 2 for anything to run in parallel). */
  jobs: number;
  /** `dist/analysis-thread.js`. */
  analysisThread: string;
  /** Smallest byte range a thread reads, and the least input per thread (default MIN_RANGE_BYTES; smaller in tests). */
  minRangeBytes?: number;
  /** Keep what storing the result needs (the extension's stored states); without it, each whole file of a set is reduced on the thread that read it. */
  mergeable?: boolean;
}

/**
 * A local uncompressed JSON Lines, CSV or TSV file of at least two ranges: what can be cut at
 * line breaks. A CSV line break may lie inside a quoted field: a range that ends inside one says
 * so (READ_WHOLE) and the file is read in one piece. A Parquet file is cut into ranges of
 * rows, near even shares of its row groups' bytes.
 */
function cuttable(options: Pick<ParallelOptions, 'minRangeBytes'>, kind: ReturnType<typeof formatFromPath>, size: number): boolean {
  return (kind?.format === 'jsonl' || kind?.format === 'parquet' || delimited(kind)) && !kind!.compressed && size >= 2 * (options.minRangeBytes ?? MIN_RANGE_BYTES);
}

/** CSV or TSV. */
function delimited(kind: ReturnType<typeof formatFromPath>): kind is { format: 'csv' | 'tsv'; compressed: boolean } {
  return kind?.format === 'csv' || kind?.format === 'tsv';
}

function delimiterOf(format: 'csv' | 'tsv'): ',' | '\t' {
  return format === 'csv' ? ',' : '\t';
}

/** The header row of a CSV or TSV text (a local file's bytes, or a gzip file's inflated), undefined when it has none or cannot be read. */
async function headerOf(text: AsyncIterable<Uint8Array>, format: 'csv' | 'tsv'): Promise<string[] | undefined> {
  return delimitedHeader(text, new ReadContext({ format, compressed: false }), delimiterOf(format)).catch(() => undefined);
}

/**
 * How a large file is cut for several threads, if at all. A reading that keeps its whole state
 * anyway (`mergeable`: `partial`, stored states) cuts it into even byte ranges at line breaks
 * and merges the parts. A plain analysis of a file with a generation field cuts it where the
 * generation changes (`generationRanges`), so each thread reduces whole generations as one
 * reading does and memory stays bounded; in even byte ranges each thread would keep its
 * generations' whole mergeable state to the end (the 200 MB text benchmark in two ranges
 * peaked at 1.8 GB against 260 MB, and took 16.3 s against 9.5 s). Any other file, or a file
 * of a set (one generation), is read whole. A gzip file, which cannot be entered in its middle,
 * is read in spans of its text cut where the generation changes (gzipSpans.ts), or for a
 * reading that keeps its whole state at the first line of each window, when it is read alone.
 */
export function rangePlan(options: Pick<ParallelOptions, 'mergeable' | 'minRangeBytes'>, kind: ReturnType<typeof formatFromPath>, size: number, multipleFiles: boolean): 'bytes' | 'generations' | 'spans' | undefined {
  // A gzip file: spans of its text, cut where generations change, in a plain analysis of it alone.
  if ((kind?.format === 'jsonl' || delimited(kind)) && kind.compressed) return multipleFiles ? undefined : 'spans';
  if (!cuttable(options, kind, size)) return undefined;
  if (options.mergeable === true) return 'bytes';
  return multipleFiles ? undefined : 'generations';
}

/**
 * Reads `inputs` into a partial analysis on up to `jobs` threads, one for every `minRangeBytes`
 * of input at most. Falls back to one thread (readInputs) when there is nothing to split: one
 * input not cut into ranges (`rangePlan`), one without a generation field or with one
 * generation, inputs of less than two ranges' bytes, or inputs read through VS Code; and when
 * a generation lies in two ranges cut where generations change.
 */
export async function readInParallel(inputs: readonly AnalyzeInput[], options: ParallelOptions): Promise<PartialAnalysis> {
  const ordered = [...inputs].sort((a, b) => naturalCompare(a.display, b.display));
  const multipleFiles = ordered.length > 1;
  if (inputs.length === 0 || options.jobs < 2 || ordered.some((i) => i.open)) return readInputs(inputs, options);
  const sizes = await statInputs(ordered, options);
  const kinds = ordered.map((i) => formatFromPath(i.file) ?? formatFromPath(i.display));
  const minRange = options.minRangeBytes ?? MIN_RANGE_BYTES;
  const plan = (i: number) => rangePlan(options, kinds[i], sizes[i]!, multipleFiles);
  if (!multipleFiles && !plan(0)) return readInputs(inputs, options);
  if (!multipleFiles && plan(0) === 'spans') return readSpans(ordered[0]!, kinds[0], sizes[0]!, options);
  const total = sizes.reduce((a, b) => a + b, 0);
  const jobs = threadsFor(options.jobs, total, minRange);
  if (jobs < 2) return readInputs(inputs, options);

  const first = ordered[0]!;
  const fields = await detectFirst(first, kinds[0], options, multipleFiles);
  if (!fields) return readInputs(inputs, options);
  // Without a generation field the file is one generation: nothing to cut it at.
  const byGeneration = plan(0) === 'generations';
  if (byGeneration && !fields.roles.group) return readInputs(inputs, options);

  // A whole file of a set is a whole generation, and so are the generations of a range cut
  // where they change: its thread reduces them (builder.ts) and sends only what finishing
  // needs, unless the caller keeps states to merge later (`partial`, the extension's stored
  // states). Even byte ranges hold parts of generations, sent whole to be merged.
  const reduceFiles = multipleFiles && !options.mergeable;
  const readOptions = (range?: ByteRange) => partOptions(options, fields, (range === undefined && reduceFiles) || byGeneration, range);

  const pool = new AnalysisPool(options.analysisThread, jobs, options.signal);
  try {
    // The parts of each file cut for the threads (none: read whole, a file of a set).
    const parts = await Promise.all(ordered.map((input, i) =>
      plan(i) ? partsOf(input, kinds[i]!, sizes[i]!, Math.max(1, Math.min(jobs, Math.floor(sizes[i]! / minRange))), byGeneration ? fields : undefined, pool) : undefined,
    ));
    if (byGeneration && (parts[0]?.length ?? 0) < 2) return readInputs(inputs, options);
    const tasks: { input: AnalyzeInput; options: ReadInputsOptions; bytes: number }[] = [];
    ordered.forEach((input, i) => {
      const fileParts = parts[i];
      if (!fileParts || fileParts.length < 2) tasks.push({ input, options: readOptions(), bytes: sizes[i]! });
      else for (const part of fileParts) tasks.push({ input: { file: input.file, display: input.display }, options: readOptions(part.range), bytes: part.bytes });
    });

    let done = 0;
    let records = 0;
    // Progress names the file a thread last read from, and counts the records of every thread.
    const reported = new Array<number>(tasks.length).fill(0);
    const progressOf = (task: number) => {
      const input = tasks[task]!.input;
      const fileIndex = ordered.findIndex((o) => o.file === input.file);
      return (bytes: number, read: number) => {
        done += bytes;
        records += read;
        reported[task]! += read;
        options.onProgress?.({ file: input.display, fileIndex, files: ordered.length, bytes: done, totalBytes: total, records });
      };
    };
    // The largest first, so the threads finish together.
    const order = tasks.map((_, i) => i).sort((a, b) => tasks[b]!.bytes - tasks[a]!.bytes || a - b);
    const states: PartialState[] = new Array(tasks.length);
    try {
      await Promise.all(order.map(async (i) => {
        const t = tasks[i]!;
        const state = ((await pool.run({ kind: 'partial', input: { file: t.input.file, display: t.input.display }, options: t.options }, progressOf(i))) as { state: PartialState }).state;
        records += state.files.reduce((a, f) => a + f.summary.records, 0) - reported[i]!;
        states[i] = state;
      }));
    } catch (e) {
      if ((e as Error).name === READ_WHOLE) {
        // A CSV or TSV file cut inside a quoted field that holds a line break, a Parquet row group
        // that fails to decode: read as one reading does, which says what it skips.
        await pool.close();
        return readInputs(inputs, options);
      }
      if (!byGeneration || (e as Error).name !== GENERATION_RETURNED) throw e;
      states.length = 0;
    }
    if (byGeneration && (states.length === 0 || !wholeGenerations(states))) {
      // Generations that return after others lie in several ranges: read as one reading
      // does, once the threads are stopped.
      await pool.close();
      return readInputs(inputs, options);
    }
    const merged = mergePartials(states.map((s) => partialFromState(s)));
    // A Parquet file's ranges counted rows; the file is its bytes on disk, as one reading reports it.
    ordered.forEach((input, i) => {
      const f = kinds[i]?.format === 'parquet' && (parts[i]?.length ?? 0) > 1 ? merged.files.find((m) => m.summary.file === input.display) : undefined;
      if (f) f.summary.bytes = sizes[i]!;
    });
    for (const f of merged.files) if (f.summary.records === 0) throw noRecords(f.summary.file, f.summary.format, f.summary.malformed, f.issues[0]);
    merged.files.sort((a, b) => naturalCompare(a.summary.file, b.summary.file));
    return merged;
  } finally {
    await pool.close();
  }
}

/** Whether no generation is in two of the states (each range held whole generations). */
function wholeGenerations(states: readonly PartialState[]): boolean {
  const seen = new Set<string>();
  for (const s of states) {
    for (const g of s.groups) {
      const key = groupKey(g.file, g.group);
      if (seen.has(key)) return false;
      seen.add(key);
    }
  }
  return true;
}

/**
 * A gzip JSON Lines, CSV or TSV file read in spans of its text (gzipSpans.ts): each thread
 * inflates the file from its start and reads its span, cut where the generation changes,
 * reducing whole generations as one reading does (or, keeping its whole state to be merged,
 * cut at the first line of each window). Read on one thread as readInParallel says, and when
 * a thread fails: one reading then reports what is wrong with the file as it always does.
 */
async function readSpans(input: AnalyzeInput, kind: ReturnType<typeof formatFromPath>, size: number, options: ParallelOptions): Promise<PartialAnalysis> {
  const inflated = await estimateInflatedSize(input.file, size);
  const jobs = threadsFor(options.jobs, inflated, options.minRangeBytes ?? MIN_RANGE_BYTES);
  // A file that likely inflates past the size limit: one reading stops at the limit and says so.
  if (jobs < 2 || (options.maxFileBytes && options.maxFileBytes > 0 && inflated > options.maxFileBytes)) return readInputs([input], options);
  const fields = await detectFirst(input, kind, options, false);
  // A plain analysis cuts where generations change (none without a generation field); parts that
  // are merged anyway (`partial`) are cut at the first line of each window.
  const keepState = options.mergeable === true;
  if (!fields || (!keepState && !fields.roles.group)) return readInputs([input], options);
  // A CSV or TSV file's spans after the first are read with its header row.
  let csv: { header: string[]; delimiter: ',' | '\t' } | undefined;
  if (delimited(kind)) {
    const header = await headerOf(inflatedFile(input.file), kind.format);
    if (!header) return readInputs([input], options);
    csv = { header, delimiter: delimiterOf(kind.format) };
  }
  const readOptions = partOptions(options, fields, !keepState);
  const windows = spanWindows(inflated, jobs);
  // Progress in the file's bytes: a thread counts the text it reads.
  const scale = size / Math.max(1, inflated);
  let done = 0;
  let records = 0;
  const pool = new AnalysisPool(options.analysisThread, jobs, options.signal);
  try {
    let states: (PartialState | undefined)[];
    try {
      states = await Promise.all(Array.from({ length: jobs }, async (_, index) => {
        let reported = 0;
        const r = await pool.run({ kind: 'partial', input: { file: input.file, display: input.display }, options: readOptions, span: { windows, index, ...(csv ? { csv } : {}), ...(keepState ? { anyLine: true } : {}) } }, (bytes, read) => {
          done += bytes * scale;
          records += read;
          reported += read;
          options.onProgress?.({ file: input.display, fileIndex: 0, files: 1, bytes: Math.min(size, Math.round(done)), totalBytes: size, records });
        });
        if (r.kind !== 'partial') return undefined;
        records += r.state.files.reduce((a, f) => a + f.summary.records, 0) - reported;
        return r.state;
      }));
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      states = [];
    }
    const parts = states.filter((s): s is PartialState => s !== undefined);
    if (parts.length === 0 || (!keepState && !wholeGenerations(parts))) {
      // A generation that returns after others, or a file one reading reports on.
      await pool.close();
      return readInputs([input], options);
    }
    const merged = mergePartials(parts.map((s) => partialFromState(s)));
    const file = merged.files[0]!;
    if (file.summary.records === 0) return readInputs([input], options);
    // The spans counted their text; the file's size is its bytes on disk, as one reading reports it.
    file.summary.bytes = size;
    return merged;
  } finally {
    await pool.close();
  }
}

/**
 * What a thread is told to read with: the caller's settings, the fields detected here, and
 * whether it reduces whole generations (`whole`) or keeps its state to be merged.
 */
function partOptions(options: ParallelOptions, fields: FieldsUsed, whole: boolean, range?: ByteRange): ReadInputsOptions {
  const settings = partialSettings(options);
  const o: ReadInputsOptions = { seed: settings.seed, lowercase: settings.lowercase, sampling: settings.sampling, fieldsFrom: fields, mergeable: !whole, ...(whole ? { reduceAll: true } : {}) };
  if (options.maxFileBytes) o.maxFileBytes = options.maxFileBytes;
  if (options.rollingWindow) o.rollingWindow = options.rollingWindow;
  if (range) o.range = range;
  return o;
}

/** A part of a file for one thread: what its reading is told (ReadInputsOptions.range), and about how many of the file's bytes it holds. */
interface FilePart {
  range: ByteRange;
  bytes: number;
}

/**
 * The parts of one file for `count` threads: ranges of lines of a JSON Lines, CSV or TSV file
 * (each with the line it starts on; a CSV range after the first with the header row), ranges
 * of rows of a Parquet file; where the generation changes when `fields` are given, else
 * evenly. Undefined when the file cannot be cut (a CSV file without a header row).
 */
async function partsOf(input: AnalyzeInput, kind: NonNullable<ReturnType<typeof formatFromPath>>, size: number, count: number, fields: FieldsUsed | undefined, pool: AnalysisPool): Promise<FilePart[] | undefined> {
  if (kind.format === 'parquet') {
    const rows = await parquetRowRanges(input.file, count, fields ? recordGeneration(fields, input.display) : undefined);
    const total = rows[rows.length - 1]!.end;
    // A record's line is its row number in the file.
    return rows.map((r) => ({ range: { ...r, firstLine: r.start + 1 }, bytes: Math.round((size * (r.end - r.start)) / Math.max(1, total)) }));
  }
  const csv = delimited(kind) ? kind.format : undefined;
  const header = csv ? await headerOf(openFileStream(input.file), csv) : undefined;
  if (csv && !header) return undefined;
  const even = await lineRanges(input.file, size, count);
  const record = csv ? delimitedLineReader(header!, delimiterOf(csv)) : undefined;
  const ranges = fields ? await generationRanges(input.file, even, generationOfLine(fields, input.display, record)) : even;
  // Line numbers as the reader counts them: CSV and TSV count a lone CR as a line break too.
  const counts = await Promise.all(ranges.slice(0, -1).map((range) => pool.run({ kind: 'count', file: input.file, range, ...(csv ? { carriageReturns: true } : {}) }).then((r) => (r as { lines: number }).lines)));
  let line = 1;
  return ranges.map((r, k) => {
    const part = { range: { ...r, firstLine: line, ...(csv ? { last: k === ranges.length - 1, ...(k > 0 ? { header: header! } : {}) } : {}) }, bytes: r.end - r.start };
    line += counts[k] ?? 0;
    return part;
  });
}

/** What a Parquet file's cuts read of its rows: the top-level columns of the generation path (and of the variant's), and the generation of a record. */
function recordGeneration(fields: FieldsUsed, display: string): { columns: string[]; groupOf: (record: Record<string, unknown>) => string | undefined } {
  const top = (p: string | undefined) => {
    const first = p ? compileFieldPath(p).segments[0] : undefined;
    return first?.kind === 'member' ? [first.name] : [];
  };
  return { columns: [...top(fields.paths.group), ...top(fields.variant?.path)], groupOf: generationOfRecord(fields, display) };
}

/** The fields, detected on the first records of the first file; undefined when it has none to detect on. */
async function detectFirst(input: AnalyzeInput, kind: ReturnType<typeof formatFromPath>, options: ParallelOptions, multipleFiles: boolean): Promise<FieldsUsed | undefined> {
  if (!kind) return undefined;
  const records: SourceRecord[] = [];
  const limit = options.maxFileBytes && options.maxFileBytes > 0 ? { maxDecompressedBytes: options.maxFileBytes } : {};
  const want = partialSettings(options).sampling.detectRecords;
  try {
    if (kind.format === 'parquet' && options.readerThread) {
      const sample = await sampleOffThread(options.readerThread, { file: input.file, format: kind.format, compressed: kind.compressed, ...limit }, want, options.signal);
      records.push(...sample.records);
    } else {
      for await (const batch of openInputRecords(input, { format: kind.format, compressed: kind.compressed, batchSize: 256, ...limit, ...(options.signal ? { signal: options.signal } : {}) })) {
        records.push(...batch.records);
        if (records.length >= want || batch.bytes >= 16 * 1024 * 1024) break;
      }
    }
  } catch {
    // The one-thread path reads the file again and reports what is wrong with it.
    return undefined;
  }
  if (records.length === 0) return undefined;
  return chooseFields(records, input.display, options, multipleFiles).fields;
}
