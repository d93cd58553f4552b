// accuracy-below-threshold (seed: continuous evaluation, AdaptiveAIModel).
import type { Candidate, Rule } from './context';
import { num } from './format';

export const accuracyBelowThreshold: Rule = {
  id: 'accuracy-below-threshold',
  title: 'Accuracy below threshold',
  defaultSeverity: 'warning',
  source: 'seed: continuous evaluation (AdaptiveAIModel)',
  describe: (t) => `Accuracy (label vs prediction) is below ${num(t.accuracy)}.`,
  check(ctx) {
    const candidates: Candidate[] = [];
    ctx.groups.forEach((g, i) => {
      const acc = g.group.metrics.accuracy;
      if (acc === undefined || !(acc < ctx.t.accuracy)) return;
      candidates.push({
        index: i, severity: 'warning', score: -acc,
        finding: {
          message: `Accuracy is ${num(acc)}${ctx.where(g)}, below ${num(ctx.t.accuracy)} (${ctx.input.fields.prediction} vs ${ctx.input.fields.label}, ${g.group.records} records).`,
          group: g.group.id, metric: 'accuracy', value: acc, location: g.group.location, ...ctx.baselineOf(i, 'accuracy'),
        },
      });
    });
    ctx.report('accuracy-below-threshold', candidates);
  },
};
