// The tokenizer's interner (`TokenTable`: token text → dense id, and the two hash words of
// each type that n-gram keys are made of), its running hash, and the hashes of n-grams of ids.
// The 53-bit hashes, hash tables and HyperLogLog it builds on live in numeric/.
import { fmix32, LANE_HI, LANE_LO, mixWord, join53 } from '../numeric/hash53';
import { grownI32 as growInt32 } from '../numeric/grow';

/** Types of a table by id: their characters back to back, type `id` from `starts[id]` to `starts[id + 1]`. */
export interface TypeList {
  chars: Uint16Array;
  starts: Int32Array;
}

/** The characters `chars[a .. b)` as a string. */
function textOf(chars: Uint16Array | Uint8Array, a: number, b: number): string {
  let out = '';
  // fromCharCode takes its arguments on the stack: go in pieces for very long tokens
  for (let k = a; k < b; k += 8192) out += String.fromCharCode.apply(null, chars.subarray(k, Math.min(b, k + 8192)) as unknown as number[]);
  return out;
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
  private chars: Uint16Array | Uint8Array; // Uint8Array only once trimmed, when every character fits (see trim)
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
   * records were all read. Nothing can be interned afterwards. A reduced generation keeps
   * its vocabulary until the report is finished, so the characters take one byte each when
   * all of them are below U+0100 (Latin-1, as most of any English-like vocabulary).
   */
  trim(): void {
    const n = this.count;
    const chars = this.chars.subarray(0, this.starts[n]!);
    let wide = false;
    for (let k = 0; k < chars.length && !wide; k++) wide = chars[k]! > 0xff;
    // Read as UTF-16 code units either way (token() copies them out as numbers).
    this.chars = wide ? chars.slice() : Uint8Array.from(chars);
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

  /**
   * Id of type `id` of `types` (another table's types, `typesFrom`), interned here as its
   * text is: once per type and generation, so the string it makes costs little.
   */
  internFrom(types: TypeList, id: number): number {
    return this.internString(textOf(types.chars, types.starts[id]!, types.starts[id + 1]!));
  }

  /** This table's types from id `first` on, copied out (for `internFrom` elsewhere). */
  typesFrom(first: number): TypeList {
    const n = this.count;
    const base = this.starts[first]!;
    const starts = new Int32Array(n - first + 1);
    for (let k = first; k <= n; k++) starts[k - first] = this.starts[k]! - base;
    return { chars: Uint16Array.from(this.chars.subarray(base, this.starts[n]!)), starts };
  }

  /** The text of type `id`. */
  token(id: number): string {
    return textOf(this.chars, this.starts[id]!, this.starts[id + 1]!);
  }

  /**
   * Every type's text, by id: the characters decoded at once and cut, several times faster
   * than `token` of each (a string made per type from its characters) when all are wanted.
   */
  tokens(): string[] {
    const all = textOf(this.chars, 0, this.starts[this.count]!);
    const out = new Array<string>(this.count);
    for (let id = 0; id < this.count; id++) out[id] = all.substring(this.starts[id]!, this.starts[id + 1]!);
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
