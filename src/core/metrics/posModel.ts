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

/** One of the core model's value tables; a tagger adds the values it meets to its copy. */
interface FeatureTable {
  hash?: Record<string, number>;
  list?: unknown[];
}

// `core()` builds a tagger's copy of the core model from its JSON (55 ms a tagger). The copy
// is read once; each tagger gets the tables it adds to as tables of its own over the shared
// ones, and shares the rest, which no tagger changes (the lexicon, the expansions, the
// packing, the clusters).
let pristine: { features: Record<string, FeatureTable> } | undefined;
function coreCopy(): unknown {
  pristine ??= (model as unknown as { core: () => { features: Record<string, FeatureTable> } }).core();
  const features: Record<string, FeatureTable> = {};
  for (const [name, f] of Object.entries(pristine.features)) {
    // The copy's table looks up the shared one through its prototype (winkNLP only reads it
    // with `table[value]` and adds new values), so copying costs nothing per known value.
    features[name] = f.hash && Array.isArray(f.list) ? { ...f, hash: Object.create(f.hash) as Record<string, number>, list: f.list.slice() } : f;
  }
  return { ...pristine, features };
}

// winkNLP builds the automata of every annotation for each tagger, whether its pipe runs them
// or not, parsing their machines from JSON: 580 KB for named entities, negation and sentiment,
// which ours never runs, several MB of objects a tagger, and a tagger is made per generation.
// Those three get an empty machine (winkNLP's own `emptyModelJSON`); sentence boundaries and
// part-of-speech tags keep theirs.
const EMPTY_MACHINE = '[100,0,{"0":{}},{},{},{}]';
const unused = (m: unknown) => ({ ...(m as Record<string, unknown>), machines: [EMPTY_MACHINE], transformers: [] });
const models = model as unknown as Record<'ner' | 'negation' | 'sa', () => unknown>;
const ner = { machines: [], transformers: [] };
const negation = unused(models.negation());
const sentiment = unused(models.sa());

const steady = {
  ...(model as unknown as Record<string, unknown>),
  core: coreCopy,
  metaCER: () => (metaCER ??= (model as unknown as { metaCER: () => unknown }).metaCER()),
  ner: () => ner,
  negation: () => negation,
  sa: () => sentiment,
} as unknown as Model;

/** A tagger with sentence boundaries and part-of-speech tags, with a model of its own. */
export function createTagger(): WinkMethods {
  return winkNLP(steady, ['sbd', 'pos']);
}
