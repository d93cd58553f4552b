// dominant-output (seed: EthicalAI.check_for_bias): one label, decision or text is most of a
// generation. A field with one value all through the baseline is metadata (a model name, a
// status, an object type), not a decision that collapsed: it raises nothing.
import type { Candidate, Rule } from './context';
import { capital, clip, pct } from './format';

export const dominantOutput: Rule = {
  id: 'dominant-output',
  title: 'One output dominates',
  defaultSeverity: 'warning',
  source: 'seed: EthicalAI.check_for_bias',
  describe: (t) => `One label, decision or text is more than ${pct(t.dominantShare)} of a generation (not raised on a field that is one value all through the baseline).`,
  check(ctx) {
    const { t } = ctx;
    const labels: Candidate[] = [];
    const texts: Candidate[] = [];
    ctx.groups.forEach((g, i) => {
      const share = g.group.metrics.top_share;
      const top = g.labels?.counts[0];
      if (top && share !== undefined && share > t.dominantShare && !ctx.constantLabels) {
        const role = ctx.input.fields.prediction ?? ctx.input.fields.label;
        labels.push({
          index: i, severity: 'warning', score: share,
          finding: {
            message: `${capital(role ?? 'label')} "${clip(top.label, 40)}" is ${pct(share)} of ${g.group.records} records${ctx.where(g)} (threshold ${pct(t.dominantShare)}).`,
            group: g.group.id, metric: 'top_share', value: share, ...ctx.baselineOf(i, 'top_share'), location: g.group.location,
            related: [{ message: `first record with "${clip(top.label, 40)}"`, location: { file: g.file, line: top.firstLine } }],
          },
        });
      }
      const topText = g.text?.topOutputs[0];
      const outputs = ctx.outputs(g);
      if (topText && outputs > 0 && topText.count / outputs > t.dominantShare && !ctx.constantText) {
        texts.push({
          index: i, severity: 'warning', score: topText.count / outputs,
          finding: {
            message: `One text, "${clip(topText.text, 60)}", is ${pct(topText.count / outputs)} of ${outputs} outputs${ctx.where(g)} (threshold ${pct(t.dominantShare)}).`,
            group: g.group.id, value: topText.count / outputs, location: g.group.location,
            related: [{ message: `first occurrence of the dominant text (${topText.count} times)`, location: { file: g.file, line: topText.line } }],
          },
        });
      }
    });
    ctx.report('dominant-output', labels);
    ctx.report('dominant-output', texts);
  },
};
