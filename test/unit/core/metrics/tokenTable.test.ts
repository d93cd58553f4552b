// The tokenizer's interner (src/core/metrics/tokenTable.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenTable } from '../../../../src/core/metrics/tokenTable';

describe('TokenTable', () => {
  test('TokenTable tells tokens apart by their characters, whatever the hash', () => {
    const t = new TokenTable(4);
    const words = ['a', 'b', 'ab', 'ba', '\ud800', '\udc00x', 'x'.repeat(20000), 'x'.repeat(20001)];
    const text = words.join(' ');
    const ids: number[] = [];
    let at = 0;
    // every token with the same scan hash: only the character comparison separates them
    for (const w of words) {
      ids.push(t.intern(text, at, at + w.length, 12345));
      at += w.length + 1;
    }
    assert.deepEqual(ids, words.map((_, i) => i));
    at = 0;
    for (let i = 0; i < words.length; i++) {
      assert.equal(t.intern(text, at, at + words[i]!.length, 12345), i);
      assert.equal(t.token(i), words[i]);
      at += words[i]!.length + 1;
    }
    assert.equal(t.size, words.length);
  });

  test('a trimmed table gives back every token, one byte a character when all are Latin-1 and two otherwise', () => {
    const cases = [
      ['the', 'café', 'ÿ', '\u0000', 'x'.repeat(20000)],
      ['the', 'naïve', 'Ā', '\ud83d\ude00', '日本'],
    ];
    for (const words of cases) {
      const t = new TokenTable(2);
      for (const w of words) t.internString(w);
      t.trim();
      assert.equal(t.size, words.length);
      words.forEach((w, i) => assert.equal(t.token(i), w));
      assert.deepEqual(t.tokens(), words, 'all at once');
      assert.throws(() => t.internString('new'), /trimmed/);
    }
  });

  test('tokens() gives every type as token() does; another table interns them from its type list', () => {
    const words = ['the', 'café', '\ud83d\ude00', '', 'y'.repeat(9000), 'x'.repeat(20001), '日本', 'ÿ'];
    const t = new TokenTable(2);
    for (const w of words) t.internString(w);
    assert.deepEqual(t.tokens(), words.map((_, i) => t.token(i)));
    assert.deepEqual(t.tokens(), words);
    assert.deepEqual(new TokenTable(2).tokens(), []);
    // The types from id 2 on, as the reading thread sends them, interned into another table.
    const other = new TokenTable(2);
    const list = t.typesFrom(2);
    const ids = words.slice(2).map((_, k) => other.internFrom(list, k));
    assert.deepEqual(ids, words.slice(2).map((_, k) => k));
    assert.deepEqual(other.tokens(), words.slice(2));
  });
});
