// Turns the caller's byte chunks into validated UTF-8 text: gunzip when the data is gzip,
// reject what is not text (empty, binary, UTF-16/32, other archives), strip the BOM, and
// decode with a fatal streaming decoder so that a Latin-1 file is reported, not garbled.
import { asciiText, gunzip } from '../bytes';
import { formatBytes } from '../../shared/formats';
import { InputError, type ReadContext } from './types';

export interface DecodedChunk {
  /** The bytes after BOM stripping, for parsers that work on bytes. */
  bytes: Uint8Array;
  /** The same data decoded; a multi-byte character split across chunks lands in the later one. */
  text: string;
}

/** Bytes looked at before any text is passed on: enough to tell text from binary. */
const SNIFF_BYTES = 8192;
/** Leading whitespace held back while deciding whether the file is only whitespace. */
const MAX_HELD_WHITESPACE = 16 * 1024 * 1024;

/**
 * @param linesBefore line breaks in the text the consumer has received so far; used only to
 *   put a line number on an encoding error found in a later chunk.
 */
export async function* decodeInput(
  chunks: AsyncIterable<Uint8Array>,
  ctx: ReadContext,
  linesBefore: () => number,
): AsyncGenerator<DecodedChunk> {
  ctx.checkAborted();
  const raw = countBytes(chunks, ctx)[Symbol.asyncIterator]();
  try {
    const magic = await readAtLeast(raw, 2);
    const gzip = magic.data.length >= 2 && magic.data[0] === 0x1f && magic.data[1] === 0x8b;
    const plain = prepend(magic.data, magic.done ? undefined : raw);
    const data = (gzip ? limitDecompressed(gunzip(plain), ctx.maxDecompressedBytes) : plain)[Symbol.asyncIterator]();
    const head = await readAtLeast(data, SNIFF_BYTES);
    if (head.data.length === 0) {
      throw new InputError(gzip ? 'is empty (it decompresses to 0 bytes)' : 'is empty (0 bytes)');
    }
    // Only the first SNIFF_BYTES decide, however the bytes arrive (one chunk or many).
    sniff(head.data.subarray(0, SNIFF_BYTES));
    const bom = hasUtf8Bom(head.data) ? 3 : 0;
    yield* decodeUtf8(prepend(head.data.subarray(bom), head.done ? undefined : data), bom, ctx, linesBefore);
  } catch (error) {
    throw translateZlibError(error);
  } finally {
    await raw.return?.(undefined);
  }
}

async function* countBytes(chunks: AsyncIterable<Uint8Array>, ctx: ReadContext): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    ctx.checkAborted();
    ctx.bytes += chunk.length;
    if (chunk.length > 0) yield chunk;
  }
  ctx.checkAborted();
}

async function readAtLeast(it: AsyncIterator<Uint8Array>, n: number): Promise<{ data: Uint8Array; done: boolean }> {
  const parts: Uint8Array[] = [];
  let length = 0;
  while (length < n) {
    const next = await it.next();
    if (next.done) return { data: concat(parts, length), done: true };
    parts.push(next.value);
    length += next.value.length;
  }
  return { data: concat(parts, length), done: false };
}

async function* prepend(first: Uint8Array, rest: AsyncIterator<Uint8Array> | undefined): AsyncGenerator<Uint8Array> {
  try {
    if (first.length > 0) yield first;
    if (!rest) return;
    for (;;) {
      const next = await rest.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Closing early (abort, consumer stopped) must reach the file stream underneath.
    await rest?.return?.(undefined);
  }
}

/**
 * The decompressed chunks, stopping with an InputError as soon as their total passes `max`:
 * the limit on file size holds for what the file expands to, not only for its bytes on disk.
 */
export async function* limitDecompressed(chunks: AsyncIterable<Uint8Array>, max: number | undefined): AsyncGenerator<Uint8Array> {
  if (max === undefined) {
    yield* chunks;
    return;
  }
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > max) {
      throw new InputError(
        `decompresses to more than ${formatBytes(max)}, the file size limit; raise the limit (setting collapseLens.maxFileSizeMB, or --max-file-size) to analyze it`,
      );
    }
    yield chunk;
  }
}

function translateZlibError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('Z_')) return error;
  const detail = (error as Error).message;
  if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(detail)) {
    return new InputError(`is not readable: the gzip data is truncated (${detail}); the file was cut off, compress or download it again`);
  }
  return new InputError(`is not readable: gzip data is corrupt (${detail}); check the file with \`gzip -t\` and compress it again`);
}

function hasUtf8Bom(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

const FORMATS_HINT = 'expected UTF-8 text: JSON Lines, JSON, CSV or TSV, optionally gzip-compressed';

const MAGIC: Array<{ bytes: number[]; message: string }> = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], message: 'looks like a ZIP archive, not text; unzip it and open the file inside' },
  { bytes: [0x50, 0x41, 0x52, 0x31], message: 'looks like a Parquet file, which is not supported yet; export it to JSON Lines or CSV' },
  { bytes: [0x42, 0x5a, 0x68], message: 'is bzip2-compressed; only gzip is supported, decompress it first (bunzip2)' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], message: 'is xz-compressed; only gzip is supported, decompress it first (unxz)' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], message: 'is zstd-compressed; only gzip is supported, decompress it first (zstd -d)' },
];

/** Rejects data that is not UTF-8 text, looking at the first bytes only. */
function sniff(b: Uint8Array): void {
  const starts = (bytes: number[]) => bytes.every((x, i) => b[i] === x);
  const convert = 'save it as UTF-8 (e.g. iconv -f utf-16 -t utf-8)';
  if (starts([0xff, 0xfe, 0x00, 0x00]) || starts([0x00, 0x00, 0xfe, 0xff])) {
    throw new InputError('is UTF-32 text (it starts with a UTF-32 byte-order mark); save it as UTF-8 (e.g. iconv -f utf-32 -t utf-8)');
  }
  if (starts([0xff, 0xfe])) throw new InputError(`is UTF-16 little-endian text (it starts with a UTF-16 byte-order mark); ${convert}`);
  if (starts([0xfe, 0xff])) throw new InputError(`is UTF-16 big-endian text (it starts with a UTF-16 byte-order mark); ${convert}`);
  for (const m of MAGIC) if (starts(m.bytes)) throw new InputError(m.message);

  const firstNul = b.indexOf(0);
  if (firstNul !== -1) {
    const utf16 = guessUtf16WithoutBom(b);
    if (utf16) throw new InputError(`looks like UTF-16 ${utf16} text without a byte-order mark (every other byte is 0); ${convert}`);
    throw new InputError(`looks like a binary file (a NUL byte at byte offset ${firstNul}); ${FORMATS_HINT}`);
  }
  let control = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    // Tab, LF, FF and CR are ordinary in text files; ESC shows up in logs with colors.
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d && c !== 0x1b) || c === 0x7f) control++;
  }
  if (control > b.length * 0.1) {
    const pct = Math.round((100 * control) / b.length);
    throw new InputError(`looks like a binary file (${pct}% control characters in the first ${formatSize(b.length)}); ${FORMATS_HINT}`);
  }
}

function guessUtf16WithoutBom(b: Uint8Array): 'little-endian' | 'big-endian' | undefined {
  let evenNul = 0;
  let oddNul = 0;
  const n = b.length - (b.length % 2);
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenNul++;
    if (b[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (pairs < 2) return undefined;
  if (oddNul > pairs * 0.7 && evenNul < pairs * 0.05) return 'little-endian';
  if (evenNul > pairs * 0.7 && oddNul < pairs * 0.05) return 'big-endian';
  return undefined;
}

function formatSize(n: number): string {
  return n >= 1024 && n % 1024 === 0 ? `${n / 1024} KiB` : `${n} bytes`;
}

async function* decodeUtf8(
  chunks: AsyncIterable<Uint8Array>,
  firstOffset: number,
  ctx: ReadContext,
  linesBefore: () => number,
): AsyncGenerator<DecodedChunk> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let offset = firstOffset;
  let last: Uint8Array = new Uint8Array(0); // up to 3 final bytes seen, to find a character split across chunks
  let sawContent = false;
  let held: DecodedChunk[] = [];
  let heldLength = 0;
  let heldLines = 0;
  let total = 0;

  const it = chunks[Symbol.asyncIterator]();
  try {
    for (let next = await it.next(); !next.done; next = await it.next()) {
      const bytes = next.value;
      let text: string;
      const ascii = pendingLength(last) === 0 ? asciiText(bytes) : undefined;
      if (ascii !== undefined) {
        text = ascii;
      } else {
        try {
          text = decoder.decode(bytes, { stream: true });
        } catch {
          // The message looks one byte past the bad one; fetch it when this chunk ends there,
          // so the message is the same however the file is split into chunks.
          throw await invalidUtf8(last, bytes, offset, linesBefore() + heldLines, () => firstByte(it));
        }
      }
      last = lastBytes(last, bytes);
      offset += bytes.length;
      total += bytes.length;
      if (!sawContent) {
        if (isWhitespace(text) && heldLength < MAX_HELD_WHITESPACE) {
          held.push({ bytes, text });
          heldLength += bytes.length;
          heldLines += countLineFeeds(text);
          continue;
        }
        sawContent = !isWhitespace(text);
        for (const chunk of held) yield chunk;
        held = [];
        heldLines = 0;
      }
      yield { bytes, text };
    }
  } finally {
    await it.return?.(undefined);
  }
  try {
    decoder.decode();
  } catch {
    const pending = pendingLength(last);
    throw new InputError(
      `is not valid UTF-8 at line ${linesBefore() + heldLines + 1} (byte offset ${offset - pending}): the file ends in the middle of a multi-byte character; it was probably cut off`,
      linesBefore() + heldLines + 1,
    );
  }
  if (!sawContent) {
    if (total > 0) throw new InputError(`is empty (only whitespace, ${total} bytes)`);
    throw new InputError(firstOffset > 0 ? 'is empty (only a UTF-8 byte-order mark)' : 'is empty (0 bytes)');
  }
  ctx.checkAborted();
}

function isWhitespace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09 && c !== 0x0c && c !== 0x0b) return false;
  }
  return true;
}

function countLineFeeds(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function lastBytes(previous: Uint8Array, bytes: Uint8Array): Uint8Array {
  if (bytes.length >= 3) return bytes.subarray(bytes.length - 3);
  const joined = concat([previous, bytes], previous.length + bytes.length);
  return joined.subarray(Math.max(0, joined.length - 3));
}

/** Bytes at the end of `tail` that start a multi-byte character not yet complete. */
function pendingLength(tail: Uint8Array): number {
  for (let k = 1; k <= tail.length; k++) {
    const b = tail[tail.length - k];
    if ((b & 0xc0) === 0x80) continue;
    if (b < 0xc0) return 0;
    const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return k < size ? k : 0;
  }
  return 0;
}

/**
 * @param following the first byte after `bytes` (undefined at the end of the data); called only
 *   when the bad byte is the chunk's last, whose neighbour decides the Latin-1 hint.
 */
async function invalidUtf8(
  last: Uint8Array,
  bytes: Uint8Array,
  offset: number,
  lines: number,
  following: () => Promise<number | undefined>,
): Promise<InputError> {
  const pending = pendingLength(last);
  const data = concat([last.subarray(last.length - pending), bytes], pending + bytes.length);
  const invalid = firstInvalidUtf8(data);
  const at = Math.max(0, invalid.at);
  let line = lines + 1;
  for (let i = 0; i < at; i++) if (data[i] === 0x0a) line++;
  const shown = Array.from(data.subarray(at, at + Math.max(1, invalid.length)), (x) => `0x${x.toString(16).toUpperCase().padStart(2, '0')}`).join(' ');
  // A lone byte in 80–FF between ASCII characters is the usual sign of Latin-1 or Windows-1252.
  const after = at + 1 < data.length ? data[at + 1] : await following();
  const latin = invalid.length <= 2 && data[at] >= 0x80 && (after === undefined || after < 0x80);
  return new InputError(
    `is not valid UTF-8 at line ${line} (byte offset ${offset - pending + at}: found ${latin ? shown.split(' ')[0] : shown}${latin ? ', which looks like Latin-1 or Windows-1252' : ''}); convert it to UTF-8 (e.g. iconv -f latin1 -t utf-8)`,
    line,
  );
}

/** The first byte still to come from `it`, or undefined at its end or if it cannot be read. */
async function firstByte(it: AsyncIterator<Uint8Array>): Promise<number | undefined> {
  try {
    for (;;) {
      const next = await it.next();
      if (next.done) return undefined;
      if (next.value.length > 0) return next.value[0];
    }
  } catch {
    return undefined;
  }
}

/**
 * The first invalid UTF-8 sequence: its offset and how many bytes show the problem (the lead
 * byte up to the first byte that does not fit); offset -1 if all bytes are valid.
 */
function firstInvalidUtf8(b: Uint8Array): { at: number; length: number } {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let size: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) size = 2;
    else if (c >= 0xe0 && c <= 0xef) {
      size = 3;
      if (c === 0xe0) lo = 0xa0; // overlong
      else if (c === 0xed) hi = 0x9f; // UTF-16 surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      size = 4;
      if (c === 0xf0) lo = 0x90; // overlong
      else if (c === 0xf4) hi = 0x8f; // beyond U+10FFFF
    } else return { at: i, length: 1 };
    for (let k = 1; k < size; k++) {
      if (i + k >= n) return { at: i, length: k };
      const x = b[i + k];
      if (k === 1 ? x < lo || x > hi : (x & 0xc0) !== 0x80) return { at: i, length: k + 1 };
    }
    i += size;
  }
  return { at: -1, length: 0 };
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
