// Cutting a JSON Lines file into byte ranges that start at the beginning of a line, so each
// can be read by its own thread (parallel.ts), and counting the lines of a range, so each
// range's records carry their line numbers in the whole file.
import { open } from 'node:fs/promises';
import { openFileStream } from '../localDisk';

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

/** Line breaks (0x0A bytes) in bytes [start, end) of the file. */
export async function countLineBreaks(file: string, range: { start: number; end: number }): Promise<number> {
  let count = 0;
  for await (const chunk of openFileStream(file, range)) {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) count++;
  }
  return count;
}
