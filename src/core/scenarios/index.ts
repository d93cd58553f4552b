// The scenario registry: the twelve simulations of docs/scenarios.md, in its order. Their
// options are resolved in options.ts, for the CLI, the worker and the VS Code command alike.
import { controlScenario } from './control';
import { classifierSelfTraining } from './classifier';
import { gaussianRefit } from './gaussian';
import { mixtureModeCollapse } from './mixture';
import { ngramSelfTraining } from './ngram';
import { linearRegression } from './regression';
import { biasedDecisions, contentGenerator, continuousEvaluation, diversityDecay, exploration, genericInputs, recommender } from './seed';
import type { Scenario } from './types';

export type { ParamValue, Scenario, ScenarioExpectation, ScenarioFile, ScenarioFormat, ScenarioOptions, ScenarioParameter, ScenarioResult } from './types';
export { ScenarioOptionError, MAX_GENERATIONS, validateScenarioParams } from './options';
export { controlScenario };

export const SCENARIOS: readonly Scenario[] = [
  diversityDecay,
  genericInputs,
  contentGenerator,
  recommender,
  exploration,
  biasedDecisions,
  continuousEvaluation,
  gaussianRefit,
  linearRegression,
  ngramSelfTraining,
  classifierSelfTraining,
  mixtureModeCollapse,
];

export function getScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
