// compression_ratio (METRICS.md): the UTF-8 bytes of a generation's records joined with one
// space over the size of the file the reference package writes for them. The streaming side
// keeps the records themselves, all of them while they fit the sample size, else chunks of
// consecutive lines chosen by a seeded hash of their number, so the text compressed depends
// on the data alone, not on how the input was split (parts merge into the whole's sample).
import { gzipLevel9, utf8Length } from '../bytes';
import { positionKey } from '../numeric/bottomK';

/**
 * Size of the file `diversity.compression_ratio` measures for gzip: it writes
 * `gzip.compress(text)` (level 9) through a second `gzip.GzipFile('compressed.gz')`, so the
 * file is a gzip member (level 9) wrapping the first one, whose header also carries the
 * name "compressed" and its NUL (FNAME, 11 bytes; node's gzip writes no name). The second
 * layer only adds a fixed ~34 bytes on text (stored blocks), which is why the reference
 * prints 1.641 on its README example where a single gzip gives 1.82. We reproduce the file
 * so the metric stays within 2% of the reference on small groups too; on groups of a few
 * KB or more the difference from a single gzip is negligible.
 */
export function referenceGzipFileSize(bytes: Uint8Array): number {
  const inner = gzipLevel9(bytes);
  const outer = gzipLevel9(inner);
  return outer.length + 'compressed'.length + 1;
}

/** Lines per chunk: the records of lines [128·c, 128·(c + 1)) form chunk c. */
export const COMPRESSION_CHUNK_LINES = 128;

interface Chunk {
  id: number;
  key: number;
  /** The records' UTF-8 bytes back to back (one buffer a chunk: no string per record for the collector). */
  data: Uint8Array;
  used: number;
  /** Per record: line, index on the line, and where its bytes start in `data`. */
  lines: number[];
  indices: number[];
  starts: number[];
  /** UTF-8 bytes of the records, and one for each separating space. */
  bytes: number;
}

/** A CompressionSample as plain data. */
export interface CompressionState {
  totalBytes: number;
  records: number;
  sampled: boolean;
  /** Chunk keys from this one on were left out for good (null: none). */
  cut: number | null;
  /** The kept records by chunk, in position order: [line, index on the line, text]. */
  chunks: { id: number; records: [number, number, string][] }[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function newChunk(id: number, key: number): Chunk {
  return { id, key, data: new Uint8Array(1024), used: 0, lines: [], indices: [], starts: [], bytes: 0 };
}

/** Appends one record's bytes (its UTF-8 length is `length`). */
function append(c: Chunk, line: number, index: number, text: string | Uint8Array, length: number): void {
  if (c.used + length > c.data.length) {
    let cap = c.data.length * 2;
    while (cap < c.used + length) cap *= 2;
    const data = new Uint8Array(cap);
    data.set(c.data.subarray(0, c.used));
    c.data = data;
  }
  c.lines.push(line);
  c.indices.push(index);
  c.starts.push(c.used);
  if (typeof text === 'string') encoder.encodeInto(text, c.data.subarray(c.used, c.used + length));
  else c.data.set(text, c.used);
  c.used += length;
  c.bytes += length + 1;
}

/** The chunk's records as [line, index, bytes], in position order. */
function records(c: Chunk): [number, number, Uint8Array][] {
  const out = c.lines.map((line, k) => [line, c.indices[k]!, c.data.subarray(c.starts[k]!, k + 1 < c.starts.length ? c.starts[k + 1]! : c.used)] as [number, number, Uint8Array]);
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/**
 * The records compression_ratio is computed on: every record while their joined text fits
 * `sampleBytes`, else whole chunks of 128 consecutive lines, those with the smallest seeded
 * hashes of their number that fit (the longest such run, and at least one), compressed back
 * to back in line order. Chunks keep the local structure deflate sees (its window is 32 KiB),
 * and which chunks are kept depends on the lines alone: a part of the input holds at most
 * as many bytes of a chunk as the whole, so the chunks a part keeps include every chunk of
 * the whole's sample it saw records of, and merged parts trim to the whole's sample.
 */
export class CompressionSample {
  private readonly chunks = new Map<number, Chunk>();
  private kept = 0;
  private threshold = Infinity;
  private dropped = false;
  private last: Chunk | undefined;
  totalBytes = 0;
  private records = 0;

  constructor(
    private readonly sampleBytes: number,
    private readonly seed: number,
  ) {}

  add(text: string, line: number, index: number): void {
    const length = utf8Length(text);
    this.totalBytes += length + (this.records++ === 0 ? 0 : 1);
    const id = Math.floor(line / COMPRESSION_CHUNK_LINES);
    let chunk = this.last !== undefined && this.last.id === id ? this.last : this.chunks.get(id);
    if (chunk === undefined) {
      const key = positionKey(this.seed, id);
      if (key >= this.threshold) {
        this.dropped = true;
        return;
      }
      chunk = newChunk(id, key);
      this.chunks.set(id, chunk);
    }
    this.last = chunk;
    append(chunk, line, index, text, length);
    this.kept += length + 1;
    this.trim();
  }

  /** Drops the chunks of the largest keys while over the budget (never the last one). */
  private trim(): void {
    while (this.kept > this.sampleBytes && this.chunks.size > 1) {
      let largest: Chunk | undefined;
      for (const c of this.chunks.values()) if (!largest || c.key > largest.key) largest = c;
      this.chunks.delete(largest!.id);
      this.kept -= largest!.bytes;
      this.threshold = Math.min(this.threshold, largest!.key);
      this.dropped = true;
      if (this.last === largest) this.last = undefined;
    }
  }

  merge(other: CompressionSample): void {
    this.totalBytes = this.totalBytes + other.totalBytes + (this.records > 0 && other.records > 0 ? 1 : 0);
    this.records += other.records;
    this.dropped ||= other.dropped;
    this.threshold = Math.min(this.threshold, other.threshold);
    for (const oc of other.chunks.values()) {
      let c = this.chunks.get(oc.id);
      if (c === undefined) this.chunks.set(oc.id, (c = newChunk(oc.id, oc.key)));
      for (const [line, index, bytes] of records(oc)) append(c, line, index, bytes, bytes.length);
      this.kept += oc.bytes;
    }
    for (const c of [...this.chunks.values()]) {
      if (c.key < this.threshold) continue;
      this.chunks.delete(c.id);
      this.kept -= c.bytes;
    }
    this.last = undefined;
    this.trim();
  }

  get sampled(): boolean {
    return this.dropped;
  }

  /** UTF-8 bytes of the joined sample and its ratio. */
  ratio(): { ratio: number; bytes: number } {
    const bytes = this.joined();
    return { ratio: bytes.length / referenceGzipFileSize(bytes), bytes: bytes.length };
  }

  /**
   * `ratio`, with the file's size from `fileSize` (`referenceGzipFileSize` on another thread,
   * which the joined bytes move to): the sample's size now, its ratio later.
   */
  ratioLater(fileSize: (bytes: Uint8Array) => Promise<number>): { ratio: Promise<number>; bytes: number } {
    const bytes = this.joined();
    const n = bytes.length;
    return { ratio: fileSize(bytes).then((size) => n / size), bytes: n };
  }

  /** The kept records' UTF-8 bytes in position order, joined with one space. */
  private joined(): Uint8Array {
    const all: [number, number, Uint8Array][] = [];
    for (const c of this.chunks.values()) for (const r of records(c)) all.push(r);
    all.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let n = Math.max(0, all.length - 1);
    for (const r of all) n += r[2].length;
    const bytes = new Uint8Array(n);
    let at = 0;
    all.forEach((r, k) => {
      if (k > 0) bytes[at++] = 32;
      bytes.set(r[2], at);
      at += r[2].length;
    });
    return bytes;
  }

  toState(): CompressionState {
    const chunks = [...this.chunks.values()]
      .sort((a, b) => a.id - b.id)
      .map((c) => ({ id: c.id, records: records(c).map(([line, index, bytes]) => [line, index, decoder.decode(bytes)] as [number, number, string]) }));
    return { totalBytes: this.totalBytes, records: this.records, sampled: this.dropped, cut: this.threshold === Infinity ? null : this.threshold, chunks };
  }

  static fromState(state: CompressionState, sampleBytes: number, seed: number): CompressionSample {
    const s = new CompressionSample(sampleBytes, seed);
    s.totalBytes = state.totalBytes;
    s.records = state.records;
    s.dropped = state.sampled;
    s.threshold = state.cut ?? Infinity;
    for (const c of state.chunks) {
      const chunk = newChunk(c.id, positionKey(seed, c.id));
      for (const [line, index, text] of c.records) {
        const bytes = encoder.encode(text);
        append(chunk, line, index, bytes, bytes.length);
      }
      s.chunks.set(c.id, chunk);
      s.kept += chunk.bytes;
    }
    return s;
  }
}
