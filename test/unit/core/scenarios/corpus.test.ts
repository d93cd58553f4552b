// The shipped corpus (src/core/scenarios/corpus.ts, corpus-text.ts): the embedded text is the
// corpus file, split into sentences.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { corpusSentences } from '../../../../src/core/scenarios/corpus';
import { CORPUS_FILE, CORPUS_TEXT } from '../../../../src/core/scenarios/corpus-text';

describe('the shipped corpus', () => {
  test('the embedded corpus is the corpus file, byte for byte', () => {
    const file = path.resolve('corpus', CORPUS_FILE);
    assert.equal(fs.readFileSync(file, 'utf8'), CORPUS_TEXT, 'run node corpus/build-module.mjs after changing the corpus');
    const sentences = corpusSentences();
    assert.ok(sentences.length > 1500, `${sentences.length} sentences`);
    assert.deepEqual(sentences[0]!.slice(0, 5), ['It', 'is', 'a', 'truth', 'universally']);
    assert.ok(!sentences.some((s) => s.join(' ') === 'Mr.'), 'honorifics do not end sentences');
  });
});
