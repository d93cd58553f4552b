// Shared by the scenario tests: a scenario by name, a run with given parameters, and means
// compared with closed forms within a 99% band.
import assert from 'node:assert/strict';
import { getScenario } from '../../../../src/core/scenarios/index';
import type { Scenario, ScenarioFormat, ScenarioResult } from '../../../../src/core/scenarios/index';

/** The 99.5th percentile of the standard normal: a two-sided 99% band. */
export const Z99 = 2.5758293035489;

export const scenario = (name: string): Scenario => {
  const s = getScenario(name);
  assert.ok(s, `scenario ${name} exists`);
  return s;
};

export const run = (name: string, seed: number, params: Record<string, number | boolean | string> = {}, generations?: number, format: ScenarioFormat = 'jsonl'): ScenarioResult =>
  scenario(name).run({ seed, format, params, ...(generations !== undefined ? { generations } : {}) });

export const meanOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
export const sdOf = (xs: readonly number[]) => {
  const m = meanOf(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) * (x - m), 0) / (xs.length - 1));
};

/** Mean over seeds within a 99% CLT band of the closed form. */
export function assertMeanNear(values: readonly number[], expected: number, what: string) {
  const m = meanOf(values);
  const band = (Z99 * sdOf(values)) / Math.sqrt(values.length);
  assert.ok(Math.abs(m - expected) <= band, `${what}: mean ${m.toFixed(5)} vs closed form ${expected.toFixed(5)} (99% band ±${band.toFixed(5)})`);
}

export const lines = (r: ScenarioResult, g: number) => r.files[g]!.content.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
