// Exact sums of doubles that do not depend on the order of the terms, so a sum split over
// shards, threads or files in any way rounds to the same double. `ExactSum` is a small
// superaccumulator (Neal, "Fast exact summation using small and large superaccumulators",
// 2015): each term's 53-bit significand is cut at 32-bit boundaries of its absolute bit position
// and added, as integers, into one double per 32-bit chunk, which stays exact for 2^20 terms
// between carry passes. Rounding the chunks once with Shewchuk's partials (as Python's
// math.fsum) gives the correctly rounded sum. `addSquare` adds x² exactly (Dekker's
// two-product), for a variance free of the cancellation of Σx² − (Σx)²/n.

const CHUNKS = 67; // bit positions 0..2098 above 2^-1074, in chunks of 32
const CARRY_EVERY = 1 << 20;
const TWO_32 = 4294967296;
const TWO_31 = 2147483648;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer); // little-endian on every platform Node and browsers run on

/** The exact sum of the terms added. */
export class ExactSum {
  private chunks = new Float64Array(CHUNKS);
  private pending = 0;
  /** Infinities and NaN added, summed as doubles (the exact sum is then that). */
  private special = 0;

  /** Adds one term exactly. */
  add(x: number): void {
    if (x === 0) return;
    if (!Number.isFinite(x)) {
      this.special += x;
      return;
    }
    f64[0] = x;
    const lo = u32[0]!;
    const high = u32[1]!;
    const exp = (high >>> 20) & 0x7ff;
    const hi = exp === 0 ? high & 0xfffff : (high & 0xfffff) | 0x100000;
    // x = ±(hi·2^32 + lo) · 2^(pos − 1074), pos the bit position of the significand's last bit.
    const pos = exp === 0 ? 0 : exp - 1;
    depositSignificand(this.chunks, pos >>> 5, pos & 31, lo, hi, high >>> 31 !== 0);
    if (++this.pending === CARRY_EVERY) this.carry();
  }

  /** Adds x² exactly: the rounded product and its rounding error, both doubles. */
  addSquare(x: number): void {
    const p = x * x;
    this.add(p);
    this.add(twoProductError(x, x, p));
  }

  /** Adds another sum: the result is the exact sum of both. */
  merge(other: ExactSum): void {
    this.carry();
    other.carry();
    for (let i = 0; i < CHUNKS; i++) this.chunks[i] += other.chunks[i]!;
    this.special += other.special;
    this.pending = 1;
    this.carry();
  }

  /** The sum as a few doubles whose exact sum it is, for serialization (`fromPartials`). */
  toPartials(): number[] {
    this.carry();
    const out: number[] = [];
    for (let i = 0; i < CHUNKS; i++) {
      const v = this.chunks[i]!;
      if (v !== 0) out.push(v * 2 ** (32 * i - 1074));
    }
    if (this.special !== 0 || Number.isNaN(this.special)) out.push(this.special);
    return out;
  }

  static fromPartials(partials: readonly number[]): ExactSum {
    const s = new ExactSum();
    for (const p of partials) s.add(p);
    return s;
  }

  /** The exact sum rounded once to the nearest double (half-even), as math.fsum. */
  value(): number {
    if (this.special !== 0 || Number.isNaN(this.special)) return this.special;
    return roundPartials(shewchuk(this.toPartials()));
  }

  /**
   * Moves each chunk's excess into the next one, leaving every chunk but the top in
   * [−2^31, 2^31): signed digits, so a negative sum does not carry up through every chunk.
   */
  private carry(): void {
    if (this.pending === 0) return;
    const chunks = this.chunks;
    for (let i = 0; i < CHUNKS - 1; i++) {
      const v = chunks[i]!;
      const up = Math.floor((v + TWO_31) / TWO_32);
      if (up !== 0) {
        chunks[i] = v - up * TWO_32;
        chunks[i + 1] += up;
      }
    }
    this.pending = 0;
  }
}

/** Shewchuk's non-overlapping partials of the terms (increasing magnitude). */
function shewchuk(values: ArrayLike<number>): number[] {
  const partials: number[] = [];
  for (let v = 0; v < values.length; v++) {
    let x = values[v]!;
    let j = 0;
    for (let i = 0; i < partials.length; i++) {
      let y = partials[i]!;
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[j++] = lo;
      x = hi;
    }
    partials.length = j;
    partials.push(x);
  }
  return partials;
}

/** Python's `math.fsum`: the correctly rounded sum of the values. */
export function fsum(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return Array.from(values).reduce((a, b) => a + b, 0);
  return roundPartials(shewchuk(values));
}

/**
 * n · Σx² − (Σx)², exactly, then rounded once: the numerator of the variance, from exact sums
 * of the values and of their squares. Every product of two doubles is split into its rounded
 * value and its error (two doubles), so nothing is lost before the final rounding.
 */
export function varianceNumerator(n: number, sum: ExactSum, sumSquares: ExactSum): number {
  const out = new ExactSum();
  for (const p of sumSquares.toPartials()) {
    const q = n * p;
    out.add(q);
    out.add(twoProductError(n, p, q));
  }
  const s = sum.toPartials();
  for (const a of s) {
    for (const b of s) {
      const q = a * b;
      out.add(-q);
      out.add(-twoProductError(a, b, q));
    }
  }
  return out.value();
}

const SPLITTER = 134217729; // 2^27 + 1 (Veltkamp)

/** The rounding error of the product a · b = p (Dekker 1971): a · b − p exactly, without FMA. */
function twoProductError(a: number, b: number, p: number): number {
  if (!Number.isFinite(p)) return 0;
  const ca = SPLITTER * a;
  const aHi = ca - (ca - a);
  const aLo = a - aHi;
  const cb = SPLITTER * b;
  const bHi = cb - (cb - b);
  const bLo = b - bHi;
  return aLo * bLo - (p - aHi * bHi - aLo * bHi - aHi * bLo);
}

function roundPartials(partials: ArrayLike<number>): number {
  // Round the partials to one double the way CPython's msum does (half-even at the last step).
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n]!;
    hi = x + y;
    const yr = hi - x;
    lo = y - yr;
    if (lo !== 0) break;
  }
  if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    const yr = x - hi;
    if (y === yr) hi = x;
  }
  return hi;
}

/**
 * Adds (or, `negative`, subtracts) the 53-bit significand hi·2^32 + lo shifted left by `shift`
 * bits into three 32-bit chunks from `c` on: the exact deposit of one double into a
 * superaccumulator (ExactSum here, ExactVectorSum per coordinate).
 */
export function depositSignificand(chunks: Float64Array, c: number, shift: number, lo: number, hi: number, negative: boolean): void {
  let p0: number;
  let p1: number;
  let p2: number;
  if (shift === 0) {
    p0 = lo;
    p1 = hi;
    p2 = 0;
  } else {
    p0 = (lo << shift) >>> 0;
    p1 = ((lo >>> (32 - shift)) | (hi << shift)) >>> 0;
    p2 = hi >>> (32 - shift);
  }
  if (negative) {
    chunks[c] -= p0;
    chunks[c + 1] -= p1;
    chunks[c + 2] -= p2;
  } else {
    chunks[c] += p0;
    chunks[c + 1] += p1;
    chunks[c + 2] += p2;
  }
}
