// The tagger adapter (src/core/metrics/posTagger.ts): Universal POS tags of a few sentences.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tagText, toUniversalTag, UNIVERSAL_POS_TAGS } from '../../../../src/core/metrics/posTagger';

describe('posTagger (the tagger adapter)', () => {
  test('Universal POS tags of a few sentences, punctuation and contractions split as spaCy does', () => {
    const tags = (t: string) => tagText(t).sentences.map((s) => s.tags.join(' '));
    assert.deepEqual(tags('The old man sat by the window.'), ['DET ADJ NOUN VERB ADP DET NOUN PUNCT']);
    assert.deepEqual(tags('She quickly opened the heavy door and smiled.'), ['PRON ADV VERB DET ADJ NOUN CCONJ VERB PUNCT']);
    assert.deepEqual(tags('A quiet river carries the bright leaves.'), ['DET ADJ NOUN VERB DET ADJ NOUN PUNCT']);
    const two = tagText("I can't see it.\n\nWhy did they leave?");
    assert.deepEqual(two.sentences.map((s) => s.tokens), [['I', 'ca', "n't", 'see', 'it', '.'], ['Why', 'did', 'they', 'leave', '?']]);
    assert.deepEqual(two.sentences.map((s) => s.tags.join(' ')), ['PRON AUX PART VERB PRON PUNCT', 'ADV AUX PRON VERB PUNCT']);
  });

  test('every tag is a Universal POS tag; line breaks are not tokens; empty text has no sentence', () => {
    const all = tagText('Visit https://example.org at 12:30pm :) #tag — or 3.5 km away, e.g. there.\n\tOK?');
    for (const s of all.sentences) for (const t of s.tags) assert.ok((UNIVERSAL_POS_TAGS as readonly string[]).includes(t), t);
    assert.deepEqual(tagText('').sentences, []);
    assert.deepEqual(tagText('   \n\n ').sentences, []);
    assert.equal(toUniversalTag('SPACE'), undefined);
    assert.equal(toUniversalTag('NOUN'), 'NOUN');
    assert.equal(toUniversalTag('SOMETHING-ELSE'), 'X');
  });
});
