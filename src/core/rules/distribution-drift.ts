// distribution-drift: the values (an error, a loss, a score) moved away from the baseline's
// distribution: the two-sample Kolmogorov-Smirnov test against the baseline is significant
// and the move is large, a Wasserstein distance of at least a share of the baseline's
// standard deviation (as drift monitors such as Evidently and NannyML flag it). Quality
// collapse shows here (Gerstgrasser et al. 2024: the test error of a model retrained on its
// own labels widens generation after generation) while no diversity metric falls.
import { ksPValue } from '../metrics/values';
import type { GroupEvidence, Rule } from './context';
import { capital, num } from './format';

const HIGHER_IS_WORSE = /(error|err|loss|perplexity|ppl|mse|mae|rmse|distance|toxicity|latency|regret)/i;
const LOWER_IS_WORSE = /(score|reward|accuracy|acc|f1|bleu|rouge|quality|win|pass|correct|precision|recall|auc)/i;

/** Values behind a group's distribution metrics: the sample when sampled, else its records. */
const sizeOf = (g: GroupEvidence) => g.group.sampled?.ks_vs_baseline ?? g.group.records;

export const distributionDrift: Rule = {
  id: 'distribution-drift',
  title: 'The values drifted from the baseline',
  defaultSeverity: 'warning',
  source: 'Gerstgrasser et al. 2024; drift monitoring (two-sample KS, Wasserstein)',
  describe: (t) =>
    `The values' distribution differs from the baseline's: two-sample KS p < ${num(t.driftPValue)} and a Wasserstein distance of at least ${num(t.driftEffect)} baseline standard deviations; the message says which way (an error or loss rising, a score or reward falling).`,
  check(ctx) {
    const { t, base } = ctx;
    const field = ctx.input.fields.value ?? 'value';
    const baseStd = base.group.metrics.std;
    const baseMean = base.group.metrics.mean;
    if (!ctx.multi || baseStd === undefined || !(baseStd > 0) || baseMean === undefined) return;
    const name = field.replace(/^.*[.[\]']/, '') || field;
    const worse = (mean: number, std: number): string => {
      if (HIGHER_IS_WORSE.test(name)) {
        const wider = std > baseStd * 1.1;
        const higher = mean > baseMean + 0.1 * baseStd;
        return wider || higher ? ` — the ${name} is getting ${higher ? 'larger' : 'wider'}` : '';
      }
      if (LOWER_IS_WORSE.test(name)) return mean < baseMean - 0.1 * baseStd ? ` — the ${name} is falling` : '';
      return '';
    };
    let fired = false;
    ctx.groups.forEach((g, i) => {
      if (i === ctx.input.baselineIndex) return;
      const m = g.group.metrics;
      const d = m.ks_vs_baseline;
      const w = m.wasserstein_vs_baseline;
      if (d === undefined || w === undefined || m.mean === undefined || m.std === undefined) return;
      const p = ksPValue(d, sizeOf(g), sizeOf(base));
      const effect = w / baseStd;
      if (!(p < t.driftPValue) || !(effect >= t.driftEffect)) return;
      if (fired && ctx.mode === 'event') return;
      fired = true;
      const later = ctx.mode === 'event' ? ctx.groups.slice(i + 1).filter((x) => (x.group.metrics.wasserstein_vs_baseline ?? 0) / baseStd >= t.driftEffect).length : 0;
      ctx.push('distribution-drift', 'warning', {
        message: `${capital(name)} values drifted from the baseline${ctx.where(g)}: KS D = ${num(d)} (p = ${num(p)}), Wasserstein distance ${num(w)} = ${num(effect)} baseline standard deviations; mean ${num(baseMean)} → ${num(m.mean)}, spread ${num(baseStd)} → ${num(m.std)}${worse(m.mean, m.std)}${later ? `; ${later} later generation${later > 1 ? 's' : ''} as far or farther` : ''}.`,
        group: g.group.id, metric: 'wasserstein_vs_baseline', value: w, baseline: 0, location: g.group.location, related: ctx.baselineRelated(),
      });
    });
  },
};
