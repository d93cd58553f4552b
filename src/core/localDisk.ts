// Everything core reads from the local disk, through Node's fs: file streams, ranges of a
// Parquet file, stat, config files, and local path arithmetic. localDisk.web.ts stands in for
// it in the web build, where every input arrives as bytes read through VS Code.
import { createReadStream } from 'node:fs';
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { fileError, InputError, type RandomAccessSource } from './readers/types';

const READ_CHUNK = 1024 * 1024;

/** The file's bytes (or bytes [start, end) of it) in 1 MiB chunks; a file that cannot be opened throws an InputError. */
export async function* openFileStream(file: string, range?: { start: number; end: number }): AsyncGenerator<Uint8Array> {
  if (range && range.end <= range.start) return;
  const stream = createReadStream(file, { highWaterMark: READ_CHUNK, ...(range ? { start: range.start, end: range.end - 1 } : {}) });
  try {
    for await (const chunk of stream) yield chunk as Uint8Array;
  } catch (error) {
    throw fileError(error);
  } finally {
    stream.destroy();
  }
}

/** A local file read in ranges through a FileHandle; a file that cannot be opened throws an InputError. */
export async function openFileSource(file: string): Promise<RandomAccessSource> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw fileError(error);
  }
  let size: number;
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    size = stat.size;
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw fileError(error);
  }
  return {
    byteLength: size,
    async read(start, end) {
      const length = Math.max(0, end - start);
      const buffer = new Uint8Array(length);
      let filled = 0;
      try {
        while (filled < length) {
          const { bytesRead } = await handle.read(buffer, filled, length - filled, start + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
      } catch (error) {
        throw fileError(error);
      }
      if (filled < length) {
        throw new InputError(`changed while it was read: it ends at byte ${start + filled}, but it was ${size} bytes long when it was opened`);
      }
      return buffer.buffer;
    },
    close: () => handle.close(),
  };
}

/** Size and kind of a local file; rejects with Node's error (its `code`, e.g. ENOENT). */
export function statFile(file: string): Promise<{ size: number; isDirectory(): boolean }> {
  return stat(file);
}

/** A text file's content; rejects with Node's error (its `code`, e.g. ENOENT). */
export function readTextFile(file: string): Promise<string> {
  return readFile(file, 'utf8');
}

/** Whether two paths name the same file once made absolute. */
export function samePath(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b);
}

/** The last segment of a path. */
export function baseName(file: string): string {
  return path.basename(file);
}
