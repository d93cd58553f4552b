// Open addressing on 53-bit keys (hash53.ts), in one place: linear probing, load ≤ 1/2, the
// key's low 32 bits as its home slot. Two shapes of table are built on it:
//
// - keys in the slots (`findSlot`, `rehashSlots`): a probe reads one array, so past the CPU
//   caches an insert costs one cache miss. The hot sets use it: `HashSet53` (the n-gram sets,
//   a key and a flag bit per slot) and Self-BLEU's `TopTwoCounts` (a key and three counts per
//   slot, `stride` doubles apart).
// - slots pointing into dense arrays (`KeyIndex53`): 4 bytes an empty slot instead of 8 or
//   more, and the keys in the order they came, numbered 0, 1, 2… The record texts'
//   `TextCounter` and the near-duplicate shingles use it.
//
// The string-keyed interner of the tokenizer (`TokenTable`, metrics/tokenTable.ts) is the one
// table of another kind: its keys are token texts, compared character by character.
import { highBits, lowBits } from './hash53';

const TWO_32 = 4294967296;

/** Slots (a power of two, at least 16) for `entries` keys at load ≤ 1/2. */
export function slotsFor(entries: number): number {
  let cap = 16;
  while (cap < entries * 2) cap *= 2;
  return cap;
}

/**
 * The slot of `key` in a table of keys stored as ±key (0 marks an empty slot), slot `i` at
 * `keys[i * stride]`: where it is, or the empty slot where it would go. `start` is the key's
 * low 32 bits when the caller has them.
 */
export function findSlot(keys: Float64Array, mask: number, key: number, start = lowBits(key), stride = 1): number {
  let i = start & mask;
  for (;;) {
    const k = keys[i * stride]!;
    if (k === 0 || k === key || k === -key) return i;
    i = (i + 1) & mask;
  }
}

/**
 * The keys of a table moved into a new one of `cap` slots (same stride); `moved(from, to,
 * table)` for each key, to move what the slot carries besides its key into the new table.
 */
export function rehashSlots(old: Float64Array, cap: number, stride = 1, moved?: (from: number, to: number, table: Float64Array) => void): Float64Array {
  const keys = new Float64Array(cap * stride);
  const mask = cap - 1;
  for (let j = 0; j < old.length / stride; j++) {
    const k = old[j * stride]!;
    if (k === 0) continue;
    const i = findSlot(keys, mask, Math.abs(k), undefined, stride);
    keys[i * stride] = k;
    moved?.(j, i, keys);
  }
  return keys;
}

/**
 * Hash set of 53-bit keys with one flag bit per key. The flag lets one table answer two
 * questions: `size` counts every key, `flaggedSize` the keys that were added at least once
 * with the flag — the n-gram sets use it to count within-record n-grams and all n-grams of
 * the joined text in one probe. The flag is the sign of the stored key, so a probe touches
 * one array: past the CPU caches every insert is a cache miss, and that miss is the cost of
 * exact counting.
 */
export class HashSet53 {
  private keys: Float64Array;
  private mask: number;
  size = 0;
  flaggedSize = 0;

  constructor(initialCapacity = 1024) {
    this.keys = new Float64Array(slotsFor(initialCapacity));
    this.mask = this.keys.length - 1;
  }

  /** Adds the key `join53(hi, lo)`; returns true when it was not there yet. */
  add(hi: number, lo: number, flag: boolean): boolean {
    let key = (hi & 0x1fffff) * TWO_32 + (lo >>> 0);
    if (key === 0) {
      // join53's stand-in for 0 is 1, whose slot comes from lo = 1
      key = 1;
      lo = 1;
    }
    // The key is probed here rather than handed to a method: a double passed to a call V8
    // does not inline is boxed, 16 bytes of garbage an n-gram on the hot path.
    const keys = this.keys;
    const i = findSlot(keys, this.mask, key, lo);
    const k = keys[i]!;
    if (k !== 0) {
      if (flag && k > 0) {
        keys[i] = -key;
        this.flaggedSize++;
      }
      return false;
    }
    keys[i] = flag ? -key : key;
    if (flag) this.flaggedSize++;
    if (++this.size * 2 > keys.length) {
      this.keys = rehashSlots(keys, keys.length * 2);
      this.mask = this.keys.length - 1;
    }
    return true;
  }

  /** Adds a key already joined by `join53` (`lo` must be its low 32 bits). */
  addKey(key: number, lo: number, flag: boolean): boolean {
    return this.add(highBits(key), lo, flag);
  }

  /** Flags the key `join53(hi, lo)` if `flag`, when it is held; false when it is not (nothing added). */
  mark(hi: number, lo: number, flag: boolean): boolean {
    let key = (hi & 0x1fffff) * TWO_32 + (lo >>> 0);
    if (key === 0) {
      key = 1;
      lo = 1;
    }
    const keys = this.keys;
    const i = findSlot(keys, this.mask, key, lo);
    const k = keys[i]!;
    if (k === 0) return false;
    if (flag && k > 0) {
      keys[i] = -key;
      this.flaggedSize++;
    }
    return true;
  }

  has(key: number): boolean {
    return this.keys[findSlot(this.keys, this.mask, key)] !== 0;
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
}

/**
 * Dense numbering of 53-bit keys: `idOf` gives each new key the next integer, and the keys
 * are kept by number (`key`), so what a caller counts per key lives in arrays of its own
 * indexed the same way. The slots hold number + 1 (0: empty).
 */
export class KeyIndex53 {
  private slots: Int32Array;
  private mask: number;
  private keys: Float64Array;
  private count = 0;

  constructor(initialCapacity = 1024) {
    this.slots = new Int32Array(slotsFor(initialCapacity));
    this.mask = this.slots.length - 1;
    this.keys = new Float64Array(Math.max(16, initialCapacity));
  }

  /** Keys held. */
  get size(): number {
    return this.count;
  }

  /** The number of `key`, given it now if it is new. */
  idOf(key: number): number {
    const i = this.slotOf(key);
    const e = this.slots[i]!;
    if (e !== 0) return e - 1;
    const id = this.count++;
    if (id >= this.keys.length) {
      const keys = new Float64Array(Math.ceil(this.keys.length * 1.5));
      keys.set(this.keys);
      this.keys = keys;
    }
    this.keys[id] = key;
    this.slots[i] = id + 1;
    if (this.count * 2 > this.slots.length) this.rebuild(this.slots.length * 2);
    return id;
  }

  /** The number of a key already given one (−1 when absent). */
  get(key: number): number {
    return this.slots[this.slotOf(key)]! - 1;
  }

  /** The key numbered `id`. */
  key(id: number): number {
    return this.keys[id]!;
  }

  /**
   * Keeps the keys `keep` says yes to and numbers them again in their order (a kept key's
   * number only goes down), so a caller compacts its own arrays in one pass the same way.
   */
  retain(keep: (id: number) => boolean): void {
    let w = 0;
    for (let d = 0; d < this.count; d++) if (keep(d)) this.keys[w++] = this.keys[d]!;
    this.count = w;
    this.rebuild(this.slots.length);
  }

  /** The slot of `key`, or the empty slot where it would go. */
  private slotOf(key: number): number {
    const slots = this.slots;
    const keys = this.keys;
    let i = lowBits(key) & this.mask;
    for (;;) {
      const e = slots[i]!;
      if (e === 0 || keys[e - 1] === key) return i;
      i = (i + 1) & this.mask;
    }
  }

  private rebuild(capacity: number): void {
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let d = 0; d < this.count; d++) {
      let i = lowBits(this.keys[d]!) & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = d + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
