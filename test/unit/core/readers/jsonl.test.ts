// JSON Lines (src/core/readers/jsonl.ts).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { inputError } from '../../support';
import { lines, readAll, readFixture, values } from './support';

describe('JSON Lines', () => {
  test('BOM, CRLF, blank lines, a malformed and a non-object line in the middle', async () => {
    const r = await readFixture('readers/mixed.jsonl');
    assert.deepEqual(lines(r), [1, 3, 5, 8]);
    assert.deepEqual(r.records[0].value, { id: 1, text: 'café — first 😀', score: 0.5 });
    assert.deepEqual(r.records[1].value.emb, [0.1, 0.2]);
    assert.equal(r.records[2].value.text, 'has "quotes" and {braces} and [brackets]');
    assert.deepEqual(r.issues, [
      { line: 6, column: 29, message: "Expected double-quoted property name in JSON" },
      { line: 7, column: 1, message: 'expected a JSON object, found a string' },
    ]);
  });

  test('a malformed line is reported with line, column and a short message, the rest is read', async () => {
    const r = await readAll('{"a":1}\n{"a":}\n{"a":3}', 'jsonl');
    assert.deepEqual(values(r), [{ a: 1 }, { a: 3 }]);
    assert.equal(r.issues.length, 1);
    assert.equal(r.issues[0].line, 2);
    assert.equal(r.issues[0].column, 6);
    assert.match(r.issues[0].message, /^Unexpected token '?}'? in JSON$/);
  });

  test('values that are not objects are issues that say what was found', async () => {
    const r = await readAll('[1,2]\n42\n"s"\nnull\ntrue\n  {"ok":1}\n', 'jsonl');
    assert.deepEqual(
      r.issues.map((i) => i.message),
      ['expected a JSON object, found an array', 'expected a JSON object, found a number', 'expected a JSON object, found a string', 'expected a JSON object, found null', 'expected a JSON object, found a boolean (true)'],
    );
    assert.deepEqual(lines(r), [6]);
  });

  test('CRLF line endings and a last line without a line break', async () => {
    const r = await readAll('{"a":1}\r\n\r\n{"a":"x\\r"}\r\n{"a":3}', 'jsonl');
    assert.deepEqual(lines(r), [1, 3, 4]);
    assert.deepEqual(values(r), [{ a: 1 }, { a: 'x\r' }, { a: 3 }]);
    assert.deepEqual(r.issues, []);
  });

  test('a line longer than the limit is unusable input', async () => {
    await inputError(readAll(`{"a":"${'x'.repeat(200)}"}\n`, 'jsonl', { maxRecordLength: 100 }), /has a line longer than 100 characters at line 1/);
  });
});
