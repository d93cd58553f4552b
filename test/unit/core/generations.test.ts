// Generation order (src/core/generations.ts): files and group ids sorted naturally or as numbers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareGroupIds, naturalCompare } from '../../../src/core/generations';

describe('generation order', () => {
  test('natural sort puts gen2 before gen10', () => {
    const files = ['gen10.jsonl', 'gen2.jsonl', 'gen1.jsonl', 'Gen3.jsonl'];
    assert.deepEqual(files.sort(naturalCompare), ['gen1.jsonl', 'gen2.jsonl', 'Gen3.jsonl', 'gen10.jsonl']);
  });
  test('numeric group ids sort as numbers, others naturally', () => {
    assert.deepEqual(['10', '2', '1.5'].sort(compareGroupIds(['10', '2', '1.5'])), ['1.5', '2', '10']);
    assert.deepEqual(['r10', 'r2'].sort(compareGroupIds(['r10', 'r2'])), ['r2', 'r10']);
  });
});
