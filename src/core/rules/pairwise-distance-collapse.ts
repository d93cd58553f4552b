// pairwise-distance-collapse (seed: detect_model_collapse): the vectors sit on one point.
import type { Candidate, Rule } from './context';
import { num } from './format';

export const pairwiseDistanceCollapse: Rule = {
  id: 'pairwise-distance-collapse',
  title: 'Vectors collapsed onto one point',
  defaultSeverity: 'error',
  source: 'seed: detect_model_collapse',
  describe: (t) => `Mean pairwise Euclidean distance of the vectors is below ${num(t.pairwiseDistance)}.`,
  check(ctx) {
    const candidates: Candidate[] = [];
    ctx.groups.forEach((g, i) => {
      const d = g.group.metrics.mean_pairwise_distance;
      if (d === undefined || !(d < ctx.t.pairwiseDistance)) return;
      candidates.push({
        index: i, severity: 'error', score: -d,
        finding: {
          message: `Vectors have collapsed${ctx.where(g)}: mean pairwise distance ${num(d)} is below ${num(ctx.t.pairwiseDistance)}.`,
          group: g.group.id, metric: 'mean_pairwise_distance', value: d, location: g.group.location, ...ctx.baselineOf(i, 'mean_pairwise_distance'),
        },
      });
    });
    ctx.report('pairwise-distance-collapse', candidates);
  },
};
