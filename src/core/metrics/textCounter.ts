// The record texts of one generation (duplicate_rate, the most repeated outputs), counted by
// a 53-bit hash of each text.
import { detach, HyperLogLog, lowBits } from './hashing';

const TOP_OUTPUT_CHARS = 200;

/** A TextCounter as plain data: per text its key, count and first line; the texts known; the sketch once past the cap. */
export interface TextCounterState {
  keys: Float64Array;
  counts: Uint32Array;
  lines: Float64Array;
  /** [key, text (cut to 200 characters)] for every text known (repeated ones, and all when kept for merging). */
  texts: [number, string][];
  hll?: Uint8Array;
}

/**
 * Counts of record texts by 53-bit hash, with the first line of each and the text itself
 * once it repeats (or from its first occurrence when `keepAll`, so that a text seen once in
 * each of two parts of the input can be listed after they merge): duplicate_rate and the
 * most repeated outputs. Past `cap` distinct texts the distinct count moves to HyperLogLog
 * and texts seen only once are dropped from the table (lossy counting), so repeated texts
 * are still found but their counts and first lines become lower bounds from then on.
 * Below the cap, counters of parts merge (`merge`) into exactly the counter of the whole.
 */
export class TextCounter {
  // The table holds indices into dense per-text arrays, so its empty half costs 4 bytes a
  // slot instead of 20, and the dense arrays grow by half rather than doubling.
  private slots: Int32Array; // index + 1; 0 marks an empty slot
  private mask: number;
  private keys: Float64Array;
  private counts: Uint32Array;
  private lines: Uint32Array; // LINE_ELSEWHERE: the line is in bigLines
  private readonly bigLines = new Map<number, number>();
  private size = 0;
  private readonly texts = new Map<number, string>();
  private hll: HyperLogLog | undefined;

  constructor(
    private readonly cap: number,
    private readonly keepAll = false,
  ) {
    this.slots = new Int32Array(1024);
    this.mask = 1023;
    this.keys = new Float64Array(512);
    this.counts = new Uint32Array(512);
    this.lines = new Uint32Array(512);
  }

  get exact(): boolean {
    return this.hll === undefined;
  }

  get distinct(): number {
    return this.hll ? this.hll.estimate() : this.size;
  }

  add(key: number, line: number, text: string): void {
    const lo = lowBits(key);
    this.hll?.add(Math.floor(key / 4294967296), lo);
    const slots = this.slots;
    const keys = this.keys;
    let i = lo & this.mask;
    for (;;) {
      const e = slots[i]!;
      if (e === 0) break;
      if (keys[e - 1] === key) {
        const c = ++this.counts[e - 1]!;
        if (c === 2 && !this.keepAll) this.texts.set(key, truncate(text));
        return;
      }
      i = (i + 1) & this.mask;
    }
    if (this.keepAll) this.texts.set(key, truncate(text));
    this.insert(i, key, 1, line);
  }

  /** Puts a new text in the empty slot `i`. */
  private insert(i: number, key: number, count: number, line: number): void {
    const slots = this.slots;
    const d = this.size++;
    if (d >= this.keys.length) this.growDense(d + 1);
    this.keys[d] = key;
    this.counts[d] = count;
    if (line >>> 0 === line && line !== LINE_ELSEWHERE) this.lines[d] = line;
    else {
      this.lines[d] = LINE_ELSEWHERE;
      this.bigLines.set(key, line);
    }
    slots[i] = d + 1;
    if (this.size > this.cap) this.prune();
    else if (this.size * 2 > slots.length) this.rebuild(slots.length * 2);
  }

  /** The slot of `key`, or the empty slot where it would go. */
  private slotOf(key: number): number {
    let i = lowBits(key) & this.mask;
    for (;;) {
      const e = this.slots[i]!;
      if (e === 0 || this.keys[e - 1] === key) return i;
      i = (i + 1) & this.mask;
    }
  }

  private lineOf(d: number): number {
    return this.lines[d]! === LINE_ELSEWHERE ? this.bigLines.get(this.keys[d]!)! : this.lines[d]!;
  }

  /** Adds the texts of another counter (same cap): counts add, the first line is the smaller. */
  merge(other: TextCounter): void {
    for (let d = 0; d < other.size; d++) {
      const key = other.keys[d]!;
      const line = other.lineOf(d);
      const text = other.texts.get(key);
      const i = this.slotOf(key);
      const e = this.slots[i]!;
      if (e !== 0) {
        this.counts[e - 1] += other.counts[d]!;
        if (line < this.lineOf(e - 1)) this.setLine(e - 1, key, line);
        if (text !== undefined && !this.texts.has(key)) this.texts.set(key, text);
        continue;
      }
      if (text !== undefined) this.texts.set(key, text);
      this.insert(i, key, other.counts[d]!, line);
    }
    // The sketch (this one's from a pruning before or during the merge, or the other's) holds every key of both.
    if (other.hll && !this.hll) {
      this.hll = new HyperLogLog();
      for (let d = 0; d < this.size; d++) this.hll.addKey(this.keys[d]!);
    }
    if (this.hll) {
      for (let d = 0; d < other.size; d++) this.hll.addKey(other.keys[d]!);
      if (other.hll) this.hll.merge(other.hll);
    }
  }

  private setLine(d: number, key: number, line: number): void {
    this.bigLines.delete(key);
    if (line >>> 0 === line && line !== LINE_ELSEWHERE) this.lines[d] = line;
    else {
      this.lines[d] = LINE_ELSEWHERE;
      this.bigLines.set(key, line);
    }
  }

  toState(): TextCounterState {
    const order = Array.from({ length: this.size }, (_, d) => d).sort((a, b) => this.keys[a]! - this.keys[b]!);
    return {
      keys: Float64Array.from(order, (d) => this.keys[d]!),
      counts: Uint32Array.from(order, (d) => this.counts[d]!),
      lines: Float64Array.from(order, (d) => this.lineOf(d)),
      texts: [...this.texts].sort((a, b) => a[0] - b[0]),
      ...(this.hll ? { hll: Uint8Array.from(this.hll.registers) } : {}),
    };
  }

  static fromState(state: TextCounterState, cap: number, keepAll: boolean): TextCounter {
    const c = new TextCounter(cap, keepAll);
    if (state.hll) c.hll = HyperLogLog.fromRegisters(state.hll);
    for (const [key, text] of state.texts) c.texts.set(key, text);
    // Restored without pruning: the state holds what the counter held.
    let capacity = 1024;
    while (capacity < state.keys.length * 2) capacity *= 2;
    c.rebuild(capacity);
    for (let k = 0; k < state.keys.length; k++) {
      const i = c.slotOf(state.keys[k]!);
      const d = c.size++;
      if (d >= c.keys.length) c.growDense(d + 1);
      c.keys[d] = state.keys[k]!;
      c.counts[d] = state.counts[k]!;
      c.setLine(d, state.keys[k]!, state.lines[k]!);
      c.slots[i] = d + 1;
    }
    return c;
  }

  /** Times the text with this key was seen (a lower bound once the table was pruned). */
  count(key: number): number {
    let i = lowBits(key) & this.mask;
    for (;;) {
      const e = this.slots[i]!;
      if (e === 0) return 0;
      if (this.keys[e - 1] === key) return this.counts[e - 1]!;
      i = (i + 1) & this.mask;
    }
  }

  /** Repeated texts (count ≥ 2), most frequent first, ties by first line. */
  top(limit: number): { text: string; count: number; line: number }[] {
    const out: { text: string; count: number; line: number }[] = [];
    const keyOf: number[] = [];
    for (let d = 0; d < this.size; d++) {
      if (this.counts[d]! < 2) continue;
      const key = this.keys[d]!;
      const text = this.texts.get(key);
      // A text repeated only across parts merged without their single texts kept is not known.
      if (text === undefined) continue;
      keyOf.push(key);
      out.push({ text, count: this.counts[d]!, line: this.lineOf(d) });
    }
    // Ties by first line, then by the text's hash: the same order whatever the split.
    const order = out.map((_, i) => i).sort((a, b) => out[b]!.count - out[a]!.count || out[a]!.line - out[b]!.line || keyOf[a]! - keyOf[b]!);
    return order.slice(0, limit).map((i) => out[i]!);
  }

  private prune(): void {
    if (!this.hll) {
      const hll = new HyperLogLog();
      for (let d = 0; d < this.size; d++) hll.addKey(this.keys[d]!);
      this.hll = hll;
    }
    // Drop the rarest texts until at most half the cap is left.
    let minCount = 1;
    for (;;) {
      let kept = 0;
      for (let d = 0; d < this.size; d++) if (this.counts[d]! > minCount) kept++;
      if (kept * 2 <= this.cap || kept === 0) break;
      minCount++;
    }
    let w = 0;
    for (let d = 0; d < this.size; d++) {
      const k = this.keys[d]!;
      if (this.counts[d]! <= minCount) {
        this.texts.delete(k);
        this.bigLines.delete(k);
        continue;
      }
      this.keys[w] = k;
      this.counts[w] = this.counts[d]!;
      this.lines[w] = this.lines[d]!;
      w++;
    }
    this.size = w;
    this.rebuild(this.slots.length);
  }

  private rebuild(capacity: number): void {
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let d = 0; d < this.size; d++) {
      let i = lowBits(this.keys[d]!) & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = d + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }

  private growDense(min: number): void {
    const cap = Math.max(min, Math.ceil(this.keys.length * 1.5));
    const keys = new Float64Array(cap);
    keys.set(this.keys);
    const counts = new Uint32Array(cap);
    counts.set(this.counts);
    const lines = new Uint32Array(cap);
    lines.set(this.lines);
    this.keys = keys;
    this.counts = counts;
    this.lines = lines;
  }
}

/** Lines from 2^32 − 1 on (and anything but a non-negative integer) do not fit the 32-bit line array; a map holds them. */
const LINE_ELSEWHERE = 0xffffffff;

/** The text cut to 200 characters (never inside a surrogate pair), detached from its record. */
export function truncate(text: string): string {
  if (text.length <= TOP_OUTPUT_CHARS) return detach(text);
  let end = TOP_OUTPUT_CHARS;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--; // never cut a surrogate pair in half
  return detach(text.slice(0, end));
}
