// Over 400 lines: Self-BLEU on a pool and the streaming references of a whole generation, with their merge and state, share the top-two n-gram tables.
// Self-BLEU at scale (Texygen's Self-BLEU: the mean over hypotheses of NLTK's sentence BLEU
// against every other record). The clipped count of a hypothesis' n-gram is its largest
// count over the other records: the top two counts per n-gram (and which record holds the
// top) give it for every hypothesis, and the brevity penalty needs only the multiset of
// lengths. `SelfBleuReferences` keeps both for a whole generation as records stream in, so
// the references are every record, whatever the size; hypotheses may be a sample. Records
// are told apart by an id the caller gives (the accumulator: a hash of the record's position),
// and n-grams are keyed by a function of their tokens' texts, so the references of parts of
// a generation merge (`merge`) into those of the whole.
import { join53, lowBits, rotl } from '../numeric/hash53';
import { ngramHash53 } from './tokenTable';
import { findSlot, rehashSlots, slotsFor } from '../numeric/hashTables';
import { grownI32 } from '../numeric/grow';

/**
 * The hash words of token ids (a `TokenTable`): an n-gram's key is then its tokens' words
 * rotated by distance from the end (the key the streaming sets give it), a function of the
 * tokens' texts; without them, a hash of the ids.
 */
export interface TokenWords {
  readonly laneHi: Int32Array;
  readonly laneLo: Int32Array;
}
import { fsum } from '../numeric/exactSum';

/**
 * NLTK's sentence BLEU from the modified-precision fractions, uniform weights 1/maxN and
 * `SmoothingFunction().method1`: 0 when no unigram matches; a zero numerator becomes
 * epsilon 0.1 over its denominator; exp of the correctly rounded (`math.fsum`) sum of
 * wₙ·log pₙ, times the brevity penalty (1 when the hypothesis is longer than the closest
 * reference, 0 for an empty hypothesis, else exp(1 − r/c)).
 */
export function bleuFromPrecisions(numerators: ArrayLike<number>, denominators: ArrayLike<number>, hypLen: number, closestRef: number, maxN: number): number {
  if (numerators[0] === 0) return 0;
  const w = 1 / maxN;
  const terms = new Float64Array(maxN);
  for (let i = 0; i < maxN; i++) {
    const num = numerators[i]!;
    const den = denominators[i]!;
    const p = num === 0 ? (0 + 0.1) / den : num / den;
    terms[i] = w * Math.log(p);
  }
  const bp = hypLen > closestRef ? 1 : hypLen === 0 ? 0 : Math.exp(1 - closestRef / hypLen);
  return bp * Math.exp(fsum(terms));
}

/**
 * For every n-gram, its largest count in one record (and which record), and the second
 * largest over the other records. NLTK clips a hypothesis' n-gram count by its maximum
 * count over the references, which for Self-BLEU are all records but the hypothesis: that
 * maximum is `max1` unless the hypothesis is the record holding it, then `max2`. One pass
 * over the pool replaces the O(R) scan per hypothesis and n-gram.
 */
export class TopTwoCounts {
  // A slot is three doubles (hashTables.ts, stride 3): the key, then, seen as 32-bit
  // integers, max1, who1 and max2. A probe touches one place in memory instead of one per field.
  private keys: Float64Array;
  private ints: Int32Array;
  private mask: number;
  private size = 0;

  /** Distinct n-grams held. */
  get entries(): number {
    return this.size;
  }

  constructor(initialCapacity: number) {
    const cap = slotsFor(initialCapacity);
    this.keys = new Float64Array(cap * 3);
    this.ints = new Int32Array(this.keys.buffer);
    this.mask = cap - 1;
  }

  /** Counts one record's `count` occurrences of the n-gram `key` (made by `join53`, so never 0). */
  update(key: number, count: number, record: number): void {
    const i = findSlot(this.keys, this.mask, key, undefined, 3);
    if (this.keys[i * 3] === 0) this.insert(i, key, count, record, 0);
    else this.count(i, count, record);
  }

  /** Counts one record's `count` occurrences of the n-gram in slot `i`. */
  private count(i: number, count: number, record: number): void {
    const ints = this.ints;
    const o = i * 6;
    if (count > ints[o + 2]!) {
      ints[o + 4] = ints[o + 2]!;
      ints[o + 2] = count;
      ints[o + 3] = record;
    } else if (count > ints[o + 4]!) ints[o + 4] = count;
  }

  /** Holds `key` (made by `join53`) with no count yet, so that `updateHeld` counts it. */
  reserve(key: number): void {
    const i = findSlot(this.keys, this.mask, key, undefined, 3);
    if (this.keys[i * 3] === 0) this.insert(i, key, 0, -1, 0);
  }

  /** `update` for a key the table holds; other keys are left out. */
  updateHeld(key: number, count: number, record: number): void {
    const i = findSlot(this.keys, this.mask, key, undefined, 3);
    if (this.keys[i * 3] !== 0) this.count(i, count, record);
  }

  /** Fills the empty slot `i`. */
  private insert(i: number, key: number, max1: number, who1: number, max2: number): void {
    this.keys[i * 3] = key;
    const ints = this.ints;
    const o = i * 6;
    ints[o + 2] = max1;
    ints[o + 3] = who1;
    ints[o + 4] = max2;
    if (++this.size * 2 > this.mask + 1) this.grow();
  }

  /** Largest count of the n-gram over every record except `record`. */
  maxExcluding(key: number, record: number): number {
    const i = findSlot(this.keys, this.mask, key, undefined, 3);
    if (this.keys[i * 3] === 0) return 0;
    const o = i * 6;
    return this.ints[o + 3] === record ? this.ints[o + 4]! : this.ints[o + 2]!;
  }

  /**
   * Folds in another table's entry: the top two counts of the union are the top two of
   * both tops and both seconds (the two tables hold different records).
   */
  mergeEntry(key: number, max1: number, who1: number, max2: number): void {
    const i = findSlot(this.keys, this.mask, key, undefined, 3);
    if (this.keys[i * 3] === 0) {
      this.insert(i, key, max1, who1, max2);
      return;
    }
    const ints = this.ints;
    const o = i * 6;
    const m1 = ints[o + 2]!;
    const m2 = ints[o + 4]!;
    if (max1 > m1) {
      ints[o + 2] = max1;
      ints[o + 3] = who1;
      ints[o + 4] = Math.max(m1, max2);
    } else ints[o + 4] = Math.max(m2, max1);
  }

  /** Adds every entry of another table. */
  merge(other: TopTwoCounts): void {
    const k = other.keys;
    const n = other.ints;
    for (let i = 0; i < k.length / 3; i++) if (k[i * 3] !== 0) this.mergeEntry(k[i * 3]!, n[i * 6 + 2]!, n[i * 6 + 3]!, n[i * 6 + 4]!);
  }

  /** The entries as five integers each (key low, key high + 1, max1, who1, max2), ordered by key. */
  toEntries(): Int32Array {
    const out = new Int32Array(this.size * 5);
    const order: number[] = [];
    const keys = this.keys;
    for (let i = 0; i < keys.length / 3; i++) if (keys[i * 3] !== 0) order.push(i);
    order.sort((a, b) => keys[a * 3]! - keys[b * 3]!);
    order.forEach((i, k) => {
      const key = keys[i * 3]!;
      out[k * 5] = lowBits(key) | 0;
      out[k * 5 + 1] = Math.floor(key / 4294967296) + 1;
      out.set(this.ints.subarray(i * 6 + 2, i * 6 + 5), k * 5 + 2);
    });
    return out;
  }

  static fromEntries(entries: Int32Array): TopTwoCounts {
    const t = new TopTwoCounts(Math.max(16, entries.length / 5));
    for (let i = 0; i + 5 <= entries.length; i += 5) {
      const hi = entries[i + 1]! - 1;
      // a key made by join53: 21 high bits, never 0 (0 marks an empty slot)
      if (hi < 0 || hi > 0x1fffff || (hi === 0 && entries[i] === 0)) throw new Error(`a Self-BLEU table entry holds an invalid key (entry ${i / 5})`);
      t.mergeEntry(hi * 4294967296 + (entries[i]! >>> 0), entries[i + 2]!, entries[i + 3]!, entries[i + 4]!);
    }
    return t;
  }

  private grow(): void {
    const old = this.ints;
    let ints: Int32Array | undefined;
    this.keys = rehashSlots(this.keys, (this.mask + 1) * 2, 3, (from, to, table) => {
      ints ??= new Int32Array(table.buffer);
      ints.set(old.subarray(from * 6 + 2, from * 6 + 5), to * 6 + 2);
    });
    this.ints = new Int32Array(this.keys.buffer);
    this.mask = this.keys.length / 3 - 1;
  }
}

/** `a[0..m)` sorted ascending in place and returned as a view: insertion sort for the few n-grams of a typical record (a native sort's call costs more there). */
function sortSmall(a: Float64Array, m: number): Float64Array {
  if (m > 48) return a.subarray(0, m).sort();
  for (let i = 1; i < m; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
  return a.subarray(0, m);
}

/** Sorted n-gram hashes of one record, run-length encoded into `keys`/`counts`; returns the number of distinct n-grams. */
function localCounts(ids: Int32Array, n: number, scratch: Float64Array, keys: Float64Array, counts: Int32Array, words: TokenWords | undefined): number {
  const m = ids.length - n + 1;
  if (m <= 0) return 0;
  if (words === undefined) for (let e = n; e <= ids.length; e++) scratch[e - n] = ngramHash53(ids, e, n);
  else {
    const th = words.laneHi;
    const tl = words.laneLo;
    for (let e = n; e <= ids.length; e++) {
      let hi = 0;
      let lo = 0;
      for (let k = 0; k < n; k++) {
        const id = ids[e - 1 - k]!;
        hi ^= rotl(th[id]!, 5 * k);
        lo ^= rotl(tl[id]!, 5 * k);
      }
      scratch[e - n] = join53(hi, lo);
    }
  }
  const sorted = sortSmall(scratch, m);
  let d = 0;
  for (let i = 0; i < m; i++) {
    if (d > 0 && keys[d - 1] === sorted[i]) counts[d - 1]!++;
    else {
      keys[d] = sorted[i]!;
      counts[d] = 1;
      d++;
    }
  }
  return d;
}

/** Scratch of `localCounts` for records of up to `longest` tokens. */
interface CountScratch {
  scratch: Float64Array;
  keys: Float64Array;
  counts: Int32Array;
}

function countScratch(longest: number): CountScratch {
  return { scratch: new Float64Array(longest), keys: new Float64Array(longest), counts: new Int32Array(longest) };
}

/**
 * The top two counts, over the records, of the hypotheses' n-grams of order `n` (record `r`:
 * its token ids `ids(r)`, told apart by `id(r)`). Clipping needs those n-grams only, so the
 * table holds them (a few thousand, in the caches) and the records count where they occur.
 */
function clippingTable(n: number, hypotheses: readonly Int32Array[], records: number, ids: (r: number) => Int32Array, id: (r: number) => number, s: CountScratch, words: TokenWords | undefined): TopTwoCounts {
  let tokens = 0;
  for (const h of hypotheses) tokens += h.length;
  const table = new TopTwoCounts(Math.max(1024, tokens));
  for (const h of hypotheses) {
    const m = localCounts(h, n, s.scratch, s.keys, s.counts, words);
    for (let i = 0; i < m; i++) table.reserve(s.keys[i]!);
  }
  for (let r = 0; r < records; r++) {
    const m = localCounts(ids(r), n, s.scratch, s.keys, s.counts, words);
    for (let i = 0; i < m; i++) table.updateHeld(s.keys[i]!, s.counts[i]!, id(r));
  }
  return table;
}

/**
 * Mean BLEU-maxN of the hypotheses (indices into `pool`) against all other records of the
 * pool, equal to Texygen's loop over `sentence_bleu` (the tests check this on random
 * corpora): clipped counts from `TopTwoCounts`, the closest reference length from the
 * sorted lengths with the hypothesis' own length taken out once. `repeated[h]` marks
 * hypotheses known to have an identical record elsewhere (BLEU 1).
 */
export function selfBleuOnPool(pool: readonly Int32Array[], hypotheses: readonly number[], maxN: number, repeated?: Uint8Array, words?: TokenWords): number {
  let longest = 0;
  for (const r of pool) longest = Math.max(longest, r.length);
  const { scratch, keys, counts } = countScratch(longest);
  // One order at a time, so only one table is alive.
  const numerators = new Float64Array(hypotheses.length * maxN);
  const hypothesisIds = hypotheses.map((h) => pool[h]!);
  for (let n = 1; n <= maxN; n++) {
    const table = clippingTable(n, hypothesisIds, pool.length, (r) => pool[r]!, (r) => r, { scratch, keys, counts }, words);
    for (let k = 0; k < hypotheses.length; k++) {
      const h = hypotheses[k]!;
      const d = localCounts(pool[h]!, n, scratch, keys, counts, words);
      let num = 0;
      for (let i = 0; i < d; i++) num += Math.min(counts[i]!, table.maxExcluding(keys[i]!, h));
      numerators[k * maxN + n - 1] = num;
    }
  }
  const lengths = Int32Array.from(pool, (r) => r.length).sort();
  const denominators = new Float64Array(maxN);
  let total = 0;
  for (let k = 0; k < hypotheses.length; k++) {
    const h = hypotheses[k]!;
    const len = pool[h]!.length;
    if (repeated?.[h] && len > 0) {
      total += 1;
      continue;
    }
    for (let n = 1; n <= maxN; n++) denominators[n - 1] = Math.max(1, len - n + 1);
    total += bleuFromPrecisions(numerators.subarray(k * maxN, (k + 1) * maxN), denominators, len, closestOtherLength(lengths, len), maxN);
  }
  return total / hypotheses.length;
}

/** Closest length to `len` among `sorted` with one occurrence of `len` (the hypothesis) removed; ties to the shorter. */
function closestOtherLength(sorted: Int32Array, len: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < len) lo = mid + 1;
    else hi = mid;
  }
  const first = lo; // first index with value ≥ len
  let end = first;
  while (end < sorted.length && sorted[end] === len) end++;
  if (end - first >= 2) return len;
  const below = first > 0 ? sorted[first - 1]! : undefined;
  const above = end < sorted.length ? sorted[end]! : undefined;
  if (below === undefined) return above!;
  if (above === undefined) return below;
  return len - below <= above - len ? below : above;
}

/**
 * Distinct n-grams (orders 1 to 3 together) a generation's exact references may hold; past
 * it the tables are dropped and Self-BLEU falls back to the reference pool (a sample). About
 * 40 bytes an n-gram at the tables' load: 2^19 n-grams is ~21 MB, reached by ~12,000 records
 * of 20 random words.
 */
export const SELF_BLEU_EXACT_NGRAMS = 1 << 19;

/** SelfBleuReferences as plain data: [length, records] pairs, and per order its table's entries while exact. */
export interface SelfBleuReferencesState {
  lengths: [number, number][];
  records: number;
  tables?: Int32Array[];
}

/**
 * The distinct n-grams inside records of each order (1 to maxN) that the references' tables
 * would hold for the records added so far, counted elsewhere with the same keys (the
 * accumulator's streaming sets), or NaN once a count is no longer exact.
 */
export type DistinctWithin = (order: number) => number;

/**
 * Token ids the references may hold back before building their tables (8 MiB): past it the
 * tables are built and take the records from then on.
 */
const DEFERRED_TOKENS = 1 << 21;

/** Records held back: their token ids back to back, and each one's end and id. */
interface Deferred {
  ids: Int32Array;
  used: number;
  ends: number[];
  records: number[];
}

/**
 * Every record of a generation as Self-BLEU references: top-two n-gram counts and the lengths.
 *
 * On a large generation the tables pass their cap and are dropped, and the work of filling
 * them is lost. Given the counts of what they would hold (`within`), the references hold the
 * records back instead: once the counts pass the cap the records are let go and the tables
 * are never built; under it, the tables are built from the records when first needed. Tables
 * only gain entries, so whether they are dropped depends on the records alone, not on when
 * it is found out: the same tables, or none, as filling them at once.
 */
export class SelfBleuReferences {
  private tables: TopTwoCounts[] | undefined;
  private readonly lengths = new Map<number, number>();
  private records = 0;
  private scratch = new Float64Array(64);
  private keys = new Float64Array(64);
  private counts = new Int32Array(64);
  private deferred: Deferred | undefined;
  /** The last exact count of each order (`withinCounts`), and whether the last counts were all exact. */
  private readonly lastWithin: Float64Array;
  private certain = true;

  /** Entries per order when the tables were dropped at the cap. */
  private peak: number[] | undefined;

  constructor(
    private readonly maxN: number,
    private readonly cap = SELF_BLEU_EXACT_NGRAMS,
    private readonly words?: TokenWords,
    /** Entries each order's table is made for at first (a size hint: see `sizes`). */
    initial: readonly number[] = [],
    private readonly within?: DistinctWithin,
  ) {
    this.lastWithin = new Float64Array(maxN);
    // A cap of 0 holds no tables: every record is past it.
    if (cap > 0 && within !== undefined) this.deferred = { ids: new Int32Array(1024), used: 0, ends: [], records: [] };
    else this.tables = cap > 0 ? this.newTables(initial) : undefined;
  }

  private newTables(sizes: readonly number[]): TopTwoCounts[] {
    return Array.from({ length: this.maxN }, (_, n) => new TopTwoCounts(Math.max(1024, Math.min(sizes[n] ?? 0, this.cap))));
  }

  /**
   * Reads the counts `within` gives and returns their sum; an order whose count is no longer
   * exact keeps its last exact count, a lower bound (counts only grow). Sets `certain` to
   * whether all were exact.
   */
  private readWithin(): number {
    const last = this.lastWithin;
    let certain = true;
    let total = 0;
    for (let n = 0; n < this.maxN; n++) {
      const c = this.within!(n + 1);
      if (Number.isNaN(c)) certain = false;
      else last[n] = c;
      total += last[n]!;
    }
    this.certain = certain;
    return total;
  }

  /** The counts per order (`readWithin`). */
  private withinCounts(): number[] {
    this.readWithin();
    return Array.from(this.lastWithin);
  }

  /** Entries per order now, or when the tables were dropped: a size hint for the next generation's references. */
  sizes(): number[] {
    if (this.deferred) return this.withinCounts();
    return this.tables ? this.tables.map((t) => t.entries) : (this.peak ?? []);
  }

  /** Whether every record so far is held (false once the cap was passed). */
  get exact(): boolean {
    // held back under a lower bound of the counts: only the tables can tell
    if (this.deferred && !this.certain) this.build();
    return this.tables !== undefined || this.deferred !== undefined;
  }

  /** Adds a record (its token ids) under the id `record` (default: the number of records added before); returns the id. */
  add(ids: Int32Array, record = this.records): number {
    this.records++;
    this.lengths.set(ids.length, (this.lengths.get(ids.length) ?? 0) + 1);
    if (this.deferred) {
      this.holdBack(this.deferred, ids, record);
      return record;
    }
    if (!this.tables) return record;
    this.addToTables(ids, record);
    this.checkCap();
    return record;
  }

  /** Holds the record back, or lets every record go once the counts pass the cap. */
  private holdBack(d: Deferred, ids: Int32Array, record: number): void {
    if (this.readWithin() > this.cap) {
      // the tables would hold more than the cap: they would be dropped
      this.peak = Array.from(this.lastWithin);
      this.deferred = undefined;
      return;
    }
    if (d.used + ids.length > d.ids.length) d.ids = grownI32(d.ids, d.used + ids.length);
    d.ids.set(ids, d.used);
    d.used += ids.length;
    d.ends.push(d.used);
    d.records.push(record);
    if (d.used > DEFERRED_TOKENS) this.build();
  }

  /** Builds the tables from the records held back, checking the cap after each as `add` does. */
  private build(): void {
    const d = this.deferred;
    if (!d) return;
    this.deferred = undefined;
    this.tables = this.newTables(this.withinCounts());
    let start = 0;
    for (let r = 0; r < d.records.length && this.tables; r++) {
      this.addToTables(d.ids.subarray(start, d.ends[r]!), d.records[r]!);
      start = d.ends[r]!;
      this.checkCap();
    }
  }

  private addToTables(ids: Int32Array, record: number): void {
    const tables = this.tables!;
    if (ids.length > this.scratch.length) {
      let cap = this.scratch.length;
      while (cap < ids.length) cap *= 2;
      this.scratch = new Float64Array(cap);
      this.keys = new Float64Array(cap);
      this.counts = new Int32Array(cap);
    }
    for (let n = 1; n <= this.maxN; n++) {
      const table = tables[n - 1]!;
      const d = localCounts(ids, n, this.scratch, this.keys, this.counts, this.words);
      for (let i = 0; i < d; i++) table.update(this.keys[i]!, this.counts[i]!, record);
    }
  }

  /** Adds the records of another set of references (same order, cap and keys; different records). */
  merge(other: SelfBleuReferences): void {
    this.build();
    other.build();
    this.records += other.records;
    for (const [len, c] of other.lengths) this.lengths.set(len, (this.lengths.get(len) ?? 0) + c);
    if (!other.tables) this.tables = undefined;
    const tables = this.tables;
    if (!tables) return;
    for (let n = 0; n < this.maxN; n++) tables[n]!.merge(other.tables![n]!);
    this.checkCap();
  }

  toState(): SelfBleuReferencesState {
    this.build();
    const lengths = [...this.lengths].sort((a, b) => a[0] - b[0]);
    return { lengths, records: this.records, ...(this.tables ? { tables: this.tables.map((t) => t.toEntries()) } : {}) };
  }

  static fromState(state: SelfBleuReferencesState, maxN: number, cap = SELF_BLEU_EXACT_NGRAMS, words?: TokenWords): SelfBleuReferences {
    const r = new SelfBleuReferences(maxN, cap, words);
    r.records = state.records;
    for (const [len, c] of state.lengths) r.lengths.set(len, c);
    if (state.tables) {
      if (state.tables.length !== maxN) throw new Error(`Self-BLEU references of ${state.tables.length} orders, expected ${maxN}`);
      r.tables = state.tables.map((e) => TopTwoCounts.fromEntries(e));
    } else r.tables = undefined;
    return r;
  }

  private checkCap(): void {
    let size = 0;
    for (const t of this.tables!) size += t.entries;
    if (size > this.cap) {
      this.peak = this.tables!.map((t) => t.entries);
      this.tables = undefined;
    }
  }

  /**
   * Self-BLEU of the given hypotheses (each a record added before, by its ids and index)
   * against every other record: the mean and each hypothesis' score.
   */
  score(hypotheses: readonly { ids: Int32Array; index: number }[]): { mean: number; scores: Float64Array } {
    // Records held back and known to stay under the cap: tables of the hypotheses' n-grams
    // only, counted over those records, give the same clipped counts.
    if (!(this.deferred && this.certain)) this.build();
    const tables = this.deferred ? this.hypothesisTables(this.deferred, hypotheses) : this.tables;
    if (!tables) throw new Error('the references passed their cap; use the pool');
    const maxN = this.maxN;
    const distinct = [...this.lengths.keys()].sort((a, b) => a - b);
    const scores = new Float64Array(hypotheses.length);
    const numerators = new Float64Array(maxN);
    const denominators = new Float64Array(maxN);
    let longest = 0;
    for (const h of hypotheses) longest = Math.max(longest, h.ids.length);
    const { scratch, keys, counts } = countScratch(longest);
    let total = 0;
    hypotheses.forEach((h, k) => {
      const len = h.ids.length;
      for (let n = 1; n <= maxN; n++) {
        const d = localCounts(h.ids, n, scratch, keys, counts, this.words);
        let num = 0;
        for (let i = 0; i < d; i++) num += Math.min(counts[i]!, tables[n - 1]!.maxExcluding(keys[i]!, h.index));
        numerators[n - 1] = num;
        denominators[n - 1] = Math.max(1, len - n + 1);
      }
      const s = bleuFromPrecisions(numerators, denominators, len, this.closestOtherLength(distinct, len), maxN);
      scores[k] = s;
      total += s;
    });
    return { mean: total / hypotheses.length, scores };
  }

  /** Per order, the top counts over the held-back records of the hypotheses' n-grams. */
  private hypothesisTables(d: Deferred, hypotheses: readonly { ids: Int32Array }[]): TopTwoCounts[] {
    const start = (r: number) => (r > 0 ? d.ends[r - 1]! : 0);
    let longest = 0;
    for (const h of hypotheses) longest = Math.max(longest, h.ids.length);
    for (let r = 0; r < d.ends.length; r++) longest = Math.max(longest, d.ends[r]! - start(r));
    const s = countScratch(longest);
    const ids = hypotheses.map((h) => h.ids);
    return Array.from({ length: this.maxN }, (_, k) =>
      clippingTable(k + 1, ids, d.ends.length, (r) => d.ids.subarray(start(r), d.ends[r]!), (r) => d.records[r]!, s, this.words),
    );
  }

  /** NLTK's closest reference length over every record but one of length `len`; ties to the shorter. */
  private closestOtherLength(distinct: readonly number[], len: number): number {
    if ((this.lengths.get(len) ?? 0) >= 2) return len;
    let best: number | undefined;
    for (const l of distinct) {
      if (l === len) continue;
      if (best === undefined || Math.abs(l - len) < Math.abs(best - len) || (Math.abs(l - len) === Math.abs(best - len) && l < best)) best = l;
    }
    return best ?? len;
  }
}
