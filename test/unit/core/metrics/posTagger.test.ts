// The tagger adapter (src/core/metrics/posTagger.ts): Universal POS tags of a few sentences.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tagText, tagTexts, toUniversalTag, UNIVERSAL_POS_TAGS } from '../../../../src/core/metrics/posTagger';
import { createTagger } from '../../../../src/core/metrics/posModel';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

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

  test('a text is tagged the same whatever was tagged before it: each batch has a tagger of its own', () => {
    const probe = "Elizabeth listened to Mr. Bingley's regard.";
    const before = tagText(probe);
    assert.deepEqual(before.sentences[0]!.tokens, ['Elizabeth', 'listened', 'to', 'Mr.', 'Bingley', "'s", 'regard', '.']);
    tagTexts(["It was Bingley's.", "Bingley's, not Darcy's."]);
    assert.deepEqual(tagText(probe), before);
    assert.deepEqual(tagTexts(['The cat sat.', probe])[1], before);
  });

  test('one tagger learns: after "It was Bingley\'s." it reads "Bingley\'s" whole (why batches do not share one)', () => {
    const nlp = createTagger();
    const tokens = (t: string) => nlp.readDoc(t).tokens().out();
    const probe = "Elizabeth listened to Mr. Bingley's regard.";
    const first = tokens(probe);
    tokens("It was Bingley's.");
    assert.notDeepEqual(tokens(probe), first);
  });

  test('forty taggers in one process (one per generation): the model data is read the same each time', () => {
    for (let i = 0; i < 40; i++) assert.equal(tagTexts(['A quiet river.'])[0]!.sentences[0]!.tags.join(' '), 'DET ADJ NOUN PUNCT');
  });

  test('the annotations it never runs (entities, negation, sentiment) get empty machines: tokens, sentences and tags as winkNLP with the whole model gives', () => {
    const whole = winkNLP(model, ['sbd', 'pos']);
    const ours = createTagger();
    const texts = [
      "Elizabeth listened to Mr. Bingley's regard, which was not at all unpleasant.",
      'The meeting is on 3rd March 2024 at 10:30am in New York; call +1 555 0100 or mail a@b.org.',
      "I don't think it's bad. It isn't good either! Is it?",
      'Prices rose 3.5% to $1,200 — a record :) #markets @reuters https://example.org',
      'w1a w2b w3c.\n\nZorblax quibbled the frumious snark.',
    ];
    for (const text of texts) {
      const a = whole.readDoc(text);
      const b = ours.readDoc(text);
      assert.deepEqual(b.tokens().out(), a.tokens().out(), text);
      assert.deepEqual(b.tokens().out(ours.its.pos), a.tokens().out(whole.its.pos), text);
      assert.deepEqual(b.sentences().out(ours.its.span), a.sentences().out(whole.its.span), text);
    }
  });
});
