// Shared by the rule tests: a generation's evidence, and the rules applied to generations.
import { applyRules } from '../../../../src/core/rules';
import type { GroupEvidence, RuleInput } from '../../../../src/core/rules';
import { DEFAULT_THRESHOLDS } from '../../../../src/core/options';

/** A generation `id` with these metrics, `records` records, located at line `line` of `id`.jsonl. */
export function group(id: string, metrics: Record<string, number>, records = 100, line = 1): GroupEvidence {
  return { group: { id, records, location: { file: `${id}.jsonl`, line }, metrics }, file: `${id}.jsonl` };
}

/** Every rule on `groups`, the first generation the baseline, per metric unless `extra` says otherwise. */
export function run(groups: GroupEvidence[], extra: Partial<RuleInput> = {}) {
  return applyRules({
    groups,
    baselineIndex: 0,
    trends: [],
    thresholds: { ...DEFAULT_THRESHOLDS },
    inputs: [],
    issues: [],
    fields: { text: 'output', vector: null, label: 'label', prediction: 'prediction', value: null, group: null, prompt: null },
    disabled: new Set(),
    severities: {},
    mode: 'metric',
    ...extra,
  });
}
