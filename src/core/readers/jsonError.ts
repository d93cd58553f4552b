// Where and why JSON.parse failed, in words a person can act on. V8 puts the position in
// most messages ("... in JSON at position 6", newer versions add "(line 1 column 7)") but
// not in all of them: Node 20's `Unexpected token '}', "{"a":}" is not valid JSON` has none.
// So the position comes from the message when it is there, otherwise from a small
// validator that stops at the first offending character.

export interface JsonErrorAt {
  /** 0-based offset into the parsed text; `text.length` for an unexpected end. */
  offset: number;
  message: string;
}

export function describeJsonError(text: string, error: unknown): JsonErrorAt {
  const raw = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(raw);
  let offset = position ? Number(position[1]) : findJsonErrorOffset(text);
  if (offset < 0 || offset > text.length) offset = Math.max(0, findJsonErrorOffset(text));
  return { offset, message: cleanMessage(raw) };
}

function cleanMessage(message: string): string {
  // The issue carries the line and column itself, and echoing the whole record back is noise.
  const cleaned = message
    .replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, ' in JSON')
    .replace(/ at position \d+.*$/s, '')
    .trim();
  return cleaned || 'Invalid JSON';
}

const MAX_DEPTH = 2000;

/** Offset of the first character that makes `s` invalid JSON, `s.length` if it ends early, -1 if valid. */
export function findJsonErrorOffset(s: string): number {
  const n = s.length;
  let i = 0;

  const skipWhitespace = () => {
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };

  const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

  const string = (): boolean => {
    i++; // opening quote
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = s.charCodeAt(i + 1);
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) {
            const h = s.charCodeAt(i + k);
            const hex = isDigit(h) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66);
            if (!hex) {
              i += k;
              return false;
            }
          }
          i += 6;
          continue;
        }
        if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          i += 2;
          continue;
        }
        i++;
        return false;
      }
      i++;
    }
    return false;
  };

  const digits = (): boolean => {
    if (!isDigit(s.charCodeAt(i))) return false;
    while (isDigit(s.charCodeAt(i))) i++;
    return true;
  };

  const number = (): boolean => {
    if (s.charCodeAt(i) === 0x2d) i++;
    if (s.charCodeAt(i) === 0x30) i++;
    else if (!digits()) return false;
    if (s.charCodeAt(i) === 0x2e) {
      i++;
      if (!digits()) return false;
    }
    const e = s.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const sign = s.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      if (!digits()) return false;
    }
    return true;
  };

  const literal = (word: string): boolean => {
    for (let k = 0; k < word.length; k++, i++) if (s.charCodeAt(i) !== word.charCodeAt(k)) return false;
    return true;
  };

  const value = (depth: number): boolean => {
    if (depth > MAX_DEPTH) return false;
    skipWhitespace();
    const c = s.charCodeAt(i);
    if (c === 0x7b) {
      i++;
      skipWhitespace();
      if (s.charCodeAt(i) === 0x7d) {
        i++;
        return true;
      }
      for (;;) {
        skipWhitespace();
        if (s.charCodeAt(i) !== 0x22 || !string()) return false;
        skipWhitespace();
        if (s.charCodeAt(i) !== 0x3a) return false;
        i++;
        if (!value(depth + 1)) return false;
        skipWhitespace();
        const d = s.charCodeAt(i);
        if (d === 0x2c) i++;
        else if (d === 0x7d) {
          i++;
          return true;
        } else return false;
      }
    }
    if (c === 0x5b) {
      i++;
      skipWhitespace();
      if (s.charCodeAt(i) === 0x5d) {
        i++;
        return true;
      }
      for (;;) {
        if (!value(depth + 1)) return false;
        skipWhitespace();
        const d = s.charCodeAt(i);
        if (d === 0x2c) i++;
        else if (d === 0x5d) {
          i++;
          return true;
        } else return false;
      }
    }
    if (c === 0x22) return string();
    if (c === 0x2d || isDigit(c)) return number();
    if (c === 0x74) return literal('true');
    if (c === 0x66) return literal('false');
    if (c === 0x6e) return literal('null');
    return false;
  };

  if (!value(0)) return Math.min(i, n);
  skipWhitespace();
  return i < n ? i : -1;
}

/** "an array", "a number", … for messages about a value that is not an object. */
export function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'boolean') return `a boolean (${value})`;
  return typeof value === 'number' ? 'a number' : typeof value === 'string' ? 'a string' : 'an object';
}
