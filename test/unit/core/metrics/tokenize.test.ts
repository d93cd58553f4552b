// Tokenizing on the reading thread (src/core/metrics/tokenize.ts): texts tokenized there with
// one table for the file and taken here through its mirror give the same accumulators, bit
// for bit, as the texts added here; the batch's arrays move between threads.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { BatchTokenizer, ReaderVocabulary, scanTokens, tokenizedBuffers } from '../../../../src/core/metrics/tokenize';
import type { TokenizedTexts } from '../../../../src/core/metrics/tokenize';
import { TokenTable } from '../../../../src/core/metrics/tokenTable';
import { buildTextBaseline, finishTextMetrics, TextAccumulator } from '../../../../src/core/metrics/text';
import type { TextMetricOptions } from '../../../../src/core/metrics/text';
import { Random } from '../../../../src/core/random';

/** Texts with what the tokenizer must get right: every kind of whitespace, case, wide characters, long and empty texts. */
function corpus(n: number, seed: number): string[] {
  const r = new Random(seed);
  const rand = () => r.next();
  const words = ['the', 'The', 'THE', 'Ärger', 'ärger', 'naïve', '東京', '😀', 'x'.repeat(40), 'a', 'İstanbul', 'ß', 'model', 'collapse', '\u0000', 'tail'];
  const spaces = [' ', '  ', '\t', '\n', '\u3000', '\u00a0', '\u2028', ' \r\n '];
  return Array.from({ length: n }, (_, i) => {
    if (i % 97 === 5) return '';
    if (i % 89 === 7) return ' \t ';
    const len = 1 + Math.floor(rand() * 30);
    let s = rand() < 0.2 ? ' ' : '';
    for (let k = 0; k < len; k++) s += (k > 0 ? spaces[Math.floor(rand() * spaces.length)] : '') + (rand() < 0.3 ? `w${Math.floor(rand() * 5000)}` : words[Math.floor(rand() * words.length)]);
    return s;
  });
}

/** Records of one or more texts, some without, in batches of `batchSize` records, into two interleaved generations. */
function feed(texts: string[], options: TextMetricOptions, how: { tokenized: boolean; cap?: number; batchSize: number }): TextAccumulator[] {
  const accs = [new TextAccumulator(options), new TextAccumulator(options)];
  const records: { line: number; texts?: string[]; tokenized?: number }[] = [];
  for (let i = 0, line = 1; i < texts.length; line++) {
    const k = line % 5 === 0 ? 3 : 1;
    records.push({ line, texts: texts.slice(i, i + k) });
    if (line % 11 === 0) records.push({ line: -line });
    i += k;
  }
  const tokenizer = new BatchTokenizer(options.lowercase ?? false, how.cap);
  const vocabulary = new ReaderVocabulary();
  for (let b = 0; b < records.length; b += how.batchSize) {
    const batch = records.slice(b, b + how.batchSize);
    let tokens: TokenizedTexts | undefined;
    if (how.tokenized) {
      tokens = tokenizer.tokenize(batch);
      vocabulary.receive(tokens);
    }
    for (const r of batch) {
      if (!r.texts) continue;
      const acc = accs[Math.floor(r.line / 7) % 2]!;
      for (let j = 0; j < r.texts.length; j++) {
        if (tokens) acc.addTokenized(r.texts[j]!, { vocabulary, texts: tokens }, r.tokenized! + j, r.line);
        else acc.add(r.texts[j]!, r.line);
      }
    }
  }
  return accs;
}

describe('tokenizing on the reading thread', () => {
  test('scanTokens splits on Unicode whitespace and numbers types in order of first occurrence', () => {
    const vocab = new TokenTable();
    const out = { ids: new Int32Array(1), key: 0 };
    const text = '  the\u3000cat\tthe\u00a0東京 cat\n';
    const len = scanTokens(vocab, text, false, out);
    assert.deepEqual([...out.ids.subarray(0, len)], [0, 1, 0, 2, 1]);
    assert.deepEqual([0, 1, 2].map((id) => vocab.token(id)), text.split(/\s+/u).filter(Boolean).filter((t, i, a) => a.indexOf(t) === i));
    const key = out.key;
    // The key tells texts apart by their whitespace too, and is the same for the same text.
    scanTokens(vocab, '  the\u3000cat\tthe\u00a0東京 cat ', false, out);
    assert.notEqual(out.key, key);
    scanTokens(vocab, text, false, out);
    assert.equal(out.key, key);
  });

  for (const options of [{ mergeable: true }, { mergeable: true, lowercase: true }, { mergeable: true, seed: 7 }] as TextMetricOptions[]) {
    for (const how of [{ batchSize: 1 }, { batchSize: 64 }, { batchSize: 64, cap: 0 }, { batchSize: 500, cap: 50 }]) {
      test(`the same accumulators as adding the texts here (${JSON.stringify(options)}, batches of ${how.batchSize}${how.cap !== undefined ? `, tables of ${how.cap} types` : ''})`, () => {
        const texts = corpus(3000, 11);
        const here = feed(texts, options, { ...how, tokenized: false });
        const there = feed(texts, options, { ...how, tokenized: true });
        for (let g = 0; g < 2; g++) assert.deepEqual(there[g]!.toState(), here[g]!.toState(), `generation ${g}`);
      });
    }
  }

  test('the same metrics, reduced or not, on accumulators that do not merge', () => {
    const texts = corpus(4000, 3);
    for (const lowercase of [false, true]) {
      const here = feed(texts, { lowercase }, { batchSize: 128, tokenized: false });
      const there = feed(texts, { lowercase }, { batchSize: 128, tokenized: true, cap: 300 });
      const base = (accs: TextAccumulator[]) => buildTextBaseline(accs[0]!);
      assert.deepEqual(finishTextMetrics(there[1]!, base(there)), finishTextMetrics(here[1]!, base(here)));
    }
  });

  test('a mirror refuses types out of order, and a new table drops the ids of the old one', () => {
    const mirror = new ReaderVocabulary();
    const tokenizer = new BatchTokenizer(false, 2);
    const first = tokenizer.tokenize([{ texts: ['a b c'] }]);
    const second = tokenizer.tokenize([{ texts: ['d a'] }]);
    const third = tokenizer.tokenize([{ texts: ['e'] }]);
    assert.throws(() => mirror.receive(third), /ReaderVocabulary: types from 2 arrived after 0/);
    mirror.receive(first);
    assert.equal(mirror.size, 3);
    // Three types passed the cap of two: the second batch starts a new table, its ids from 0.
    assert.equal(second.table, 1);
    assert.deepEqual([...second.ids], [0, 1]);
    const version = mirror.version;
    mirror.receive(second);
    assert.equal(mirror.size, 2);
    assert.notEqual(mirror.version, version);
    mirror.receive(third);
    assert.deepEqual([...third.ids], [2]);
  });

  test("a batch's arrays move to another thread: distinct buffers, left empty here", async () => {
    const tokens = new BatchTokenizer(false).tokenize([{ texts: ['one two', 'two three'] }, {}, { texts: [] }]);
    const buffers = tokenizedBuffers(tokens);
    assert.equal(new Set(buffers).size, buffers.length);
    const { port1, port2 } = new MessageChannel();
    const got = new Promise<TokenizedTexts>((resolve) => port2.once('message', resolve));
    port1.postMessage(tokens, buffers);
    const moved = await got;
    port1.close();
    assert.equal(tokens.ids.length, 0);
    assert.deepEqual([...moved.ids], [0, 1, 1, 2]);
    assert.deepEqual([...moved.ends], [2, 4]);
    assert.equal(moved.types.starts.length, 4);
  });
});

describe('TokenTable.internFrom', () => {
  test('a type taken from another table has the id, characters and words that interning its text gives', () => {
    const words = ['alpha', 'beta', 'Ä', '東京', '😀', 'x'.repeat(5000), ''];
    const source = new TokenTable(2);
    for (const w of words) source.internString(w);
    const types = source.typesFrom(2);
    const copied = new TokenTable(2);
    const direct = new TokenTable(2);
    for (let k = words.length - 1; k >= 2; k--) {
      assert.equal(copied.internFrom(types, k - 2), direct.internString(words[k]!));
      assert.equal(copied.internFrom(types, k - 2), direct.internString(words[k]!), 'found again, not added twice');
    }
    assert.equal(copied.size, direct.size);
    for (let id = 0; id < copied.size; id++) {
      assert.equal(copied.token(id), direct.token(id));
      assert.equal(copied.laneHi[id], direct.laneHi[id]);
      assert.equal(copied.laneLo[id], direct.laneLo[id]);
    }
    // A table of copied types interns texts as any other.
    assert.equal(copied.internString('東京'), direct.internString('東京'));
  });
});
