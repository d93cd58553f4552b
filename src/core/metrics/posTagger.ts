// The part-of-speech tagger behind the syntactic-template metrics (templates.ts), kept to
// this one module so the template computation never depends on which tagger runs.
//
// winkNLP with wink-eng-lite-web-model (MIT): pure JavaScript, its model ships inside the
// npm package as JSON (bundled by esbuild, read with `atob`, no network access, no `eval`),
// so the same code runs in the extension's worker, the CLI and a web worker; posModel.ts
// builds it, as its own file beside the Node bundles. It
// tokenizes like spaCy (punctuation split off, "can't" → "ca" "n't"), splits sentences and
// tags with the Universal POS tagset; measurements and the choice against compromise and
// en-pos are in docs/METRICS.md.
import type { WinkMethods } from 'wink-nlp';
import type { TaggedOutput, TaggedSentence } from './templates';

/** The 17 Universal POS tags (Universal Dependencies v2), the tagset of every tag sequence the adapter returns. */
export const UNIVERSAL_POS_TAGS = [
  'ADJ', 'ADP', 'ADV', 'AUX', 'CCONJ', 'DET', 'INTJ', 'NOUN', 'NUM', 'PART', 'PRON', 'PROPN', 'PUNCT', 'SCONJ', 'SYM', 'VERB', 'X',
] as const;

export type UniversalPosTag = (typeof UNIVERSAL_POS_TAGS)[number];

const UPOS: ReadonlySet<string> = new Set(UNIVERSAL_POS_TAGS);

let tagger: WinkMethods | undefined;

/**
 * Loads the model on first use (0.1–0.2 s). It is required here rather than imported at the
 * top: the model is 3.7 MB of JavaScript, and evaluating it when the bundle loads cost every
 * CLI start (`--version` too) 80 ms; in the Node bundles it is a file of its own
 * (dist/pos-model.js, scripts/pos-model.js), so an analysis that tags nothing never reads it.
 */
function instance(): WinkMethods {
  if (!tagger) tagger = (require('./posModel') as typeof import('./posModel')).createTagger();
  return tagger;
}

/**
 * Universal POS tag of one of the tagger's tags, or undefined for a token that is not part
 * of the syntax: the tagger tags runs of line breaks and tabs `SPACE` (spaCy's `_SP`).
 */
export function toUniversalTag(tag: string): UniversalPosTag | undefined {
  if (tag === 'SPACE') return undefined;
  return UPOS.has(tag) ? (tag as UniversalPosTag) : 'X';
}

/** A text's sentences, each as its tokens and their Universal POS tags; sentences left without tokens are dropped. */
export function tagText(text: string): TaggedOutput {
  const nlp = instance();
  const its = nlp.its;
  const doc = nlp.readDoc(text);
  const tokens = doc.tokens().out();
  const tags = doc.tokens().out(its.pos);
  const spans = doc.sentences().out(its.span) as unknown as number[][];
  const sentences: TaggedSentence[] = [];
  // Every token belongs to one sentence; without sentence boundaries the text is one.
  const bounds = spans.length > 0 ? spans : [[0, tokens.length - 1]];
  for (const [first, last] of bounds) {
    const words: string[] = [];
    const upos: string[] = [];
    for (let i = first!; i <= last!; i++) {
      const u = toUniversalTag(tags[i]!);
      if (u === undefined) continue;
      words.push(tokens[i]!);
      upos.push(u);
    }
    if (upos.length > 0) sentences.push({ tokens: words, tags: upos });
  }
  return { sentences };
}
