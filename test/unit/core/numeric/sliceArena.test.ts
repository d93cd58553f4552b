// SliceArena (src/core/numeric/sliceArena.ts): items survive compaction with their contents,
// evicted ones are dropped, and the array grows only when live items fill half of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SliceArena } from '../../../../src/core/numeric/sliceArena';
import { Random } from '../../../../src/core/random';

test('live items keep their contents through compactions; the array stays within four times the live items', () => {
  const arena = new SliceArena<Int32Array>((n) => new Int32Array(n));
  const rng = new Random(5);
  const live: { start: number; size: number; first: number }[] = [];
  for (let k = 0; k < 20_000; k++) {
    const size = 1 + Math.floor(rng.next() * 40);
    const values = Int32Array.from({ length: size }, (_, i) => k * 100 + i);
    // A bounded sample: evict one at random past 200 items, before appending.
    if (live.length >= 200) live.splice(Math.floor(rng.next() * live.length), 1);
    const entry = { start: -1, size, first: k * 100 };
    live.push(entry);
    entry.start = arena.append(values, live);
  }
  for (const e of live) assert.deepEqual(Array.from(arena.view(e.start, e.size)), Array.from({ length: e.size }, (_, i) => e.first + i));
  let used = 0;
  for (const e of live) used += e.size;
  assert.ok(arena.data.length <= 4 * used + 4096, `${arena.data.length} for ${used} live values`);
});
