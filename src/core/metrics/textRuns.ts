// The joined text's n-grams across record boundaries. ngram_diversity (METRICS.md) counts
// the n-grams of a generation's records joined with one space, in line order, so an n-gram
// can start in one record and end in the next. Records read one after another on consecutive
// lines (or as the outputs of one line) are neighbours whatever else the input holds; records
// with a gap between their lines may have a record of the same generation between them in
// another part of the input. So a part keeps its records as runs of known neighbours, each
// with its first and last three tokens (as their hash words), and the n-grams across two runs
// are added once the runs are known to meet: when a merge brings the next line, or at the end
// (the runs of the whole generation, in line order, meet one after another).
import { join53, rotl } from '../numeric/hash53';

/** A run of neighbouring records: first and last position, tokens, and the hash words of its first and last ≤ 3 tokens. */
export interface Run {
  firstLine: number;
  firstIndex: number;
  lastLine: number;
  lastIndex: number;
  tokens: number;
  /** hi, lo words of the first min(3, tokens) tokens, interleaved. */
  head: number[];
  /** hi, lo words of the last min(3, tokens) tokens, interleaved, oldest first. */
  tail: number[];
}

/** Whether the record at (line, index) comes right after the one at (lastLine, lastIndex) in any split of the input. */
export function follows(lastLine: number, lastIndex: number, line: number, index: number): boolean {
  return (line === lastLine && index === lastIndex + 1) || (line === lastLine + 1 && index === 0);
}

export const byPosition = (a: Run, b: Run): number => a.firstLine - b.firstLine || a.firstIndex - b.firstIndex;

/**
 * The n-grams (orders 2..4) that start in `prev` and end in `next`, as `emit(order, key)`,
 * with the key the streaming pass gives them (the XOR of the tokens' words rotated by their
 * distance from the end); returns the run of both.
 */
export function joinRuns(prev: Run, next: Run, emit: (order: number, key: number) => void): Run {
  const t = prev.tail.length >> 1;
  const seq = prev.tail.concat(next.head);
  const total = seq.length >> 1;
  for (let p = t; p < total; p++) {
    let hi = seq[2 * p]!;
    let lo = seq[2 * p + 1]!;
    for (let n = 2; n <= 4; n++) {
      const start = p - n + 1;
      if (start < 0) break;
      const r = 5 * (n - 1);
      hi ^= rotl(seq[2 * start]!, r);
      lo ^= rotl(seq[2 * start + 1]!, r);
      if (start < t) emit(n, join53(hi, lo));
    }
  }
  const head = prev.head.concat(next.head).slice(0, 6);
  const tail = prev.tail.concat(next.tail).slice(-6);
  return { firstLine: prev.firstLine, firstIndex: prev.firstIndex, lastLine: next.lastLine, lastIndex: next.lastIndex, tokens: prev.tokens + next.tokens, head, tail };
}

/**
 * Sorts the runs and joins those known to meet (`follows`), emitting the n-grams across each
 * join; returns the runs left (in position order).
 */
export function joinNeighbours(runs: Run[], emit: (order: number, key: number) => void): Run[] {
  runs.sort(byPosition);
  const out: Run[] = [];
  for (const r of runs) {
    const last = out[out.length - 1];
    if (last && follows(last.lastLine, last.lastIndex, r.firstLine, r.firstIndex)) out[out.length - 1] = joinRuns(last, r, emit);
    else out.push(r);
  }
  return out;
}

/** The n-grams across every junction of the runs (the whole generation's, in position order), per order 2..4. */
export function junctionKeys(runs: readonly Run[]): [Float64Array, Float64Array, Float64Array] {
  const lists: number[][] = [[], [], []];
  let acc: Run | undefined;
  for (const r of [...runs].sort(byPosition)) acc = acc ? joinRuns(acc, r, (n, key) => lists[n - 2]!.push(key)) : r;
  return [Float64Array.from(lists[0]!), Float64Array.from(lists[1]!), Float64Array.from(lists[2]!)];
}
