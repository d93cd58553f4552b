// The packed tagged sample (src/core/metrics/packedTagged.ts) gives back the sample it packed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packTagged, unpackTagged } from '../../../../src/core/metrics/packedTagged';
import { tagTexts } from '../../../../src/core/metrics/posTagger';

test('tagged outputs, hand-tagged sentences without tokens and empty outputs come back as they were', () => {
  const texts = ['The cat sat on the mat. It slept.', '', 'Dogs bark loudly!', 'naïve café — 😀 emoji\ttabs'];
  const tagged = tagTexts(texts).map((output, i) => ({ output, text: texts[i]!, line: i * 3, tags: output.sentences.reduce((n, s) => n + s.tags.length, 0) }));
  const items = [...tagged, { output: { sentences: [{ tags: ['NOUN', 'VERB'] }, { tags: ['X'], tokens: ['a', 'b'] }] }, text: 'hand', line: 99, tags: 3 }];
  assert.deepEqual(unpackTagged(packTagged(items)), items);
  assert.deepEqual(unpackTagged(packTagged([])), []);
});
