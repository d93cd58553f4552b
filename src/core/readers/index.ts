// Streaming record readers: bytes in, batches of records (each with its start line) out.
// Malformed records become issues and reading goes on; input that cannot be read at all
// (empty, binary, not UTF-8, wrong shape) throws an InputError.
import type { InputFormat } from '../../shared/report';
import { FORMAT_BY_EXTENSION, GZIP_EXTENSIONS } from '../../shared/formats';
import { readDelimited } from './csv';
import { readJson } from './json';
import { readJsonl } from './jsonl';
import { bytesSource, openFileSource, readParquet } from './parquet';
import { openFileStream } from '../localDisk';
import { InputError, ReadContext, type ReadOptions, type RecordBatch } from './types';

export { InputError, DEFAULT_BATCH_SIZE, DEFAULT_MAX_RECORD_LENGTH } from './types';
export type { ReadOptions, RecordBatch, RecordIssue, SourceRecord } from './types';


/** `.jsonl` `.ndjson` `.json` `.csv` `.tsv`, each optionally `.gz`, and `.parquet`, in any case. */
export function formatFromPath(path: string): { format: InputFormat; compressed: boolean } | undefined {
  let name = path.toLowerCase();
  const compressed = name.endsWith('.gz');
  if (compressed) name = name.slice(0, -3);
  const dot = name.lastIndexOf('.');
  if (dot === -1 || /[\\/]/.test(name.slice(dot))) return undefined;
  const ext = name.slice(dot);
  const format = FORMAT_BY_EXTENSION[ext];
  if (compressed && !GZIP_EXTENSIONS.includes(ext)) return undefined;
  return format ? { format, compressed } : undefined;
}

export async function* readRecords(chunks: AsyncIterable<Uint8Array>, options: ReadOptions): AsyncGenerator<RecordBatch> {
  const ctx = new ReadContext(options);
  switch (options.format) {
    case 'jsonl':
      yield* readJsonl(chunks, ctx);
      return;
    case 'json':
      yield* readJson(chunks, ctx);
      return;
    case 'csv':
      yield* readDelimited(chunks, ctx, ',');
      return;
    case 'tsv':
      yield* readDelimited(chunks, ctx, '\t');
      return;
    default:
      throw new InputError(`has an unsupported format (${String(options.format)}); use JSON Lines, JSON, CSV or TSV`);
  }
}

/** A file to read: from disk by path, or through a byte source (VS Code's workspace.fs). */
export interface InputSource {
  file: string;
  open?: () => AsyncIterable<Uint8Array>;
}

/**
 * Records of one input in any format. Parquet needs random access: a local file is read by
 * ranges; a file from another source is collected into memory first (the caller bounds its size).
 */
export async function* openInputRecords(input: InputSource, options: ReadOptions): AsyncGenerator<RecordBatch> {
  if (options.format === 'parquet') {
    // A range of a Parquet file is rows, not bytes, of a local file.
    if (options.range && input.open) throw new Error('openInputRecords: rows of a local Parquet file only');
    const source = input.open ? bytesSource(await collect(input.open())) : await openFileSource(input.file);
    try {
      yield* readParquet(source, new ReadContext(options), {}, options.range);
    } finally {
      await source.close();
    }
    return;
  }
  if (options.range) {
    if (input.open || options.format === 'json') throw new Error('openInputRecords: a byte range of a local JSON Lines, CSV or TSV file only');
    if (options.range.open) {
      yield* readRecords(options.range.open(), { ...options, compressed: false });
      return;
    }
    if (options.compressed) throw new Error('openInputRecords: a byte range of an uncompressed file only');
    yield* readRecords(openFileStream(input.file, options.range), options);
    return;
  }
  yield* readRecords(input.open ? input.open() : openFileStream(input.file), options);
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const c of chunks) {
    parts.push(c);
    size += c.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The file's bytes in 1 MiB chunks (from the local disk; see core/localDisk.ts). */
export { openFileStream };
