// The variable-length items of a sample (token ids, shingle hashes) back to back in one typed
// array, for the text accumulator's pools (metrics/textAccumulator.ts).

/**
 * The variable-length items of a reservoir (token ids, shingle hashes), back to back in
 * one typed array. One small ArrayBuffer per item costs ~100+ bytes of bookkeeping each,
 * and the tens of thousands an accumulator allocates and evicts per generation scatter
 * over the allocator's pages, which then stay resident: per live generation that was
 * several times the bytes of the items themselves. Evicted items leave holes until the
 * arena runs out of room; then the live items slide down, and the array grows (to twice
 * their size) when they fill more than half of it.
 */
export class SliceArena<A extends Int32Array | Float64Array> {
  data: A;
  private used = 0;

  /** `capacity`: values the array starts with (0 for an arena that takes none, as a reduced accumulator's). */
  constructor(private readonly make: (length: number) => A, capacity = 4096) {
    this.data = make(capacity);
  }

  /** Copies `values` in and returns where they start; `live` are the items whose slices must survive (their `start` is updated when they move). */
  append(values: A, live: readonly { start: number; size: number }[]): number {
    const n = values.length;
    if (this.used + n > this.data.length) this.compact(live, n);
    const start = this.used;
    this.data.set(values, start);
    this.used += n;
    return start;
  }

  view(start: number, size: number): A {
    return this.data.subarray(start, start + size) as A;
  }

  private compact(live: readonly { start: number; size: number }[], room: number): void {
    const items = live.filter((e) => e.start >= 0).sort((a, b) => a.start - b.start);
    let used = 0;
    for (const e of items) used += e.size;
    const data = this.data;
    // Sliding down in start order never overwrites an item not yet moved. Live items fill at
    // most half of the array afterwards, so the next compaction is at least that far off and
    // each appended value is moved a bounded number of times.
    const target = used + room > data.length * 0.5 ? this.make(Math.ceil((used + room) * 2)) : data;
    let w = 0;
    for (const e of items) {
      if (target !== data) target.set(data.subarray(e.start, e.start + e.size), w);
      else if (e.start !== w) data.copyWithin(w, e.start, e.start + e.size);
      e.start = w;
      w += e.size;
    }
    this.data = target;
    this.used = w;
  }
}
