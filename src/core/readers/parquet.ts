// Over 400 lines: one format's reader — footer checks, page-index slicing, column selection and value conversion — around one hyparquet state.
// Apache Parquet through hyparquet (pure JavaScript) and hyparquet-compressors (snappy, gzip,
// zstd, brotli, lz4; JS and inline WebAssembly), so one bundle runs on every platform.
//
// The footer is read first, then one row group at a time: memory holds one row group's
// decoded rows, not the file. A row group of more than SLICE_ABOVE rows is read in slices
// of about SLICE_ROWS when every column chunk has an offset index (the datasets library,
// hyparquet-writer and pyarrow with write_page_index=True write one): hyparquet then
// fetches and decodes only the pages a slice touches, and the slices are cut where few
// pages straddle them (see sliceEnds). Without an offset index a slice would fetch the
// whole column chunk and decode it from its start again (nested columns to their end),
// so such a group is read whole. Each row becomes a record whose line is its 1-based row
// number in the file.
import { parquetMetadataAsync, parquetReadObjects, parquetSchema, readOffsetIndex } from 'hyparquet';
import type { AsyncBuffer, ColumnChunk, FileMetaData, RowGroup, SchemaTree } from 'hyparquet';
import { compressors as decompressors } from 'hyparquet-compressors';
import { InputError, READ_WHOLE, type RandomAccessSource, type ReadContext, type RecordBatch } from './types';

export type { RandomAccessSource };

/** Row groups with more rows than this are read in slices (when their pages are indexed). */
export const SLICE_ABOVE = 100_000;
/** Rows per slice of a large row group: a target; each cut moves to a page start within [½, 3×] of it (sliceEnds). */
export const SLICE_ROWS = 50_000;

const MAGIC = 0x31524150; // "PAR1" read as a little-endian uint32
const MAGIC_ENCRYPTED = 0x45524150; // "PARE": a footer encrypted with Parquet modular encryption
const CODEC_NAMES: Record<string, string> = { SNAPPY: 'snappy', GZIP: 'gzip', BROTLI: 'brotli', ZSTD: 'zstd', LZ4: 'LZ4', LZ4_RAW: 'LZ4 (raw)' };
/** The decompressors, each naming its codec when it fails: "snappy data is corrupt (…)". */
const compressors: typeof decompressors = Object.fromEntries(
  Object.entries(decompressors).map(([codec, fn]) => [
    codec,
    (input: Uint8Array, outputLength: number) => {
      try {
        return fn(input, outputLength);
      } catch (error) {
        throw new Error(`${CODEC_NAMES[codec] ?? codec} data is corrupt (${error instanceof Error ? error.message : String(error)})`);
      }
    },
  ]),
);
const CODECS = new Set(['UNCOMPRESSED', ...Object.keys(compressors)]);
const utf8 = new TextDecoder();
/** A JSON column's malformed value is kept as its text rather than failing its row group. */
const parsers = {
  jsonFromBytes(bytes: Uint8Array | undefined): unknown {
    if (!bytes) return bytes;
    const text = utf8.decode(bytes);
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  },
};
const UNSUPPORTED_TYPES = new Set(['BSON', 'INTERVAL']);

/** A local file read in ranges (see core/localDisk.ts). */
export { openFileSource } from '../localDisk';

/** Bytes already in memory, e.g. a file read through VS Code's workspace.fs. */
export function bytesSource(bytes: Uint8Array): RandomAccessSource {
  return {
    byteLength: bytes.byteLength,
    // A copy: Buffer's own slice() shares memory, and hyparquet reads the whole ArrayBuffer.
    read: async (start, end) => Uint8Array.prototype.slice.call(bytes, start, end).buffer,
    close: async () => undefined,
  };
}

/** Slicing of large row groups; the defaults are SLICE_ABOVE and SLICE_ROWS (0: never slice). For tests and the benchmark. */
export interface ParquetSlicing {
  sliceAbove?: number;
  sliceRows?: number;
}

/**
 * The records of a Parquet file, or of its rows [range.start, range.end) (a part of the file
 * read by one thread: analysis/parallel.ts); a record's line is its row number in the file.
 */
export async function* readParquet(source: RandomAccessSource, ctx: ReadContext, slicing: ParquetSlicing = {}, range?: { start: number; end: number }): AsyncGenerator<RecordBatch> {
  const sliceAbove = slicing.sliceAbove ?? SLICE_ABOVE;
  const sliceRows = Math.max(1, Math.floor(slicing.sliceRows ?? SLICE_ROWS));
  ctx.checkAborted();
  const size = source.byteLength;
  const file = asyncBuffer(source);
  const metadata = await readFooter(source, file);
  ctx.checkAborted();
  const columns = selectColumns(metadata);
  const tree = parquetSchema(metadata);
  const groups = metadata.row_groups;

  let groupStart = 0;
  // Progress of a range counts from its first row group.
  let firstByte: number | undefined;
  for (let g = 0; g < groups.length; g++) {
    ctx.checkAborted();
    const group = groups[g]!;
    const rows = Number(group.num_rows);
    const span = byteSpan(group.columns);
    if (rows <= 0) continue;
    if (range && (groupStart + rows <= range.start || groupStart >= range.end)) {
      groupStart += rows;
      continue;
    }
    firstByte ??= range ? span.start : 0;
    const damage = span.end > size
      ? `its data ends at byte ${span.end}, past the end of the file (${size} bytes); the file is probably truncated`
      : unknownColumn(tree, group, columns);
    const pages = !damage && sliceAbove > 0 && rows > sliceAbove ? await pageLayout(file, group, columns) : undefined;
    let ends = pages ? sliceEnds(rows, sliceRows, pages) : [rows];
    // The rows of the range in this group: [from, to), the slices cut to them.
    const from = range ? Math.max(0, range.start - groupStart) : 0;
    const to = range ? Math.min(rows, range.end - groupStart) : rows;
    if (range) ends = [...ends.filter((e) => e > from && e < to), to];
    for (let s = 0, start = from; s < ends.length; start = ends[s++]!) {
      const end = ends[s]!;
      let objects: Record<string, unknown>[];
      try {
        if (damage) throw new Error(damage);
        objects = await parquetReadObjects({
          file,
          metadata,
          columns,
          rowStart: groupStart + start,
          rowEnd: groupStart + end,
          compressors,
          parsers,
          utf8: false,
          useOffsetIndex: pages !== undefined,
        });
        if (objects.length !== end - start) throw new Error(`expected ${end - start} rows, decoded ${objects.length}`);
      } catch (error) {
        if (error instanceof InputError) throw error;
        // One reading says which rows of the group it skips; a part of the file cannot.
        if (range) throw Object.assign(new Error(`row group ${g + 1} could not be read: ${describeReadError(error)}`), { name: READ_WHOLE });
        const first = groupStart + start + 1;
        const skipped = first === groupStart + rows ? `row ${first} is` : `rows ${first}–${groupStart + rows} are`;
        ctx.addIssue(first, 1, `row group ${g + 1} could not be read: ${describeReadError(error)}; ${skipped} skipped`);
        break;
      }
      ctx.checkAborted();
      for (let i = 0; i < objects.length; i++) {
        ctx.addRecord(groupStart + start + i + 1, toRecord(objects[i]!));
        if (ctx.hasReady) {
          ctx.bytes = Math.max(ctx.bytes, Math.min(size, Math.round(span.start + ((span.end - span.start) * (start + i + 1)) / rows)) - firstByte);
          yield* ctx.drain();
        }
      }
    }
    ctx.bytes = Math.max(ctx.bytes, Math.min(size, span.end) - firstByte);
    groupStart += rows;
    yield* ctx.drain();
  }
  ctx.bytes = range ? ctx.bytes : size;
  yield* ctx.finish();
}

/** The file as hyparquet reads it; offsets and lengths from the footer are checked against the file before any read. */
function asyncBuffer(source: RandomAccessSource): AsyncBuffer {
  const size = source.byteLength;
  return { byteLength: size, slice: (start, end = size) => source.read(Math.max(0, start), Math.min(end, size)) };
}

/** What cutting a Parquet file into ranges of rows reads of it: see parquetRowAccess. */
export interface ParquetRowAccess {
  /** Each row group's rows and the bytes of its column chunks. */
  groups: { rows: number; bytes: number }[];
  /** Rows [start, end) with only the top-level `columns`, as records the way readParquet makes them. */
  rows(columns: string[], start: number, end: number): Promise<Record<string, unknown>[]>;
}

/** The row groups of a Parquet file and a reader of some of its columns, the footer read once. */
export async function parquetRowAccess(source: RandomAccessSource): Promise<ParquetRowAccess> {
  const file = asyncBuffer(source);
  const metadata = await readFooter(source, file);
  const known = new Set(selectColumns(metadata));
  return {
    groups: metadata.row_groups.map((g) => {
      const span = byteSpan(g.columns);
      return { rows: Number(g.num_rows), bytes: Math.max(0, span.end - span.start) };
    }),
    rows: async (columns, start, end) => {
      const wanted = columns.filter((c) => known.has(c));
      if (wanted.length === 0) return Array.from({ length: Math.max(0, end - start) }, () => ({}));
      const objects = await parquetReadObjects({ file, metadata, columns: wanted, rowStart: start, rowEnd: end, compressors, parsers, utf8: false });
      return objects.map(toRecord);
    },
  };
}

// ---------------------------------------------------------------------------------------
// Slices of a large row group

/** One column chunk's pages: the row each starts at, and its compressed size. */
export interface PageSpans {
  starts: number[];
  sizes: number[];
}

/**
 * The pages of each selected column chunk, from their offset indexes; undefined when a chunk
 * has none (a slice would then fetch and decode the chunk from its start again).
 */
async function pageLayout(file: AsyncBuffer, group: RowGroup, columns: string[]): Promise<PageSpans[] | undefined> {
  const chunks = group.columns.filter((c) => columns.includes(topName(c)));
  if (chunks.length === 0 || !chunks.every((c) => c.offset_index_offset !== undefined && c.offset_index_length)) return undefined;
  try {
    const spans: PageSpans[] = [];
    for (const chunk of chunks) {
      const start = Number(chunk.offset_index_offset);
      const buffer = await file.slice(start, start + chunk.offset_index_length!);
      const pages = readOffsetIndex({ view: new DataView(buffer), offset: 0 }).page_locations;
      if (pages.length === 0) return undefined;
      spans.push({ starts: pages.map((p) => Number(p.first_row_index)), sizes: pages.map((p) => p.compressed_page_size) });
    }
    return spans;
  } catch (error) {
    if (error instanceof InputError) throw error;
    return undefined; // a damaged index: read the group whole, as if it had none
  }
}

/**
 * Where the slices of a row group end. hyparquet decodes every page a slice touches, so a
 * page that straddles a slice boundary is decoded twice: each boundary is put, within
 * [sliceRows / 2, 3 × sliceRows] of the previous one, where the least compressed data
 * straddles it, nearest `sliceRows` on a tie. Fixed-width columns have long pages (1 MB of
 * int64 is 131,072 rows) that text pages do not align with; cutting at their starts keeps
 * slicing nearly free.
 */
export function sliceEnds(rows: number, sliceRows: number, pages: PageSpans[]): number[] {
  const ends: number[] = [];
  let start = 0;
  while (rows - start > sliceRows + sliceRows / 2) {
    const target = start + sliceRows;
    const lo = start + Math.ceil(sliceRows / 2);
    const hi = Math.min(rows - Math.ceil(sliceRows / 2), start + 3 * sliceRows);
    const candidates = new Set<number>([target]);
    for (const column of pages) {
      for (let i = firstAtOrAfter(column.starts, lo); i < column.starts.length && column.starts[i]! <= hi; i++) candidates.add(column.starts[i]!);
    }
    let best = target;
    let bestCost = Infinity;
    for (const b of candidates) {
      let cost = 0;
      for (const column of pages) {
        const i = firstAtOrAfter(column.starts, b);
        if (column.starts[i] !== b) cost += column.sizes[i - 1] ?? 0; // b falls inside page i - 1
      }
      if (cost < bestCost || (cost === bestCost && Math.abs(b - target) < Math.abs(best - target))) {
        best = b;
        bestCost = cost;
      }
    }
    ends.push(best);
    start = best;
  }
  ends.push(rows);
  return ends;
}

/** Index of the first element ≥ x in an ascending array (its length if none). */
function firstAtOrAfter(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---------------------------------------------------------------------------------------
// Footer

async function readFooter(source: RandomAccessSource, file: AsyncBuffer): Promise<FileMetaData> {
  const size = source.byteLength;
  if (size === 0) throw new InputError('is empty (0 bytes)');
  const head = new DataView(await source.read(0, Math.min(4, size)));
  if (head.byteLength < 4 || head.getUint32(0, true) !== MAGIC) {
    throw new InputError(`is not a Parquet file (it does not start and end with PAR1); ${describeStart(new Uint8Array(head.buffer))}`);
  }
  const truncated = 'the footer that holds its schema and row groups is missing, so no row can be read; copy or download it again';
  if (size < 12) throw new InputError(`is a truncated Parquet file: it starts with PAR1 but is only ${size} bytes long; ${truncated}`);
  const tail = new DataView(await source.read(size - 8, size));
  const magic = tail.getUint32(4, true);
  if (magic === MAGIC_ENCRYPTED) {
    throw new InputError('is an encrypted Parquet file (its footer ends with PARE); Collapse Lens cannot decrypt it: write an unencrypted copy');
  }
  if (magic !== MAGIC) throw new InputError(`is a truncated Parquet file: it starts with PAR1 but does not end with it; ${truncated}`);
  const metadataLength = tail.getUint32(0, true);
  if (metadataLength === 0 || metadataLength > size - 12) {
    throw new InputError(`has a corrupt Parquet footer: it gives its length as ${metadataLength} bytes, but the file has ${size - 12} bytes between its PAR1 marks; the file is damaged or was cut and joined — write it again`);
  }
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file, { initialFetchSize: metadataLength + 8 });
    checkMetadata(metadata);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`has a corrupt Parquet footer (its metadata could not be decoded: ${describeReadError(error)}); the file is damaged — write it again`);
  }
  const codecs = new Map<string, string[]>();
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      const codec = chunk.meta_data?.codec ?? 'an unknown codec';
      if (!CODECS.has(codec) && !codecs.get(codec)?.includes(columnPath(chunk))) codecs.set(codec, [...(codecs.get(codec) ?? []), columnPath(chunk)]);
    }
  }
  if (codecs.size > 0) {
    const list = [...codecs].map(([codec, cols]) => `${codec} (column ${cols.slice(0, 3).join(', ')}${cols.length > 3 ? ', …' : ''})`).join(', ');
    throw new InputError(`is compressed with ${list}, which Collapse Lens cannot decompress; write it again with snappy, zstd or gzip (e.g. pyarrow.parquet.write_table(table, path, compression="zstd"))`);
  }
  return metadata;
}

/** Garbage that happens to decode as thrift must not reach the row readers. */
function checkMetadata(metadata: FileMetaData): void {
  if (!Array.isArray(metadata.schema) || metadata.schema.length === 0 || !Array.isArray(metadata.row_groups)) {
    throw new Error('no schema or row groups');
  }
  parquetSchema(metadata); // throws on a schema whose children do not add up
  const leaves = metadata.schema.filter((e) => e.type !== undefined).length;
  for (const group of metadata.row_groups) {
    if (!group || !Array.isArray(group.columns) || typeof group.num_rows !== 'bigint' || group.num_rows < 0n) throw new Error('a row group without a row count');
    if (group.columns.length !== leaves) throw new Error(`a row group has ${group.columns.length} column chunks for ${leaves} columns`);
    for (const chunk of group.columns) {
      if (chunk.file_path) throw new InputError(`keeps its column data in another file (${chunk.file_path}), which Collapse Lens does not follow; analyze the data files themselves`);
      if (!chunk.meta_data || !Array.isArray(chunk.meta_data.path_in_schema)) throw new Error('a column chunk without metadata');
    }
  }
}

/**
 * Top-level columns worth decoding: not those whose every leaf is binary without a string
 * annotation (their values are dropped anyway, and they are often the bulk of the file: HF
 * Image and Audio bytes), nor those hyparquet cannot convert (BSON, INTERVAL).
 */
function selectColumns(metadata: FileMetaData): string[] {
  const tree = parquetSchema(metadata);
  const kept: string[] = [];
  const unsupported: string[] = [];
  for (const child of tree.children) {
    const leaves = leafNodes(child);
    const bad = leaves.find((l) => UNSUPPORTED_TYPES.has(l.element.converted_type ?? ''));
    if (bad) unsupported.push(`${child.element.name} (${bad.element.converted_type})`);
    else if (!leaves.every(isOpaqueBinary)) kept.push(child.element.name);
  }
  if (kept.length === 0) {
    if (unsupported.length > 0) {
      throw new InputError(`has only columns of types Collapse Lens cannot read: ${unsupported.join(', ')}; convert them to strings or numbers`);
    }
    if (tree.children.length > 0) {
      throw new InputError('has only binary columns (byte arrays without a string type), which Collapse Lens does not read; store text as string columns');
    }
  }
  return kept;
}

function leafNodes(node: SchemaTree, out: SchemaTree[] = []): SchemaTree[] {
  if (node.children.length === 0) out.push(node);
  for (const child of node.children) leafNodes(child, out);
  return out;
}

function isOpaqueBinary(leaf: SchemaTree): boolean {
  const { type, converted_type: ct, logical_type: lt } = leaf.element;
  return (type === 'BYTE_ARRAY' || type === 'FIXED_LEN_BYTE_ARRAY') && ct === undefined && lt === undefined;
}

/**
 * A column chunk of the row group whose path is not a column of the schema. hyparquet finds it
 * only after it has started reading the chunks before it, whose failures nobody then awaits
 * (unhandled rejections), so the row group is refused before any read.
 */
function unknownColumn(tree: SchemaTree, group: RowGroup, columns: string[]): string | undefined {
  for (const chunk of group.columns) {
    const path = chunk.meta_data?.path_in_schema ?? [];
    if (!columns.includes(path[0] ?? '')) continue;
    let node: SchemaTree | undefined = tree;
    for (const part of path) node = node?.children.find((c) => c.element.name === part);
    if (!node || node.children.length > 0) return `a column chunk names ${path.join('.')}, which is not a column of the file's schema`;
  }
  return undefined;
}

function topName(chunk: ColumnChunk): string {
  return chunk.meta_data?.path_in_schema[0] ?? '';
}

function columnPath(chunk: ColumnChunk): string {
  return chunk.meta_data?.path_in_schema.join('.') ?? '?';
}

function byteSpan(chunks: ColumnChunk[]): { start: number; end: number } {
  let start = Infinity;
  let end = 0;
  for (const chunk of chunks) {
    const meta = chunk.meta_data;
    if (!meta) continue;
    const first = Number(meta.dictionary_page_offset || meta.data_page_offset);
    start = Math.min(start, first);
    end = Math.max(end, first + Number(meta.total_compressed_size));
  }
  return { start: Number.isFinite(start) ? start : 0, end };
}

// ---------------------------------------------------------------------------------------
// Values: JSON-like, like the records of the text formats

/** Converts a decoded row in place; columns whose value is dropped are deleted. */
function toRecord(row: Record<string, unknown>): Record<string, unknown> {
  for (const key in row) {
    const value = row[key];
    if (typeof value === 'string' || typeof value === 'boolean' || value === null) continue;
    const plain = toPlain(value);
    if (plain === undefined) delete row[key];
    else row[key] = plain;
  }
  return row;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function toPlain(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : value.toString();
    case 'undefined':
      return undefined;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map(toElement);
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (value instanceof Uint8Array || value instanceof ArrayBuffer) return undefined; // opaque binary
      if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>, toElement);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const plain = toPlain(v);
        if (plain !== undefined) out[k] = plain;
      }
      return out;
    }
    default:
      return undefined;
  }
}

function toElement(value: unknown): unknown {
  const plain = toPlain(value);
  return plain === undefined ? null : plain;
}

// ---------------------------------------------------------------------------------------
// Messages

function describeStart(bytes: Uint8Array): string {
  const b0 = bytes[0];
  if (b0 === 0x1f && bytes[1] === 0x8b) return 'it is gzip-compressed: decompress it first';
  if (b0 === 0x50 && bytes[1] === 0x4b) return 'it is a ZIP archive: extract the .parquet files from it';
  if (b0 === 0x7b || b0 === 0x5b) return 'it looks like JSON text: name it .json or .jsonl';
  if (b0 === 0x41 && bytes[1] === 0x52 && bytes[2] === 0x52 && bytes[3] === 0x4f) return 'it is an Arrow IPC (Feather) file: write it as Parquet (e.g. pyarrow.parquet.write_table)';
  return 'expected a Parquet file as written by pyarrow, pandas (to_parquet) or the datasets library (Dataset.to_parquet)';
}

/** hyparquet's and the decompressors' errors, without their "parquet " prefix. */
function describeReadError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const text = message.replace(/^parquet\s+/i, '').trim() || (error instanceof Error ? error.name : 'unknown error');
  if (error instanceof RangeError || /out of bounds|outside the bounds/i.test(text)) return `the data is corrupt (${text})`;
  return text;
}
