// What every rule reads (the groups, the baseline, thresholds, fields) and how it reports:
// one finding per event by default, or one per metric and generation when asked.
import { SEVERITY_ORDER, type FieldRole, type Finding, type GroupReport, type InputSummary, type RelatedLocation, type Severity, type Trend } from '../../shared/report';
import type { RuleId } from '../../shared/metrics';
import type { RuleThresholds } from '../options';
import type { TextGroupResult } from '../metrics/text';
import type { LabelGroupResult } from '../metrics/labels';

export interface GroupEvidence {
  group: GroupReport;
  file: string;
  text?: TextGroupResult | undefined;
  labels?: LabelGroupResult | undefined;
}

/** `event`: one finding per rule and role for one collapse; `metric`: one per metric and generation. */
export type FindingMode = 'event' | 'metric';

export interface RuleInput {
  groups: GroupEvidence[];
  baselineIndex: number;
  trends: Trend[];
  thresholds: RuleThresholds;
  inputs: InputSummary[];
  issues: { file: string; line: number; column: number; message: string }[];
  fields: Record<FieldRole, string | null>;
  disabled: ReadonlySet<string>;
  severities: Record<string, Severity>;
  mode?: FindingMode;
}

/** A finding a rule could raise for one generation; `score` ranks candidates of one severity. */
export interface Candidate {
  index: number;
  severity: Severity;
  score: number;
  finding: Omit<Finding, 'rule' | 'severity'>;
}


export class RuleContext {
  readonly t: RuleThresholds;
  readonly base: GroupEvidence;
  readonly multi: boolean;
  readonly mode: FindingMode;
  /** With several generations, a label that is one value all through the baseline is metadata. */
  readonly constantLabels: boolean;
  /** With several generations, a text that is one value all through the baseline is metadata. */
  readonly constantText: boolean;
  readonly findings: Finding[] = [];

  constructor(readonly input: RuleInput) {
    this.t = input.thresholds;
    this.base = input.groups[input.baselineIndex]!;
    this.multi = input.groups.length > 1;
    this.mode = input.mode ?? 'event';
    const base = this.base;
    const baseOutputs = base ? this.outputs(base) : 0;
    this.constantLabels = this.multi && base?.labels !== undefined && base.labels.counts.length === 1 && base.labels.counts[0]!.count === base.group.records;
    this.constantText = this.multi && base?.text !== undefined && baseOutputs > 1 && base.text.topOutputs[0]?.count === baseOutputs;
  }

  get groups(): GroupEvidence[] {
    return this.input.groups;
  }

  /** Texts of a group: several per record when a record holds several outputs. */
  outputs(g: GroupEvidence): number {
    return g.group.outputs ?? g.group.records;
  }

  where(g: GroupEvidence): string {
    return this.multi ? ` in generation ${g.group.id}` : '';
  }

  baselineRelated(): RelatedLocation[] {
    const b = this.base;
    return b === undefined ? [] : [{ message: `baseline generation ${b.group.id} starts here`, location: b.group.location }];
  }

  /** The baseline's value of a metric, for a finding on another generation. */
  baselineOf(index: number, key: string): { baseline: number } | Record<string, never> {
    const b = this.base.group.metrics[key];
    return index !== this.input.baselineIndex && b !== undefined ? { baseline: b } : {};
  }

  push(rule: RuleId, severity: Severity, f: Omit<Finding, 'rule' | 'severity'>): void {
    if (this.input.disabled.has(rule)) return;
    this.findings.push({ rule, severity: this.input.severities[rule] ?? severity, ...f });
  }

  /**
   * Candidates of one rule for one signal across generations. Per metric: each is a finding.
   * Per event: the most severe (then the largest, then the earliest) is the finding, and the
   * others are related information on it.
   */
  report(rule: RuleId, candidates: Candidate[]): void {
    if (candidates.length === 0) return;
    if (this.mode === 'metric') {
      for (const c of candidates) this.push(rule, c.severity, c.finding);
      return;
    }
    const best = [...candidates].sort((a, b) => SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity] || b.score - a.score || a.index - b.index)[0]!;
    const others = candidates
      .filter((c) => c !== best)
      .sort((a, b) => a.index - b.index)
      .slice(0, 8)
      .map((c) => ({ message: c.finding.message, location: c.finding.location }));
    this.push(rule, best.severity, { ...best.finding, related: [...(best.finding.related ?? []), ...others] });
  }
}

/** One rule: its metadata (for SARIF, hovers and the README) and its check. */
export interface Rule {
  id: RuleId;
  title: string;
  defaultSeverity: Severity;
  /** Where the rule comes from (the seed's snippet or the paper). */
  source: string;
  /** What it checks, with the thresholds in force. */
  describe(t: RuleThresholds): string;
  check(ctx: RuleContext): void;
}
