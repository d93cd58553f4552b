// CSV and TSV (RFC 4180) through csv-parse's streaming parser. csv-parse reports the line a
// record ends on; the start line is that minus the line breaks inside its quoted fields.
// Line endings are normalized to LF before parsing because csv-parse counts a CRLF inside
// a quoted field as two lines, which would shift every later line number.
import { Parser, type CsvError, type InfoRecord } from 'csv-parse';
import { decodeInput } from './source';
import { InputError, type ReadContext, type RecordBatch } from './types';

export async function* readDelimited(
  chunks: AsyncIterable<Uint8Array>,
  ctx: ReadContext,
  delimiter: ',' | '\t',
): AsyncGenerator<RecordBatch> {
  const eol = new LineEndingNormalizer();
  const rows = new RowBuilder(ctx);
  let lastIssueRecordLine = 0;
  let fatal: unknown;

  const parser = new Parser({
    delimiter,
    record_delimiter: '\n',
    bom: false,
    skip_empty_lines: true,
    relax_column_count: false,
    // A quote inside an unquoted cell (`5" screen`) or after a closing quote is kept as text,
    // as Python's csv module and pandas do. Strictly, csv-parse would stay inside the quoted
    // field and swallow the rest of the file into it.
    relax_quotes: true,
    skip_records_with_error: true,
    raw: true,
    max_record_size: ctx.maxRecordLength,
    // With `raw`, csv-parse hands over `{ record, raw }` instead of the bare row.
    on_record: (wrapped: unknown, context: InfoRecord) => {
      rows.add((wrapped as { record: string[] }).record, startLine(context.lines, context.raw ?? ''));
      return null; // keep nothing in the stream's buffer: the rows are collected here
    },
    on_skip: (error: CsvError | undefined, raw: string | undefined) => {
      if (!error) return undefined;
      const text = raw ?? '';
      const lines = Number((error as unknown as { lines?: number }).lines ?? 1);
      if (error.code === 'CSV_MAX_RECORD_SIZE') {
        fatal = new InputError(
          `has a record longer than ${ctx.maxRecordLength} characters starting at line ${startLine(lines, text)}; is a quote left open?`,
          startLine(lines, text),
        );
        throw fatal;
      }
      // csv-parse may report more than one error for a record; one issue per record is enough.
      const recordLine = startLine(lines, text);
      if (recordLine === lastIssueRecordLine) return undefined;
      lastIssueRecordLine = recordLine;
      const issue = describeCsvError(error, lines, text, recordLine, rows.width, delimiter.charCodeAt(0));
      ctx.addIssue(issue.line, issue.column, issue.message);
      return undefined;
    },
  });
  parser.on('error', () => {}); // surfaced through the write and end callbacks

  try {
    for await (const { bytes } of decodeInput(chunks, ctx, () => eol.lines)) {
      await write(parser, eol.push(bytes));
      yield* ctx.drain();
    }
    await end(parser);
  } catch (error) {
    throw fatal ?? error;
  } finally {
    parser.destroy();
  }
  yield* ctx.finish();
}

function write(parser: Parser, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    parser.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

function end(parser: Parser): Promise<void> {
  return new Promise((resolve, reject) => {
    parser.once('error', reject);
    parser.end(() => resolve());
  });
}

/** CRLF and lone CR become LF; counts the line feeds passed on. */
class LineEndingNormalizer {
  lines = 0;
  private afterCr = false;

  push(bytes: Uint8Array): Uint8Array {
    let out = bytes;
    if (bytes.indexOf(0x0d) !== -1 || (this.afterCr && bytes[0] === 0x0a)) {
      out = new Uint8Array(bytes.length);
      let k = 0;
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i];
        if (b === 0x0a && this.afterCr) {
          this.afterCr = false;
          continue;
        }
        this.afterCr = b === 0x0d;
        out[k++] = this.afterCr ? 0x0a : b;
      }
      out = out.subarray(0, k);
    } else if (bytes.length > 0) {
      this.afterCr = false;
    }
    for (let i = out.indexOf(0x0a); i !== -1; i = out.indexOf(0x0a, i + 1)) this.lines++;
    return out;
  }
}

/**
 * Line on which a record starts, from the line csv-parse is on (`lines`) and the record's raw
 * text. The raw text may begin with the line feeds of skipped empty lines, and a line feed at
 * its very end is the record's own terminator, which csv-parse has not counted yet.
 */
function startLine(lines: number, raw: string): number {
  let from = 0;
  while (raw.charCodeAt(from) === 0x0a) from++;
  let to = raw.length;
  if (to > from && raw.charCodeAt(to - 1) === 0x0a) to--;
  let breaks = 0;
  for (let i = raw.indexOf('\n', from); i !== -1 && i < to; i = raw.indexOf('\n', i + 1)) breaks++;
  return lines - breaks;
}

/** 1-based column of `raw[at]`, raw starting at the beginning of a line. */
function columnIn(raw: string, at: number): number {
  return at - raw.lastIndexOf('\n', at - 1);
}

function describeCsvError(
  error: CsvError,
  lines: number,
  raw: string,
  recordLine: number,
  width: number,
  delimiter: number,
): { line: number; column: number; message: string } {
  const last = raw.length - 1;
  switch (error.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
      const found = (error as unknown as { record?: unknown[] }).record?.length;
      return {
        line: recordLine,
        column: 1,
        message: `expected ${width} fields like the header, found ${found ?? 'a different number'}`,
      };
    }
    case 'CSV_QUOTE_NOT_CLOSED': {
      const quote = openingQuote(raw, delimiter);
      let line = lines;
      // Line breaks after the quote, except a final one, which csv-parse did not count.
      for (let i = raw.indexOf('\n', quote); i !== -1 && i < last; i = raw.indexOf('\n', i + 1)) line--;
      return {
        line,
        column: columnIn(raw, quote),
        message: 'a quoted field is never closed; everything after this quote was read as one field',
      };
    }
    default:
      return { line: recordLine, column: 1, message: error.message };
  }
}

/** Offset of the opening quote of the field that is still open at the end of `raw`. */
function openingQuote(raw: string, delimiter: number): number {
  let inQuote = false;
  let fieldStart = true;
  let opening = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (inQuote) {
      if (c === 0x22) {
        if (raw.charCodeAt(i + 1) === 0x22) i++;
        else inQuote = false;
      }
      continue;
    }
    if (c === 0x22 && fieldStart) {
      inQuote = true;
      opening = i;
    }
    fieldStart = c === delimiter || c === 0x0a;
  }
  return opening;
}

/** Turns rows into records keyed by the header, the first row. */
class RowBuilder {
  width = 0;
  private header: string[] | undefined;
  private hasProtoKey = false;

  constructor(private readonly ctx: ReadContext) {}

  add(row: string[], line: number): void {
    if (!this.header) {
      this.header = uniqueNames(row);
      this.width = row.length;
      this.hasProtoKey = this.header.includes('__proto__');
      return;
    }
    const header = this.header;
    const value: Record<string, unknown> = {};
    for (let i = 0; i < header.length; i++) {
      if (this.hasProtoKey && header[i] === '__proto__') {
        Object.defineProperty(value, '__proto__', { value: castCell(row[i]), enumerable: true, writable: true, configurable: true });
      } else {
        value[header[i]] = castCell(row[i]);
      }
    }
    this.ctx.addRecord(line, value);
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

// Plain decimal or exponent syntax. A leading zero ("007", "02134") marks an identifier, not a number.
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d*)?(?:[eE][+-]?\d+)?$|^-?\.\d+(?:[eE][+-]?\d+)?$/;

/** Cell text to a value: empty → null, a number → number, a JSON array of numbers → array, else the text. */
export function castCell(cell: string | undefined): unknown {
  if (cell === undefined || cell.length === 0) return null;
  const c = cell.charCodeAt(0);
  if (c === 0x5b) return numberArray(cell) ?? cell;
  if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0x20) {
    const t = c === 0x20 || cell.charCodeAt(cell.length - 1) === 0x20 ? cell.trim() : cell;
    if (NUMBER.test(t)) {
      const n = Number(t);
      if (Number.isFinite(n)) return n;
    }
  }
  return cell;
}

function numberArray(cell: string): number[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cell);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  for (const x of parsed) if (typeof x !== 'number') return undefined;
  return parsed as number[];
}
