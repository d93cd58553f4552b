// CSV and TSV (RFC 4180), parsed by a state machine over the decoded text. It replaced
// csv-parse, whose per-record bookkeeping (info objects, raw buffers, byte-by-byte lookahead)
// held the labels benchmark to 4.5 MB/s; the behaviour is csv-parse's with the options the
// reader used (relax_quotes, skip_empty_lines, skip_records_with_error, max_record_size),
// down to its quirks, so that files read the same as before.
import { castCell } from './cells';
import { decodeInput } from './source';
import { DEFAULT_MAX_RECORD_LENGTH, InputError, READ_WHOLE, type ReadContext, type RecordBatch } from './types';

export async function* readDelimited(
  chunks: AsyncIterable<Uint8Array>,
  ctx: ReadContext,
  delimiter: ',' | '\t',
): AsyncGenerator<RecordBatch> {
  const parser = new DelimitedParser(new RowBuilder(ctx, ctx.header), ctx, delimiter.charCodeAt(0));
  for await (const { text } of decodeInput(chunks, ctx, () => parser.line - 1)) {
    parser.push(text);
    yield* ctx.drain();
  }
  parser.end();
  yield* ctx.finish();
}

const QUOTE = 0x22;
const LF = 0x0a;

/**
 * Splits text into rows. Line endings are normalized first: CRLF and a lone CR become LF, also
 * inside quoted fields, as the reader always did. A field's text is sliced from the chunk in
 * one piece; only a field split across chunks or holding a doubled quote is built up in `field`.
 */
class DelimitedParser {
  /** Line of the next character; `line - 1` line breaks have been read. */
  line: number;
  private recordLine: number;
  /** Characters before the current chunk, and the offset at which the current line starts. */
  private offset = 0;
  private lineStart = 0;
  private afterCr = false;
  private row: string[] = [];
  /** Characters in the row's finished fields. */
  private rowChars = 0;
  /** The current field's text from earlier chunks (or before a doubled quote), and its UTF-8 length. */
  private field = '';
  private fieldBytes = 0;
  private quoting = false;
  /** The current field was quoted and the quote is closed. */
  private wasQuoting = false;
  /** Inside quotes, a chunk ended on a quote whose meaning depends on the next character. */
  private quoteAtEnd = false;
  private quoteLine = 0;
  private quoteColumn = 0;

  constructor(
    private readonly rows: Pick<RowBuilder, 'add' | 'width'>,
    private readonly ctx: Pick<ReadContext, 'addIssue' | 'maxRecordLength' | 'firstLine' | 'endsAtCut'>,
    private readonly delimiter: number,
  ) {
    this.line = this.recordLine = ctx.firstLine;
  }

  push(chunk: string): void {
    const s = this.normalize(chunk);
    const n = s.length;
    if (n === 0) return;
    const delimiter = this.delimiter;
    let i = 0;
    let start = 0; // start of the current field's text not yet in `field`
    if (this.quoteAtEnd) {
      this.quoteAtEnd = false;
      const c = s.charCodeAt(0);
      if (c === QUOTE) {
        this.field += '"';
        this.fieldBytes++;
        i = start = 1;
      } else {
        this.closeQuote(c);
      }
    }
    // State the loop touches on every character lives in locals; it is written back below.
    let quoting = this.quoting;
    let line = this.line;
    let lineStart = this.lineStart;
    const offset = this.offset;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (quoting) {
        if (c === QUOTE) {
          if (i + 1 === n) {
            this.append(s, start, i);
            start = n;
            this.quoteAtEnd = true;
            break;
          }
          const next = s.charCodeAt(i + 1);
          if (next === QUOTE) {
            // A doubled quote is one quote: keep the first, skip the second.
            this.append(s, start, i + 1);
            i++;
            start = i + 1;
          } else {
            this.append(s, start, i);
            start = i + 1;
            this.closeQuote(next);
            quoting = false;
          }
        } else if (c === LF) {
          line++;
          lineStart = offset + i + 1;
        }
      } else if (c === delimiter) {
        this.endField(s, start, i);
        start = i + 1;
      } else if (c === LF) {
        // An empty line is skipped, but a line holding only `""` is a record with one empty field.
        if (start !== i || this.row.length !== 0 || this.wasQuoting || this.field.length !== 0) {
          this.endField(s, start, i);
          this.endRecord();
        }
        start = i + 1;
        line++;
        lineStart = offset + i + 1;
        this.recordLine = line;
      } else if (c === QUOTE && start === i && this.field.length === 0) {
        // A quote opens a quoted field only as the field's first character; elsewhere it is text.
        quoting = true;
        this.quoteLine = line;
        this.quoteColumn = offset + i - lineStart + 1;
        start = i + 1;
      }
    }
    this.quoting = quoting;
    this.line = line;
    this.lineStart = lineStart;
    if (start < n) this.append(s, start, n);
    this.checkLength(this.field);
    this.offset += n;
  }

  end(): void {
    if (this.quoteAtEnd) {
      this.quoteAtEnd = false;
      this.closeQuote(-1);
    }
    if (this.quoting && this.ctx.endsAtCut) {
      // The range was cut inside a quoted field: its lines are not all records of their own.
      throw Object.assign(new Error(`a quoted field opened at line ${this.quoteLine} goes on past the end of the range`), { name: READ_WHOLE });
    }
    if (this.quoting) {
      this.ctx.addIssue(this.quoteLine, this.quoteColumn, 'a quoted field is never closed; everything after this quote was read as one field');
    } else if (this.wasQuoting || this.row.length !== 0 || this.field.length !== 0) {
      this.endField('', 0, 0);
      this.endRecord();
    }
  }

  /**
   * A closing quote followed by `next` (-1: end of input). Only a delimiter, a line break or the
   * end closes the field; otherwise the quotes are kept as text and the rest of the field is
   * read as unquoted text, like Python's csv module does. csv-parse also treats NUL as an end.
   */
  private closeQuote(next: number): void {
    this.quoting = false;
    this.wasQuoting = true;
    if (next !== this.delimiter && next !== LF && next !== -1 && next !== 0) {
      this.field = '"' + this.field + '"';
      this.fieldBytes += 2;
    }
  }

  private append(s: string, from: number, to: number): void {
    if (to <= from) return;
    this.field += s.slice(from, to);
    this.fieldBytes += utf8Length(s, from, to);
  }

  private endField(s: string, from: number, to: number): void {
    const piece = s.slice(from, to);
    const value = this.field.length === 0 ? piece : this.field + piece;
    if (value.length !== 0 && this.rowChars + 3 * value.length > this.ctx.maxRecordLength + 1) {
      this.checkBytes(this.fieldBytes + utf8Length(s, from, to));
    }
    this.row.push(value);
    this.rowChars += value.length;
    this.field = '';
    this.fieldBytes = 0;
    this.wasQuoting = false;
  }

  private endRecord(): void {
    const row = this.row;
    if (!this.rows.add(row, this.recordLine)) {
      this.ctx.addIssue(this.recordLine, 1, `expected ${this.rows.width} fields like the header, found ${row.length}`);
    }
    row.length = 0;
    this.rowChars = 0;
  }

  private checkLength(field: string): void {
    if (field.length !== 0 && this.rowChars + 3 * field.length > this.ctx.maxRecordLength + 1) this.checkBytes(this.fieldBytes);
  }

  /**
   * The limit as csv-parse applied it: before each byte added to a field, the characters of the
   * row's earlier fields plus the field's bytes so far must not exceed it.
   */
  private checkBytes(fieldBytes: number): void {
    if (fieldBytes > 0 && this.rowChars + fieldBytes - 1 > this.ctx.maxRecordLength) {
      throw new InputError(
        `has a record longer than ${this.ctx.maxRecordLength} characters starting at line ${this.recordLine}; is a quote left open?`,
        this.recordLine,
      );
    }
  }

  private normalize(chunk: string): string {
    let s = chunk;
    if (this.afterCr && s.charCodeAt(0) === LF) s = s.slice(1);
    if (chunk.length > 0) this.afterCr = chunk.charCodeAt(chunk.length - 1) === 0x0d;
    return s.indexOf('\r') === -1 ? s : s.replace(/\r\n?/g, '\n');
  }
}

/** UTF-8 bytes of `s[from, to)`, which holds no lone surrogates (it was decoded from UTF-8). */
function utf8Length(s: string, from: number, to: number): number {
  let bytes = to - from;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    // Each half of a surrogate pair counts 2 of the pair's 4 bytes.
    if (c >= 0x80) bytes += c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 1 : 2;
  }
  return bytes;
}

/**
 * Reads single lines of a CSV or TSV file with its header row, as the reader reads them: the
 * record of a line that holds one whole record, else undefined (analysis/ranges.ts reads the
 * generation of the lines near a cut this way).
 */
export function delimitedLineReader(header: string[], delimiter: ',' | '\t'): (line: string) => Record<string, unknown> | undefined {
  let record: Record<string, unknown> | undefined;
  let broken = false;
  const sink = {
    addRecord: (_line: number, value: Record<string, unknown>) => void (record = value),
    addIssue: () => void (broken = true),
    maxRecordLength: DEFAULT_MAX_RECORD_LENGTH,
    firstLine: 1,
    endsAtCut: false,
  };
  const rows = new RowBuilder(sink, header);
  return (line) => {
    record = undefined;
    broken = false;
    const parser = new DelimitedParser(rows, sink, delimiter.charCodeAt(0));
    try {
      parser.push(line + '\n');
      parser.end();
    } catch {
      return undefined;
    }
    return broken ? undefined : record;
  };
}

/**
 * The header row of a CSV or TSV text as the reader reads it (before unique names are made),
 * or undefined when it has none.
 */
export async function delimitedHeader(chunks: AsyncIterable<Uint8Array>, ctx: ReadContext, delimiter: ',' | '\t'): Promise<string[] | undefined> {
  let header: string[] | undefined;
  // Rows go nowhere but the first, kept as read.
  const rows = { width: 0, add: (row: string[]) => ((header ??= row.slice()), true) };
  const parser = new DelimitedParser(rows, { addIssue: () => undefined, maxRecordLength: ctx.maxRecordLength, firstLine: 1, endsAtCut: false }, delimiter.charCodeAt(0));
  for await (const { text } of decodeInput(chunks, ctx, () => parser.line - 1)) {
    parser.push(text);
    if (header) return header;
  }
  parser.end();
  return header;
}

/** Turns rows into records keyed by the header, the first row. */
class RowBuilder {
  width = 0;
  private header: string[] | undefined;
  /**
   * An object with every header key, copied for each record: filling existing properties is
   * several times faster than adding them one by one under names that vary.
   */
  private template: Record<string, unknown> = {};
  private hasProtoKey = false;

  /** `header`: the header row, when the rows given are all data (a range of the file). */
  constructor(private readonly ctx: Pick<ReadContext, 'addRecord'>, header?: string[]) {
    if (header) this.add(header, 0);
  }

  /** False if the row has not as many fields as the header. */
  add(row: string[], line: number): boolean {
    if (!this.header) {
      this.header = uniqueNames(row);
      this.width = row.length;
      this.hasProtoKey = this.header.includes('__proto__');
      for (const name of this.header) {
        // Assigned, not defined: a template made with defineProperty copies three times slower.
        if (name === '__proto__') Object.defineProperty(this.template, name, { value: null, enumerable: true, writable: true, configurable: true });
        else this.template[name] = null;
      }
      return true;
    }
    if (row.length !== this.width) return false;
    const header = this.header;
    const value: Record<string, unknown> = { ...this.template };
    for (let i = 0; i < header.length; i++) {
      if (this.hasProtoKey && header[i] === '__proto__') {
        Object.defineProperty(value, '__proto__', { value: castCell(row[i]), enumerable: true, writable: true, configurable: true });
      } else {
        value[header[i]] = castCell(row[i]);
      }
    }
    this.ctx.addRecord(line, value);
    return true;
  }
}

/** Header names made usable as keys: trimmed, an empty one becomes `col_N`, a repeated one `name_2`. */
export function uniqueNames(names: string[]): string[] {
  const used = new Set<string>();
  const trimmed = names.map((n) => n.trim());
  const taken = new Set(trimmed.filter((n) => n.length > 0));
  return trimmed.map((name, i) => {
    let candidate = name;
    if (candidate.length === 0) {
      candidate = `col_${i + 1}`;
      for (let k = 2; taken.has(candidate) || used.has(candidate); k++) candidate = `col_${i + 1}_${k}`;
    } else if (used.has(candidate)) {
      for (let k = 2; taken.has(candidate) || used.has(candidate); k++) candidate = `${name}_${k}`;
    }
    used.add(candidate);
    return candidate;
  });
}
