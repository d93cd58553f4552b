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

/**
 * A new tagger (the first about 50 ms, the model read; then 0.5 ms): required here rather than imported at the top, since the model
 * is 3.7 MB of JavaScript and evaluating it when the bundle loads cost every CLI start
 * (`--version` too) 80 ms; in the Node bundles it is a file of its own (dist/pos-model.js,
 * scripts/pos-model.js), so an analysis that tags nothing never reads it.
 *
 * Each batch of texts gets a tagger of its own because a tagger learns: winkNLP adds every new
 * word to its copy of the model and then reads a known word whole (after "It was Bingley's."
 * it no longer splits "Bingley's" into "Bingley" "'s"). With one tagger for the process, a
 * generation's templates would depend on what was tagged before — other generations, other
 * analyses, how the input was split. With one per generation's sample, tagged in a fixed
 * order, they depend on the sample alone.
 */
function newTagger(): WinkMethods {
  return (require('./posModel') as typeof import('./posModel')).createTagger();
}

/**
 * Loads the model and builds its shared copy now (the first tagger's cost, about 0.1–0.2 s),
 * for a thread that has time now and will tag later (analysis/projectWorker.ts). Taggers made
 * afterwards are as they would be without it.
 */
export function prepareTagger(): void {
  newTagger();
}

/**
 * Universal POS tag of one of the tagger's tags, or undefined for a token that is not part
 * of the syntax: the tagger tags runs of line breaks and tabs `SPACE` (spaCy's `_SP`).
 */
export function toUniversalTag(tag: string): UniversalPosTag | undefined {
  if (tag === 'SPACE') return undefined;
  return UPOS.has(tag) ? (tag as UniversalPosTag) : 'X';
}

/**
 * Each text's sentences, each as its tokens and their Universal POS tags (sentences left
 * without tokens are dropped), tagged in order by a tagger of their own: the result depends
 * on the texts and their order only.
 */
export function tagTexts(texts: readonly string[]): TaggedOutput[] {
  if (texts.length === 0) return [];
  const nlp = newTagger();
  return texts.map((text) => tag(nlp, text));
}

/** One text's sentences and tags (`tagTexts` of that text alone). */
export function tagText(text: string): TaggedOutput {
  return tagTexts([text])[0]!;
}

function tag(nlp: WinkMethods, text: string): TaggedOutput {
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
