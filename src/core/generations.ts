// Ordering of generations: files and group ids sort "naturally" (gen2 before gen10).
import { stripDataExtension } from '../shared/formats';

const baseName = (p: string) => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);

const chunk = /(\d+|\D+)/g;

/** Natural-sort comparison: digit runs compare as numbers, the rest as text. */
export function naturalCompare(a: string, b: string): number {
  const xa = a.match(chunk) ?? [];
  const xb = b.match(chunk) ?? [];
  const n = Math.min(xa.length, xb.length);
  let caseTie = 0;
  for (let i = 0; i < n; i++) {
    const pa = xa[i]!;
    const pb = xb[i]!;
    if (pa === pb) continue;
    const da = pa.charCodeAt(0) >= 48 && pa.charCodeAt(0) <= 57;
    const db = pb.charCodeAt(0) >= 48 && pb.charCodeAt(0) <= 57;
    if (da && db) {
      const d = Number(pa) - Number(pb);
      if (d !== 0) return d;
      // "007" vs "7": shorter first, so the order is total.
      if (pa.length !== pb.length) return pa.length - pb.length;
      continue;
    }
    const la = pa.toLowerCase();
    const lb = pb.toLowerCase();
    if (la !== lb) return la < lb ? -1 : 1;
    // Case only breaks ties, so "Gen3" still sorts between "gen2" and "gen10".
    if (caseTie === 0) caseTie = pa < pb ? -1 : 1;
  }
  return xa.length - xb.length || caseTie;
}

/** Whether a group id is a number (when every id is, they sort as numbers). */
export function isNumericId(id: string): boolean {
  return id.trim() !== '' && Number.isFinite(Number(id));
}

/** Orders ids that are all numbers. */
export const numericCompare = (a: string, b: string) => Number(a) - Number(b);

/** Orders group ids: numerically when every id is a number, naturally otherwise. */
export function compareGroupIds(ids: readonly string[]): (a: string, b: string) => number {
  return ids.every(isNumericId) ? numericCompare : naturalCompare;
}

/** Group ids for files: the file name without its extensions when unique, else the path. */
export function groupIdsForFiles(displays: string[]): string[] {
  const stem = (p: string) => stripDataExtension(baseName(p));
  const stems = displays.map(stem);
  const unique = new Set(stems).size === stems.length;
  return unique ? stems : displays;
}
