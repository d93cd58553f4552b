// Reading one gzip-compressed JSON Lines, CSV or TSV file on several threads. A gzip stream
// cannot be entered in its middle, so the byte ranges of ranges.ts do not apply: each analysis
// thread inflates the file from its start (inflating runs about thirty times faster than
// reading the records), passes over the text before its span counting lines, and reads its span.
// The coordinator sets windows of the decompressed text (`spanWindows`); cut k is the first
// line in window k whose generation differs from the one before it, and span k runs from
// cut k to the next cut that exists. Every thread finds the cuts the same way from the same
// text, so the spans cover the file, each line in exactly one of them, and in a file whose
// generations follow one another each generation lies in one span.
import { gunzip } from '../bytes';
import { limitDecompressed } from '../readers/source';
import { openFileStream } from '../localDisk';
import { DEFAULT_MAX_RECORD_LENGTH, InputError } from '../readers/types';

/** Span `index` of a file whose windows 1, 2, … start at the decompressed offsets `windows` (window 0 starts at 0). */
export interface GzipSpan {
  windows: number[];
  index: number;
  /** A CSV or TSV file's header row and delimiter (its lines' generations are read with them). */
  csv?: { header: string[]; delimiter: ',' | '\t' };
  /** Cut at the first line of each window, whatever its generation (a reading whose parts merge, `partial`). */
  anyLine?: boolean;
}

/**
 * How many times faster a thread inflates and walks the text than it reads its records
 * (about 440 MB/s against 12–15 MB/s on the text benchmark).
 */
const INFLATE_TO_READ = 30;

/**
 * Window starts for `threads` spans of about `inflatedBytes` of text, so the threads finish
 * together: thread k inflates everything up to its span's end, so later spans are shorter.
 * With a, b the time per byte to inflate and to read, thread k takes a·X(k+1) + b·(X(k+1) − X(k));
 * equal for all k, X(k) = D·(1 − (1 − q)^k) / (1 − (1 − q)^K), q = a / (a + b).
 */
export function spanWindows(inflatedBytes: number, threads: number, inflateToRead = INFLATE_TO_READ): number[] {
  const keep = 1 - 1 / (1 + inflateToRead);
  const whole = 1 - keep ** threads;
  const out: number[] = [];
  for (let k = 1; k < threads; k++) out.push(Math.floor((inflatedBytes * (1 - keep ** k)) / whole));
  return out;
}

/**
 * Looks for the cut of one window [from, to): fed every line that ends at or after `from`,
 * in order, it reads the generation of the line just before the window and of each line
 * inside it. Lines without a generation (undefined) are passed over.
 */
class WindowScan {
  private previous: string | undefined;

  constructor(readonly from: number, readonly to: number, private readonly groupOf: (line: string) => string | undefined) {}

  /** 'cut': the line starts the span; 'none': the window ended with no cut; 'more': go on. */
  feed(start: number, end: number, text: () => string): 'cut' | 'none' | 'more' {
    if (start >= this.to) return 'none';
    if (end < this.from) return 'more';
    const group = this.groupOf(text());
    if (start < this.from) {
      // The line before the window.
      this.previous = group;
      return 'more';
    }
    if (group === undefined) return 'more';
    if (this.previous !== undefined && group !== this.previous) return 'cut';
    this.previous = group;
    return 'more';
  }
}

/** What openSpan gives: the span's first byte and line, and its text as the file's bytes. */
export interface OpenedSpan {
  start: number;
  firstLine: number;
  bytes: AsyncGenerator<Uint8Array>;
}

type GroupOf = (line: string) => string | undefined;

/**
 * Span `span.index` of the decompressed text `chunks` (see the top of this file), or
 * undefined when it is empty (its window holds no change of generation). Resolves once the
 * span's start is found; its bytes then stream up to the next cut or the end.
 */
export async function openSpan(chunks: AsyncIterable<Uint8Array>, span: GzipSpan, generationOf: GroupOf): Promise<OpenedSpan | undefined> {
  const lines = new LineWalker(chunks[Symbol.asyncIterator]());
  // Every line its own "generation": each window's first line is a cut.
  let n = 0;
  const groupOf: GroupOf = span.anyLine ? () => String(n++) : generationOf;
  const j = span.index;
  if (j > 0) {
    const own = new WindowScan(span.windows[j - 1]!, windowEnd(span, j), groupOf);
    try {
      for (;;) {
        const r = lines.next();
        const found = (typeof r === 'boolean' ? r : await r) ? own.feed(lines.start, lines.end, () => lines.text()) : 'none';
        if (found === 'none') {
          await lines.close();
          return undefined;
        }
        if (found === 'cut') break;
      }
    } catch (e) {
      await lines.close();
      throw e;
    }
  }
  return { start: j > 0 ? lines.start : 0, firstLine: j > 0 ? lines.line : 1, bytes: emit(lines, span, groupOf) };
}

function windowEnd(span: GzipSpan, k: number): number {
  return k < span.windows.length ? span.windows[k]! : Infinity;
}

/** The span's bytes from the walker's current line (a cut) or from the start (span 0), up to the next cut. */
async function* emit(lines: LineWalker, span: GzipSpan, groupOf: GroupOf): AsyncGenerator<Uint8Array> {
  const windows = span.windows;
  // A window's scan sees the line before it, which lies in an earlier window: the scans of
  // the windows a line reaches are fed together, and the first undecided one decides.
  const scans = new Map<number, WindowScan>();
  const scanOf = (k: number) => {
    let s = scans.get(k);
    if (!s) scans.set(k, (s = new WindowScan(windows[k - 1]!, windowEnd(span, k), groupOf)));
    return s;
  };
  let k = span.index + 1;
  let text: string | undefined;
  const textOf = () => (text ??= lines.text());
  try {
    lines.startEmitting(span.index > 0);
    for (;;) {
      const r = lines.next();
      const more = typeof r === 'boolean' ? r : await r;
      yield* lines.drain();
      if (!more) return;
      text = undefined;
      for (let m = k; m <= windows.length && windows[m - 1]! <= lines.end; m++) {
        const found = scanOf(m).feed(lines.start, lines.end, textOf);
        if (m !== k) continue;
        if (found === 'cut') {
          yield* lines.stopBeforeCurrent();
          return;
        }
        if (found === 'none') {
          scans.delete(k);
          k++;
        }
      }
      lines.keepCurrent();
    }
  } finally {
    await lines.close();
  }
}

/**
 * Walks the lines of a stream of chunks: `next` completes one line (`start`, `end` just past
 * its line break, `line` its number) without copying it. While emitting, every byte before
 * the current line is handed out in pieces of the chunks, and the current line once the
 * caller keeps it, so a span can end just before a line that starts a later span, even one
 * that began several chunks back.
 */
class LineWalker {
  private buf: Buffer = Buffer.alloc(0);
  /** Offset of buf[0] in the text. */
  private base = 0;
  /** Where in buf the next line starts. */
  private pos = 0;
  /** The current line's bytes in earlier chunks. */
  private head: Uint8Array[] = [];
  /** The current line's part in buf: [partFrom, partTo). */
  private partFrom = 0;
  private partTo = 0;
  private ended = false;
  private emitting = false;
  /** While emitting: bytes of buf from here up to the current line are still to hand out. */
  private emitFrom = 0;
  private readonly out: Uint8Array[] = [];
  /** Bytes of `head`. */
  private headBytes = 0;
  start = 0;
  end = 0;
  line = 0;

  constructor(private readonly it: AsyncIterator<Uint8Array>) {}

  /** Completes the next line: true, false at the end of the text; a promise when it needs the next chunk. */
  next(): boolean | Promise<boolean> {
    this.head = [];
    this.headBytes = 0;
    this.line++;
    this.start = this.base + this.pos;
    const nl = this.buf.indexOf(10, this.pos);
    if (nl === -1) return this.across();
    this.partFrom = this.pos;
    this.partTo = this.pos = nl + 1;
    this.end = this.base + this.pos;
    return true;
  }

  /** The rest of `next` for a line that goes on in later chunks. */
  private async across(): Promise<boolean> {
    for (;;) {
      // What the line holds of this chunk is its head; the lines before it are handed out.
      if (this.pos < this.buf.length) {
        this.head.push(this.buf.subarray(this.pos));
        this.headBytes += this.buf.length - this.pos;
        // Held whole until it ends: a line this long is no record (one reading says why).
        if (this.headBytes > DEFAULT_MAX_RECORD_LENGTH) throw new InputError(`has a line longer than ${DEFAULT_MAX_RECORD_LENGTH} bytes at line ${this.line}`);
      }
      if (this.emitting && this.emitFrom < this.pos) this.out.push(this.buf.subarray(this.emitFrom, this.pos));
      if (!(await this.fill())) {
        if (this.head.length === 0) return false;
        // The last line, without a line break.
        this.partFrom = this.partTo = this.pos = 0;
        this.end = this.base;
        return true;
      }
      const nl = this.buf.indexOf(10);
      if (nl !== -1) {
        this.partFrom = 0;
        this.partTo = this.pos = nl + 1;
        this.end = this.base + this.pos;
        return true;
      }
    }
  }

  private async fill(): Promise<boolean> {
    this.base += this.buf.length;
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    this.emitFrom = 0;
    while (!this.ended) {
      const r = await this.it.next();
      if (r.done) this.ended = true;
      else if (r.value.length > 0) {
        this.buf = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
        return true;
      }
    }
    return false;
  }

  /** The current line's text. */
  text(): string {
    const part = this.buf.subarray(this.partFrom, this.partTo);
    return (this.head.length === 0 ? part : Buffer.concat([...this.head, part])).toString('utf8');
  }

  /** From here on, hand out the bytes: from the current line's start (`fromCurrent`), else from the next line's. */
  startEmitting(fromCurrent: boolean): void {
    this.emitting = true;
    if (fromCurrent) {
      // A line begun in earlier chunks has its part of this one at 0.
      this.keepCurrent();
      this.emitFrom = this.partFrom;
    } else this.emitFrom = this.pos;
  }

  /** The current line belongs to the span: its pieces in earlier chunks are handed out (the rest goes with its chunk). */
  keepCurrent(): void {
    for (const h of this.head) this.out.push(h);
    this.head = [];
    this.headBytes = 0;
  }

  /** Pieces ready to hand out. */
  *drain(): Generator<Uint8Array> {
    while (this.out.length > 0) yield this.out.shift()!;
  }

  /** The span ends before the current line: what is left before it. */
  *stopBeforeCurrent(): Generator<Uint8Array> {
    yield* this.drain();
    const upTo = this.head.length === 0 ? this.partFrom : 0;
    if (upTo > this.emitFrom) yield this.buf.subarray(this.emitFrom, upTo);
    this.emitting = false;
  }

  async close(): Promise<void> {
    await this.it.return?.(undefined);
  }
}

/** The decompressed text of a local gzip file, stopping with an InputError past `maxBytes`. */
export function inflatedFile(file: string, maxBytes?: number): AsyncIterable<Uint8Array> {
  return limitDecompressed(gunzip(openFileStream(file)), maxBytes);
}

/** Bytes of compressed input inflated to estimate the ratio. */
const ESTIMATE_BYTES = 4 * 1024 * 1024;

/**
 * About how many bytes a gzip file of `size` bytes inflates to: the ratio of its first
 * ESTIMATE_BYTES, or the exact size when that is all of it. Only the balance of the threads
 * depends on it, not the result.
 */
export async function estimateInflatedSize(file: string, size: number): Promise<number> {
  let out = 0;
  const raw = openFileStream(file, { start: 0, end: Math.min(size, ESTIMATE_BYTES) });
  try {
    for await (const chunk of gunzip(raw)) out += chunk.length;
  } catch {
    // A probe cut in the middle of the stream ends with a truncation error; what came out counts.
  }
  return size <= ESTIMATE_BYTES ? out : Math.round((out * size) / ESTIMATE_BYTES);
}
