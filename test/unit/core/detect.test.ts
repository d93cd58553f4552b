// Field-role detection (src/core/detect.ts): text, vector, label, prediction, value and group
// found by name and shape, overrides, and dotted paths.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { detectFields, readVector } from '../../../src/core/detect';

const words = ['the cat sat on the mat', 'a dog ran in the park', 'models repeat themselves', 'tails vanish first', 'one answer only'];

describe('field-role detection', () => {
  test('finds text, label, prediction, value and group by name and shape', () => {
    const sample = Array.from({ length: 60 }, (_, i) => ({
      id: i,
      generation: i % 3,
      output: words[i % words.length] + ' #' + i,
      label: i % 2 ? 'pos' : 'neg',
      prediction: i % 3 ? 'pos' : 'neg',
      score: i / 7,
    }));
    const d = detectFields(sample);
    assert.deepEqual(d.roles, { text: 'output', vector: null, label: 'label', prediction: 'prediction', value: 'score', group: 'generation', prompt: null });
  });

  test('the longest varying prose field is the text when no name matches', () => {
    const sample = Array.from({ length: 20 }, (_, i) => ({ uid: `u${i}`, tag: 'x', body: `${words[i % 5]} and more words ${i}` }));
    assert.equal(detectFields(sample).roles.text, 'body');
  });

  test('an array of numbers of fixed length is the vector', () => {
    const sample = Array.from({ length: 10 }, (_, i) => ({ id: i, embedding: [i, i + 1, i + 2] }));
    const d = detectFields(sample);
    assert.equal(d.roles.vector, 'embedding');
    assert.deepEqual(readVector(sample[2]!, d), [2, 3, 4]);
  });

  test('numbered CSV columns x0..xN form the vector', () => {
    const sample = Array.from({ length: 10 }, (_, i) => ({ id: i, x0: i, x1: i * 2, x2: -i, label: 'a' }));
    const d = detectFields(sample);
    assert.equal(d.roles.vector, 'x0..x2');
    assert.deepEqual(d.columnVector?.columns, ['x0', 'x1', 'x2']);
    assert.deepEqual(readVector(sample[3]!, d), [3, 6, -3]);
  });

  test('a decision field is a label (the seed\'s EthicalAI)', () => {
    const sample = Array.from({ length: 40 }, (_, i) => ({ step: i, decision: i % 4 ? 'A' : 'B' }));
    const d = detectFields(sample);
    assert.equal(d.roles.label, 'decision');
    assert.equal(d.roles.group, null, 'a step per record is not a generation');
  });

  test('ids are not values', () => {
    const sample = Array.from({ length: 30 }, (_, i) => ({ id: i, request_id: i * 13, output: `text ${i} here` }));
    assert.equal(detectFields(sample).roles.value, null);
  });

  test('with several files the files are the generations, not a field', () => {
    const sample = Array.from({ length: 30 }, (_, i) => ({ generation: 1, output: `text ${i} here` }));
    assert.equal(detectFields(sample, {}, { multipleFiles: true }).roles.group, null);
  });

  test('overrides win, and a missing field is an error listing the fields', () => {
    const sample = [{ a: 'one two', b: 'three four five six' }];
    assert.equal(detectFields(sample, { text: 'a' }).roles.text, 'a');
    assert.throws(() => detectFields(sample, { text: 'nope' }), /the text field "nope" selects nothing in the data; paths found: a, b$/);
  });

  test('dotted paths reach nested objects', () => {
    const sample = Array.from({ length: 10 }, (_, i) => ({ response: { text: `nested output number ${i}` } }));
    const d = detectFields(sample);
    assert.equal(d.roles.text, 'response.text');
    assert.equal(d.paths.text?.first(sample[1]!), 'nested output number 1');
  });
});
