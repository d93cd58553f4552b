// diversity-drop (seed: diversity over time): a diversity metric falls below the baseline.
// Per event, one finding per role: the metrics of the same texts (distinct-n, entropy,
// vocabulary…) fall together when the texts collapse, and that is one event.
import { METRICS } from '../../shared/metrics';
import type { MetricInfo, MetricRole } from '../../shared/metrics';
import type { RelatedLocation, Severity } from '../../shared/report';
import type { Candidate, GroupEvidence, Rule, RuleContext } from './context';
import { SEVERITY_ORDER } from '../../shared/report';
import { clip, labelOf, num, pct, ROLE_TITLE } from './format';

interface Drop {
  metric: MetricInfo;
  g: GroupEvidence;
  index: number;
  drop: number;
  severity: Severity;
  firstWarn: GroupEvidence | undefined;
}

/** For each metric, the first generation that reaches its worst level. */
function drops(ctx: RuleContext): Drop[] {
  const { t, base } = ctx;
  const out: Drop[] = [];
  for (const m of METRICS) {
    if (!m.dropRule) continue;
    const b = base.group.metrics[m.key];
    if (b === undefined || !(b > 0)) continue;
    let worst: Drop | undefined;
    let firstWarn: GroupEvidence | undefined;
    ctx.groups.forEach((g, i) => {
      if (i === ctx.input.baselineIndex) return;
      const v = g.group.metrics[m.key];
      if (v === undefined) return;
      const drop = (b - v) / b;
      if (drop >= t.dropWarning && !firstWarn) firstWarn = g;
      const severity: Severity | undefined = drop >= t.dropError ? 'error' : drop >= t.dropWarning ? 'warning' : undefined;
      if (severity && (!worst || SEVERITY_ORDER[severity] > SEVERITY_ORDER[worst.severity])) worst = { metric: m, g, index: i, drop, severity, firstWarn: undefined };
    });
    if (worst) out.push({ ...worst, firstWarn });
  }
  return out;
}

/** When the tag sequences lost diversity: the generation's commonest syntactic template, at an output that holds it. */
function templateRelated(d: Drop): RelatedLocation[] {
  const t = d.metric.key === 'pos_ngram_diversity' ? d.g.group.templates?.[0] : undefined;
  if (!t) return [];
  return [{ message: `The commonest syntactic template in generation ${d.g.group.id}, ${t.pattern}, is in ${pct(t.share)} of its outputs, e.g. "${clip(t.example.match, 80)}".`, location: t.example.location }];
}

export const diversityDrop: Rule = {
  id: 'diversity-drop',
  title: 'Diversity dropped below the baseline',
  defaultSeverity: 'warning',
  source: 'seed: diversity over time (simulate_model_collapse)',
  describe: (t) => `A diversity metric falls at least ${pct(t.dropWarning)} below the baseline generation (warning), at least ${pct(t.dropError)} (error); one finding per role names every metric that fell.`,
  check(ctx) {
    if (!ctx.multi) return;
    const all = drops(ctx);
    const one = (d: Drop) => {
      const b = ctx.base.group.metrics[d.metric.key]!;
      const v = d.g.group.metrics[d.metric.key]!;
      return { b, v, text: `${labelOf(d.metric.key)} fell ${pct(d.drop)} below the baseline (${num(b)} → ${num(v)})${ctx.where(d.g)}` };
    };
    if (ctx.mode === 'metric') {
      for (const d of all) {
        const { b, v, text } = one(d);
        const since = d.firstWarn && d.firstWarn !== d.g ? `; it first fell ${pct(ctx.t.dropWarning)} or more in generation ${d.firstWarn.group.id}` : '';
        ctx.push('diversity-drop', d.severity, {
          message: `${text}${since}.`,
          group: d.g.group.id, metric: d.metric.key, baseline: b, value: v, location: d.g.group.location, related: [...ctx.baselineRelated(), ...templateRelated(d)],
        });
      }
      return;
    }
    const byRole = new Map<MetricRole, Drop[]>();
    for (const d of all) byRole.set(d.metric.role, [...(byRole.get(d.metric.role) ?? []), d]);
    for (const [role, list] of byRole) {
      // Worst first: the most severe, then the largest fall.
      list.sort((a, b) => SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity] || b.drop - a.drop || a.index - b.index);
      const head = list[0]!;
      // The event's generation: the first one where the role reached its worst severity.
      const at = list.filter((d) => d.severity === head.severity).reduce((a, d) => (d.index < a.index ? d : a));
      // The finding points at the metric that reached the worst level first, where it did.
      const { b, v } = one(at);
      const parts = list.map((d) => `${labelOf(d.metric.key)} −${pct(d.drop)}${d.g !== at.g ? ` (${d.g.group.id})` : ''}`);
      const verb = head.severity === 'error' ? 'collapsed' : 'fell';
      const candidate: Candidate = {
        index: at.index,
        severity: head.severity,
        score: head.drop,
        finding: {
          message: `${ROLE_TITLE[role]} ${verb} below the baseline by generation ${at.g.group.id}: ${parts.join(', ')}.`,
          group: at.g.group.id, metric: at.metric.key, baseline: b, value: v, location: at.g.group.location,
          related: [
            ...ctx.baselineRelated(),
            ...list.map((d) => ({ message: `${one(d).text}.`, location: d.g.group.location })),
            ...list.flatMap((d) => templateRelated(d)),
          ],
        },
      };
      ctx.report('diversity-drop', [candidate]);
    }
  },
};
