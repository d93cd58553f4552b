// A bottom-k sample with a size budget that does not depend on how the input was split. Items
// carry a key (a seeded hash of their position, see bottomK.ts) and a size (tokens, bytes); the
// sample is the longest run of the smallest keys that holds at most `capacity` items and at
// most `budget` of size, and always the smallest key. That is a function of the set of items
// alone: a shard's sample holds every item of the whole's sample that the shard saw (the items
// with smaller keys weigh no more in a part than in the whole), so merging samples and trimming
// gives the whole's sample, in any order and any split.
import { siftDown, siftUp } from './bottomK';

/** The smallest keys under a count and a size budget (see above). */
export class PrefixSample<T> {
  private keys: number[] = []; // max-heap on key
  private values: T[] = [];
  private total = 0;
  /** Keys from this one on can never enter (something smaller already fills the budget). */
  private threshold = Infinity;
  /** Items offered (merged samples add what they saw). */
  seen = 0;

  constructor(
    readonly capacity: number,
    readonly budget: number,
    private readonly sizeOf: (value: T) => number,
  ) {}

  /** Whether an item with this key would enter the sample now. */
  admits(key: number): boolean {
    if (key >= this.threshold) return false;
    return this.keys.length < this.capacity || key < this.keys[0]!;
  }

  /** Offers an item; true when it is in the sample (for now). */
  offer(key: number, value: T): boolean {
    this.seen++;
    if (!this.admits(key)) return false;
    this.push(key, value);
    this.trim();
    return key < this.threshold;
  }

  /** The sample of both inputs. */
  merge(other: PrefixSample<T>, copy: (value: T) => T = (v) => v): void {
    this.seen += other.seen;
    this.threshold = Math.min(this.threshold, other.threshold);
    for (let i = 0; i < other.keys.length; i++) if (other.keys[i]! < this.threshold) this.push(other.keys[i]!, copy(other.values[i]!));
    this.trim();
  }

  get size(): number {
    return this.keys.length;
  }

  /** True when items were left out. */
  get sampled(): boolean {
    return this.seen > this.keys.length;
  }

  /** The kept items in no particular order. */
  items(): readonly T[] {
    return this.values;
  }

  /** The kept items with their keys, smallest key first. */
  entries(): [number, T][] {
    return this.keys.map((k, i) => [k, this.values[i]!] as [number, T]).sort((a, b) => a[0] - b[0]);
  }

  /** The threshold as JSON holds it (null for none). */
  get cut(): number | null {
    return this.threshold === Infinity ? null : this.threshold;
  }

  /** A sample restored from `entries()`, `seen` and `cut`. */
  static from<T>(capacity: number, budget: number, sizeOf: (value: T) => number, entries: readonly (readonly [number, T])[], seen: number, cut: number | null): PrefixSample<T> {
    const s = new PrefixSample<T>(capacity, budget, sizeOf);
    for (const [k, v] of entries) s.push(k, v);
    s.threshold = cut ?? Infinity;
    s.trim();
    s.seen = seen;
    return s;
  }

  /** Drops the largest keys while over the count or the budget (never the last item). */
  private trim(): void {
    while (this.keys.length > this.capacity || (this.total > this.budget && this.keys.length > 1)) {
      const key = this.keys[0]!;
      this.popLargest();
      if (key < this.threshold) this.threshold = key;
    }
  }

  private push(key: number, value: T): void {
    siftUp(this.keys, this.values, key, value);
    this.total += this.sizeOf(value);
  }

  private popLargest(): void {
    const keys = this.keys;
    const values = this.values;
    this.total -= this.sizeOf(values[0]!);
    const lastKey = keys.pop()!;
    const lastValue = values.pop()!;
    if (keys.length > 0) siftDown(keys, values, lastKey, lastValue);
  }
}
