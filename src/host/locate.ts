// Finds where a field's value sits in a record's text, so a diagnostic can underline the value
// instead of the whole line. Pure string scanning (no vscode), tolerant of anything: when the
// text is not what we expect, the answer is "not found" and the caller underlines the line.

export interface Span {
  /** Offsets into the scanned text, end exclusive. */
  start: number;
  end: number;
}

const WS = /\s/;

function skipWs(s: string, i: number): number {
  while (i < s.length && WS.test(s[i]!)) i++;
  return i;
}

function scanString(s: string, i: number): number {
  // s[i] is the opening quote; returns the offset after the closing quote, or -1.
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j];
    if (c === '\\') j++;
    else if (c === '"') return j + 1;
    else if (c === '\n') return -1;
  }
  return -1;
}

/** Offset after the JSON value starting at `i`, or -1 when it does not end inside `s`. */
function scanValue(s: string, i: number): number {
  const c = s[i];
  if (c === '"') return scanString(s, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      const d = s[j];
      if (d === '"') {
        j = scanString(s, j);
        if (j < 0) return -1;
        j--;
      } else if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < s.length && !/[,}\]\s]/.test(s[j]!)) j++;
  return j > i ? j : -1;
}

function keyAt(s: string, start: number, end: number): string | undefined {
  try {
    return JSON.parse(s.slice(start, end)) as string;
  } catch {
    return undefined;
  }
}

/** The value of `key` in the object starting at `open` (s[open] === '{'). */
function memberValue(s: string, open: number, key: string): Span | undefined {
  let i = skipWs(s, open + 1);
  while (i < s.length && s[i] !== '}') {
    if (s[i] !== '"') return undefined;
    const keyEnd = scanString(s, i);
    if (keyEnd < 0) return undefined;
    const name = keyAt(s, i, keyEnd);
    i = skipWs(s, keyEnd);
    if (s[i] !== ':') return undefined;
    i = skipWs(s, i + 1);
    const valueEnd = scanValue(s, i);
    if (valueEnd < 0) return undefined;
    if (name === key) return { start: i, end: valueEnd };
    i = skipWs(s, valueEnd);
    if (s[i] === ',') i = skipWs(s, i + 1);
  }
  return undefined;
}

/**
 * Span of `field` (a name, or a dotted path into nested objects) in the JSON object that starts
 * on the first line of `text` (JSONL record, or an element of a JSON array).
 */
export function findJsonFieldValue(text: string, field: string): Span | undefined {
  let open = skipWs(text, 0);
  // A JSON array's element line may start with the array's bracket or the previous comma.
  while (open < text.length && (text[open] === '[' || text[open] === ',')) open = skipWs(text, open + 1);
  if (text[open] !== '{') return undefined;
  const direct = memberValue(text, open, field);
  if (direct || !field.includes('.')) return direct;
  let span: Span | undefined = { start: open, end: text.length };
  for (const part of field.split('.')) {
    if (!span || text[span.start] !== '{') return undefined;
    span = memberValue(text, span.start, part);
  }
  return span;
}

/** Cells of one delimited line with their offsets (quotes kept inside the span). */
export function splitDelimited(line: string, delimiter: string): { text: string; span: Span }[] {
  const cells: { text: string; span: Span }[] = [];
  let i = 0;
  for (;;) {
    const start = i;
    let value = '';
    if (line[i] === '"') {
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else value += line[i++];
      }
      while (i < line.length && line[i] !== delimiter) value += line[i++];
    } else {
      while (i < line.length && line[i] !== delimiter) value += line[i++];
    }
    cells.push({ text: value, span: { start, end: i } });
    if (i >= line.length) break;
    i++;
  }
  return cells;
}

/** Span of a column's cell in a CSV/TSV record line, the column named in the header line. */
export function findDelimitedFieldValue(header: string, line: string, field: string, delimiter: string): Span | undefined {
  const names = splitDelimited(header.replace(/^\uFEFF/, ''), delimiter).map((c) => c.text.trim());
  const index = names.indexOf(field);
  if (index < 0) return undefined;
  const cell = splitDelimited(line, delimiter)[index];
  if (!cell || cell.span.end <= cell.span.start) return undefined;
  return cell.span;
}

