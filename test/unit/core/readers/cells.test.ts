// Cell casting of CSV and TSV (src/core/readers/cells.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { castCell } from '../../../../src/core/readers/cells';

test('cell casting', () => {
  assert.equal(castCell(''), null);
  assert.equal(castCell('0'), 0);
  assert.equal(castCell('-12.5'), -12.5);
  assert.equal(castCell('3e-2'), 0.03);
  assert.equal(castCell('.5'), 0.5);
  assert.equal(castCell('1.'), 1);
  assert.equal(castCell(' 7 '), 7);
  assert.equal(castCell('007'), '007');
  assert.equal(castCell('+1'), '+1');
  assert.equal(castCell('1e999'), '1e999');
  assert.equal(castCell('0x10'), '0x10');
  assert.equal(castCell('1,5'), '1,5');
  assert.equal(castCell('Infinity'), 'Infinity');
  assert.equal(castCell('true'), 'true');
  assert.deepEqual(castCell('[1, 2.5, -3e1]'), [1, 2.5, -30]);
  assert.deepEqual(castCell('[]'), []);
  assert.equal(castCell('[1, "a"]'), '[1, "a"]');
  assert.equal(castCell('[1, 2'), '[1, 2');
  assert.equal(castCell('[[1]]'), '[[1]]');
});
