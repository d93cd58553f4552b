// Distinct counts past what fits in memory: HyperLogLog over 53-bit keys (hash53.ts), and
// `DistinctCounter`, exact in a hash set (hashTables.ts) until a cap, then two HyperLogLogs.
import { highBits, lowBits } from './hash53';
import { HashSet53 } from './hashTables';

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

  /** The sketch of the union of two sketches' keys (each register the larger of the two). */
  static union(a: HyperLogLog, b: HyperLogLog): HyperLogLog {
    const h = a.clone();
    h.merge(b);
    return h;
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
 * two HyperLogLogs so memory stays at 32 KiB however many keys follow: one of the keys added
 * with the flag, one of those added without it. The sketch of all keys is their union (each
 * register the larger of the two), the same registers as adding every key to one sketch, so
 * a key is sketched once, not twice. `exact` says which regime the counts come from. The sets
 * grow monotonically, so a counter passes its cap exactly when the union of everything it was
 * given does: counters of parts of the input merge (`merge`) into the counter of the whole,
 * whatever the split (a HyperLogLog is the same function of its keys however they arrived).
 */
export class DistinctCounter {
  private set: HashSet53 | undefined;
  /** Keys added without the flag (some may also have been added with it). */
  private unflagged: HyperLogLog | undefined;
  private flagged: HyperLogLog | undefined;

  constructor(private readonly cap: number, initialCapacity = 1024) {
    this.set = new HashSet53(Math.min(initialCapacity, cap));
  }

  add(hi: number, lo: number, flag: boolean): void {
    const set = this.set;
    if (set !== undefined) {
      if (set.size < this.cap) {
        set.add(hi, lo, flag);
        return;
      }
      // Full: a key it holds is at most flagged; a new one moves the counts to the sketches
      // (the same sketches as spilling with the key in the set, and the set never grows past
      // the cap only to be let go).
      if (set.mark(hi, lo, flag)) return;
      this.spill(set);
    }
    if (flag) this.flagged!.add(hi, lo);
    else this.unflagged!.add(hi, lo);
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
    this.unflagged!.merge(other.unflagged!);
    this.flagged!.merge(other.flagged!);
  }

  /** The sketch of every key (once past the cap). */
  private all(): HyperLogLog {
    return HyperLogLog.union(this.unflagged!, this.flagged!);
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
    return this.set !== undefined ? this.set.size : this.all().estimate();
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
    const all = this.all();
    for (let i = 0; i < extra.length; i++) all.addKey(extra[i]!);
    return { size: all.estimate(), flaggedSize: this.flagged!.estimate(), exact: false };
  }

  toState(): DistinctCounterState {
    if (this.set !== undefined) return { keys: this.set.signedKeys() };
    return { all: Uint8Array.from(this.all().registers), flagged: Uint8Array.from(this.flagged!.registers) };
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
      // Every key as unflagged: the union with the flagged sketch is still every key.
      c.set = undefined;
      c.unflagged = HyperLogLog.fromRegisters(state.all);
      c.flagged = HyperLogLog.fromRegisters(state.flagged);
    }
    return c;
  }

  private spill(set: HashSet53): void {
    const unflagged = new HyperLogLog();
    const flagged = new HyperLogLog();
    set.forEach((key, f) => (f ? flagged : unflagged).add(highBits(key), lowBits(key)));
    this.unflagged = unflagged;
    this.flagged = flagged;
    this.set = undefined;
  }
}
