// A CSV or TSV cell's text as a value: null, a number, an array of numbers (an embedding
// written as JSON in a cell) or the text itself.

/** Cell text to a value: empty → null, a number → number, a JSON array of numbers → array, else the text. */
export function castCell(cell: string | undefined): unknown {
  if (cell === undefined || cell.length === 0) return null;
  const c = cell.charCodeAt(0);
  if (c === 0x5b) return numberArray(cell) ?? cell;
  if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0x20) {
    const t = c === 0x20 || cell.charCodeAt(cell.length - 1) === 0x20 ? cell.trim() : cell;
    if (isDecimal(t)) {
      const n = Number(t);
      if (Number.isFinite(n)) return n;
    }
  }
  return cell;
}

/**
 * Plain decimal or exponent syntax: -?(0|[1-9]\d*)(\.\d*)?([eE][+-]?\d+)? or -?\.\d+([eE][+-]?\d+)?.
 * A leading zero ("007", "02134") marks an identifier, not a number. Scanned by hand: the
 * regular expression was a sixth of the time spent reading a numeric CSV.
 */
function isDecimal(t: string): boolean {
  let i = t.charCodeAt(0) === 0x2d ? 1 : 0;
  const c = t.charCodeAt(i);
  if (c === 0x2e) {
    if (!isDigit(t.charCodeAt(++i))) return false;
    while (isDigit(t.charCodeAt(i))) i++;
    return isExponentEnd(t, i);
  }
  if (c === 0x30) i++;
  else if (c >= 0x31 && c <= 0x39) while (isDigit(t.charCodeAt(i))) i++;
  else return false;
  if (t.charCodeAt(i) === 0x2e) {
    i++;
    while (isDigit(t.charCodeAt(i))) i++;
  }
  return isExponentEnd(t, i);
}

/** Whether `t` from `i` on is empty or an exponent such as `e-5`. */
function isExponentEnd(t: string, i: number): boolean {
  if (i === t.length) return true;
  const e = t.charCodeAt(i);
  if (e !== 0x65 && e !== 0x45) return false;
  const sign = t.charCodeAt(++i);
  if (sign === 0x2b || sign === 0x2d) i++;
  if (!isDigit(t.charCodeAt(i))) return false;
  while (isDigit(t.charCodeAt(i))) i++;
  return i === t.length;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function numberArray(cell: string): number[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cell);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  for (const x of parsed) if (typeof x !== 'number') return undefined;
  return parsed as number[];
}
