// The rules of SPEC.md: each turns metrics into findings a person can act on, with the
// numbers in the message and a location to jump to.
import type { FieldRole, Finding, GroupReport, InputSummary, RelatedLocation, Severity, Trend } from '../shared/report';
import { METRIC_BY_KEY, METRICS } from '../shared/metrics';
import type { RuleId } from '../shared/metrics';
import type { RuleThresholds } from './options';
import type { TextGroupResult } from './metrics/text';
import type { LabelGroupResult } from './metrics/labels';

export interface GroupEvidence {
  group: GroupReport;
  file: string;
  text?: TextGroupResult | undefined;
  labels?: LabelGroupResult | undefined;
}

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
}

export interface RuleInfo {
  id: RuleId;
  title: string;
  defaultSeverity: Severity;
  description: string;
  source: string;
}

export const RULES: readonly RuleInfo[] = [
  { id: 'diversity-drop', title: 'Diversity dropped below the baseline', defaultSeverity: 'warning', description: 'A diversity metric falls at least 20% below the baseline generation (warning), at least 50% (error).', source: 'seed: diversity over time (simulate_model_collapse)' },
  { id: 'diversity-trend', title: 'Diversity falls generation after generation', defaultSeverity: 'warning', description: 'A diversity metric moves toward collapse over at least 4 generations: Mann-Kendall p < 0.05, with the Theil-Sen slope in the message.', source: 'seed: ModelMonitor' },
  { id: 'pairwise-distance-collapse', title: 'Vectors collapsed onto one point', defaultSeverity: 'error', description: 'Mean pairwise Euclidean distance of the vectors is below 0.1.', source: 'seed: detect_model_collapse' },
  { id: 'dominant-output', title: 'One output dominates', defaultSeverity: 'warning', description: 'One label, decision or text is more than 60% of a generation.', source: 'seed: EthicalAI.check_for_bias' },
  { id: 'repeated-outputs', title: 'Outputs repeat', defaultSeverity: 'warning', description: 'More than 30% of a generation\'s texts are exact duplicates.', source: 'seed: ContentGenerator' },
  { id: 'tail-loss', title: 'The tails vanished', defaultSeverity: 'warning', description: 'The share of values beyond the baseline\'s 1st/99th percentiles (or of rare baseline tokens) falls below 25% of the baseline\'s.', source: 'Shumailov et al., Nature 2024' },
  { id: 'accuracy-below-threshold', title: 'Accuracy below threshold', defaultSeverity: 'warning', description: 'Accuracy (label vs prediction) is below 0.7.', source: 'seed: continuous evaluation (AdaptiveAIModel)' },
  { id: 'malformed-records', title: 'Records could not be parsed', defaultSeverity: 'warning', description: 'Some records could not be parsed; they were skipped and the rest analyzed.', source: 'robustness' },
];

export const RULE_BY_ID: ReadonlyMap<string, RuleInfo> = new Map(RULES.map((r) => [r.id, r]));

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** A number for a sentence: 3 significant digits, no exponent for everyday sizes. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e7) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) return x.toExponential(2);
  return String(Number(x.toPrecision(3)));
}

export function pct(x: number): string {
  const p = x * 100;
  return `${Math.abs(p) < 10 && !Number.isInteger(p) ? p.toFixed(1) : Math.round(p)}%`;
}

function labelOf(key: string): string {
  return METRIC_BY_KEY.get(key)?.title ?? key;
}

export function applyRules(input: RuleInput): Finding[] {
  const out: Finding[] = [];
  const t = input.thresholds;
  const groups = input.groups;
  const base = groups[input.baselineIndex]!;
  const multi = groups.length > 1;
  const where = (g: GroupEvidence) => (multi ? ` in generation ${g.group.id}` : '');
  const baselineRelated = (): RelatedLocation[] =>
    base === undefined ? [] : [{ message: `baseline generation ${base.group.id} starts here`, location: base.group.location }];

  const push = (rule: RuleId, severity: Severity, f: Omit<Finding, 'rule' | 'severity'>) => {
    if (input.disabled.has(rule)) return;
    out.push({ rule, severity: input.severities[rule] ?? severity, ...f });
  };

  // With several generations, a field that holds one value all through the baseline is
  // metadata (a model name, a status, an object type, a fixed system prompt).
  const baseOutputs = base?.group.outputs ?? base?.group.records ?? 0;
  const constantLabels = multi && base?.labels !== undefined && base.labels.counts.length === 1 && base.labels.counts[0]!.count === base.group.records;
  const constantText = multi && base?.text !== undefined && baseOutputs > 1 && base.text.topOutputs[0]?.count === baseOutputs;

  // diversity-drop: one finding per metric, at the first generation that reaches the worst level.
  if (multi) {
    for (const m of METRICS) {
      if (!m.dropRule) continue;
      const b = base.group.metrics[m.key];
      if (b === undefined || !(b > 0)) continue;
      let worst: { g: GroupEvidence; drop: number; sev: Severity } | undefined;
      let firstWarn: GroupEvidence | undefined;
      groups.forEach((g, i) => {
        if (i === input.baselineIndex) return;
        const v = g.group.metrics[m.key];
        if (v === undefined) return;
        const drop = (b - v) / b;
        if (drop >= t.dropWarning && !firstWarn) firstWarn = g;
        const sev: Severity | undefined = drop >= t.dropError ? 'error' : drop >= t.dropWarning ? 'warning' : undefined;
        if (sev && (!worst || SEVERITY_RANK[sev] < SEVERITY_RANK[worst.sev])) worst = { g, drop, sev };
      });
      if (!worst) continue;
      const w = worst as { g: GroupEvidence; drop: number; sev: Severity };
      const v = w.g.group.metrics[m.key]!;
      const since = firstWarn && firstWarn !== w.g ? `; it first fell ${pct(t.dropWarning)} or more in generation ${firstWarn.group.id}` : '';
      push('diversity-drop', w.sev, {
        message: `${labelOf(m.key)} fell ${pct(w.drop)} below the baseline (${num(b)} → ${num(v)})${where(w.g)}${since}.`,
        group: w.g.group.id, metric: m.key, baseline: b, value: v,
        location: w.g.group.location, related: baselineRelated(),
      });
    }
  }

  // diversity-trend: a significant monotone move toward collapse.
  if (groups.length >= t.trendMinGenerations) {
    const last = groups[groups.length - 1]!;
    for (const tr of input.trends) {
      const info = METRIC_BY_KEY.get(tr.metric);
      if (!info || info.direction === 'none') continue;
      const towardCollapse = info.direction === 'up' ? tr.mannKendallS < 0 : tr.mannKendallS > 0;
      if (!towardCollapse || !(tr.pValue < t.trendPValue)) continue;
      const first = groups[0]!.group.metrics[tr.metric];
      const lastV = last.group.metrics[tr.metric];
      const level = Math.max(Math.abs(first ?? 0), Math.abs(lastV ?? 0));
      if (level > 0 && Math.abs(tr.theilSenSlope * (groups.length - 1)) < t.trendMinChange * level) continue;
      push('diversity-trend', 'warning', {
        message: `${labelOf(tr.metric)} ${info.direction === 'up' ? 'falls' : 'rises'} across ${groups.length} generations (Mann-Kendall S = ${tr.mannKendallS}, p = ${num(tr.pValue)}; Theil-Sen slope ${num(tr.theilSenSlope)} per generation${first !== undefined && lastV !== undefined ? `, ${num(first)} → ${num(lastV)}` : ''}).`,
        group: last.group.id, metric: tr.metric, value: tr.theilSenSlope,
        ...(first !== undefined ? { baseline: first } : {}),
        location: last.group.location, related: baselineRelated(),
      });
    }
  }

  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    const m = g.group.metrics;
    const n = g.group.records;
    /** Texts of the group: several per record when a record holds several outputs. */
    const outputs = g.group.outputs ?? n;

    // pairwise-distance-collapse (seed: detect_model_collapse)
    const d = m.mean_pairwise_distance;
    if (d !== undefined && d < t.pairwiseDistance) {
      push('pairwise-distance-collapse', 'error', {
        message: `Vectors have collapsed${where(g)}: mean pairwise distance ${num(d)} is below ${num(t.pairwiseDistance)}.`,
        group: g.group.id, metric: 'mean_pairwise_distance', value: d, location: g.group.location,
        ...(i !== input.baselineIndex && base.group.metrics.mean_pairwise_distance !== undefined ? { baseline: base.group.metrics.mean_pairwise_distance } : {}),
      });
    }

    // dominant-output (seed: EthicalAI.check_for_bias): labels, then texts.
    // A field with one value all through the baseline is metadata (a model name, a status, an
    // object type), not a decision that collapsed: it raises nothing.
    const top = g.labels?.counts[0];
    if (top && m.top_share !== undefined && m.top_share > t.dominantShare && !constantLabels) {
      const role = input.fields.prediction ? input.fields.prediction : input.fields.label;
      push('dominant-output', 'warning', {
        message: `${capital(role ?? 'label')} "${clip(top.label, 40)}" is ${pct(m.top_share)} of ${n} records${where(g)} (threshold ${pct(t.dominantShare)}).`,
        group: g.group.id, metric: 'top_share', value: m.top_share,
        ...(i !== input.baselineIndex && base.group.metrics.top_share !== undefined ? { baseline: base.group.metrics.top_share } : {}),
        location: g.group.location,
        related: [{ message: `first record with "${clip(top.label, 40)}"`, location: { file: g.file, line: top.firstLine } }],
      });
    }
    const topText = g.text?.topOutputs[0];
    if (topText && outputs > 0 && topText.count / outputs > t.dominantShare && !constantText) {
      push('dominant-output', 'warning', {
        message: `One text, "${clip(topText.text, 60)}", is ${pct(topText.count / outputs)} of ${outputs} outputs${where(g)} (threshold ${pct(t.dominantShare)}).`,
        group: g.group.id, value: topText.count / outputs, location: g.group.location,
        related: [{ message: `first occurrence of the dominant text (${topText.count} times)`, location: { file: g.file, line: topText.line } }],
      });
    }

    // repeated-outputs (seed: ContentGenerator)
    const dup = m.duplicate_rate;
    if (dup !== undefined && dup > t.duplicateRate && !constantText) {
      const related: RelatedLocation[] = [];
      if (topText) related.push({ message: `most repeated output (${topText.count} times): "${clip(topText.text, 60)}"`, location: { file: g.file, line: topText.line } });
      push('repeated-outputs', 'warning', {
        message: `${pct(dup)} of ${outputs} outputs${where(g)} are exact duplicates (threshold ${pct(t.duplicateRate)})${topText ? `; the most repeated appears ${topText.count} times` : ''}.`,
        group: g.group.id, metric: 'duplicate_rate', value: dup, location: g.group.location, related,
        ...(i !== input.baselineIndex && base.group.metrics.duplicate_rate !== undefined ? { baseline: base.group.metrics.duplicate_rate } : {}),
      });
    }

    // tail-loss (Shumailov et al. 2024): values first, then rare tokens.
    if (i !== input.baselineIndex) {
      for (const key of ['tail_mass', 'rare_token_share'] as const) {
        const b = base.group.metrics[key];
        const v = m[key];
        if (b === undefined || v === undefined || !(b > 0)) continue;
        const trials = key === 'tail_mass' ? (g.group.sampled?.tail_mass ?? n) : Math.round((m.mean_length ?? 0) * n);
        if (v < t.tailLossRatio * b && binomialCdf(Math.round(v * trials), trials, b) < t.tailLossPValue) {
          const what = key === 'tail_mass' ? "values beyond the baseline's 1st/99th percentiles" : "tokens from the baseline's rare vocabulary";
          push('tail-loss', 'warning', {
            message: `The tails vanished${where(g)}: ${pct(v)} of ${what}, against ${pct(b)} in the baseline (below ${pct(t.tailLossRatio)} of it).`,
            group: g.group.id, metric: key, baseline: b, value: v, location: g.group.location, related: baselineRelated(),
          });
        }
      }
    }

    // accuracy-below-threshold (seed: continuous evaluation)
    const acc = m.accuracy;
    if (acc !== undefined && acc < t.accuracy) {
      push('accuracy-below-threshold', 'warning', {
        message: `Accuracy is ${num(acc)}${where(g)}, below ${num(t.accuracy)} (${input.fields.prediction} vs ${input.fields.label}, ${n} records).`,
        group: g.group.id, metric: 'accuracy', value: acc, location: g.group.location,
        ...(i !== input.baselineIndex && base.group.metrics.accuracy !== undefined ? { baseline: base.group.metrics.accuracy } : {}),
      });
    }
  }

  // malformed-records: one finding per file, at its first bad line.
  for (const inp of input.inputs) {
    if (inp.malformed === 0) continue;
    const mine = input.issues.filter((x) => x.file === inp.file);
    const first = mine[0];
    const lines = (inp.malformedLines ?? []).slice(0, 5);
    const more = inp.malformed > lines.length ? ', …' : '';
    push('malformed-records', 'warning', {
      message: `${inp.malformed} of ${inp.records + inp.malformed} records could not be read and were skipped (line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}${more})${first ? `; line ${first.line}, column ${first.column}: ${first.message}` : ''}.`,
      location: { file: inp.file, line: first?.line ?? lines[0] ?? 1, ...(first ? { column: first.column } : {}) },
      related: mine.slice(1, 5).map((x) => ({ message: `line ${x.line}, column ${x.column}: ${x.message}`, location: { file: x.file, line: x.line, column: x.column } })),
    });
  }

  return sortFindings(out);
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      (a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : 0) ||
      a.location.line - b.location.line ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) ||
      (a.metric ?? '').localeCompare(b.metric ?? ''),
  );
}

/** P(X ≤ k) for X ~ Binomial(n, p), summed in log space (k is small where it is used). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return k >= n ? 1 : 0;
  let logTerm = n * Math.log1p(-p); // i = 0
  let sum = Math.exp(logTerm);
  const ratio = Math.log(p) - Math.log1p(-p);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(n - i + 1) - Math.log(i) + ratio;
    sum += Math.exp(logTerm);
  }
  return Math.min(1, sum);
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
