// Cutting a JSON Lines file into byte ranges that start at the beginning of a line, so each
// can be read by its own thread (parallel.ts), and counting the lines of a range, so each
// range's records carry their line numbers in the whole file.
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { openFileSource, openFileStream } from '../localDisk';
import { parquetRowAccess } from '../readers/parquet';
import type { ParquetRowAccess } from '../readers/parquet';
import { makeProjector } from './project';
import { projectionSpec } from './fields';
import type { FieldsUsed } from './partial';

/** Bytes looked at from a cut point for the next line break, per read. */
const PROBE = 64 * 1024;

/**
 * Up to `parts` ranges [start, end) covering the file, each cut just after a line break near
 * an even share of the bytes; fewer when the lines are long. The first range starts at 0.
 */
export async function lineRanges(file: string, size: number, parts: number): Promise<{ start: number; end: number }[]> {
  const cuts: number[] = [0];
  if (parts > 1 && size > 0) {
    const handle = await open(file, 'r');
    try {
      const buf = Buffer.alloc(PROBE);
      for (let k = 1; k < parts; k++) {
        let pos = Math.max(Math.floor((size * k) / parts), cuts[cuts.length - 1]!);
        let cut = -1;
        while (pos < size) {
          const { bytesRead } = await handle.read(buf, 0, PROBE, pos);
          if (bytesRead === 0) break;
          const nl = buf.subarray(0, bytesRead).indexOf(10);
          if (nl !== -1) {
            cut = pos + nl + 1;
            break;
          }
          pos += bytesRead;
        }
        if (cut === -1 || cut >= size) break;
        if (cut > cuts[cuts.length - 1]!) cuts.push(cut);
      }
    } finally {
      await handle.close();
    }
  }
  return cuts.map((start, i) => ({ start, end: i + 1 < cuts.length ? cuts[i + 1]! : size }));
}

/**
 * Line breaks (0x0A bytes) in bytes [start, end) of the file; with `carriageReturns`, a CR
 * not followed by LF counts too, as the CSV reader counts lines (a range ends after an LF).
 */
export async function countLineBreaks(file: string, range: { start: number; end: number }, carriageReturns = false): Promise<number> {
  let count = 0;
  let crAtEnd = false;
  for await (const chunk of openFileStream(file, range)) {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) count++;
    if (!carriageReturns || buf.length === 0) continue;
    if (crAtEnd && buf[0] !== 10) count++;
    for (let i = buf.indexOf(13); i !== -1 && i + 1 < buf.length; i = buf.indexOf(13, i + 1)) if (buf[i + 1] !== 10) count++;
    crAtEnd = buf[buf.length - 1] === 13;
  }
  if (crAtEnd) count++;
  return count;
}

/** Most bytes looked at from a cut for the next change of generation before the cut is dropped. */
export const GENERATION_SCAN_BYTES = 64 * 1024 * 1024;

/**
 * The ranges with each cut but the first moved forward to where the generation changes: to
 * the first line whose generation (`groupOf` of the line's text; undefined for a line without
 * one, which is passed over) differs from the one before. The change is looked for within the
 * range the cut starts and `maxScan` bytes; where there is none the cut is dropped (its range
 * joins the one before), and so is a range whose first and last lines are of the generation
 * before it, without reading it (generations that follow one another do not come back). In
 * a file whose generations follow one another, each generation then lies in one range,
 * which its thread can reduce as a plain analysis does.
 */
export async function generationRanges(
  file: string,
  ranges: readonly { start: number; end: number }[],
  groupOf: (line: string) => string | undefined,
  maxScan = GENERATION_SCAN_BYTES,
): Promise<{ start: number; end: number }[]> {
  if (ranges.length === 0) return [];
  const size = ranges[ranges.length - 1]!.end;
  const cuts: number[] = [0];
  const handle = await open(file, 'r');
  try {
    // A range's end is the next one's start: each line before a cut is read once.
    const known = new Map<number, string | undefined>();
    const before = async (at: number) => {
      if (!known.has(at)) known.set(at, await groupBefore(handle, at, groupOf));
      return known.get(at);
    };
    for (let k = 1; k < ranges.length; k++) {
      const from = Math.max(ranges[k]!.start, cuts[cuts.length - 1]!);
      const end = ranges[k]!.end;
      if (from >= end) continue;
      const first = await before(from);
      if (first !== undefined && first === (await before(end))) continue;
      const cut = await nextGenerationChange(file, from, groupOf, Math.min(maxScan, end - from), first);
      if (cut !== undefined && cut > cuts[cuts.length - 1]! && cut < size) cuts.push(cut);
    }
  } finally {
    await handle.close();
  }
  return cuts.map((start, i) => ({ start, end: i + 1 < cuts.length ? cuts[i + 1]! : size }));
}

/** The generation of the line that ends just before `at` (a line start, or the file's size), when it is short enough to find. */
async function groupBefore(handle: FileHandle, at: number, groupOf: (line: string) => string | undefined): Promise<string | undefined> {
  if (at === 0) return undefined;
  const from = Math.max(0, at - PROBE);
  const buf = Buffer.alloc(at - from);
  const { bytesRead } = await handle.read(buf, 0, buf.length, from);
  const bytes = buf.subarray(0, bytesRead);
  const nl = bytes.lastIndexOf(10, bytes.length - 2);
  if (nl === -1 && from > 0) return undefined;
  return groupOf(bytes.subarray(nl + 1, bytes.length - 1).toString('utf8'));
}

/** The start of the first line at or after `at` whose generation differs from the one before it (`before` for the first). */
async function nextGenerationChange(file: string, at: number, groupOf: (line: string) => string | undefined, maxScan: number, before: string | undefined): Promise<number | undefined> {
  let previous = before;
  let lineStart = at;
  // The pieces of a line that spans chunks, joined once its end is read (a long line is not copied per chunk).
  const pieces: Buffer[] = [];
  for await (const chunk of openFileStream(file, { start: at, end: at + maxScan })) {
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (buf.indexOf(10) === -1) {
      pieces.push(buf);
      continue;
    }
    const base = lineStart;
    if (pieces.length > 0) buf = Buffer.concat([...pieces.splice(0), buf]);
    let pos = 0;
    for (let nl = buf.indexOf(10, pos); nl !== -1; nl = buf.indexOf(10, pos)) {
      const group = groupOf(buf.subarray(pos, nl).toString('utf8'));
      if (group !== undefined) {
        if (previous !== undefined && group !== previous) return base + pos;
        previous = group;
      }
      pos = nl + 1;
    }
    lineStart = base + pos;
    if (pos < buf.length) pieces.push(buf.subarray(pos));
  }
  return undefined;
}

/**
 * The generation of one line of a JSON Lines file (or of a CSV or TSV file, read by `record`),
 * as the projection of its record gives it (undefined for a line without one).
 */
export function generationOfLine(fields: FieldsUsed, display: string, record: (line: string) => Record<string, unknown> | undefined = jsonRecord): (line: string) => string | undefined {
  const generation = generationOfRecord(fields, display);
  return (line) => {
    const value = record(line);
    return value === undefined ? undefined : generation(value);
  };
}

/** The generation of a record, as its projection gives it (undefined for a record without one). */
export function generationOfRecord(fields: FieldsUsed, display: string): (record: Record<string, unknown>) => string | undefined {
  const project = makeProjector(projectionSpec(fields, display));
  return (value) => {
    const p = project({ line: 0, value });
    return p && !p.malformed ? p.group : undefined;
  };
}

function jsonRecord(line: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Most rows looked at from a cut of a Parquet file for the next change of generation before the cut is dropped. */
export const GENERATION_SCAN_ROWS = 1 << 20;

/**
 * Rows [start, end) of a Parquet file for `parts` threads: cut near an even share of the
 * bytes of its row groups, and with `groupOf` (the generation of a record holding the
 * columns `columns`) moved forward to the first row whose generation differs from the one
 * before (rows without one passed over), within GENERATION_SCAN_ROWS, as generationRanges
 * does for lines. Rows are read only around the cuts, and only those columns.
 */
export async function parquetRowRanges(
  file: string,
  parts: number,
  generation?: { columns: string[]; groupOf: (record: Record<string, unknown>) => string | undefined },
  maxScan = GENERATION_SCAN_ROWS,
): Promise<{ start: number; end: number }[]> {
  const source = await openFileSource(file);
  try {
    const access = await parquetRowAccess(source);
    const groups = access.groups;
    const totalRows = groups.reduce((a, g) => a + g.rows, 0);
    const totalBytes = groups.reduce((a, g) => a + g.bytes, 0);
    const groupEnds: number[] = [];
    for (const g of groups) groupEnds.push((groupEnds[groupEnds.length - 1] ?? 0) + g.rows);
    const cuts: number[] = [0];
    for (let k = 1; k < parts; k++) {
      // The row at an even share of the bytes, within its row group in proportion.
      const target = (totalBytes * k) / parts;
      let bytes = 0;
      let row = totalRows;
      for (let g = 0, first = 0; g < groups.length; first += groups[g]!.rows, g++) {
        const b = groups[g]!.bytes;
        if (bytes + b >= target) {
          row = first + Math.round((groups[g]!.rows * (target - bytes)) / Math.max(1, b));
          break;
        }
        bytes += b;
      }
      let cut: number | undefined = Math.max(row, cuts[cuts.length - 1]!);
      if (generation && cut > 0 && cut < totalRows) cut = await nextRowChange(access, cut, groupEnds, generation, maxScan);
      if (cut !== undefined && cut > cuts[cuts.length - 1]! && cut < totalRows) cuts.push(cut);
    }
    return cuts.map((start, i) => ({ start, end: i + 1 < cuts.length ? cuts[i + 1]! : totalRows }));
  } finally {
    await source.close();
  }
}

/** The first row at or after `at` whose generation differs from the one before it, read a row group at a time. */
async function nextRowChange(
  access: ParquetRowAccess,
  at: number,
  groupEnds: readonly number[],
  generation: { columns: string[]; groupOf: (record: Record<string, unknown>) => string | undefined },
  maxScan: number,
): Promise<number | undefined> {
  let previous = generation.groupOf((await access.rows(generation.columns, at - 1, at))[0] ?? {});
  for (let from = at; from < at + maxScan;) {
    const end = groupEnds.find((e) => e > from);
    if (end === undefined) return undefined;
    const to = Math.min(end, at + maxScan);
    const records = await access.rows(generation.columns, from, to);
    for (let i = 0; i < records.length; i++) {
      const group = generation.groupOf(records[i]!);
      if (group === undefined) continue;
      if (previous !== undefined && group !== previous) return from + i;
      previous = group;
    }
    from = to;
  }
  return undefined;
}
