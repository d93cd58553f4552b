// text_vendi (src/core/metrics/textVendi.ts): the Vendi score of texts under a hashed word
// 1-2-gram cosine kernel, against the direct n × n kernel computation.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { textFeatures, textVendi } from '../../../../src/core/metrics/textVendi';
import { vendiScoreFromKernel } from '../../../../src/core/metrics/vectors';
import { hashString53, lowBits } from '../../../../src/core/numeric/hash53';
import { Random } from '../../../../src/core/random';

describe('text_vendi: the Vendi score under a hashed word 1-2-gram cosine kernel', () => {
  test('the D × D route equals the direct n × n kernel computation', () => {
    const texts = ['the cat sat on the mat', 'the cat sat on a mat', 'a dog ran far away', 'models repeat themselves again', 'the cat sat on the mat'].map((t) => t.split(' '));
    const f = texts.map((t) => textFeatures(t));
    const dot = (a: (typeof f)[number], b: (typeof f)[number]) => {
      let s = 0;
      let j = 0;
      for (let i = 0; i < a.index.length; i++) {
        while (j < b.index.length && b.index[j]! < a.index[i]!) j++;
        if (j < b.index.length && b.index[j] === a.index[i]) s += a.value[i]! * b.value[j]!;
      }
      return s;
    };
    const kernel = f.map((a) => f.map((b) => dot(a, b)));
    for (let i = 0; i < kernel.length; i++) assert.ok(Math.abs(kernel[i]![i]! - 1) < 1e-12, 'unit vectors');
    assert.ok(Math.abs(textVendi(texts) - vendiScoreFromKernel(kernel)) < 1e-9);
  });

  test('identical texts score 1, two distinct texts about 2, paraphrases from the same phrases less than distinct ones', () => {
    const a = 'the river bends past the old mill before it reaches town'.split(' ');
    const b = 'a quiet meadow holds the morning fog until noon arrives'.split(' ');
    assert.ok(Math.abs(textVendi([a, a, a]) - 1) < 1e-9);
    assert.ok(Math.abs(textVendi([a, b]) - 2) < 0.1);
    const remix = (t: string[], k: number) => [...t.slice(k), ...t.slice(0, k)];
    const paraphrases = [0, 2, 4, 6].map((k) => remix(a, k));
    const distinct = [a, b, 'stars fade slowly as the city wakes up'.split(' '), 'numbers never lie but people often do'.split(' ')];
    assert.ok(textVendi(paraphrases) < textVendi(distinct) - 1, `${textVendi(paraphrases)} vs ${textVendi(distinct)}`);
  });

  test('features are the signed bucket counts of each word and of each pair of words joined by U+0000, scaled to unit length', () => {
    // the definition, with the strings built and a map
    const reference = (tokens: string[], buckets = 256) => {
      const acc = new Map<number, number>();
      const add = (gram: string) => {
        const h = hashString53(gram);
        const bucket = lowBits(h) % buckets;
        acc.set(bucket, (acc.get(bucket) ?? 0) + (Math.floor(h / 4294967296) & 1 ? 1 : -1));
      };
      tokens.forEach((t, i) => {
        add(t);
        if (i > 0) add(`${tokens[i - 1]}\u0000${t}`);
      });
      let norm = 0;
      for (const v of acc.values()) norm += v * v;
      const entries = [...acc].filter(([, v]) => v !== 0).sort((a, b) => a[0] - b[0]);
      const scale = 1 / Math.sqrt(norm);
      return { index: Int32Array.from(entries, (e) => e[0]), value: Float64Array.from(entries, (e) => e[1] * scale) };
    };
    const random = new Random(4);
    const pieces = ['a', 'bb', 'ccc', 'é', '\ud83d\ude00', '', 'word', 'x'];
    for (let trial = 0; trial < 300; trial++) {
      const tokens = Array.from({ length: random.int(30) }, () => Array.from({ length: 1 + random.int(3) }, () => random.choice(pieces)).join(''));
      const buckets = trial % 3 === 0 ? 7 : 256;
      assert.deepEqual(textFeatures(tokens, buckets), reference(tokens, buckets), tokens.join(' '));
    }
  });
});
