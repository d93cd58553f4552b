// Over 400 lines: the hashing primitives, hash tables, token table and HyperLogLog the text metrics share, one home for each.
// Hashing primitives for the streaming metrics: 53-bit hashes built from two 32-bit
// Murmur3-style lanes, a compact open-addressing set on typed arrays, and HyperLogLog for
// when a set would outgrow its memory budget.
//
// A 53-bit hash is carried as two integers, `hi` (21 bits) and `lo` (32 bits), so the hot
// loops never convert between floats and integers; the set stores them as one exact
// double, hi * 2^32 + lo. 53 bits keep collisions negligible for the sizes we count
// (4 million distinct keys: about 1e-3 expected colliding pairs).
import { grownI32 as growInt32 } from '../numeric/grow';

const TWO_32 = 4294967296;

/** Seeds of the two lanes. Any fixed, different odd constants will do. */
export const LANE_HI = 0x2545f491;
export const LANE_LO = 0x9e3779b9 | 0;

/** Murmur3's 32-bit finalizer: full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Murmur3's body step: folds one 32-bit word into the running state. */
export function mixWord(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * One lane of the hash of an n-gram of token ids `ids[end - n .. end)`. The order `n` is
 * folded in so that a bigram and a trigram never share a key.
 */
export function ngramLane(seed: number, ids: ArrayLike<number>, end: number, n: number): number {
  let h = seed ^ n;
  for (let i = end - n; i < end; i++) h = mixWord(h, ids[i]!);
  return fmix32(h ^ n);
}

/** The 53-bit n-gram hash as one exact double (for sorting and for storing in arrays). */
export function ngramHash53(ids: ArrayLike<number>, end: number, n: number): number {
  return join53(ngramLane(LANE_HI, ids, end, n), ngramLane(LANE_LO, ids, end, n));
}

/** Joins the two lanes into an exact double in [1, 2^53); 0 is kept free as "empty slot". */
export function join53(hi: number, lo: number): number {
  const key = (hi & 0x1fffff) * TWO_32 + (lo >>> 0);
  return key === 0 ? 1 : key;
}

/** 53-bit hash of a string's UTF-16 code units (used for record texts and token types). */
export function hashString53(s: string): number {
  let a = LANE_HI;
  let b = LANE_LO;
  const n = s.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const w = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
    a = mixWord(a, w);
    b = mixWord(b, w);
  }
  if (i < n) {
    const w = s.charCodeAt(i);
    a = mixWord(a, w);
    b = mixWord(b, w);
  }
  return join53(fmix32(a ^ n), fmix32(b ^ n));
}

/** Low 32 bits of a key made by `join53` (its table slot); exact because keys are < 2^53. */
export function lowBits(key: number): number {
  return (key % TWO_32) >>> 0;
}

/** High 21 bits of a key made by `join53`. */
export function highBits(key: number): number {
  return Math.floor(key / TWO_32);
}

/**
 * Open-addressing hash set of 53-bit keys (linear probing, load ≤ 1/2) with one flag bit
 * per key. The flag lets one table answer two questions: `size` counts every key,
 * `flaggedSize` the keys that were added at least once with the flag — the n-gram sets use
 * it to count within-record n-grams and all n-grams of the joined text in one probe. The
 * flag is the sign of the stored key, so a probe touches one array: past the CPU caches
 * every insert is a cache miss, and that miss is the cost of exact counting.
 */
export class HashSet53 {
  private keys: Float64Array;
  private mask: number;
  size = 0;
  flaggedSize = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.keys = new Float64Array(cap);
    this.mask = cap - 1;
  }

  /** Adds the key `join53(hi, lo)`; returns true when it was not there yet. */
  add(hi: number, lo: number, flag: boolean): boolean {
    const key = (hi & 0x1fffff) * TWO_32 + (lo >>> 0);
    // join53's stand-in for 0 is 1, whose slot comes from lo = 1
    return key === 0 ? this.addKey(1, 1, flag) : this.addKey(key, lo, flag);
  }

  /** Adds a key already joined by `join53` (`lo` must be its low 32 bits). */
  addKey(key: number, lo: number, flag: boolean): boolean {
    const keys = this.keys;
    const mask = this.mask;
    let i = lo & mask;
    for (;;) {
      const k = keys[i]!;
      if (k === key) {
        if (flag) {
          keys[i] = -key;
          this.flaggedSize++;
        }
        return false;
      }
      if (k === -key) return false;
      if (k === 0) break;
      i = (i + 1) & mask;
    }
    keys[i] = flag ? -key : key;
    if (flag) this.flaggedSize++;
    this.size++;
    if (this.size * 2 > keys.length) this.grow();
    return true;
  }

  has(key: number): boolean {
    return this.keys[probe(this.keys, this.mask, key)] !== 0;
  }

  /** Calls `fn` for every key with its flag. */
  forEach(fn: (key: number, flagged: boolean) => void): void {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (k !== 0) fn(Math.abs(k), k < 0);
    }
  }

  /** Every key, negative when flagged, in ascending order of the absolute key (a canonical form). */
  signedKeys(): Float64Array {
    const out = new Float64Array(this.size);
    let o = 0;
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0) out[o++] = keys[i]!;
    return out.sort((x, y) => Math.abs(x) - Math.abs(y));
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.keys.byteLength;
  }

  private grow(): void {
    this.keys = rehash(this.keys, this.keys.length * 2);
    this.mask = this.keys.length - 1;
  }
}

/**
 * The slot of `key` in a linear-probing table of 53-bit keys stored as ±key (0 = empty):
 * where it is, or the empty slot where it would go.
 */
function probe(keys: Float64Array, mask: number, key: number): number {
  let i = lowBits(key) & mask;
  for (;;) {
    const k = keys[i]!;
    if (k === 0 || k === key || k === -key) return i;
    i = (i + 1) & mask;
  }
}

/** The keys of a table moved into a new one of `cap` slots; `moved(from, to)` for each key. */
function rehash(old: Float64Array, cap: number, moved?: (from: number, to: number) => void): Float64Array {
  const keys = new Float64Array(cap);
  const mask = cap - 1;
  for (let j = 0; j < old.length; j++) {
    const k = old[j]!;
    if (k === 0) continue;
    const i = probe(keys, mask, Math.abs(k));
    keys[i] = k;
    moved?.(j, i);
  }
  return keys;
}

/**
 * Token interning for the streaming pass: token text → dense id, looked up by a hash the
 * tokenizer computes while it scans (FNV-1a over UTF-16 code units) and confirmed by
 * comparing characters, so a token already seen costs no string allocation (a JS Map
 * would hash a freshly sliced string per token, about four times slower here). Slots hold
 * hash and id side by side, and the characters of all types live in one UTF-16 arena, so
 * a lookup touches two places in memory and the vocabulary costs 2 bytes a character plus
 * ~28 bytes a type, with no string objects for the garbage collector.
 *
 * Each type also gets two 32-bit words (`laneHi`, `laneLo`), two seeded hashes of its text
 * computed once when the type is first seen. An n-gram's hash is the XOR of its tokens'
 * words rotated by position (tabulation hashing), which costs a few instructions per order
 * instead of a Murmur pass over every token of the n-gram. The words depend on the token's
 * text only, not on its id (the order types were first seen in), so two tables built from
 * different parts of the input hash every n-gram alike and their sets merge.
 */
export class TokenTable {
  private slots: Int32Array; // pairs (hash, id + 1); id + 1 = 0 marks an empty slot
  private mask: number;
  private chars: Uint16Array;
  private starts: Int32Array; // type id → offset of its characters; starts[size] = end
  private count = 0;
  private wordsHi: Int32Array;
  private wordsLo: Int32Array;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.slots = new Int32Array(cap * 2);
    this.mask = cap - 1;
    this.chars = new Uint16Array(initialCapacity * 8);
    this.starts = new Int32Array(initialCapacity + 1);
    this.wordsHi = new Int32Array(initialCapacity);
    this.wordsLo = new Int32Array(initialCapacity);
  }

  /** The types' words by id (see above); they cover every id interned so far. */
  get laneHi(): Int32Array {
    return this.wordsHi;
  }

  get laneLo(): Int32Array {
    return this.wordsLo;
  }

  /** Id of a whole string (interned when new). */
  internString(s: string): number {
    let h = TOKEN_HASH_SEED;
    for (let k = 0; k < s.length; k++) h = tokenHashStep(h, s.charCodeAt(k));
    return this.intern(s, 0, s.length, h);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Keeps only what `token` and `size` need (the characters and where each type starts,
   * trimmed to size) and lets go of the lookup table and the words: for a generation whose
   * records were all read. Nothing can be interned afterwards.
   */
  trim(): void {
    const n = this.count;
    this.chars = this.chars.slice(0, this.starts[n]!);
    this.starts = this.starts.slice(0, n + 1);
    this.slots = new Int32Array(0);
    this.mask = -1;
    this.wordsHi = new Int32Array(0);
    this.wordsLo = new Int32Array(0);
  }

  /** Id of `s.slice(start, end)`, whose scan hash is `hash`. */
  intern(s: string, start: number, end: number, hash: number): number {
    if (this.mask < 0) throw new Error('TokenTable.intern: the table was trimmed');
    const h = fmix32(hash ^ (end - start)) | 0;
    const slots = this.slots;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const e = slots[2 * i + 1]!;
      if (e === 0) break;
      if (slots[2 * i] === h && this.matches(e - 1, s, start, end)) return e - 1;
      i = (i + 1) & mask;
    }
    return this.insert(s, start, end, h, i);
  }

  /** Adds `s.slice(start, end)` as a new type in the empty slot `i` (out of the lookup's way, which stays small enough to inline). */
  private insert(s: string, start: number, end: number, h: number, i: number): number {
    const slots = this.slots;
    const id = this.count++;
    if (id + 1 >= this.starts.length) this.starts = growInt32(this.starts);
    if (id >= this.wordsHi.length) {
      this.wordsHi = growInt32(this.wordsHi);
      this.wordsLo = growInt32(this.wordsLo);
    }
    // The words: Murmur over the characters in two lanes, the length folded in.
    let a = LANE_HI;
    let b = LANE_LO;
    let k = start;
    for (; k + 1 < end; k += 2) {
      const w = s.charCodeAt(k) | (s.charCodeAt(k + 1) << 16);
      a = mixWord(a, w);
      b = mixWord(b, w);
    }
    if (k < end) {
      a = mixWord(a, s.charCodeAt(k));
      b = mixWord(b, s.charCodeAt(k));
    }
    this.wordsHi[id] = fmix32(a ^ (end - start)) | 0;
    this.wordsLo[id] = fmix32(b ^ ~(end - start)) | 0;
    const at = this.starts[id]!;
    const len = end - start;
    if (at + len > this.chars.length) {
      let cap = this.chars.length * 2;
      while (cap < at + len) cap *= 2;
      const chars = new Uint16Array(cap);
      chars.set(this.chars);
      this.chars = chars;
    }
    const chars = this.chars;
    for (let c = 0; c < len; c++) chars[at + c] = s.charCodeAt(start + c);
    this.starts[id + 1] = at + len;
    slots[2 * i] = h;
    slots[2 * i + 1] = id + 1;
    if (this.count * 2 > this.mask + 1) this.grow();
    return id;
  }

  /** The text of type `id`. */
  token(id: number): string {
    const a = this.starts[id]!;
    const b = this.starts[id + 1]!;
    let out = '';
    // fromCharCode takes its arguments on the stack: go in pieces for very long tokens
    for (let k = a; k < b; k += 8192) out += String.fromCharCode.apply(null, this.chars.subarray(k, Math.min(b, k + 8192)) as unknown as number[]);
    return out;
  }

  private matches(id: number, s: string, start: number, end: number): boolean {
    const a = this.starts[id]!;
    if (this.starts[id + 1]! - a !== end - start) return false;
    const chars = this.chars;
    for (let k = start; k < end; k++) if (chars[a + k - start] !== s.charCodeAt(k)) return false;
    return true;
  }

  private grow(): void {
    const old = this.slots;
    const cap = old.length; // twice the slots: pairs → doubles the slot count
    const slots = new Int32Array(cap * 2);
    const mask = cap - 1;
    for (let j = 0; j < old.length; j += 2) {
      if (old[j + 1] === 0) continue;
      let i = old[j]! & mask;
      while (slots[2 * i + 1] !== 0) i = (i + 1) & mask;
      slots[2 * i] = old[j]!;
      slots[2 * i + 1] = old[j + 1]!;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** FNV-1a step over one UTF-16 code unit, the tokenizer's running hash. */
export const TOKEN_HASH_SEED = 0x811c9dc5 | 0;
export function tokenHashStep(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}

/**
 * A copy of `s` that does not point into a larger string. V8 represents a slice of 13 or
 * more characters as a view on its parent, so keeping the slice would keep the whole
 * record (in a multi-GB input, potentially every record with a new long token) alive.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}


/** Rotate left, for position-dependent tabulation hashing. */
export function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/**
 * HyperLogLog with 2^14 registers (standard error 1.04 / 128 ≈ 0.8%) over the 53-bit
 * hashes above: 14 bits choose the register, the other 39 give the rank. Estimated with
 * Ertl's improved estimator (Ertl 2017, "New cardinality estimation algorithms for
 * HyperLogLog sketches", algorithm 6), which needs no bias tables and no switch to linear
 * counting, so it is accurate from a handful of keys up to ~2^39.
 */
export class HyperLogLog {
  static readonly P = 14;
  private static readonly Q = 39; // 53 − P bits left for the rank
  readonly registers = new Uint8Array(1 << HyperLogLog.P);

  add(hi: number, lo: number): void {
    // Register index from the low 14 bits of `lo`; the rank from the remaining 18 bits of
    // `lo` followed by the 21 bits of `hi`, 39 bits in all.
    const idx = lo & 0x3fff;
    const restLo = lo >>> 14; // 18 bits
    let rank: number;
    if (restLo !== 0) rank = Math.clz32(restLo) - 14 + 1; // leading zeros within 18 bits, plus one
    else {
      const h = hi & 0x1fffff;
      rank = h !== 0 ? 18 + (Math.clz32(h) - 11) + 1 : HyperLogLog.Q + 1;
    }
    if (rank > this.registers[idx]!) this.registers[idx] = rank;
  }

  addKey(key: number): void {
    this.add(highBits(key), lowBits(key));
  }

  clone(): HyperLogLog {
    const h = new HyperLogLog();
    h.registers.set(this.registers);
    return h;
  }

  static fromRegisters(registers: Uint8Array): HyperLogLog {
    if (registers.length !== 1 << HyperLogLog.P) throw new Error(`a HyperLogLog state holds ${1 << HyperLogLog.P} registers, not ${registers.length}`);
    const h = new HyperLogLog();
    h.registers.set(registers);
    return h;
  }

  merge(other: HyperLogLog): void {
    const r = this.registers;
    const o = other.registers;
    for (let i = 0; i < r.length; i++) if (o[i]! > r[i]!) r[i] = o[i]!;
  }

  estimate(): number {
    const m = this.registers.length;
    const q = HyperLogLog.Q;
    const c = new Float64Array(q + 2);
    for (let i = 0; i < m; i++) c[this.registers[i]!]!++;
    let z = m * tau(1 - c[q + 1]! / m);
    for (let k = q; k >= 1; k--) z = 0.5 * (z + c[k]!);
    z += m * sigma(c[0]! / m);
    return (m * m) / (2 * Math.LN2 * z);
  }
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const prev = z;
    z += x * y;
    y += y;
    if (z === prev) return z;
  }
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const prev = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
    if (z === prev) return z / 3;
  }
}

/** A DistinctCounter as plain data: the keys (negative when flagged) while exact, else the two sketches. */
export interface DistinctCounterState {
  keys?: Float64Array;
  all?: Uint8Array;
  flagged?: Uint8Array;
}

/**
 * Counts distinct 53-bit keys, exactly in a `HashSet53` until it holds `cap` keys, then in
 * two HyperLogLogs (all keys, flagged keys) so memory stays at 32 KiB however many keys
 * follow. `exact` says which regime the counts come from. The sets grow monotonically, so
 * a counter passes its cap exactly when the union of everything it was given does: counters
 * of parts of the input merge (`merge`) into the counter of the whole, whatever the split
 * (a HyperLogLog is the same function of its keys however they arrived).
 */
export class DistinctCounter {
  private set: HashSet53 | undefined;
  private all: HyperLogLog | undefined;
  private flagged: HyperLogLog | undefined;

  constructor(private readonly cap: number, initialCapacity = 1024) {
    this.set = new HashSet53(Math.min(initialCapacity, cap));
  }

  add(hi: number, lo: number, flag: boolean): void {
    const set = this.set;
    if (set !== undefined) {
      set.add(hi, lo, flag);
      if (set.size > this.cap) this.spill(set);
      return;
    }
    this.all!.add(hi, lo);
    if (flag) this.flagged!.add(hi, lo);
  }

  /** Adds a key made by `join53`. */
  addKey(key: number, flag: boolean): void {
    this.add(highBits(key), lowBits(key), flag);
  }

  /** Adds every key of another counter (same cap). */
  merge(other: DistinctCounter): void {
    if (other.set !== undefined) {
      other.set.forEach((key, f) => this.addKey(key, f));
      return;
    }
    if (this.set !== undefined) this.spill(this.set);
    this.all!.merge(other.all!);
    this.flagged!.merge(other.flagged!);
  }

  get exact(): boolean {
    return this.set !== undefined;
  }

  /** Keys held exactly, or the cap once past it: a size hint for the next generation's counter. */
  get sizeHint(): number {
    return this.set !== undefined ? this.set.size : this.cap;
  }

  /** Distinct keys. */
  get size(): number {
    return this.set !== undefined ? this.set.size : this.all!.estimate();
  }

  /** Distinct keys added at least once with the flag. */
  get flaggedSize(): number {
    return this.set !== undefined ? this.set.flaggedSize : this.flagged!.estimate();
  }

  /**
   * The counts as they would be after adding `extra` keys without the flag, changing
   * nothing: the same numbers and the same regime as adding them would give.
   */
  countsWith(extra: Float64Array): { size: number; flaggedSize: number; exact: boolean } {
    if (extra.length === 0) return { size: this.size, flaggedSize: this.flaggedSize, exact: this.exact };
    const set = this.set;
    if (set !== undefined) {
      const fresh = new Set<number>();
      for (let i = 0; i < extra.length; i++) if (!set.has(extra[i]!)) fresh.add(extra[i]!);
      if (set.size + fresh.size <= this.cap) return { size: set.size + fresh.size, flaggedSize: set.flaggedSize, exact: true };
      const all = new HyperLogLog();
      const flagged = new HyperLogLog();
      set.forEach((key, f) => {
        all.addKey(key);
        if (f) flagged.addKey(key);
      });
      for (const k of fresh) all.addKey(k);
      return { size: all.estimate(), flaggedSize: flagged.estimate(), exact: false };
    }
    const all = this.all!.clone();
    for (let i = 0; i < extra.length; i++) all.addKey(extra[i]!);
    return { size: all.estimate(), flaggedSize: this.flagged!.estimate(), exact: false };
  }

  toState(): DistinctCounterState {
    if (this.set !== undefined) return { keys: this.set.signedKeys() };
    return { all: Uint8Array.from(this.all!.registers), flagged: Uint8Array.from(this.flagged!.registers) };
  }

  static fromState(state: DistinctCounterState, cap: number): DistinctCounter {
    const c = new DistinctCounter(cap, state.keys ? Math.max(16, state.keys.length) : 16);
    if (state.keys) {
      for (let i = 0; i < state.keys.length; i++) {
        const k = state.keys[i]!;
        c.addKey(Math.abs(k), k < 0);
      }
    } else {
      if (!state.all || !state.flagged) throw new Error('a distinct-count state needs its keys or both sketches');
      c.set = undefined;
      c.all = HyperLogLog.fromRegisters(state.all);
      c.flagged = HyperLogLog.fromRegisters(state.flagged);
    }
    return c;
  }

  private spill(set: HashSet53): void {
    const all = new HyperLogLog();
    const flagged = new HyperLogLog();
    set.forEach((key, f) => {
      const hi = highBits(key);
      const lo = lowBits(key);
      all.add(hi, lo);
      if (f) flagged.add(hi, lo);
    });
    this.all = all;
    this.flagged = flagged;
    this.set = undefined;
  }
}

/**
 * Dense numbering of 53-bit keys (open addressing, load ≤ 1/2): `idOf` gives each new key
 * the next integer. Used to remap shingle hashes to ranks for the similarity join.
 */
export class KeyIndex53 {
  private keys: Float64Array;
  private ids: Int32Array;
  private mask: number;
  size = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.keys = new Float64Array(cap);
    this.ids = new Int32Array(cap);
    this.mask = cap - 1;
  }

  idOf(key: number): number {
    const keys = this.keys;
    const i = probe(keys, this.mask, key);
    if (keys[i] !== 0) return this.ids[i]!;
    keys[i] = key;
    const id = this.size++;
    this.ids[i] = id;
    if (this.size * 2 > keys.length) this.grow();
    return id;
  }

  /** The id of a key already added (−1 when absent). */
  get(key: number): number {
    const i = probe(this.keys, this.mask, key);
    return this.keys[i] === 0 ? -1 : this.ids[i]!;
  }

  private grow(): void {
    const oldIds = this.ids;
    const ids = new Int32Array(this.keys.length * 2);
    this.keys = rehash(this.keys, ids.length, (from, to) => {
      ids[to] = oldIds[from]!;
    });
    this.ids = ids;
    this.mask = ids.length - 1;
  }
}
