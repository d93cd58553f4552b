// The packed tagged sample (src/core/metrics/packedTagged.ts) gives back the sample it packed; its tags alone pack the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packedTagsBuffers, packTagged, packTags, unpackTagged } from '../../../../src/core/metrics/packedTagged';
import { tagTexts } from '../../../../src/core/metrics/posTagger';

test('tagged outputs, hand-tagged sentences without tokens and empty outputs come back as they were', () => {
  const texts = ['The cat sat on the mat. It slept.', '', 'Dogs bark loudly!', 'naïve café — 😀 emoji\ttabs'];
  const tagged = tagTexts(texts).map((output, i) => ({ output, text: texts[i]!, line: i * 3, tags: output.sentences.reduce((n, s) => n + s.tags.length, 0) }));
  const items = [...tagged, { output: { sentences: [{ tags: ['NOUN', 'VERB'] }, { tags: ['X'], tokens: ['a', 'b'] }] }, text: 'hand', line: 99, tags: 3 }];
  assert.deepEqual(unpackTagged(packTagged(items)), items);
  assert.deepEqual(unpackTagged(packTagged([])), []);
});

test('the tags alone (what the reading thread sends back) with texts and lines added are the packed sample; counts are each output\'s tags', () => {
  const texts = ['The cat sat on the mat. It slept.', '', 'Dogs bark loudly!'];
  const outputs = tagTexts(texts);
  const items = outputs.map((output, i) => ({ output, text: texts[i]!, line: i, tags: output.sentences.reduce((n, s) => n + s.tags.length, 0) }));
  const tags = packTags(outputs);
  assert.deepEqual([...tags.counts], items.map((i) => i.tags));
  assert.deepEqual({ ...tags, texts, lines: Float64Array.from([0, 1, 2]) }, packTagged(items));
  assert.equal(packedTagsBuffers(tags).length, 6);
});
