// Rows kept in memory at half the size when that loses nothing: a row whose numbers are all
// single-precision values (embeddings computed in float32 and written out in full) is held as
// a Float32Array; a row whose numbers are all k / 10^s for one s ≤ 9 and integers |k| < 2³¹
// (embeddings written with a fixed number of decimals) as those integers; any other row as
// doubles. Each form gives back exactly the doubles it was made from, so a row is the same
// whichever form holds it (a split input may encode one row differently in each part).

/** A row as held: doubles, floats that are its exact values, or decimal integers and their scale. */
export type StoredRow = Float64Array | Float32Array | DecimalRow;

export interface DecimalRow {
  ints: Int32Array;
  /** The row is ints[i] / 10^scale. */
  scale: number;
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** The row in its smallest exact form; `scaleHint` is the scale to try first (the previous row's). */
export function storeRow(row: ArrayLike<number>, scaleHint = 6): StoredRow {
  const d = row.length;
  let single = true;
  for (let i = 0; i < d; i++) {
    const x = row[i]!;
    if (Math.fround(x) !== x || Object.is(x, -0)) {
      single = false;
      break;
    }
  }
  if (single) return Float32Array.from(row);
  const tried = new Set<number>();
  for (const s of [scaleHint, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) {
    if (s < 0 || s > 9 || tried.has(s)) continue;
    tried.add(s);
    const ints = decimalInts(row, s);
    if (ints) return { ints, scale: s };
  }
  return Float64Array.from(row);
}

// The integers k with row[i] === k / 10^s exactly, or undefined.
function decimalInts(row: ArrayLike<number>, s: number): Int32Array | undefined {
  const p = POW10[s]!;
  const d = row.length;
  const ints = new Int32Array(d);
  for (let i = 0; i < d; i++) {
    const x = row[i]!;
    const k = Math.round(x * p);
    if (!(Math.abs(k) < 2147483648) || k / p !== x || Object.is(x, -0)) return undefined;
    ints[i] = k;
  }
  return ints;
}

/** The row's doubles, exactly as they were stored (into `out` when given). */
export function loadRow(stored: StoredRow, out?: Float64Array): Float64Array {
  if (stored instanceof Float64Array) return out ? (out.set(stored), out) : stored;
  if (stored instanceof Float32Array) {
    const r = out ?? new Float64Array(stored.length);
    for (let i = 0; i < stored.length; i++) r[i] = stored[i]!;
    return r;
  }
  const { ints, scale } = stored;
  const p = POW10[scale]!;
  const r = out ?? new Float64Array(ints.length);
  for (let i = 0; i < ints.length; i++) r[i] = ints[i]! / p;
  return r;
}

/** The scale of a decimal row (to try first for the next row), or undefined. */
export function storedScale(stored: StoredRow): number | undefined {
  return stored instanceof Float64Array || stored instanceof Float32Array ? undefined : stored.scale;
}

/** Bytes the stored row takes. */
export function storedBytes(stored: StoredRow): number {
  return stored instanceof Float64Array || stored instanceof Float32Array ? stored.byteLength : stored.ints.byteLength;
}
