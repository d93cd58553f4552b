// The rules: a registry of one module per rule (its id, metadata, description from the
// thresholds in force, and its check). Rule ids, SARIF rule metadata, the settings' enum and
// the README table come from here or are tested against it.
import type { Finding } from '../../shared/report';
import { RULE_IDS } from '../../shared/metrics';
import { accuracyBelowThreshold } from './accuracy-below-threshold';
import { SEVERITY_ORDER } from '../../shared/report';
import { RuleContext } from './context';
import type { Rule, RuleInput } from './context';
import { distributionDrift } from './distribution-drift';
import { diversityDrop } from './diversity-drop';
import { diversityTrend } from './diversity-trend';
import { dominantOutput } from './dominant-output';
import { malformedRecords } from './malformed-records';
import { pairwiseDistanceCollapse } from './pairwise-distance-collapse';
import { perPromptCollapse } from './per-prompt-collapse';
import { repeatedOutputs } from './repeated-outputs';
import { tailLoss } from './tail-loss';

export type { Candidate, FindingMode, GroupEvidence, Rule, RuleInput } from './context';
export { RuleContext } from './context';
export { binomialCdf } from './tail-loss';
export { num, pct } from './format';

/** Every rule, in the order of the README's table and RULE_IDS. */
export const RULES: readonly Rule[] = [
  diversityDrop,
  diversityTrend,
  pairwiseDistanceCollapse,
  dominantOutput,
  repeatedOutputs,
  perPromptCollapse,
  tailLoss,
  accuracyBelowThreshold,
  distributionDrift,
  malformedRecords,
];

if (RULES.map((r) => r.id).join() !== RULE_IDS.join()) throw new Error('RULES and RULE_IDS disagree');

export const RULE_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));

export function applyRules(input: RuleInput): Finding[] {
  const ctx = new RuleContext(input);
  for (const rule of RULES) if (!input.disabled.has(rule.id)) rule.check(ctx);
  return sortFindings(ctx.findings);
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity] ||
      (a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : 0) ||
      a.location.line - b.location.line ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) ||
      (a.metric ?? '').localeCompare(b.metric ?? ''),
  );
}
