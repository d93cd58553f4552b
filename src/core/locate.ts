// Finds where a field's value sits in a record's text: the host underlines the value instead of
// the whole line, and the analysis reports the column of a value it had to skip (a bad vector,
// a group that is not an id). Pure string scanning (no vscode, no I/O), tolerant of anything:
// when the text is not what we expect, the answer is "not found" and the caller falls back to
// the line.

export interface Span {
  /** Offsets into the scanned text, end exclusive. */
  start: number;
  end: number;
}

import { compileFieldPath } from './fieldPath';
import type { FieldPath, Segment } from './fieldPath';

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

/** The `index`-th element of the array starting at `open` (s[open] === '['). */
function elementValue(s: string, open: number, index: number): Span | undefined {
  let i = skipWs(s, open + 1);
  for (let k = 0; i < s.length && s[i] !== ']'; k++) {
    const end = scanValue(s, i);
    if (end < 0) return undefined;
    if (k === index) return { start: i, end };
    i = skipWs(s, end);
    if (s[i] === ',') i = skipWs(s, i + 1);
  }
  return undefined;
}

/** Which selected node a search wants: the `skip`+1-th of those `where` accepts. */
interface Wanted {
  skip: number;
  where: ((node: unknown) => boolean) | undefined;
}

/** The member names and indices that lead to the wanted node `segments` select in `node`. */
function routeTo(node: unknown, segments: readonly Segment[], at: number, route: (string | number)[], wanted: Wanted): boolean {
  if (at === segments.length) {
    if (wanted.where && !wanted.where(node)) return false;
    if (wanted.skip > 0) {
      wanted.skip--;
      return false;
    }
    return true;
  }
  const seg = segments[at]!;
  const tryChild = (key: string | number, child: unknown): boolean => {
    route.push(key);
    if (routeTo(child, segments, at + 1, route, wanted)) return true;
    route.pop();
    return false;
  };
  if (seg.kind === 'member') {
    return node !== null && typeof node === 'object' && !Array.isArray(node) && Object.prototype.hasOwnProperty.call(node, seg.name)
      ? tryChild(seg.name, (node as Record<string, unknown>)[seg.name])
      : false;
  }
  if (seg.kind === 'index') {
    if (!Array.isArray(node)) return false;
    const i = seg.index < 0 ? node.length + seg.index : seg.index;
    return i >= 0 && i < node.length ? tryChild(i, node[i]) : false;
  }
  if (node === null || typeof node !== 'object') return false;
  const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
  for (const [key, child] of entries) {
    if (seg.kind === 'filter' && !seg.test(child)) continue;
    if (seg.kind === 'slice' && !(typeof key === 'number' && Array.isArray(node) && inSlice(key, node.length, seg))) continue;
    if (tryChild(key, child)) return true;
  }
  return false;
}

function inSlice(i: number, n: number, seg: { start?: number; end?: number; step?: number }): boolean {
  const step = seg.step ?? 1;
  if (step <= 0) return false;
  const norm = (x: number) => (x < 0 ? Math.max(0, n + x) : Math.min(n, x));
  const start = norm(seg.start ?? 0);
  const end = norm(seg.end ?? n);
  return i >= start && i < end && (i - start) % step === 0;
}

export interface FindOptions {
  /** Which of the nodes the path selects, counting only those `where` accepts: 0 (default) is the first. */
  nth?: number;
  /** Only nodes this accepts count (e.g. arrays, for a vector path that also selects other values). */
  where?: (node: unknown) => boolean;
}

/**
 * Span of `field` (a name, or a field path such as `choices[*].message.content`) in the JSON
 * object that starts on the first line of `text` (JSONL record, or an element of a JSON
 * array). For a path that selects several values, the first one (or the `nth`).
 */
export function findJsonFieldValue(text: string, field: string, options: FindOptions = {}): Span | undefined {
  const nth = options.nth ?? 0;
  let open = skipWs(text, 0);
  // A JSON array's element line may start with the array's bracket or the previous comma.
  while (open < text.length && (text[open] === '[' || text[open] === ',')) open = skipWs(text, open + 1);
  if (text[open] !== '{') return undefined;
  // A key equal to the whole text (`response.text`) is what the path selects (the whole-key rule).
  const direct = memberValue(text, open, field);
  if (direct) return nth === 0 && (!options.where || options.where(parseSpan(text, direct))) ? direct : undefined;
  let path: FieldPath;
  try {
    path = compileFieldPath(field);
  } catch {
    return undefined;
  }
  const end = scanValue(text, open);
  if (end < 0) return undefined;
  const record = parseSpan(text, { start: open, end });
  if (record === undefined) return undefined;
  const route: (string | number)[] = [];
  if (!routeTo(record, path.segments, 0, route, { skip: nth, where: options.where })) return undefined;
  let span: Span | undefined = { start: open, end };
  for (const step of route) {
    if (!span) return undefined;
    span = typeof step === 'number' ? findJsonArrayElement(text, span, step) : text[span.start] === '{' ? memberValue(text, span.start, step) : undefined;
  }
  return span;
}

/** Span of the `index`-th element of the JSON array at `array` (a span found above), or undefined. */
export function findJsonArrayElement(text: string, array: Span, index: number): Span | undefined {
  return text[array.start] === '[' && index >= 0 ? elementValue(text, array.start, index) : undefined;
}

function parseSpan(text: string, span: Span): unknown {
  try {
    return JSON.parse(text.slice(span.start, span.end)) as unknown;
  } catch {
    return undefined;
  }
}

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

