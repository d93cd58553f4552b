// Records the analysis skips although they parsed: a vector it cannot use (empty, another
// length than the group's, an element that is not a finite number) or a group value that is no
// generation id (projected as `malformed`, see project.ts). Such a record is malformed and not
// a record: it counts once, in `malformed` and not in `records`, so the malformed-records
// finding's "N of M records" is exact. Its column is the column of the value at fault; the
// readers keep no line text, so for JSON Lines the few kept issues are located afterwards by
// reading the lines they name again (bounded by LOCATE_MAX_CHARS).
import { findJsonArrayElement, findJsonFieldValue } from '../locate';
import { vectorLengthProblem } from '../metrics/vectors';
import { openFileStream } from '../readers/index';
import type { RecordIssue } from '../readers/index';
import { decodeInput } from '../readers/source';
import { ReadContext } from '../readers/types';
import type { ProjectedIssue } from './project';

/** Text read again, at most, to find the columns of skipped records (then they stay at column 1). */
export const LOCATE_MAX_CHARS = 256 * 1024 * 1024;
/** Longest line kept to locate a value in. */
const MAX_LINE_CHARS = 64 * 1024 * 1024;

const isArray = (node: unknown) => Array.isArray(node);

/** Why the vectors of a record cannot be used (the first problem), or undefined when they can. */
export function vectorProblem(vectors: readonly ArrayLike<unknown>[], dimension: number | undefined): { message: string; nth: number; element?: number } | undefined {
  let d = dimension;
  for (let nth = 0; nth < vectors.length; nth++) {
    const v = vectors[nth]!;
    const len = v.length;
    if (len === 0) return { message: 'expected an array of numbers, found an empty one', nth };
    const tooLong = vectorLengthProblem(len);
    if (tooLong) return { message: tooLong, nth };
    if (d !== undefined && len !== d) return { message: `expected ${d} numbers, found ${len}`, nth };
    for (let i = 0; i < len; i++) {
      const x = v[i];
      if (typeof x !== 'number' || !Number.isFinite(x)) return { message: `element ${i} is not a finite number (${describe(x)})`, nth, element: i };
    }
    d = len;
  }
  return undefined;
}

function describe(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  if (Array.isArray(x)) return 'an array';
  if (x !== null && typeof x === 'object') return 'an object';
  return String(x);
}

/** A kept issue whose column is to be found: the value `at` names, in its line. */
export interface IssueToLocate {
  issue: RecordIssue;
  at: ProjectedIssue;
}

/**
 * Sets the column (1-based, UTF-16 code units like every record column) of each issue to where
 * its value starts in its JSON Lines line. An issue whose value is not found keeps its column;
 * a file that cannot be read again is left as it is (the analysis has its records already).
 */
export async function locateIssueColumns(
  source: { file: string; open?: () => AsyncIterable<Uint8Array> },
  wanted: readonly IssueToLocate[],
  signal?: AbortSignal,
): Promise<void> {
  const byLine = new Map<number, IssueToLocate[]>();
  for (const w of wanted) {
    if (w.at.field === undefined) continue;
    let list = byLine.get(w.issue.line);
    if (!list) byLine.set(w.issue.line, (list = []));
    list.push(w);
  }
  if (byLine.size === 0) return;
  const last = Math.max(...byLine.keys());
  const resolve = (text: string, items: readonly IssueToLocate[]) => {
    if (text.endsWith('\r')) text = text.slice(0, -1);
    for (const { issue, at } of items) {
      let span = findJsonFieldValue(text, at.field!, at.nth !== undefined || at.element !== undefined ? { nth: at.nth ?? 0, where: isArray } : {});
      if (span && at.element !== undefined) span = findJsonArrayElement(text, span, at.element) ?? span;
      if (span) issue.column = span.start + 1;
    }
  };
  const ctx = new ReadContext({ format: 'jsonl', compressed: false, ...(signal ? { signal } : {}) });
  let line = 1;
  let carry: string | undefined = byLine.has(1) ? '' : undefined;
  let scanned = 0;
  try {
    for await (const { text } of decodeInput(source.open ? source.open() : openFileStream(source.file), ctx, () => line - 1)) {
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (carry !== undefined) {
          carry += text.slice(start, nl === -1 ? text.length : nl);
          if (carry.length > MAX_LINE_CHARS) carry = undefined;
        }
        if (nl === -1) break;
        if (carry !== undefined) resolve(carry, byLine.get(line)!);
        line++;
        if (line > last) return;
        start = nl + 1;
        carry = byLine.has(line) ? '' : undefined;
      }
      scanned += text.length;
      if (scanned > LOCATE_MAX_CHARS) return;
    }
    if (carry !== undefined) resolve(carry, byLine.get(line)!);
  } catch (e) {
    // Aborted: the analysis stops anyway. Anything else (the file changed or vanished since):
    // the issues keep column 1.
    if ((e as Error).name === 'AbortError') throw e;
  }
}
