// What the scenarios share (src/core/scenarios/common.ts): records encoded as JSONL or CSV.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeRecords } from '../../../../src/core/scenarios/common';
import { run } from './support';

describe('encodeRecords', () => {
  test('CSV cells are quoted when needed and vectors become x0..xN columns', () => {
    const csv = encodeRecords([{ id: 1, output: 'a, "b"', embedding: [0.5, -1] }, { id: 2, output: 'plain', embedding: [1, 2] }], 'csv');
    assert.equal(csv, 'id,output,x0,x1\n1,"a, ""b""",0.5,-1\n2,plain,1,2\n');
    const r = run('content-generator', 1, {}, 3, 'csv');
    assert.match(r.files[2]!.content, /"The cat sat on the mat\. The cat sat on the mat\. The cat sat on the mat\. "/, 'trailing space kept by quoting');
  });
});
