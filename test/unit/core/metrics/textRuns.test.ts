// The joined text's n-grams across records (src/core/metrics/textRuns.ts): joining runs of
// neighbouring records, in any order and grouping, adds exactly the n-grams of orders 2–4
// that cross a record boundary, keyed as the streaming pass keys them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../../../src/core/random';
import { follows, joinNeighbours, joinRuns, junctionKeys } from '../../../../src/core/metrics/textRuns';
import type { Run } from '../../../../src/core/metrics/textRuns';
import { join53, rotl } from '../../../../src/core/numeric/hash53';

// A token's two words: any fixed values will do.
const word = (t: number): [number, number] => [Math.imul(t + 1, 0x9e3779b1) | 0, Math.imul(t + 7, 0x85ebca6b) | 0];

function key(tokens: number[]): number {
  let hi = 0;
  let lo = 0;
  for (let k = 0; k < tokens.length; k++) {
    const [a, b] = word(tokens[tokens.length - 1 - k]!);
    hi ^= rotl(a, 5 * k);
    lo ^= rotl(b, 5 * k);
  }
  return join53(hi, lo);
}

function runOf(line: number, tokens: number[]): Run {
  const words = (ts: number[]) => ts.flatMap(word);
  return { firstLine: line, firstIndex: 0, lastLine: line, lastIndex: 0, tokens: tokens.length, head: words(tokens.slice(0, 3)), tail: words(tokens.slice(-3)) };
}

/** The n-grams (orders 2–4) of the joined records that cross a record boundary, as sorted keys per order. */
function crossing(records: number[][]): number[][] {
  const joined: number[] = [];
  const recordOf: number[] = [];
  records.forEach((r, i) => r.forEach((t) => (joined.push(t), recordOf.push(i))));
  const out: number[][] = [[], [], []];
  for (let n = 2; n <= 4; n++) for (let e = n; e <= joined.length; e++) if (recordOf[e - n] !== recordOf[e - 1]) out[n - 2]!.push(key(joined.slice(e - n, e)));
  return out.map((l) => l.sort((a, b) => a - b));
}

describe('textRuns', () => {
  test('the junctions of records of 0 to 5 tokens give exactly the crossing n-grams, whatever the order runs are joined in', () => {
    const random = new Random(3);
    for (let trial = 0; trial < 200; trial++) {
      const records = Array.from({ length: 1 + random.int(12) }, () => Array.from({ length: random.int(6) }, () => random.int(5)));
      const want = crossing(records);
      const runs = records.map((r, i) => runOf(2 * i + 1, r)); // gaps: no two runs are known to meet
      const got = junctionKeys(random.shuffle(runs.slice())).map((a) => [...a].sort((x, y) => x - y));
      assert.deepEqual(got, want, `trial ${trial}`);
      // Joining some neighbours first, then the rest at the end, adds the same n-grams.
      const early: number[][] = [[], [], []];
      const lines = records.map((r, i) => runOf(i + 1, r));
      const some = joinNeighbours(random.shuffle(lines.filter(() => random.next() < 0.6)), (n, k) => early[n - 2]!.push(k));
      const rest = lines.filter((r) => !some.some((s) => s.firstLine <= r.firstLine && r.lastLine <= s.lastLine));
      const late = junctionKeys([...some, ...rest]);
      const all = early.map((l, i) => [...l, ...late[i]!].sort((x, y) => x - y));
      assert.deepEqual(all, want, `trial ${trial}, in two steps`);
    }
  });

  test('which records are known neighbours', () => {
    assert.ok(follows(5, 0, 5, 1) && follows(5, 2, 6, 0));
    assert.ok(!follows(5, 0, 7, 0) && !follows(5, 0, 6, 1) && !follows(5, 1, 5, 3));
    const joined = joinRuns(runOf(1, [1, 2]), runOf(2, [3]), () => {});
    assert.equal(joined.tokens, 3);
    assert.deepEqual(joined.head, [1, 2, 3].flatMap(word));
    assert.deepEqual(joined.tail, [1, 2, 3].flatMap(word));
  });
});
