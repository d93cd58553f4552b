// bytes.ts for the web build (vscode.dev, github.dev): the same functions without Node.
// gzip and gunzip come from pako 3, whose deflate writes the same bytes as Node's zlib at
// level 9 (so compression_ratio is the same on the desktop and in a browser; checked by
// test/unit/core/bytes.test.ts). Gunzip is pako too rather than the browser's
// DecompressionStream: Chromium's refuses a second gzip member ("Junk found after end of
// compressed data"), and files appended to with gzip.open(…, 'ab') have one per append.
import { gzip, Inflate } from 'pako';

/** Compressed bytes pushed at a time: one slice expands to at most ~16 MB, so a gzip bomb is stopped early. */
const GUNZIP_SLICE = 16 * 1024;
const GUNZIP_CHUNK = 256 * 1024;
const ZLIB_CODES: Record<number, string> = { [-2]: 'Z_STREAM_ERROR', [-3]: 'Z_DATA_ERROR', [-4]: 'Z_MEM_ERROR', [-5]: 'Z_BUF_ERROR' };

function zlibError(inflate: Inflate): Error {
  const code = ZLIB_CODES[inflate.err] ?? 'Z_DATA_ERROR';
  // Node names a stream that stops mid-member "unexpected end of file"; pako says "buffer error".
  const message = code === 'Z_BUF_ERROR' ? 'unexpected end of file' : inflate.msg || code;
  return Object.assign(new Error(message), { code });
}

/**
 * The decompressed bytes of gzip data, as Node's gunzip gives them: every member of a
 * multi-member file; after a member, a zero byte starts padding that is ignored; anything else
 * must be another member. Errors carry zlib's `code` (`Z_DATA_ERROR`, `Z_BUF_ERROR`).
 */
export async function* gunzip(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let out: Uint8Array[] = [];
  const member = () => {
    const inflate = new Inflate({ windowBits: 16 + 15, chunkSize: GUNZIP_CHUNK });
    inflate.onData = (chunk) => out.push(chunk);
    return inflate;
  };
  let inflate = member();
  let padding = false;
  for await (const chunk of source) {
    for (let at = 0; at < chunk.length && !padding; at += GUNZIP_SLICE) {
      const slice = chunk.subarray(at, at + GUNZIP_SLICE);
      // pako ignores input after a member that ended exactly at the end of a push.
      if (inflate.ended) {
        if (slice[0] === 0) {
          padding = true;
          break;
        }
        inflate = member();
      }
      inflate.push(slice, false);
      if (inflate.err) throw zlibError(inflate);
      if (out.length) {
        yield* out;
        out = [];
      }
    }
  }
  if (!inflate.ended) inflate.push(new Uint8Array(0), true);
  if (inflate.err) throw zlibError(inflate);
  yield* out;
}

/** A gzip member at level 9, as Node's zlib writes it (no file name in the header). */
export function gzipLevel9(bytes: Uint8Array): Uint8Array {
  return gzip(bytes, { level: 9 });
}

const encoder = new TextEncoder();

/** UTF-8 encoding; lone surrogates become U+FFFD. */
export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Bytes of `text` in UTF-8, without encoding it (a lone surrogate counts as U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a surrogate pair: 2 code units, 4 bytes
      i++;
    } else n += 2;
  }
  return n;
}

/** Always undefined here: the browser's TextDecoder is the fast path. */
export function asciiText(_bytes: Uint8Array): string | undefined {
  return undefined;
}

// tsc checks the importers against bytes.ts only; this holds the two files' exports together.
({ gunzip, gzipLevel9, utf8Bytes, utf8Length, asciiText }) satisfies typeof import('./bytes');
