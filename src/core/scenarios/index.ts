// The scenario registry: the twelve simulations of docs/scenarios.md, in its order, and the
// command-line parameter parsing the CLI and the VS Code command share.
import { parseParamString, unknownParamMessage } from './common';
import { controlScenario } from './control';
import { classifierSelfTraining } from './classifier';
import { gaussianRefit } from './gaussian';
import { mixtureModeCollapse } from './mixture';
import { ngramSelfTraining } from './ngram';
import { linearRegression } from './regression';
import { biasedDecisions, contentGenerator, continuousEvaluation, diversityDecay, exploration, genericInputs, recommender } from './seed';
import type { ParamValue, Scenario } from './types';

export type { ParamValue, Scenario, ScenarioExpectation, ScenarioFile, ScenarioFormat, ScenarioOptions, ScenarioParameter, ScenarioResult } from './types';
export { ScenarioOptionError, MAX_GENERATIONS } from './common';
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

/**
 * Turns command-line strings into typed parameters: defaults for what is not given, range
 * and enum checks, and a message per problem naming the parameter and what it accepts.
 * Names may be given in kebab-case or snake_case (`fresh_fraction` = `fresh-fraction`).
 */
export function validateScenarioParams(s: Scenario, raw: Record<string, string>): { params: Record<string, ParamValue>; errors: string[] } {
  const params: Record<string, ParamValue> = {};
  const errors: string[] = [];
  for (const p of s.parameters) params[p.name] = p.default;
  for (const [key, value] of Object.entries(raw)) {
    const name = key.replace(/_/g, '-');
    const p = s.parameters.find((x) => x.name === name);
    if (!p) {
      errors.push(unknownParamMessage(s, key));
      continue;
    }
    const parsed = parseParamString(s.name, p, value);
    if (parsed.error !== undefined) errors.push(parsed.error);
    else params[p.name] = parsed.value!;
  }
  return { params, errors };
}
