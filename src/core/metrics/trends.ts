// Trends across generations (docs/METRICS.md, "Trends"): the Mann-Kendall test for a
// monotone trend and the Theil-Sen slope of each metric (src/core/numeric/stats.ts).
import type { GroupReport, Trend } from '../../shared/report';
import { METRICS } from '../../shared/metrics';
import { mannKendall, theilSenSlope } from '../numeric/stats';

/** Mann-Kendall and Theil-Sen of every metric with a direction, over the generations in order. */
export function computeTrends(groups: GroupReport[], minGenerations: number): Trend[] {
  if (groups.length < minGenerations) return [];
  const trends: Trend[] = [];
  for (const m of METRICS) {
    if (m.direction === 'none') continue;
    const series = groups.map((g) => g.metrics[m.key]).filter((x): x is number => x !== undefined);
    if (series.length < minGenerations || series.length !== groups.length) continue;
    const mk = mannKendall(series);
    trends.push({ metric: m.key, mannKendallS: mk.s, pValue: mk.pValue, theilSenSlope: theilSenSlope(series) });
  }
  return trends;
}
