// repeated-outputs (seed: ContentGenerator): a generation's texts repeat each other.
import type { RelatedLocation } from '../../shared/report';
import type { Candidate, Rule } from './context';
import { clip, pct } from './format';

export const repeatedOutputs: Rule = {
  id: 'repeated-outputs',
  title: 'Outputs repeat',
  defaultSeverity: 'warning',
  source: 'seed: ContentGenerator',
  describe: (t) => `More than ${pct(t.duplicateRate)} of a generation's texts are exact duplicates; the most repeated record is related information.`,
  check(ctx) {
    if (ctx.constantText) return;
    const candidates: Candidate[] = [];
    ctx.groups.forEach((g, i) => {
      const dup = g.group.metrics.duplicate_rate;
      if (dup === undefined || !(dup > ctx.t.duplicateRate)) return;
      const topText = g.text?.topOutputs[0];
      const related: RelatedLocation[] = [];
      if (topText) related.push({ message: `most repeated output (${topText.count} times): "${clip(topText.text, 60)}"`, location: { file: g.file, line: topText.line } });
      candidates.push({
        index: i, severity: 'warning', score: dup,
        finding: {
          message: `${pct(dup)} of ${ctx.outputs(g)} outputs${ctx.where(g)} are exact duplicates (threshold ${pct(ctx.t.duplicateRate)})${topText ? `; the most repeated appears ${topText.count} times` : ''}.`,
          group: g.group.id, metric: 'duplicate_rate', value: dup, location: g.group.location, related, ...ctx.baselineOf(i, 'duplicate_rate'),
        },
      });
    });
    ctx.report('repeated-outputs', candidates);
  },
};
