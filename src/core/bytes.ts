// Byte work that Node does natively: gzip and gunzip (zlib), UTF-8 and Latin-1 through Buffer.
// bytes.web.ts gives the web build the same functions with the same results, without Node;
// esbuild picks it for the browser bundles (resolveExtensions in esbuild.js). Keep the two
// files' exports identical (bytes.web.ts ends with a tsc check); test/unit/core/bytes.test.ts
// compares their results.
import { isAscii } from 'node:buffer';
import { Readable, pipeline } from 'node:stream';
import { createGunzip, gzipSync } from 'node:zlib';

const GUNZIP_CHUNK = 256 * 1024;

/**
 * The decompressed bytes of gzip data (every member of a multi-member file). A corrupt or
 * truncated stream throws an error whose `code` is zlib's (`Z_DATA_ERROR`, `Z_BUF_ERROR`).
 */
export function gunzip(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  // pipeline() forwards a source error (an unreadable file, an abort) to the gunzip stream,
  // so iterating it rethrows that error; the callback only keeps it from being unhandled.
  return pipeline(Readable.from(source), createGunzip({ chunkSize: GUNZIP_CHUNK }), () => {});
}

/** A gzip member at level 9, as zlib writes it (no file name in the header). */
export function gzipLevel9(bytes: Uint8Array): Uint8Array {
  return gzipSync(bytes, { level: 9 });
}

/** UTF-8 encoding; lone surrogates become U+FFFD. */
export function utf8Bytes(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

/** Bytes of `text` in UTF-8, without encoding it. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The text of bytes that are all ASCII (faster than a UTF-8 decoder); undefined otherwise. */
export function asciiText(bytes: Uint8Array): string | undefined {
  // Pure ASCII is valid UTF-8 and decodes the same as Latin-1, several times faster.
  return isAscii(bytes) ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1') : undefined;
}
