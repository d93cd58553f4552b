// Reading inputs into a partial analysis (partial.ts): every input is streamed once, the
// fields are detected on the first records of the first file, and each record feeds the
// accumulators of its generation, one per role (roles.ts). Large local files are read,
// parsed and projected on a second thread (offThread.ts). A record that parses but cannot be
// used (a bad vector, a group value that is no id) is malformed and not a record: it counts
// once, in `malformed` only (skipped.ts).
import { statFile } from '../localDisk';
import type { InputSummary } from '../../shared/report';
import { formatBytes, SUPPORTED_DESCRIPTION } from '../../shared/formats';
import { DEFAULT_SAMPLING } from '../options';
import type { AnalyzeOptions, SamplingOptions } from '../options';
import { formatFromPath, InputError, openInputRecords } from '../readers/index';
import type { RecordIssue, SourceRecord } from '../readers/index';
import { naturalCompare } from '../generations';
import { makeProjector } from './project';
import { chooseFields, projectionSpec } from './fields';
import type { Projected, ProjectedIssue } from './project';
import { locateIssueColumns } from './skipped';
import type { IssueToLocate } from './skipped';
import { projectOffThread, ReadingThreadHelp, sampleOffThread } from './offThread';
import { RollingTracker } from './rolling';
import { BaselineMoved, GenerationReturned, PartialBuilder } from './builder';
import { byPosition, MAX_ISSUES_KEPT, MAX_MALFORMED_LINES } from './partial';
import type { FieldsUsed, FileState, MalformedRecord, PartialAnalysis, PartialSettings } from './partial';

export { IDLE_RECORDS } from './builder';

export interface AnalyzeInput {
  /** File system path to read. */
  file: string;
  /** Path shown in the report: relative to the working directory or workspace folder. */
  display: string;
  /** Byte source for files that do not live on the local disk; defaults to reading `file`. */
  open?: () => AsyncIterable<Uint8Array>;
  /** Size in bytes, when already known. */
  bytes?: number;
}

/** Records per batch on this thread. */
const DETECT_BATCH = 256;
/** Input read for detection at most, however few records that is. */
const DETECT_MAX_BYTES = 16 * 1024 * 1024;
/** Local files at least this large are read on a second thread when `readerThread` is given (default). */
const OFF_THREAD_MIN_BYTES = 8 * 1024 * 1024;

/** The settings of an analysis with these options (what its accumulators depend on). */
export function partialSettings(options: AnalyzeOptions): PartialSettings {
  return { seed: options.seed ?? 42, lowercase: options.lowercase ?? false, sampling: { ...DEFAULT_SAMPLING, ...options.sampling } };
}

/** Reads `inputs` (several files are generations, in natural order of their names) into a partial analysis. */
export interface ReadInputsOptions extends AnalyzeOptions {
  /**
   * The fields to read, as a partial analysis of the first file found them: no detection.
   * Reading files one by one with the fields of the first gives what reading them together does.
   */
  fieldsFrom?: FieldsUsed;
  /** Read only this range of the (single, local, uncompressed JSON Lines) input (ranges.ts). */
  range?: ByteRange;
  /**
   * Read as one of several files, each a generation (default: when several are given): the
   * first file of a set read one by one is detected so, for `fieldsFrom` of the others.
   */
  acrossFiles?: boolean;
  /** Keep what merging and storing the result need (`partial`, threads, the extension's cache). */
  mergeable?: boolean;
  /** Reduce generations once idle (default: when not mergeable); false keeps every accumulator whole to the end. */
  reduceIdle?: boolean;
  /**
   * Reduce every generation at the end too (implies reducing): for a file of a set, or a range
   * cut where generations change, read on an analysis thread (parallel.ts), whose generations
   * are finished on another thread and merge with nothing.
   */
  reduceAll?: boolean;
  /**
   * When reducing, finish each generation against the baseline as it is reduced, so that it
   * keeps only its result (builder.ts): for a plain analysis whose baseline is the first
   * generation (no `--baseline`), which `analyzeFiles` asks for. Should a generation that
   * sorts first come after others were finished, the inputs are read again without it.
   */
  finishEarly?: boolean;
}

/**
 * Reads `inputs` (several files are generations, in natural order of their names) into a
 * partial analysis. A plain analysis (not mergeable; a range only with `reduceAll`) reduces
 * each generation once it goes idle (`PartialBuilder`); should one come back (generations in
 * long interleaved blocks), the inputs are read again without reducing, or a range throws.
 */
export async function readInputs(inputs: readonly AnalyzeInput[], options: ReadInputsOptions = {}): Promise<PartialAnalysis> {
  const reducing = !options.mergeable && (!options.range || options.reduceAll === true) && options.reduceIdle !== false;
  if (!reducing) return readOnce(inputs, options, false);
  try {
    try {
      return await readOnce(inputs, options, true);
    } catch (e) {
      if (!(e instanceof BaselineMoved)) throw e;
      return await readOnce(inputs, { ...options, finishEarly: false }, true);
    }
  } catch (e) {
    if (!(e instanceof GenerationReturned) || options.range) throw e;
    return readOnce(inputs, options, false);
  }
}

async function readOnce(inputs: readonly AnalyzeInput[], options: ReadInputsOptions, reducing: boolean): Promise<PartialAnalysis> {
  if (inputs.length === 0) throw new InputError('no input files were given');
  const settings = partialSettings(options);
  const sampling: SamplingOptions = settings.sampling;
  const ordered = [...inputs].sort((a, b) => naturalCompare(a.display, b.display));
  const multipleFiles = options.fieldsFrom?.acrossFiles ?? options.acrossFiles ?? ordered.length > 1;

  const sizes = await statInputs(ordered, options);
  const totalBytes = options.range ? options.range.end - options.range.start : sizes.reduce((a, b) => a + b, 0);

  let builder: PartialBuilder | undefined;
  const files: FileState[] = [];
  let bytesBefore = 0;
  const start = (fields: FieldsUsed, firstVectorLength: number | undefined) => {
    const rolling = !multipleFiles && !fields.roles.group && !options.range ? new RollingTracker(options.rollingWindow ?? 100, fields.roles.text ? 'distinct_1' : 'simpson_diversity') : undefined;
    // Early finishing needs the generations as finishing will order them: several files as files.
    const finishEarly = reducing && !options.reduceAll && options.finishEarly === true && multipleFiles === ordered.length > 1;
    builder = new PartialBuilder(settings, fields, multipleFiles, firstVectorLength, rolling, options.mergeable ?? false, reducing, finishEarly);
  };
  if (options.fieldsFrom) start(options.fieldsFrom, undefined);

  for (let fi = 0; fi < ordered.length; fi++) {
    const input = ordered[fi]!;
    const kind = formatFromPath(input.file) ?? formatFromPath(input.display);
    if (!kind) {
      throw new InputError(
        `${input.display} has an unknown file type; Collapse Lens reads ${SUPPORTED_DESCRIPTION}`,
        undefined, undefined, input.display,
      );
    }
    const file = new FileReading(input.display, { file: input.display, format: kind.format, compressed: kind.compressed, bytes: options.range ? options.range.end - options.range.start : sizes[fi]!, records: 0, malformed: 0 }, kind.format === 'jsonl');
    let pending: SourceRecord[] = [];
    let project: ((rec: SourceRecord) => Projected | undefined) | undefined;
    const consume = (records: readonly Projected[]) => builder!.consume(records, file);
    const consumeRecords = (records: readonly SourceRecord[]) => {
      project ??= makeProjector(projectionSpec(builder!.fields, input.display));
      const out: Projected[] = [];
      for (const r of records) {
        const p = project(r);
        if (p) out.push(p);
      }
      consume(out);
    };

    const detectNow = () => {
      const chosen = chooseFields(pending, input.display, options, multipleFiles);
      pending = chosen.records;
      start(chosen.fields, chosen.firstVectorLength);
    };

    const limit = options.maxFileBytes && options.maxFileBytes > 0 ? { maxDecompressedBytes: options.maxFileBytes } : {};
    const range = options.range ? { range: options.range } : {};
    const readOptions = { format: kind.format, compressed: kind.compressed, ...limit, ...range, ...(options.signal ? { signal: options.signal } : {}) };
    const progress = (bytes: number) =>
      options.onProgress?.({ file: input.display, fileIndex: fi, files: ordered.length, bytes: bytesBefore + bytes, totalBytes, records: builder?.records ?? 0 });
    try {
      // Small batches until the fields are known: a sample of wide records (long embeddings) is
      // large, and detection stops at DETECT_MAX_BYTES of input whatever the record count.
      const script = options.readerThread;
      const stall = options.readerStallMs ? { stallMs: options.readerStallMs } : {};
      // Parquet is decoded by a third-party decoder: with a reading thread, none of it runs on
      // this one, so a decoder stuck on a corrupt page is stopped (offThread.ts) instead of hanging.
      const parquetOffThread = kind.format === 'parquet' && script !== undefined && !input.open;
      const reader = (parquetOffThread ? emptyRecords() : openInputRecords(input, { ...readOptions, batchSize: DETECT_BATCH }))[Symbol.asyncIterator]();
      let eof = false;
      // Detection reads the first records here; their issues count only if this thread goes on reading.
      const early: RecordIssue[] = [];
      if (!builder && parquetOffThread) {
        const sample = await sampleOffThread(script, { file: input.file, format: kind.format, compressed: kind.compressed, ...limit, ...stall }, sampling.detectRecords, options.signal);
        pending.push(...sample.records);
        early.push(...sample.issues);
        if (pending.length > 0) detectNow();
        if (sample.eof && pending.length === 0) for (const issue of early) file.note(issue);
      } else if (!builder) {
        while (pending.length < sampling.detectRecords) {
          const next = await reader.next();
          if (next.done) {
            eof = true;
            break;
          }
          pending.push(...next.value.records);
          early.push(...next.value.issues);
          if (pending.length > 0 && next.value.bytes >= DETECT_MAX_BYTES) break;
        }
        if (pending.length > 0) detectNow();
      }
      if (builder && script && !input.open && !options.range && (parquetOffThread || (!eof && sizes[fi]! >= (options.readerThreadMinBytes ?? OFF_THREAD_MIN_BYTES)))) {
        // A large local file: read, parse and project it on a second thread, from its start.
        await reader.return?.(undefined);
        pending = [];
        // The thread tokenizes the texts, and helps finish the generations reduced here while it
        // reads; the last ones too when no later file can add to them, reduced before it stops.
        const b = builder;
        const loan = reducing ? { help: new ReadingThreadHelp(b.work), ...(multipleFiles || fi === ordered.length - 1 ? { atEnd: () => b.reduceAll() } : {}) } : undefined;
        const job = { file: input.file, format: kind.format, compressed: kind.compressed, ...limit, ...stall, spec: projectionSpec(b.fields, input.display), helps: reducing, tokenize: { lowercase: settings.lowercase } };
        for await (const batch of projectOffThread(script, job, options.signal, loan)) {
          for (const issue of batch.issues) file.note(issue);
          b.consume(batch.records, file, batch.tokens);
          progress(batch.bytes);
        }
      } else {
        for (const issue of early) file.note(issue);
        if (pending.length > 0) consumeRecords(pending);
        pending = [];
        while (!eof) {
          const next = await reader.next();
          if (next.done) break;
          for (const issue of next.value.issues) file.note(issue);
          if (builder) consumeRecords(next.value.records);
          progress(next.value.bytes);
        }
      }
    } catch (e) {
      if (e instanceof InputError && !e.file) throw new InputError(`${input.display} ${e.message}`, e.line, e.column, input.display);
      throw e;
    }
    await file.locate(input, options.signal);
    // A shard of a file may hold no record; the file as a whole is checked when shards merge.
    if (!options.range) file.checkNotEmpty(kind.format);
    files.push(file.state());
    bytesBefore += sizes[fi]!;
  }

  if (reducing && options.reduceAll) builder!.reduceAll();
  await builder!.settled();
  const partial: PartialAnalysis = { settings, fields: builder!.fields, files, groups: builder!.groups() };
  if (builder!.rolling) partial.rolling = builder!.rolling;
  return partial;
}

/**
 * The sizes of the inputs (in analysis order), after checking each exists, is a file and is
 * within --max-file-size. Every input is looked at at once, but the first failure reported is
 * the first in analysis order, so the message names the same file from run to run.
 */
export async function statInputs(ordered: readonly AnalyzeInput[], options: AnalyzeOptions): Promise<number[]> {
  const stats = await Promise.allSettled(ordered.map(async (input) => input.bytes ?? (input.open ? 0 : (await statOrThrow(input)).size)));
  const failed = stats.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  const sizes = stats.map((s) => (s as PromiseFulfilledResult<number>).value);
  if (options.maxFileBytes && options.maxFileBytes > 0) {
    ordered.forEach((input, i) => {
      if (sizes[i]! > options.maxFileBytes!) {
        throw new InputError(
          `${input.display} is ${formatBytes(sizes[i]!)}, more than the ${formatBytes(options.maxFileBytes!)} limit; raise the limit (setting collapseLens.maxFileSizeMB, or --max-file-size) to analyze it`,
          undefined, undefined, input.display,
        );
      }
    });
  }
  return sizes;
}

/** A part of a JSON Lines file: bytes [start, end), the first of them at the start of line `firstLine`. */
export interface ByteRange {
  start: number;
  end: number;
  firstLine: number;
  /**
   * The part's text when it does not come from the file's bytes at [start, end): a span of a
   * gzip file's decompressed text (gzipSpans.ts), whose end is known once it is read.
   */
  open?: () => AsyncIterable<Uint8Array>;
  /** A CSV or TSV range after the first: the file's header row. */
  header?: string[];
  /** Whether the range ends where the file does (a CSV or TSV range that does not must end between records). */
  last?: boolean;
}


/** One file's summary and malformed records as it is read. */
export class FileReading {
  private readonly lines: number[] = [];
  private readonly issues: MalformedRecord[] = [];
  /** Kept issues whose column is the column of a value in a JSON Lines line. */
  private readonly toLocate: IssueToLocate[] = [];
  /** The file's first issue, kept for its message. */
  private first: RecordIssue | undefined;

  constructor(readonly display: string, readonly summary: InputSummary, private readonly locatable: boolean) {}

  note(issue: RecordIssue): MalformedRecord | undefined {
    this.summary.malformed++;
    if (this.lines.length < MAX_MALFORMED_LINES) this.lines.push(issue.line);
    if (this.issues.length >= MAX_ISSUES_KEPT) {
      this.first ??= issue;
      return undefined;
    }
    const kept: MalformedRecord = { ...issue, file: this.display };
    this.issues.push(kept);
    this.first ??= kept;
    return kept;
  }

  /** A record that parsed but cannot be used: malformed, at column 1 until its value is located. */
  skip(line: number, at: ProjectedIssue): void {
    const kept = this.note({ line, column: 1, message: at.message });
    if (kept && at.field !== undefined && this.locatable) this.toLocate.push({ issue: kept, at });
  }

  async locate(input: AnalyzeInput, signal: AbortSignal | undefined): Promise<void> {
    if (this.toLocate.length) await locateIssueColumns(input, this.toLocate, signal);
  }

  checkNotEmpty(format: string): void {
    if (this.summary.records === 0) throw noRecords(this.display, format, this.summary.malformed, this.first);
  }

  state(): FileState {
    const lines = [...this.lines].sort((a, b) => a - b);
    if (lines.length) this.summary.malformedLines = lines;
    return { summary: this.summary, issues: [...this.issues].sort(byPosition) };
  }
}

/** The message for a file none of whose records could be used. */
export function noRecords(file: string, format: string, malformed: number, first: RecordIssue | undefined): InputError {
  return new InputError(
    malformed > 0 && first
      ? `${file}: none of its ${malformed} records could be read (line ${first.line}, column ${first.column}: ${first.message})`
      : format === 'csv' || format === 'tsv'
        ? `${file} has a header but no data rows`
        : `${file} has no records`,
    first?.line, first?.column, file,
  );
}

/** No records: the reader of a file read on another thread. */
async function* emptyRecords(): AsyncGenerator<never> {}

async function statOrThrow(input: AnalyzeInput) {
  try {
    const s = await statFile(input.file);
    if (s.isDirectory()) throw new InputError(`${input.display} is a folder; name the files inside it`, undefined, undefined, input.display);
    return s;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${input.display} does not exist` : `${input.display} cannot be read (${code ?? String(e)})`, undefined, undefined, input.display);
  }
}
