// Seeded randomness for sampling and scenarios. Every draw goes through here so that the
// same seed gives the same report and the same scenario files, byte for byte.
import { xoroshiro128plus } from 'pure-rand';
import type { RandomGenerator } from 'pure-rand';

export const DEFAULT_SEED = 42;

export class Random {
  private readonly rng: RandomGenerator;
  private spare: number | undefined;

  constructor(seed: number = DEFAULT_SEED) {
    this.rng = xoroshiro128plus(seed | 0);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const hi = (this.rng.unsafeNext() >>> 0) >>> 5; // 27 bits
    const lo = (this.rng.unsafeNext() >>> 0) >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform in [a, b). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.next();
  }

  /** Standard normal (Marsaglia polar method). */
  normal(mean = 0, sd = 1): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return mean + sd * s;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    return mean + sd * u * m;
  }

  /** One element of a non-empty array. */
  choice<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** Index drawn with probability proportional to weights[i]. */
  weighted(weights: ArrayLike<number>, total?: number): number {
    let sum = total;
    if (sum === undefined) {
      sum = 0;
      for (let i = 0; i < weights.length; i++) sum += weights[i]!;
    }
    let r = this.next() * sum;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i] as T;
      items[i] = items[j] as T;
      items[j] = t;
    }
    return items;
  }
}

/**
 * Reservoir sampling (Algorithm R): a uniform sample of at most `capacity` items from a
 * stream of unknown length, with the seed fixed so reports are reproducible.
 */
export class Reservoir<T> {
  readonly items: T[] = [];
  seen = 0;
  private readonly random: Random;

  constructor(readonly capacity: number, seed: number = DEFAULT_SEED) {
    this.random = new Random(seed);
  }

  /** Offers an item; returns the slot it took, or -1 when it was not kept. */
  offer(item: T): number {
    this.seen++;
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return this.items.length - 1;
    }
    const j = this.random.int(this.seen);
    if (j < this.capacity) {
      this.items[j] = item;
      return j;
    }
    return -1;
  }

  get sampled(): boolean {
    return this.seen > this.capacity;
  }
}
