// The tagger itself: winkNLP and its English model (3.7 MB of JavaScript, most of it the model
// as one string). In the Node bundles (CLI, analysis worker, bench) esbuild builds this module
// as its own file, dist/pos-model.js, which posTagger.ts loads on the first output it tags, so
// an analysis that tags nothing never parses or holds the model (scripts/pos-model.js). The web
// worker and the tests bundle it inline.
import winkNLP from 'wink-nlp';
import type { Model, WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

// The model's `metaCER()` stringifies its data into the variable it read it from, so every call
// returns the previous call's result stringified once more: the 20th tagger of a process
// would fail with "Invalid string length". Its first result is kept and handed to every tagger.
let metaCER: unknown;
const steady = {
  ...(model as unknown as Record<string, unknown>),
  metaCER: () => (metaCER ??= (model as unknown as { metaCER: () => unknown }).metaCER()),
} as unknown as Model;

/** A tagger with sentence boundaries and part-of-speech tags, with a model of its own (about 40 ms to build). */
export function createTagger(): WinkMethods {
  return winkNLP(steady, ['sbd', 'pos']);
}
