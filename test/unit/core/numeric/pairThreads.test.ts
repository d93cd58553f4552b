// The pair pass on two threads (src/core/numeric/pairThreads.ts, dist/pair-thread.js) gives the
// same numbers, bit for bit, as on one: each row triple's sums have a slot of their own, added
// in triple order, and nearest cosines merge by their maximum. A helper that never joins is
// left behind; the triples of one that stops half-way are computed by the caller.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pairwiseSpread, PARALLEL_MIN_WORK } from '../../../../src/core/numeric/pairwise';
import type { PairwiseSpread } from '../../../../src/core/numeric/pairwise';
import { pairThreadBeside, usePairThread } from '../../../../src/core/numeric/pairThreads';
import { Random } from '../../../../src/core/random';
import { repoRoot } from '../../support';

const script = pairThreadBeside(path.join(repoRoot(), 'dist'));

afterEach(() => usePairThread(undefined));

function rows(n: number, d: number, seed: number): Float64Array[] {
  const rng = new Random(seed);
  // Some zero rows (no cosine, never anyone's nearest) and some repeated ones (distance 0).
  return Array.from({ length: n }, (_, i) => (i % 97 === 5 ? new Float64Array(d) : Float64Array.from({ length: d }, () => rng.normal() + (i % 50 === 7 ? 3 : 0))));
}

function same(a: object, b: object): void {
  for (const [k, v] of Object.entries(a)) assert.ok(Object.is(v, (b as Record<string, number>)[k]), `${k}: ${v} vs ${(b as Record<string, number>)[k]}`);
}

test('dist/pair-thread.js is built', () => {
  assert.ok(script, 'run `node esbuild.js` first');
});

/**
 * The pair statistics of `data` on one thread, then twice with `helper` as the second thread's
 * script (the first call may end before the helper has started; the second finds it running):
 * all three the same numbers.
 */
function oneThenTwo(data: Float64Array[], d: number, helper: string | undefined): PairwiseSpread {
  usePairThread(undefined);
  const one = pairwiseSpread(data, d);
  usePairThread(helper);
  same(one, pairwiseSpread(data, d));
  same(one, pairwiseSpread(data, d));
  return one;
}

const fixtureHelper = (name: string) => path.join(repoRoot(), 'test', 'fixtures', 'analysis', name);

// n mod 3 = 1 and 2 leave rows outside the triples; an odd d leaves a position to the JavaScript side.
for (const [n, d] of [[2000, 384], [1201, 385], [1000, 101], [1202, 100]] as const) {
  test(`n = ${n}, d = ${d}: the same numbers with one thread and with two`, () => {
    assert.ok(n * n * d >= PARALLEL_MIN_WORK, 'large enough to take the second thread');
    const one = oneThenTwo(rows(n, d, n + d), d, script);
    assert.ok(one.nonZero < n, 'the zero rows are left out of the cosines');
  });
}

test('a helper that never joins: the caller computes every triple and returns', () => {
  oneThenTwo(rows(1500, 64, 3), 64, fixtureHelper('idle-pair-thread.js'));
});

test('a helper that takes triples and drops them: the caller computes them', () => {
  oneThenTwo(rows(3000, 64, 4), 64, fixtureHelper('dropping-pair-thread.js'));
});
