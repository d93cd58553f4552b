// JSON documents (src/core/readers/json.ts).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { inputError } from '../../support';
import { lines, readAll, readFixture, values } from './support';

describe('JSON', () => {
  test('a pretty-printed array: each record has the line of its opening brace', async () => {
    const r = await readFixture('readers/pretty.json');
    assert.deepEqual(lines(r), [2, 8, 13, 15]);
    assert.deepEqual(r.issues, []);
    assert.equal(r.records[0].value.text, 'brackets ] and } and [ and { inside a string');
    assert.deepEqual(r.records[0].value.nested, [[1, 2], [3, [4, 5]]]);
    assert.deepEqual(r.records[0].value.obj, { a: { b: [{ c: 1 }] } });
    assert.equal(r.records[1].value.text, 'escaped \\" quote and backslash \\');
    assert.deepEqual(r.records[1].value.emb, [0.25, -1.5e-3, 3]);
    assert.equal(r.records[2].value.text, 'café 😀 日本');
  });

  test('a compact one-line array', async () => {
    const r = await readFixture('readers/compact.json');
    assert.deepEqual(lines(r), [1, 1, 1]);
    assert.deepEqual(values(r), [
      { id: 1, text: 'a,b' },
      { id: 2, text: 'c]d' },
      { id: 3, text: 'e}f', v: [1, [2]] },
    ]);
  });

  test('an object holding records: every array of objects among its members is a collection, named by its path', async () => {
    const r = await readFixture('readers/wrapped.json');
    assert.deepEqual(values(r), [{ not: 'these' }, { id: 1, text: 'one' }, { id: 2, text: 'two' }, { id: 99 }]);
    assert.deepEqual(lines(r), [2, 6, 7, 9]);
    assert.deepEqual(r.records.map((x) => x.collection), ['meta.items', 'results', 'results', 'later']);
  });

  test('collections are found in nested objects (eval logs: plan.steps, results.results, samples), not inside arrays', async () => {
    const r = await readAll(
      '{"version":2,"plan":{"steps":[{"solver":"generate"}]},"results":{"scores":[{"name":"acc"}],"results":[{"o":"r1"}]},' +
        '"samples":[{"o":"s1"},{"o":"s2"}],"tags":["a","b"],"m":[[1,2]],"rows":[[{"not":"a record"}]]}',
      'json',
    );
    assert.deepEqual(
      r.records.map((x) => [x.collection, x.value]),
      [
        ['plan.steps', { solver: 'generate' }],
        ['results.scores', { name: 'acc' }],
        ['results.results', { o: 'r1' }],
        ['samples', { o: 's1' }],
        ['samples', { o: 's2' }],
      ],
    );
    assert.deepEqual(r.issues, []);
  });

  test('keys that are not plain names are bracketed in the collection path', async () => {
    const r = await readAll('{"weird key": {"x.y": [{"a": 1}]}}', 'json');
    assert.deepEqual(r.records.map((x) => x.collection), ["['weird key']['x.y']"]);
  });

  test('an array of arrays of records (a text-generation pipeline over several prompts) is flattened, keeping each inner array as a request', async () => {
    const r = await readAll('[\n [{"generated_text": "a"}, {"generated_text": "b"}],\n [{"generated_text": "c"}]\n]', 'json');
    assert.deepEqual(
      r.records.map((x) => [x.line, x.request, x.value.generated_text]),
      [
        [2, 0, 'a'],
        [2, 0, 'b'],
        [3, 1, 'c'],
      ],
    );
    assert.deepEqual(r.issues, []);
  });

  test('a malformed record with balanced braces is an issue at the exact spot; the next records are read', async () => {
    const text = '[\n  {"a": 1},\n  {"a": 2,\n   "b": tru},\n  {"a": 3}\n]';
    const r = await readAll(text, 'json');
    assert.deepEqual(values(r), [{ a: 1 }, { a: 3 }]);
    assert.equal(r.issues.length, 1);
    assert.deepEqual([r.issues[0].line, r.issues[0].column], [4, 12]);
  });

  test('a mismatched bracket spoils one record only', async () => {
    const r = await readAll('[{"a": [1, 2}, {"a": 2}, {"a": 3]', 'json');
    assert.deepEqual(values(r), [{ a: 2 }]);
    assert.equal(r.issues.length, 2);
    assert.deepEqual([r.issues[0].line, r.issues[0].column], [1, 13]);
  });

  test('a string that runs past the end of its line spoils one record only', async () => {
    const r = await readAll('[\n{"a": "no end},\n{"a": 2}\n]', 'json');
    assert.ok(r.issues.length >= 1);
    assert.equal(r.issues[0].line, 2);
  });

  test('elements that are not objects are issues', async () => {
    const r = await readAll('[{"a":1}, 2, "x", [3], null, false, {"a":2}]', 'json');
    assert.deepEqual(values(r), [{ a: 1 }, { a: 2 }]);
    assert.deepEqual(
      r.issues.map((i) => [i.column, i.message]),
      [
        [11, 'expected a JSON object, found a number'],
        [14, 'expected a JSON object, found a string'],
        [20, 'expected a JSON object, found a number'],
        [24, 'expected a JSON object, found null'],
        [30, 'expected a JSON object, found a boolean'],
      ],
    );
  });

  test('empty arrays give no records and no issues', async () => {
    assert.deepEqual(await readAll('[]', 'json').then((r) => [r.records.length, r.issues.length]), [0, 0]);
    assert.deepEqual(await readAll('{"results": []}', 'json').then((r) => [r.records.length, r.issues.length]), [0, 0]);
  });

  test('content after the array is an issue', async () => {
    const r = await readAll('[{"a":1}]\n[{"a":2}]', 'json');
    assert.deepEqual(values(r), [{ a: 1 }]);
    assert.equal(r.issues.length, 1);
    assert.deepEqual([r.issues[0].line, r.issues[0].column], [2, 1]);
  });

  test('JSON Lines saved as .json is unusable input with a hint', async () => {
    await inputError(readAll('{"msgs": [{"a": 1}]}\n{"msgs": [{"a": 2}]}\n', 'json'), /another starts at line 2.*name it \.jsonl/);
  });

  test('text that is not JSON at all', async () => {
    await inputError(readAll('id,text\n1,a\n', 'json'), /is not JSON: it starts with "i" at line 1, column 1/);
  });

  test('a record longer than the limit is unusable input', async () => {
    await inputError(readAll(`[{"a":"${'x'.repeat(300)}"}]`, 'json', { maxRecordLength: 100, chunk: 64 }), /record longer than 100 characters starting at line 1/);
  });
});
