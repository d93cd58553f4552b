// The column form of a batch of projected records (src/core/analysis/projectedColumns.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { columnBuffers, decodeProjected, encodeProjected } from '../../../../src/core/analysis/projectedColumns';
import type { Projected } from '../../../../src/core/analysis/project';
import { Random } from '../../../../src/core/random';

describe('projected records as columns', () => {
  test('every field comes back as it was, absent fields absent', () => {
    const records: Projected[] = [
      { line: 1, group: '0', texts: ['a b c'], tokenized: 0, prompt: 2 ** 52 + 7, value: 0.25 },
      { line: 2, group: '0', texts: [], value: -0 },
      { line: 3, malformed: { message: 'the group field g holds an array, not a generation id', field: 'g' } },
      { line: 3, group: '(none)', texts: ['x', '', 'y z'], tokenized: 1, label: 'A', prediction: 'B' },
      { line: 2 ** 40, group: '1', vectors: [Float64Array.of(1, 2, 3), [1, Number.NaN] as number[]] },
      { line: 6, label: 'only a label' },
      { line: 7, group: '0', texts: ['é 日本 \ud83d\ude00'], value: 0, prompt: 0 },
    ];
    const back = decodeProjected(encodeProjected(records));
    assert.deepEqual(back, records);
    for (let i = 0; i < records.length; i++) assert.deepEqual(Object.keys(back[i]!).sort(), Object.keys(records[i]!).sort(), `record ${i}: the same fields`);
  });

  test('a batch holds only the columns its records use; the generation values once each', () => {
    const records: Projected[] = Array.from({ length: 100 }, (_, i) => ({ line: i + 1, group: String(i >> 6), texts: [`t${i}`] }));
    const c = encodeProjected(records);
    assert.deepEqual(c.groupValues, ['0', '1']);
    assert.equal(c.values, undefined);
    assert.equal(c.vectors, undefined);
    assert.equal(c.malformed, undefined);
    assert.deepEqual(decodeProjected(c), records);
    assert.deepEqual(decodeProjected(encodeProjected([])), []);
  });

  test('the typed arrays move between threads, vectors included, and survive a structured clone', () => {
    const records: Projected[] = [{ line: 1, vectors: [Float64Array.of(1, 2)] }, { line: 2, group: 'g', value: 3 }];
    const c = encodeProjected(records);
    const buffers = columnBuffers(c);
    assert.equal(new Set(buffers).size, buffers.length, 'no buffer twice');
    assert.ok(buffers.includes((records[0]!.vectors![0] as Float64Array).buffer as ArrayBuffer));
    assert.deepEqual(decodeProjected(structuredClone(c, { transfer: buffers })), [{ line: 1, vectors: [Float64Array.of(1, 2)] }, { line: 2, group: 'g', value: 3 }]);
  });

  test('random batches of any fields come back as they were (seeded, 2,000 batches)', () => {
    const rng = new Random(20261205);
    const text = () => ['', 'a', 'é x', '\u0000\n"', 'w'.repeat(rng.int(300))][rng.int(5)]!;
    for (let b = 0; b < 2000; b++) {
      const records: Projected[] = Array.from({ length: rng.int(40) }, (_, i) => {
        const r: Projected = { line: i + rng.int(3) * 2 ** rng.int(50) };
        if (rng.next() < 0.1) r.malformed = { message: 'bad', ...(rng.next() < 0.5 ? { field: 'x', nth: rng.int(3), element: rng.int(9) } : {}) };
        if (rng.next() < 0.7) r.group = String(rng.int(4));
        if (rng.next() < 0.6) r.texts = Array.from({ length: rng.int(4) }, text);
        if (rng.next() < 0.5) r.tokenized = rng.int(1000);
        if (rng.next() < 0.3) r.prompt = rng.int(2 ** 31) * 2 ** 21 + rng.int(2 ** 21);
        if (rng.next() < 0.3) r.vectors = Array.from({ length: 1 + rng.int(2) }, () => (rng.next() < 0.8 ? Float64Array.from({ length: rng.int(5) }, () => rng.next()) : [1, Number.NaN]));
        if (rng.next() < 0.3) r.label = text();
        if (rng.next() < 0.3) r.prediction = text();
        if (rng.next() < 0.5) r.value = [0, -0, rng.next() * 1e300, -rng.next(), Number.MIN_VALUE][rng.int(5)]!;
        return r;
      });
      assert.deepEqual(decodeProjected(structuredClone(encodeProjected(records))), records, `batch ${b}`);
    }
  });
});
