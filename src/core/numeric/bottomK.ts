// Samples that do not depend on how the input was split: each item gets a key from a seeded hash
// of its position (line, and index within the line), and the sample is the k items with the
// smallest keys. Two samples of disjoint parts merge into the sample of the whole, so shards,
// threads or files give the same sample as one pass (a bottom-k sketch, Cohen & Kaplan 2007).
import { fmix32, join53, LANE_HI, LANE_LO, mixWord } from './hash53';

/** A 53-bit key for the item at `line` (and `index` within it), seeded. */
export function positionKey(seed: number, line: number, index = 0): number {
  const lo = line >>> 0;
  const hi = Math.floor(line / 4294967296) >>> 0;
  const a = mixWord(mixWord(mixWord(LANE_HI ^ seed, lo), hi), index);
  const b = mixWord(mixWord(mixWord(LANE_LO ^ Math.imul(seed, 0x9e3779b1), lo), hi), index);
  return join53(fmix32(a), fmix32(b));
}

/** The `capacity` items with the smallest keys among those offered (keys are 53-bit hashes: ties do not occur in practice). */
export class BottomK<T> {
  private readonly keys: number[] = []; // max-heap on key
  private readonly values: T[] = [];
  /** Items offered (merged samples add what they saw). */
  seen = 0;

  /**
   * @param capacity the most items kept; may be lowered later (see `popLargest`).
   * @param onEvict called with an item a smaller key pushes out.
   */
  constructor(
    public capacity: number,
    private readonly onEvict?: (value: T) => void,
  ) {}

  /** Whether an item with this key would enter the sample (to skip building one that would not). */
  admits(key: number): boolean {
    return this.keys.length < this.capacity || (this.capacity > 0 && key < this.keys[0]!);
  }

  /** Offers an item; true when it is in the sample (for now: a later item may push it out). */
  offer(key: number, value: T): boolean {
    this.seen++;
    return this.insert(key, value);
  }

  /** The sample of both inputs: the union's `capacity` smallest keys. */
  merge(other: BottomK<T>): void {
    this.seen += other.seen;
    for (let i = 0; i < other.keys.length; i++) this.insert(other.keys[i]!, other.values[i]!);
  }

  /** Removes and returns the item with the largest key (undefined when empty). */
  popLargest(): T | undefined {
    const keys = this.keys;
    const values = this.values;
    if (keys.length === 0) return undefined;
    const top = values[0]!;
    const lastKey = keys.pop()!;
    const lastValue = values.pop()!;
    if (keys.length > 0) this.siftDown(lastKey, lastValue);
    return top;
  }

  /** True when items were left out. */
  get sampled(): boolean {
    return this.seen > this.keys.length;
  }

  get size(): number {
    return this.keys.length;
  }

  /** The kept items with their keys, smallest key first. */
  entries(): [number, T][] {
    return this.keys.map((k, i) => [k, this.values[i]!] as [number, T]).sort((a, b) => a[0] - b[0]);
  }

  /** The kept items in no particular order (cheaper than `entries()` when order does not matter). */
  items(): readonly T[] {
    return this.values;
  }

  /** A sample restored from `entries()` and `seen`. */
  static from<T>(capacity: number, entries: readonly (readonly [number, T])[], seen: number): BottomK<T> {
    const s = new BottomK<T>(capacity);
    for (const [k, v] of entries) s.insert(k, v);
    s.seen = seen;
    return s;
  }

  private insert(key: number, value: T): boolean {
    const keys = this.keys;
    const values = this.values;
    if (keys.length < this.capacity) {
      siftUp(keys, values, key, value);
      return true;
    }
    if (this.capacity === 0 || key >= keys[0]!) return false;
    this.onEvict?.(values[0]!);
    this.siftDown(key, value);
    return true;
  }

  /** Puts (key, value) in the root's place and moves it down to where the heap holds. */
  private siftDown(key: number, value: T): void {
    siftDown(this.keys, this.values, key, value);
  }
}

/**
 * Puts (key, value) at the top of a max-heap on keys held in two parallel arrays (the top slot
 * being free) and sifts it down to its place.
 */
export function siftDown<T>(keys: number[], values: T[], key: number, value: T): void {
  siftDownFrom(keys, values, keys.length, 0, key, value);
}

/** Writable arrays the heap lives in: JavaScript arrays or typed arrays. */
interface Slots<T> {
  [i: number]: T;
}

/**
 * Puts (key, value) at slot `i` of a max-heap on keys over the first `n` slots of two parallel
 * arrays and sifts it down to where the heap below `i` holds.
 */
export function siftDownFrom<T>(keys: Slots<number>, values: Slots<T>, n: number, i: number, key: number, value: T): void {
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const c = r < n && keys[r]! > keys[l]! ? r : l;
    if (keys[c]! <= key) break;
    keys[i] = keys[c]!;
    values[i] = values[c]!;
    i = c;
  }
  keys[i] = key;
  values[i] = value;
}

/** Adds (key, value) to a max-heap on keys held in two parallel arrays: a new last slot, sifted up. */
export function siftUp<T>(keys: number[], values: T[], key: number, value: T): void {
  let i = keys.length;
  keys.push(key);
  values.push(value);
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (keys[p]! >= key) break;
    keys[i] = keys[p]!;
    values[i] = values[p]!;
    i = p;
  }
  keys[i] = key;
  values[i] = value;
}

/**
 * `BottomK` for numbers, held in two typed arrays (16 bytes an item, outside the JavaScript
 * heap). While it holds fewer than `capacity` items it only appends, in no order; the first
 * item past that turns the arrays into the max-heap on keys that `BottomK` keeps throughout.
 * The same items are kept as `BottomK` keeps. A value sample holds every value of a
 * generation up to a million: as two arrays of numbers that took about 40 MB of peak RSS on
 * the 2 GB benchmark (generations of 290,000 values), and time.
 */
export class NumberBottomK {
  private keys = new Float64Array(16);
  private values = new Float64Array(16);
  private n = 0;
  private heap = false;
  /** Items offered (merged samples add what they saw). */
  seen = 0;

  constructor(readonly capacity: number) {}

  /** Offers an item; true when it is in the sample (for now: a later item may push it out). */
  offer(key: number, value: number): boolean {
    this.seen++;
    return this.insert(key, value);
  }

  /** The sample of both inputs: the union's `capacity` smallest keys. */
  merge(other: NumberBottomK): void {
    this.seen += other.seen;
    for (let i = 0; i < other.n; i++) this.insert(other.keys[i]!, other.values[i]!);
  }

  /** True when items were left out. */
  get sampled(): boolean {
    return this.seen > this.n;
  }

  get size(): number {
    return this.n;
  }

  /** The kept items with their keys, smallest key first. */
  entries(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.n; i++) out.push([this.keys[i]!, this.values[i]!]);
    return out.sort((a, b) => a[0] - b[0]);
  }

  /** The kept values in no particular order (a view: copy it before the sample changes). */
  items(): Float64Array {
    return this.values.subarray(0, this.n);
  }

  /** A sample restored from `entries()` and `seen`. */
  static from(capacity: number, entries: readonly (readonly [number, number])[], seen: number): NumberBottomK {
    const s = new NumberBottomK(capacity);
    for (const [k, v] of entries) s.insert(k, v);
    s.seen = seen;
    return s;
  }

  private insert(key: number, value: number): boolean {
    if (this.n < this.capacity) {
      if (this.n === this.keys.length) this.grow();
      this.keys[this.n] = key;
      this.values[this.n] = value;
      this.n++;
      return true;
    }
    if (this.capacity === 0) return false;
    if (!this.heap) this.heapify();
    if (key >= this.keys[0]!) return false;
    this.siftDown(0, key, value);
    return true;
  }

  private grow(): void {
    const length = Math.min(this.capacity, this.keys.length * 2);
    const keys = new Float64Array(length);
    const values = new Float64Array(length);
    keys.set(this.keys.subarray(0, this.n));
    values.set(this.values.subarray(0, this.n));
    this.keys = keys;
    this.values = values;
  }

  /** Orders the full arrays as a max-heap on keys (Floyd: sift down every parent, last first). */
  private heapify(): void {
    for (let i = (this.n >> 1) - 1; i >= 0; i--) this.siftDown(i, this.keys[i]!, this.values[i]!);
    this.heap = true;
  }

  /** Puts (key, value) at slot `i` and moves it down to where the heap below `i` holds. */
  private siftDown(i: number, key: number, value: number): void {
    siftDownFrom(this.keys, this.values, this.n, i, key, value);
  }
}
