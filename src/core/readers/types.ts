import type { InputFormat } from '../../shared/report';

export interface SourceRecord {
  /** 1-based line where the record starts (JSONL/CSV: its physical line; JSON: the line of its `{`). */
  line: number;
  value: Record<string, unknown>;
  /** JSON only: the path of the array that holds the record (`samples`, `results.results`; '' for a top-level array). */
  collection?: string;
  /** JSON only: for an array of arrays of records, the index of the inner array (one request's outputs). */
  request?: number;
}

/** A record that could not be read; the rest of the file still is. */
export interface RecordIssue {
  line: number;
  /** 1-based, in UTF-16 code units like editor columns. */
  column: number;
  message: string;
}

/** Random access to a file's bytes (a Parquet file is read footer first, then in ranges). */
export interface RandomAccessSource {
  readonly byteLength: number;
  /** Bytes [start, end); `end` is at most `byteLength`. */
  read(start: number, end: number): Promise<ArrayBuffer>;
  close(): Promise<void>;
}

export interface RecordBatch {
  records: SourceRecord[];
  issues: RecordIssue[];
  /** Input bytes consumed so far (compressed bytes for gzip), for progress. */
  bytes: number;
  /** JSON only: the member of the top-level object that holds the records, e.g. `results`. */
  recordsKey?: string;
}

export interface ReadOptions {
  format: InputFormat;
  compressed: boolean;
  signal?: AbortSignal;
  /** Records (plus issues) per batch; default 2048. */
  batchSize?: number;
  /**
   * Longest record accepted, in characters; default 64 Mi. Beyond it the input is rejected
   * rather than buffered, because a missing line break or an unclosed quote would otherwise
   * pull the whole rest of the file into one string.
   */
  maxRecordLength?: number;
  /**
   * Most bytes a gzip-compressed input may decompress to; beyond it the input is rejected as
   * soon as the count passes it (a small archive can expand to gigabytes). Default: no limit.
   */
  maxDecompressedBytes?: number;
  /**
   * Only bytes [start, end) of a local uncompressed JSON Lines file, `start` being the first
   * byte of line `firstLine` (a shard of the file: analysis/ranges.ts cuts them); or, with
   * `open`, the text it gives, beginning at line `firstLine` (a span of a gzip file's text,
   * analysis/gzipSpans.ts). CSV and TSV ranges after the first carry the file's `header`
   * row; a range that is not the file's `last` must end between records. For Parquet, rows
   * [start, end) (0-based) of a local file.
   */
  range?: { start: number; end: number; firstLine: number; open?: () => AsyncIterable<Uint8Array>; header?: string[]; last?: boolean };
}

/**
 * Input that cannot be analyzed at all (empty, binary, wrong encoding, wrong shape).
 * The message is a predicate meant to follow the file name, e.g. `data.jsonl is empty (0 bytes)`,
 * and says what was found and what to do.
 */
export class InputError extends Error {
  override readonly name = 'InputError';

  /**
   * `file` is set once the message names its file (the readers' messages are written to
   * follow the file name: "data.jsonl is empty (0 bytes)").
   */
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
    readonly file?: string,
  ) {
    super(message);
  }
}

export const DEFAULT_BATCH_SIZE = 2048;
export const DEFAULT_MAX_RECORD_LENGTH = 64 * 1024 * 1024;

/**
 * Error name: a part of a file (ReadOptions.range) that cannot be read on its own as one
 * reading would read it — a CSV range that ends inside a quoted field, a Parquet row group
 * that fails to decode — so analysis/parallel.ts reads the file in one piece instead.
 */
export const READ_WHOLE = 'ReadWhole';

export function abortError(signal: AbortSignal): Error {
  const error = new Error('The read was aborted', { cause: signal.reason });
  error.name = 'AbortError';
  return error;
}

/** Collects records and issues into batches of `batchSize` and tracks progress. */
export class ReadContext {
  readonly batchSize: number;
  readonly maxRecordLength: number;
  readonly signal: AbortSignal | undefined;
  /** See `ReadOptions.maxDecompressedBytes`; undefined for no limit. */
  readonly maxDecompressedBytes: number | undefined;
  /** Input bytes pulled from the caller's chunks. */
  bytes = 0;
  /** The line the input starts on (1, or a range's first line). */
  readonly firstLine: number;
  /** A CSV or TSV range's header row, read at the file's start. */
  readonly header: string[] | undefined;
  /** The input is a range that ends where another begins (ReadOptions.range, `last` false). */
  readonly endsAtCut: boolean;
  recordsKey: string | undefined;
  private records: SourceRecord[] = [];
  private issues: RecordIssue[] = [];
  private ready: RecordBatch[] = [];
  private yielded = false;

  constructor(options: ReadOptions) {
    this.batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH_SIZE));
    this.maxRecordLength = Math.max(1, Math.floor(options.maxRecordLength ?? DEFAULT_MAX_RECORD_LENGTH));
    this.signal = options.signal;
    this.firstLine = options.range?.firstLine ?? 1;
    this.header = options.range?.header;
    this.endsAtCut = options.range !== undefined && options.range.last === false;
    const max = options.maxDecompressedBytes;
    this.maxDecompressedBytes = max !== undefined && max > 0 ? Math.max(1, Math.ceil(max)) : undefined;
  }

  checkAborted(): void {
    if (this.signal?.aborted) throw abortError(this.signal);
  }

  addRecord(line: number, value: Record<string, unknown>, collection?: string, request?: number): void {
    const record: SourceRecord = { line, value };
    if (collection !== undefined) record.collection = collection;
    if (request !== undefined) record.request = request;
    this.records.push(record);
    if (this.records.length + this.issues.length >= this.batchSize) this.seal();
  }

  addIssue(line: number, column: number, message: string): void {
    this.issues.push({ line, column, message });
    if (this.records.length + this.issues.length >= this.batchSize) this.seal();
  }

  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  /** Full batches collected so far. */
  *drain(): Generator<RecordBatch> {
    while (this.ready.length > 0) {
      this.checkAborted();
      const batch = this.ready.shift()!;
      batch.bytes = this.bytes;
      this.yielded = true;
      yield batch;
    }
  }

  /** Everything left, and one empty batch if nothing was yielded at all so the caller sees the byte count. */
  *finish(): Generator<RecordBatch> {
    if (this.records.length > 0 || this.issues.length > 0 || (!this.yielded && this.ready.length === 0)) this.seal();
    yield* this.drain();
  }

  private seal(): void {
    const batch: RecordBatch = { records: this.records, issues: this.issues, bytes: this.bytes };
    if (this.recordsKey !== undefined) batch.recordsKey = this.recordsKey;
    this.ready.push(batch);
    this.records = [];
    this.issues = [];
  }
}

/** An error opening or reading a file, as an InputError that says what to do. */
export function fileError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return new InputError('does not exist; check the path');
    case 'EISDIR':
      return new InputError('is a directory; name the files inside it');
    case 'EACCES':
    case 'EPERM':
      return new InputError('cannot be read: permission denied');
    default:
      return typeof code === 'string' ? new InputError(`cannot be read (${code}: ${(error as Error).message})`) : error;
  }
}
