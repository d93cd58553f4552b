// The twelve scenario names of the product's specification, in its order: a contract the unit and the
// integration tests both check the product against.
export const SPEC_SCENARIOS: readonly string[] = [
  'diversity-decay',
  'generic-inputs',
  'content-generator',
  'recommender',
  'exploration',
  'biased-decisions',
  'continuous-evaluation',
  'gaussian-refit',
  'linear-regression',
  'ngram-self-training',
  'classifier-self-training',
  'mixture-mode-collapse',
];
