// diversity-trend (seed: ModelMonitor): a metric moves toward collapse generation after
// generation (Mann-Kendall), by a change worth reporting (Theil-Sen over the series).
// Per event, one finding per role naming every metric that moves.
import { METRIC_BY_KEY } from '../../shared/metrics';
import type { MetricInfo, MetricRole } from '../../shared/metrics';
import type { Trend } from '../../shared/report';
import type { Rule } from './context';
import { labelOf, num, ROLE_TITLE } from './format';

export const diversityTrend: Rule = {
  id: 'diversity-trend',
  title: 'Diversity falls generation after generation',
  defaultSeverity: 'warning',
  source: 'seed: ModelMonitor',
  describe: (t) =>
    `A diversity metric moves toward collapse over at least ${t.trendMinGenerations} generations: Mann-Kendall p < ${num(t.trendPValue)} and a Theil-Sen change of at least ${num(t.trendMinChange * 100)}% of its level, with the slope in the message.`,
  check(ctx) {
    const { t, groups } = ctx;
    if (groups.length < t.trendMinGenerations) return;
    const last = groups[groups.length - 1]!;
    const moving: { tr: Trend; info: MetricInfo; first?: number; lastV?: number }[] = [];
    for (const tr of ctx.input.trends) {
      const info = METRIC_BY_KEY.get(tr.metric);
      if (!info || info.direction === 'none') continue;
      const towardCollapse = info.direction === 'up' ? tr.mannKendallS < 0 : tr.mannKendallS > 0;
      if (!towardCollapse || !(tr.pValue < t.trendPValue)) continue;
      const first = groups[0]!.group.metrics[tr.metric];
      const lastV = last.group.metrics[tr.metric];
      const level = Math.max(Math.abs(first ?? 0), Math.abs(lastV ?? 0));
      if (level > 0 && Math.abs(tr.theilSenSlope * (groups.length - 1)) < t.trendMinChange * level) continue;
      moving.push({ tr, info, ...(first !== undefined ? { first } : {}), ...(lastV !== undefined ? { lastV } : {}) });
    }
    const sentence = (m: (typeof moving)[number]) =>
      `${labelOf(m.tr.metric)} ${m.info.direction === 'up' ? 'falls' : 'rises'} across ${groups.length} generations (Mann-Kendall S = ${m.tr.mannKendallS}, p = ${num(m.tr.pValue)}; Theil-Sen slope ${num(m.tr.theilSenSlope)} per generation${m.first !== undefined && m.lastV !== undefined ? `, ${num(m.first)} → ${num(m.lastV)}` : ''})`;
    if (ctx.mode === 'metric') {
      for (const m of moving) {
        ctx.push('diversity-trend', 'warning', {
          message: `${sentence(m)}.`,
          group: last.group.id, metric: m.tr.metric, value: m.tr.theilSenSlope, ...(m.first !== undefined ? { baseline: m.first } : {}),
          location: last.group.location, related: ctx.baselineRelated(),
        });
      }
      return;
    }
    const byRole = new Map<MetricRole, typeof moving>();
    for (const m of moving) byRole.set(m.info.role, [...(byRole.get(m.info.role) ?? []), m]);
    for (const [role, list] of byRole) {
      list.sort((a, b) => a.tr.pValue - b.tr.pValue);
      const head = list[0]!;
      ctx.push('diversity-trend', 'warning', {
        message: `${ROLE_TITLE[role]} moves toward collapse across ${groups.length} generations: ${list.map((m) => `${labelOf(m.tr.metric)}${m.first !== undefined && m.lastV !== undefined ? ` ${num(m.first)} → ${num(m.lastV)}` : ''}`).join(', ')} (Mann-Kendall p = ${num(head.tr.pValue)} for ${labelOf(head.tr.metric)}).`,
        group: last.group.id, metric: head.tr.metric, value: head.tr.theilSenSlope, ...(head.first !== undefined ? { baseline: head.first } : {}),
        location: last.group.location,
        related: [...ctx.baselineRelated(), ...list.map((m) => ({ message: `${sentence(m)}.`, location: last.group.location }))],
      });
    }
  },
};
