// The Gram matrix Σ u uᵀ of rows whose entries lie in [−1, 1] (L2-normalized rows), summed so
// that the result does not depend on the order of the rows or on how they were split: each
// entry of a row is rounded once to a multiple of 2⁻⁴² (an error of at most 2⁻⁴³, far below
// the rounding of the eigen-solver that reads the matrix), written as two integers,
// u ≈ H·2⁻²¹ + L·2⁻⁴² with |H| ≤ 2²¹ and |L| ≤ 2²⁰, and the products H·Hᵀ (units of 2⁻⁴²) and
// H·Lᵀ (units of 2⁻⁶³) are summed as integers held in doubles, which is exact, so any order
// gives the same sums. The L·Lᵀ term (below 2⁻⁴⁴) is left out, the same way for every row.
// Rows are buffered in blocks and folded in with the register-tiled dot products of
// linalg.ts (integer sums are exact in any order, so the tiles may reorder them): three times
// the work of a plain Gram matrix. Every 1,024 rows the sums are carried into coarser ones so
// that no integer passes 2⁵³.
import { fsum } from './exactSum';
import { accumulateTiles, tileScratch } from './linalg';
import { simdKernels } from './simd';
import { encodeBase64, float64FromBase64 } from './base64';

const TWO_21 = 2 ** 21;
const TWO_42 = 2 ** 42;
const TWO_M42 = 2 ** -42;
const TWO_M63 = 2 ** -63;
const BLOCK = 64;
const CARRY_ROWS = 1024;

/** Plain data of an `ExactUnitGram` (base64 of Float64Arrays, d × d each). */
export interface ExactUnitGramState {
  /** Σ H·Hᵀ carried into whole units (upper triangle used). */
  top: string;
  /** The rest of Σ H·Hᵀ and the carried part of Σ H·Lᵀ, in units of 2⁻⁴² (upper triangle used). */
  rest: string;
  /** Σ H·Lᵀ not yet carried, in units of 2⁻⁶³ (full). */
  cross: string;
  rows: number;
}

export class ExactUnitGram {
  private readonly top: Float64Array;
  private readonly rest: Float64Array;
  private readonly cross: Float64Array;
  // Column-major block: H of feature i at [i·B, i·B + B), L of feature i at [(d + i)·B, …).
  private readonly block: Float64Array;
  private filled = 0;
  private sinceCarry = 0;
  /** Rows added. */
  rows = 0;

  constructor(readonly d: number) {
    this.top = new Float64Array(d * d);
    this.rest = new Float64Array(d * d);
    this.cross = new Float64Array(d * d);
    this.block = new Float64Array(2 * d * BLOCK);
  }

  /** Adds the row scale · row, whose entries must lie in [−1, 1] (up to rounding). */
  add(row: ArrayLike<number>, scale = 1): void {
    const d = this.d;
    const b = this.filled;
    const blk = this.block;
    for (let i = 0; i < d; i++) {
      const u = row[i]! * scale;
      if (!(Math.abs(u) <= 1 + 2 ** -40)) throw new Error(`ExactUnitGram: entry ${u} is outside [−1, 1]`);
      const h = Math.round(u * TWO_21);
      blk[i * BLOCK + b] = h;
      blk[(d + i) * BLOCK + b] = Math.round((u - h / TWO_21) * TWO_42);
    }
    this.rows++;
    if (++this.filled === BLOCK) this.flush();
  }

  /** Adds another's sums (same d): the result is that of all rows of both. */
  merge(other: ExactUnitGram): void {
    if (other.d !== this.d) throw new Error(`ExactUnitGram: cannot merge ${other.d} × ${other.d} sums into ${this.d} × ${this.d}`);
    this.flush();
    this.carry();
    other.flush();
    other.carry();
    const n = this.d * this.d;
    for (let i = 0; i < n; i++) {
      this.top[i] += other.top[i]!;
      this.rest[i] += other.rest[i]!;
      this.cross[i] += other.cross[i]!;
    }
    this.rows += other.rows;
    this.sinceCarry = CARRY_ROWS;
    this.carry();
  }

  /** The full d × d matrix Σ u uᵀ, each entry its exact sum rounded once (a new array). */
  matrix(): Float64Array {
    this.flush();
    this.carry();
    const d = this.d;
    const out = new Float64Array(d * d);
    const parts = [0, 0, 0];
    for (let i = 0; i < d; i++) {
      for (let j = i; j < d; j++) {
        parts[0] = this.top[i * d + j]!;
        parts[1] = this.rest[i * d + j]! * TWO_M42;
        parts[2] = (this.cross[i * d + j]! + this.cross[j * d + i]!) * TWO_M63;
        const v = fsum(parts);
        out[i * d + j] = v;
        out[j * d + i] = v;
      }
    }
    return out;
  }

  copy(): ExactUnitGram {
    return ExactUnitGram.fromState(this.d, this.toState());
  }

  toState(): ExactUnitGramState {
    this.flush();
    this.carry();
    return { top: encodeBase64(this.top), rest: encodeBase64(this.rest), cross: encodeBase64(this.cross), rows: this.rows };
  }

  static fromState(d: number, state: ExactUnitGramState): ExactUnitGram {
    const g = new ExactUnitGram(d);
    g.top.set(float64FromBase64(state.top, d * d));
    g.rest.set(float64FromBase64(state.rest, d * d));
    g.cross.set(float64FromBase64(state.cross, d * d));
    g.rows = state.rows;
    for (let i = 0; i < d * d; i++) {
      if (!Number.isInteger(g.top[i]) || !Number.isInteger(g.rest[i]) || !Number.isInteger(g.cross[i])) throw new Error('ExactUnitGram: the sums are not whole units');
    }
    return g;
  }

  /** Moves whole units of the finer sums into the coarser ones, so that none passes 2⁵³. */
  private carry(): void {
    if (this.sinceCarry === 0) return;
    const { top, rest, cross } = this;
    const d = this.d;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const k = i * d + j;
        const c = cross[k]!;
        if (c !== 0) {
          const q = Math.round(c / TWO_21);
          cross[k] = c - q * TWO_21;
          // H·Lᵀ and its transpose both belong to the (upper) entry; on the diagonal it counts twice.
          if (i === j) rest[k] += 2 * q;
          else rest[i < j ? k : j * d + i] += q;
        }
      }
    }
    for (let i = 0; i < d; i++) {
      // Below the diagonal only the diagonal tiles write, and nothing reads it.
      for (let j = 0; j < i; j++) rest[i * d + j] = 0;
      for (let j = i; j < d; j++) {
        const k = i * d + j;
        const r = rest[k]!;
        if (r !== 0) {
          const q = Math.round(r / TWO_42);
          rest[k] = r - q * TWO_42;
          top[k] += q;
        }
      }
    }
    this.sinceCarry = 0;
  }

  private flush(): void {
    const m = this.filled;
    if (m === 0) return;
    const d = this.d;
    const blk = this.block;
    const rest = this.rest;
    const cross = this.cross;
    // Σ H·Hᵀ over the block into the upper triangle of `rest` (diagonal tiles also write three
    // entries below it, which nothing reads), and Σ H·Lᵀ, every entry, into `cross`. Integer
    // sums below 2⁵³: exact in any order, so the SIMD kernel's order gives the same sums.
    const simd = simdKernels();
    const x = simd ? simd.view(2 * d * BLOCK + 9 * (Math.floor(d / 3) + 1)) : blk;
    if (simd) x.set(blk);
    const tv = simd ? x : tileScratch(d);
    const tvBase = simd ? 2 * d * BLOCK : 0;
    accumulateTiles(x, 0, 0, d, d, BLOCK, m, true, rest, d, 0, 0, tv, tvBase, simd);
    accumulateTiles(x, 0, d * BLOCK, d, d, BLOCK, m, false, cross, d, 0, 0, tv, tvBase, simd);
    this.filled = 0;
    this.sinceCarry += m;
    if (this.sinceCarry >= CARRY_ROWS) this.carry();
    // Keep unused slots zero for a partial block.
    blk.fill(0);
  }
}
