// near_duplicate_rate (METRICS.md): the records with another record of Jaccard similarity
// ≥ 0.8 on their word 3-gram shingles, found by an exact similarity join. The flags are a
// property of the set of records (each record's flag is whether a qualifying partner exists),
// so they do not depend on the order the sets are given in.
import { fmix32, join53, LANE_HI, LANE_LO, lowBits, mixWord } from '../numeric/hash53';
import { KeyIndex53 } from '../numeric/hashTables';
import { grownI32 as growI32 } from '../numeric/grow';

/** A sorted copy without repeats. */
export function sortedUnique(values: Float64Array): Float64Array {
  const sorted = Float64Array.from(values).sort();
  let m = sorted.length > 0 ? 1 : 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[m - 1]) sorted[m++] = sorted[i]!;
  return sorted.subarray(0, m);
}

/** Records' shingle hashes back to back (`sizes` says how many each), in one array to move between threads. */
export interface PackedShingles {
  hashes: Float64Array;
  sizes: Int32Array;
}

/** Records' shingle hashes packed back to back. */
export function packShingles(records: readonly Float64Array[]): PackedShingles {
  let total = 0;
  for (const r of records) total += r.length;
  const packed = { hashes: new Float64Array(total), sizes: Int32Array.from(records, (r) => r.length) };
  let at = 0;
  for (const r of records) {
    packed.hashes.set(r, at);
    at += r.length;
  }
  return packed;
}

/** `nearDuplicateFlags` of packed records, each one's hashes in any order and with repeats. */
export function packedNearDuplicateFlags(packed: PackedShingles, threshold: number): Uint8Array {
  const sets: Float64Array[] = [];
  let at = 0;
  for (const size of packed.sizes) {
    sets.push(sortedUnique(packed.hashes.subarray(at, at + size)));
    at += size;
  }
  return nearDuplicateFlags(sets, threshold);
}

/**
 * For each record (its sorted unique shingle hashes), whether another record has Jaccard
 * ≥ threshold. Exact, like the pairwise loop of `nearDuplicateRate`, but without comparing
 * every pair (AllPairs, Bayardo et al. 2007):
 * - identical shingle sets are grouped first (J = 1), which makes collapsed generations cheap;
 * - J(A, B) ≥ t implies |A ∩ B| ≥ t·max(|A|, |B|), so with every set sorted in one global
 *   order two qualifying sets share one of their first |X| − ⌈t·|X|⌉ + 1 elements (prefix
 *   filter), and min/max size ≥ t (size filter). The global order is rarest shingle first,
 *   so prefixes hold rare shingles and few pairs become candidates;
 * - only candidates are verified, and a pair whose records are both flagged is skipped.
 */
export function nearDuplicateFlags(sets: readonly Float64Array[], threshold: number): Uint8Array {
  const n = sets.length;
  const flags = new Uint8Array(n);
  if (n === 0) return flags;

  // 1. Group identical sets.
  const rep = new Int32Array(n);
  const uniq: Float64Array[] = [];
  const multiplicity: number[] = [];
  const byHash = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const s = sets[i]!;
    const h = setHash(s);
    const bucket = byHash.get(h);
    let u = -1;
    if (bucket) for (const c of bucket) if (equalArrays(uniq[c]!, s)) u = c;
    if (u < 0) {
      u = uniq.length;
      uniq.push(s);
      multiplicity.push(0);
      if (bucket) bucket.push(u);
      else byHash.set(h, [u]);
    }
    multiplicity[u]!++;
    rep[i] = u;
  }
  const m = uniq.length;
  const flagged = new Uint8Array(m);
  for (let u = 0; u < m; u++) if (multiplicity[u]! >= 2 && 1 >= threshold) flagged[u] = 1;

  // 2. Rank shingles by document frequency, rarest first (ties by first appearance), via
  // one numeric sort of df · 2^32 + id.
  let totalShingles = 0;
  for (const s of uniq) totalShingles += s.length;
  const index = new KeyIndex53(Math.max(16, totalShingles));
  let df: Int32Array = new Int32Array(1024);
  const idsOf = uniq.map((s) => {
    const ids = new Int32Array(s.length);
    for (let k = 0; k < s.length; k++) {
      const id = index.idOf(s[k]!);
      if (id >= df.length) df = growI32(df, id + 1);
      df[id]!++;
      ids[k] = id;
    }
    return ids;
  });
  const distinct = index.size;
  const byRank = new Float64Array(distinct);
  for (let id = 0; id < distinct; id++) byRank[id] = df[id]! * 4294967296 + id;
  byRank.sort();
  const rankOf = new Int32Array(distinct);
  for (let r = 0; r < distinct; r++) rankOf[lowBits(byRank[r]!)] = r; // the id: the low 32 bits
  const ranked = idsOf.map((ids) => {
    for (let k = 0; k < ids.length; k++) ids[k] = rankOf[ids[k]!]!;
    return ids.sort();
  });

  // 3. Probe and index prefixes, smallest sets first.
  const order = Array.from({ length: m }, (_, u) => u).sort((a, b) => ranked[a]!.length - ranked[b]!.length || a - b);
  const lists: (number[] | undefined)[] = new Array(distinct);
  const starts = new Int32Array(distinct);
  const stamp = new Int32Array(m).fill(-1);
  for (const u of order) {
    const a = ranked[u]!;
    const la = a.length;
    // Tolerance keeps the prefix long enough whatever the rounding of t·|A|.
    const prefix = Math.min(la, Math.max(1, la - Math.ceil(threshold * la - 1e-9) + 1));
    for (let k = 0; k < prefix; k++) {
      const list = lists[a[k]!];
      if (!list) continue;
      let start = starts[a[k]!]!;
      // Earlier sets are no larger; those below t·|A| can never qualify again.
      while (start < list.length && ranked[list[start]!]!.length / la < threshold) start++;
      starts[a[k]!] = start;
      for (let j = start; j < list.length; j++) {
        const v = list[j]!;
        if (stamp[v] === u) continue;
        stamp[v] = u;
        if (flagged[u] && flagged[v]) continue;
        if (jaccard(a, ranked[v]!) >= threshold) flagged[u] = flagged[v] = 1;
      }
    }
    for (let k = 0; k < prefix; k++) {
      const r = a[k]!;
      const list = lists[r];
      if (list) list.push(u);
      else lists[r] = [u];
    }
  }
  for (let i = 0; i < n; i++) flags[i] = flagged[rep[i]!]!;
  return flags;
}

function jaccard(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      inter++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return inter / (a.length + b.length - inter);
}

function setHash(s: Float64Array): number {
  let a = LANE_HI ^ s.length;
  let b = LANE_LO ^ s.length;
  for (let k = 0; k < s.length; k++) {
    const lo = lowBits(s[k]!);
    const hi = Math.floor(s[k]! / 4294967296);
    a = mixWord(mixWord(a, lo), hi);
    b = mixWord(mixWord(b, lo), hi);
  }
  return join53(fmix32(a), fmix32(b));
}

function equalArrays(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
