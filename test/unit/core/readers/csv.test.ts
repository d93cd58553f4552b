// CSV and TSV (src/core/readers/csv.ts).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueNames } from '../../../../src/core/readers/csv';
import { inputError } from '../../support';
import { lines, readAll, readFixture, values } from './support';

describe('CSV and TSV', () => {
  test('quoted commas, doubled quotes, embedded line breaks, CRLF and cell casting', async () => {
    const r = await readFixture('readers/quoted.csv');
    assert.deepEqual(r.issues, []);
    assert.deepEqual(lines(r), [2, 3, 5, 8]);
    assert.deepEqual(r.records[0].value, { id: 1, text: 'hello, world', emb: [0.1, 0.2], score: 0.5, flag: 'true', note: null });
    assert.deepEqual(r.records[1].value, { id: 2, text: 'she said "hi"\nand left', emb: [1, 2], score: -3, flag: 'false', note: '007' });
    assert.deepEqual(r.records[2].value, { id: 3, text: 'a\nb\nc', emb: [], score: 1000, flag: 'TRUE', note: 'NaN' });
    assert.deepEqual(r.records[3].value, { id: 4, text: 'café 😀', emb: '[1, "x"]', score: 0.5, flag: null, note: 12 });
  });

  test('TSV: tabs separate, commas and inner quotes are text', async () => {
    const r = await readFixture('readers/data.tsv');
    assert.deepEqual(r.issues, []);
    assert.deepEqual(values(r), [
      { id: 1, text: 'plain text, with a comma', score: 0.5 },
      { id: 2, text: 'he said "hi" here', score: 2 },
      { id: 3, text: 'quoted\ttab', score: -1 },
    ]);
  });

  test('a row with the wrong number of fields is an issue; the rows around it are read', async () => {
    const r = await readAll('a,b\n1,2\n3\n4,5,6\n7,8\n', 'csv');
    assert.deepEqual(lines(r), [2, 5]);
    assert.deepEqual(r.issues, [
      { line: 3, column: 1, message: 'expected 2 fields like the header, found 1' },
      { line: 4, column: 1, message: 'expected 2 fields like the header, found 3' },
    ]);
  });

  test('the start line of a bad row after a multi-line record', async () => {
    const r = await readAll('a,b\n1,"x\ny\nz"\n2\n3,"p\nq",extra\n4,w', 'csv');
    assert.deepEqual(lines(r), [2, 8]);
    assert.deepEqual(
      r.issues.map((i) => i.line),
      [5, 6],
    );
  });

  test('a stray quote inside a field, or text after a closing quote, is kept as text', async () => {
    const r = await readAll('a,b\n1,x"y\n2,"x"y\n3,z\n', 'csv');
    assert.deepEqual(values(r), [
      { a: 1, b: 'x"y' },
      { a: 2, b: '"x"y' },
      { a: 3, b: 'z' },
    ]);
    assert.deepEqual(r.issues, []);
  });

  test('empty and repeated header names become unique', async () => {
    const r = await readAll('x,,x, x ,\n1,2,3,4,5\n', 'csv');
    assert.deepEqual(Object.keys(r.records[0].value), ['x', 'col_2', 'x_2', 'x_3', 'col_5']);
    assert.deepEqual(uniqueNames(['a', 'a_2', 'a']), ['a', 'a_2', 'a_3']);
    assert.deepEqual(uniqueNames(['col_1', '']), ['col_1', 'col_2']);
    assert.deepEqual(uniqueNames(['', 'col_1']), ['col_1_2', 'col_1']);
  });

  test('a header named __proto__ stays a plain key', async () => {
    const r = await readAll('__proto__,b\n1,2\n', 'csv');
    assert.deepEqual(Object.keys(r.records[0].value), ['__proto__', 'b']);
    assert.equal(Object.getPrototypeOf(r.records[0].value), Object.prototype);
  });


  test('a quote left open in a large file stops at the record limit instead of reading the rest into memory', async () => {
    await inputError(readAll(`a,b\n1,x\n2,"${'x'.repeat(500)}\n`.repeat(3), 'csv', { maxRecordLength: 100, chunk: 64 }), /has a record longer than 100 characters starting at line 3; is a quote left open\?/);
  });

  test('quotes, doubled quotes and CRLF split across chunks read the same at any chunk size', async () => {
    // Beyond the first 8 KiB, which are sniffed in one piece, the chunks reach the parser as cut.
    const data = 'a,b\n' + '1,2\n'.repeat(2100) + '3,"x""y"\r\n4,"p"q\r5,"multi\r\nline"\n\n6,"open\nrest';
    for (const chunk of [1, 7, 1 << 16]) {
      const r = await readAll(data, 'csv', { chunk });
      assert.equal(r.records.length, 2103, `chunk ${chunk}`);
      assert.deepEqual(r.records.slice(-3).map((x) => [x.line, x.value]), [
        [2102, { a: 3, b: 'x"y' }],
        [2103, { a: 4, b: '"p"q' }],
        [2104, { a: 5, b: 'multi\nline' }],
      ]);
      assert.deepEqual(r.issues, [{ line: 2107, column: 3, message: 'a quoted field is never closed; everything after this quote was read as one field' }]);
    }
  });

  test('blank lines between rows are skipped', async () => {
    const r = await readAll('a\n1\n\n\n2\n\n', 'csv');
    assert.deepEqual(lines(r), [2, 5]);
  });
});
