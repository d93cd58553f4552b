// The tagger itself: winkNLP and its English model (3.7 MB of JavaScript, most of it the model
// as one string). In the Node bundles (CLI, analysis worker, bench) esbuild builds this module
// as its own file, dist/pos-model.js, which posTagger.ts loads on the first output it tags, so
// an analysis that tags nothing never parses or holds the model (scripts/pos-model.js). The web
// worker and the tests bundle it inline.
import winkNLP from 'wink-nlp';
import type { WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

/** A tagger with sentence boundaries and part-of-speech tags (0.1–0.2 s to build). */
export function createTagger(): WinkMethods {
  return winkNLP(model, ['sbd', 'pos']);
}
