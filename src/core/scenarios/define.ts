// Turns a simulation (records per generation + ground truth) into a Scenario with option
// checks and file encoding done once, the same way for all of them.
import type { RuleId } from '../../shared/metrics';
import { Random } from '../random';
import { generationFiles } from './common';
import type { OutputRecord } from './common';
import { clearRules, textRows } from './expect';
import { resolveScenarioOptions, scenarioOptionMessage, ScenarioOptionError } from './options';
import type { ParamValue, Scenario, ScenarioFormat, ScenarioOptions, ScenarioParameter, ScenarioResult } from './types';

/** The options a simulation runs with: checked, defaults applied, the seed made a generator. */
export interface Resolved {
  rng: Random;
  generations: number;
  params: Record<string, ParamValue>;
  format: ScenarioFormat;
}

/** Applies defaults and checks everything `run` receives (options.ts); throws ScenarioOptionError. */
function resolveOptions(s: Scenario, options: ScenarioOptions): Resolved {
  const resolved = resolveScenarioOptions(s, { seed: options.seed, generations: options.generations, format: options.format, params: options.params ?? {} });
  if (!resolved.ok) throw new ScenarioOptionError(resolved.problems.map(scenarioOptionMessage));
  const { seed, generations, params, format } = resolved.options;
  return { rng: new Random(seed), generations, params, format };
}

export interface Simulation {
  records: OutputRecord[][];
  series: Record<string, number[]>;
  expected: { rules: RuleId[]; description: string };
}

/** A simulation whose records carry an `output` text: the rules expected are read off those texts. */
export function textSimulation(records: OutputRecord[][], series: Record<string, number[]>, description: string): Simulation {
  const texts = records.map((gen) => gen.map((r) => r.output as string));
  return { records, series, expected: { rules: clearRules(textRows(texts)), description } };
}

export interface ScenarioDefinition {
  name: string;
  title: string;
  description: string;
  source: string;
  defaultGenerations: number;
  minGenerations?: number;
  parameters: ScenarioParameter[];
  /** Cross-parameter checks beyond each parameter's own range. */
  check?: (r: Resolved) => string[];
  simulate(r: Resolved): Simulation;
}

export function defineScenario(def: ScenarioDefinition): Scenario {
  const scenario: Scenario = {
    name: def.name,
    title: def.title,
    description: def.description,
    source: def.source,
    defaultGenerations: def.defaultGenerations,
    minGenerations: def.minGenerations ?? 2,
    parameters: def.parameters,
    run(options): ScenarioResult {
      const resolved = resolveOptions(scenario, options);
      const errors = def.check?.(resolved) ?? [];
      if (errors.length) throw new ScenarioOptionError(errors);
      const sim = def.simulate(resolved);
      return {
        files: generationFiles(sim.records, resolved.format),
        series: sim.series,
        expected: sim.expected,
        params: resolved.params,
        generations: resolved.generations,
      };
    },
  };
  return scenario;
}
