// Exact per-coordinate sums of vectors, packed: the superaccumulator of exactSum.ts (Neal 2015)
// for each of d coordinates, so that the sums of a stream of rows do not depend on the order of
// the rows or on how they were split. A coordinate keeps a window of 8 of ExactSum's 67 chunks
// of 32 bits, placed by its first non-zero value (from 96 binades below it to 32 above): the
// values of one coordinate of an embedding fall in it, and 8 doubles per coordinate rather
// than 67 keep the sums of long vectors small (256 KB instead of 2.2 MB at d = 4,096). A value
// outside the window moves that coordinate to a whole ExactSum, exactly. Beside them one ExactSum
// adds each row's sum of squares, computed in double-double (a function of the row alone, so
// of no split): they give the mean and the trace of the scatter matrix Σᵢ Σ (xᵢ − x̄ᵢ)², each
// rounded once.
import { depositSignificand, ExactSum } from './exactSum';

const WINDOW = 8;
const BELOW = 3; // chunks of the window below the first value's
const CHUNKS = 67; // ExactSum's chunks: bit positions 0..2098 above 2^-1074
const CARRY_EVERY = 1 << 20;
const TWO_32 = 4294967296;
const TWO_31 = 2147483648;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer); // little-endian on every platform Node and browsers run on

/** Exact sums of each coordinate of the rows added, and of the squares of all their coordinates. */
export class ExactVectorSum {
  private readonly chunks: Float64Array;
  /** Each coordinate's lowest chunk (−1 before its first non-zero value). */
  private readonly base: Int16Array;
  /** Coordinates that left their window. */
  private readonly wide = new Map<number, ExactSum>();
  private pending = 0;
  /** Σ over rows of each row's Σx² (double-double, within about 2⁻¹⁰⁰ of it), summed exactly. */
  readonly squares = new ExactSum();

  constructor(readonly d: number) {
    this.chunks = new Float64Array(d * WINDOW);
    this.base = new Int16Array(d).fill(-1);
  }

  /** Adds a row (finite numbers; `d` of them). */
  add(row: ArrayLike<number>): void {
    // The row's Σx² in double-double (each square split exactly by Dekker's product, the sum
    // carried by two-sums in coordinate order): a function of the row alone, within 2⁻¹⁰⁰ or so
    // of the exact value, added exactly. Two additions to the superaccumulator per row rather
    // than two per coordinate.
    let hi = 0;
    let lo = 0;
    for (let i = 0; i < this.d; i++) {
      const x = row[i]!;
      if (x === 0) continue;
      this.addTo(i, x);
      const p = x * x;
      const c = SPLITTER * x;
      const xh = c - (c - x);
      const xl = x - xh;
      const e = xl * xl - (p - xh * xh - 2 * xh * xl);
      const s = hi + p;
      const v = s - hi;
      lo += hi - (s - v) + (p - v) + e;
      hi = s;
    }
    if (hi !== 0 || lo !== 0) {
      const s = hi + lo;
      this.squares.add(s);
      this.squares.add(lo - (s - hi));
    }
    if (++this.pending === CARRY_EVERY) this.carry();
  }

  /** Adds the sums of another (same d): the result is the exact sum of both. */
  merge(other: ExactVectorSum): void {
    if (other.d !== this.d) throw new Error(`ExactVectorSum: cannot merge sums of ${other.d} coordinates into sums of ${this.d}`);
    this.carry();
    other.carry();
    for (let i = 0; i < this.d; i++) {
      const theirs = other.base[i]!;
      const wide = other.wide.get(i);
      if (wide) this.widen(i).merge(wide);
      else if (theirs < 0) continue;
      else if (!this.wide.has(i) && (this.base[i] === theirs || this.base[i]! < 0)) {
        this.base[i] = theirs;
        for (let k = 0; k < WINDOW; k++) this.chunks[i * WINDOW + k] += other.chunks[i * WINDOW + k]!;
      } else {
        const sum = this.widen(i);
        for (const p of other.partials(i)) sum.add(p);
      }
    }
    this.squares.merge(other.squares);
    this.pending = 1;
    this.carry();
  }

  /** An independent copy. */
  copy(): ExactVectorSum {
    return ExactVectorSum.fromState(this.d, this.toState());
  }

  /** Coordinate i's sum as a few doubles whose exact sum it is. */
  partials(i: number): number[] {
    const wide = this.wide.get(i);
    if (wide) return wide.toPartials();
    this.carry();
    const out: number[] = [];
    const b = this.base[i]!;
    if (b < 0) return out;
    for (let k = 0; k < WINDOW; k++) {
      const v = this.chunks[i * WINDOW + k]!;
      if (v !== 0) out.push(v * 2 ** (32 * (b + k) - 1074));
    }
    return out;
  }

  /** Coordinate i's sum, rounded once. */
  value(i: number): number {
    return ExactSum.fromPartials(this.partials(i)).value();
  }

  /** The mean of each coordinate over `n` rows (each sum rounded once, then divided). */
  mean(n: number): Float64Array {
    const m = new Float64Array(this.d);
    for (let i = 0; i < this.d; i++) m[i] = this.value(i) / n;
    return m;
  }

  /**
   * Σᵢ Σ (xᵢ − x̄ᵢ)² over `n` rows, the trace of the scatter matrix: (n·Σx² − Σᵢ (Σxᵢ)²) / n
   * with the numerator computed exactly (every product split into its rounded value and its
   * error) and rounded once; never below 0.
   */
  scatterTrace(n: number): number {
    if (n === 0) return 0;
    const out = new ExactSum();
    for (const p of this.squares.toPartials()) addProduct(out, n, p);
    for (let i = 0; i < this.d; i++) {
      const s = this.partials(i);
      for (const a of s) for (const b of s) addProduct(out, -a, b);
    }
    return Math.max(0, out.value()) / n;
  }

  /** Plain data: per coordinate its partials, and the partials of the squares. */
  toState(): { sums: number[][]; squares: number[] } {
    const sums: number[][] = [];
    for (let i = 0; i < this.d; i++) sums.push(this.partials(i));
    return { sums, squares: this.squares.toPartials() };
  }

  static fromState(d: number, state: { sums: readonly (readonly number[])[]; squares: readonly number[] }): ExactVectorSum {
    if (state.sums.length !== d) throw new Error(`ExactVectorSum: expected ${d} sums, found ${state.sums.length}`);
    const s = new ExactVectorSum(d);
    state.sums.forEach((partials, i) => {
      for (const p of partials) {
        if (!Number.isFinite(p)) throw new Error('ExactVectorSum: a partial sum is not finite');
        if (p !== 0) s.addTo(i, p);
      }
    });
    s.pending = 1;
    s.carry();
    s.squares.merge(ExactSum.fromPartials(state.squares));
    return s;
  }

  /** Adds the finite, non-zero x to coordinate i. */
  private addTo(i: number, x: number): void {
    const wide = this.wide.size === 0 ? undefined : this.wide.get(i);
    if (wide) {
      wide.add(x);
      return;
    }
    f64[0] = x;
    const lo = u32[0]!;
    const high = u32[1]!;
    const exp = (high >>> 20) & 0x7ff;
    const hi = exp === 0 ? high & 0xfffff : (high & 0xfffff) | 0x100000;
    // x = ±(hi·2^32 + lo) · 2^(pos − 1074), pos the bit position of the significand's last bit.
    const pos = exp === 0 ? 0 : exp - 1;
    const chunk = pos >>> 5;
    let b = this.base[i]!;
    if (b < 0) {
      b = Math.max(0, Math.min(CHUNKS - WINDOW, chunk - BELOW));
      this.base[i] = b;
    }
    // The value's three chunks and one above them for carries must lie in the window.
    if (chunk < b || chunk + 3 >= b + WINDOW) {
      this.widen(i).add(x);
      return;
    }
    depositSignificand(this.chunks, i * WINDOW + chunk - b, pos & 31, lo, hi, high >>> 31 !== 0);
  }

  /** Coordinate i as a whole ExactSum from now on (its window's sum moved into it, exactly). */
  private widen(i: number): ExactSum {
    let sum = this.wide.get(i);
    if (sum) return sum;
    const partials = this.partials(i);
    sum = new ExactSum();
    for (const p of partials) sum.add(p);
    this.chunks.fill(0, i * WINDOW, (i + 1) * WINDOW);
    this.wide.set(i, sum);
    return sum;
  }

  /**
   * Moves each chunk's excess into the next one, leaving every chunk of a window but the top in
   * [−2^31, 2^31) (as ExactSum does).
   */
  private carry(): void {
    if (this.pending === 0) return;
    const chunks = this.chunks;
    for (let i = 0; i < this.d; i++) {
      const base = i * WINDOW;
      for (let k = 0; k < WINDOW - 1; k++) {
        const v = chunks[base + k]!;
        if (v === 0) continue;
        const up = Math.floor((v + TWO_31) / TWO_32);
        if (up !== 0) {
          chunks[base + k] = v - up * TWO_32;
          chunks[base + k + 1] += up;
        }
      }
    }
    this.pending = 0;
  }
}

const SPLITTER = 134217729; // 2^27 + 1 (Veltkamp)

/** Adds a · b exactly: its rounded value and its rounding error (Dekker). */
function addProduct(out: ExactSum, a: number, b: number): void {
  const p = a * b;
  out.add(p);
  const ca = SPLITTER * a;
  const aHi = ca - (ca - a);
  const aLo = a - aHi;
  const cb = SPLITTER * b;
  const bHi = cb - (cb - b);
  const bLo = b - bHi;
  out.add(aLo * bLo - (p - aHi * bHi - aLo * bHi - aHi * bLo));
}
