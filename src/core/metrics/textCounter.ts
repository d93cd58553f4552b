// The record texts of one generation (duplicate_rate, the most repeated outputs), counted by
// a 53-bit hash of each text.
import { detach } from './tokenTable';
import { HyperLogLog } from '../numeric/hyperLogLog';
import { KeyIndex53 } from '../numeric/hashTables';

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
  // Texts are numbered by their key (`KeyIndex53`); counts and first lines by that number.
  private index = new KeyIndex53(512);
  private counts = new Uint32Array(512);
  private lines = new Uint32Array(512); // LINE_ELSEWHERE: the line is in bigLines
  private readonly bigLines = new Map<number, number>();
  private readonly texts = new Map<number, string>();
  private hll: HyperLogLog | undefined;

  constructor(
    private readonly cap: number,
    private readonly keepAll = false,
  ) {}

  get exact(): boolean {
    return this.hll === undefined;
  }

  get distinct(): number {
    return this.hll ? this.hll.estimate() : this.index.size;
  }

  add(key: number, line: number, text: string): void {
    this.hll?.addKey(key);
    const before = this.index.size;
    const d = this.index.idOf(key);
    if (this.index.size === before) {
      const c = ++this.counts[d]!;
      if (c === 2 && !this.keepAll) this.texts.set(key, truncate(text));
      return;
    }
    if (this.keepAll) this.texts.set(key, truncate(text));
    this.added(d, key, 1, line);
  }

  /** Counts the new text numbered `d`. */
  private added(d: number, key: number, count: number, line: number): void {
    if (d >= this.counts.length) this.growDense(d + 1);
    this.counts[d] = count;
    this.setLine(d, key, line);
    if (this.index.size > this.cap) this.prune();
  }

  private lineOf(d: number): number {
    return this.lines[d]! === LINE_ELSEWHERE ? this.bigLines.get(this.index.key(d))! : this.lines[d]!;
  }

  /** Adds the texts of another counter (same cap): counts add, the first line is the smaller. */
  merge(other: TextCounter): void {
    const size = other.index.size;
    for (let e = 0; e < size; e++) {
      const key = other.index.key(e);
      const line = other.lineOf(e);
      const text = other.texts.get(key);
      const known = this.index.get(key);
      if (known >= 0) {
        this.counts[known] += other.counts[e]!;
        if (line < this.lineOf(known)) this.setLine(known, key, line);
        if (text !== undefined && !this.texts.has(key)) this.texts.set(key, text);
        continue;
      }
      if (text !== undefined) this.texts.set(key, text);
      this.added(this.index.idOf(key), key, other.counts[e]!, line);
    }
    // The sketch (this one's from a pruning before or during the merge, or the other's) holds every key of both.
    if (other.hll && !this.hll) {
      this.hll = new HyperLogLog();
      for (let d = 0; d < this.index.size; d++) this.hll.addKey(this.index.key(d));
    }
    if (this.hll) {
      for (let e = 0; e < size; e++) this.hll.addKey(other.index.key(e));
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
    const index = this.index;
    const order = Array.from({ length: index.size }, (_, d) => d).sort((a, b) => index.key(a) - index.key(b));
    return {
      keys: Float64Array.from(order, (d) => index.key(d)),
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
    c.index = new KeyIndex53(Math.max(512, state.keys.length));
    c.growDense(state.keys.length);
    for (let k = 0; k < state.keys.length; k++) {
      const d = c.index.idOf(state.keys[k]!);
      c.counts[d] = state.counts[k]!;
      c.setLine(d, state.keys[k]!, state.lines[k]!);
    }
    return c;
  }

  /** Times the text with this key was seen (a lower bound once the table was pruned). */
  count(key: number): number {
    const d = this.index.get(key);
    return d < 0 ? 0 : this.counts[d]!;
  }

  /** Repeated texts (count ≥ 2), most frequent first, ties by first line. */
  top(limit: number): { text: string; count: number; line: number }[] {
    const out: { text: string; count: number; line: number }[] = [];
    const keyOf: number[] = [];
    for (let d = 0; d < this.index.size; d++) {
      if (this.counts[d]! < 2) continue;
      const key = this.index.key(d);
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
    const index = this.index;
    if (!this.hll) {
      const hll = new HyperLogLog();
      for (let d = 0; d < index.size; d++) hll.addKey(index.key(d));
      this.hll = hll;
    }
    // Drop the rarest texts until at most half the cap is left.
    let minCount = 1;
    for (;;) {
      let kept = 0;
      for (let d = 0; d < index.size; d++) if (this.counts[d]! > minCount) kept++;
      if (kept * 2 <= this.cap || kept === 0) break;
      minCount++;
    }
    let w = 0;
    index.retain((d) => {
      if (this.counts[d]! <= minCount) {
        const k = index.key(d);
        this.texts.delete(k);
        this.bigLines.delete(k);
        return false;
      }
      this.counts[w] = this.counts[d]!;
      this.lines[w] = this.lines[d]!;
      w++;
      return true;
    });
  }

  private growDense(min: number): void {
    const cap = Math.max(min, Math.ceil(this.counts.length * 1.5));
    const counts = new Uint32Array(cap);
    counts.set(this.counts);
    const lines = new Uint32Array(cap);
    lines.set(this.lines);
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
