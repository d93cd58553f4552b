// per-prompt-collapse (Kirk et al., ICLR 2024): the outputs for one prompt become alike — the
// per-prompt EAD falls below the baseline's, or more prompts get identical outputs — while
// diversity across prompts may hold. Needs outputs grouped by prompt: several outputs in one
// record (n > 1 sampling), or a prompt field.
import type { Severity } from '../../shared/report';
import type { Candidate, Rule } from './context';
import { num, pct } from './format';

export const perPromptCollapse: Rule = {
  id: 'per-prompt-collapse',
  title: 'The outputs for each prompt became alike',
  defaultSeverity: 'warning',
  source: 'Kirk et al., ICLR 2024 (per-input diversity); EAD, Liu et al., ACL 2022',
  describe: (t) =>
    `The per-prompt EAD (the diversity of the outputs for one prompt) falls at least ${pct(t.dropWarning)} below the baseline (warning), ${pct(t.dropError)} (error), or more than ${pct(t.duplicateRate)} of the prompts get identical outputs.`,
  check(ctx) {
    if (!ctx.multi) return;
    const { t, base } = ctx;
    const b = base.group.metrics.per_prompt_ead;
    const bIdentical = base.group.metrics.identical_prompt_share ?? 0;
    const candidates: Candidate[] = [];
    ctx.groups.forEach((g, i) => {
      if (i === ctx.input.baselineIndex) return;
      const m = g.group.metrics;
      const v = m.per_prompt_ead;
      const identical = m.identical_prompt_share;
      const drop = b !== undefined && b > 0 && v !== undefined ? (b - v) / b : 0;
      let severity: Severity | undefined = drop >= t.dropError ? 'error' : drop >= t.dropWarning ? 'warning' : undefined;
      const sameOutputs = identical !== undefined && identical > t.duplicateRate && identical > bIdentical;
      if (!severity && sameOutputs) severity = 'warning';
      if (!severity) return;
      const parts: string[] = [];
      if (drop >= t.dropWarning) parts.push(`per-prompt EAD fell ${pct(drop)} below the baseline (${num(b!)} → ${num(v!)})`);
      if (identical !== undefined && identical > bIdentical && identical > 0) parts.push(`${pct(identical)} of the prompts got identical outputs (baseline ${pct(bIdentical)})`);
      const prompts = g.group.sampled?.per_prompt_ead ?? g.group.prompts;
      candidates.push({
        index: i, severity, score: drop + (identical ?? 0),
        finding: {
          message: `The outputs for each prompt became alike${ctx.where(g)}: ${parts.join('; ')}${prompts ? ` (${prompts} prompts)` : ''}.`,
          group: g.group.id, metric: 'per_prompt_ead', ...(v !== undefined ? { value: v } : {}), ...(b !== undefined ? { baseline: b } : {}),
          location: g.group.location, related: ctx.baselineRelated(),
        },
      });
    });
    ctx.report('per-prompt-collapse', candidates);
  },
};
