// malformed-records (src/core/rules/malformed-records.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { group, run } from './support';

describe('malformed-records', () => {
  test('malformed-records names the first lines and the first error', () => {
    const f = run([group('g0', {})], {
      inputs: [{ file: 'g0.jsonl', format: 'jsonl', records: 10, malformed: 2, malformedLines: [3, 9] }],
      issues: [{ file: 'g0.jsonl', line: 3, column: 14, message: "Unexpected token '}'" }, { file: 'g0.jsonl', line: 9, column: 1, message: 'Unexpected end of JSON input' }],
    });
    assert.equal(f[0]!.rule, 'malformed-records');
    assert.deepEqual(f[0]!.location, { file: 'g0.jsonl', line: 3, column: 14 });
    assert.match(f[0]!.message, /2 of 12 records could not be read and were skipped \(lines 3, 9\); line 3, column 14: Unexpected token/);
  });
});
