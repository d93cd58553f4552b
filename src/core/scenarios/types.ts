// Shapes shared by every scenario. Kept apart from index.ts so the scenario modules can
// import them without importing the registry that imports them.
import type { RuleId } from '../../shared/metrics';

export type ScenarioFormat = 'jsonl' | 'csv';

export type ParamValue = number | boolean | string;

export interface ScenarioParameter {
  name: string;
  description: string;
  type: 'number' | 'integer' | 'boolean' | 'enum';
  default: ParamValue;
  values?: string[];
  min?: number;
  max?: number;
}

export interface ScenarioOptions {
  seed: number;
  generations?: number;
  format: ScenarioFormat;
  params?: Record<string, ParamValue>;
}

export interface ScenarioFile {
  /** Relative file name, e.g. `gen-01.jsonl`; natural and plain sort both give generation order. */
  name: string;
  content: string;
}

export interface ScenarioExpectation {
  /**
   * Rules the analyzer should raise on this output (at least these; an unlucky seed can
   * add others, e.g. a noisy tail). Computed for the parameters and, where the seed's
   * model is itself random (continuous-evaluation), for the realized run.
   */
  rules: RuleId[];
  /** What a user should see, in one or two sentences. */
  description: string;
}

export interface ScenarioResult {
  /** One file per generation, in generation order. */
  files: ScenarioFile[];
  /** The simulation's own ground truth, one number per generation. */
  series: Record<string, number[]>;
  expected: ScenarioExpectation;
  /** Parameters after defaults were applied. */
  params: Record<string, ParamValue>;
  generations: number;
}

export interface Scenario {
  name: string;
  title: string;
  /** One line for `--list` and the quick pick. */
  description: string;
  /** `seed: simulate_model_collapse` or a citation such as `Shumailov et al., Nature 2024`. */
  source: string;
  defaultGenerations: number;
  /** Smallest generation count the scenario accepts. */
  minGenerations: number;
  parameters: ScenarioParameter[];
  run(options: ScenarioOptions): ScenarioResult;
}
