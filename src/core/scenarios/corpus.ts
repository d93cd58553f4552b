// The shipped public-domain corpus as sentences of whitespace tokens, the unit the n-gram
// model trains on and the text scenarios draw realistic sentences from.
import { CORPUS_TEXT } from './corpus-text';

const HEADING = /^(chapter \d+|pride and prejudice|by jane austen)$/i;
// Split after . ! ? (optionally closing a quote) before a capital, but not after the
// honorifics that fill this novel ("Mr. Bennet").
const SENTENCE_END = /(?<!\b(?:Mr|Mrs|Ms|Dr|St)\.)(?<=[.!?]["']?)\s+(?=["'(]?[A-Z])/;

export function splitSentences(text: string): string[][] {
  const sentences: string[][] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const flat = paragraph.replace(/_/g, '').replace(/\s+/g, ' ').trim();
    if (!flat || HEADING.test(flat)) continue;
    for (const sentence of flat.split(SENTENCE_END)) {
      const tokens = sentence.split(' ').filter((t) => t.length > 0);
      if (tokens.length >= 3 && tokens.length <= 60) sentences.push(tokens);
    }
  }
  return sentences;
}

let cached: string[][] | undefined;

/** Sentences of the shipped corpus (Pride and Prejudice, chapters 1-20), computed once. */
export function corpusSentences(): readonly string[][] {
  cached ??= splitSentences(CORPUS_TEXT);
  return cached;
}
