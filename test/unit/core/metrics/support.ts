// Shared by the text metric tests (text.test.ts, selfBleu.test.ts): random corpora with repeats.
import type { Random } from '../../../../src/core/random';

/** Random corpora over a small vocabulary, with copies and edits so that repeats, near-duplicates and shared n-grams occur. */
export function randomCorpus(random: Random, records: number, vocab = 8, maxLen = 9): string[] {
  const words = Array.from({ length: vocab }, (_, i) => `w${i}`);
  const out: string[] = [];
  for (let i = 0; i < records; i++) {
    const r = random.next();
    if (out.length > 0 && r < 0.15) out.push(random.choice(out));
    else if (out.length > 0 && r < 0.35) {
      const t = random.choice(out).split(' ');
      if (t.length > 0) t[random.int(t.length)] = random.choice(words);
      out.push(t.join(' '));
    } else {
      const len = random.int(maxLen + 1);
      out.push(Array.from({ length: len }, () => random.choice(words)).join(' '));
    }
  }
  return out;
}
