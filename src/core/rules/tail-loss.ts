// tail-loss (Shumailov et al., Nature 2024: the tails vanish first). The share of values
// beyond the baseline's 1st/99th percentiles, or of tokens from its rare vocabulary, falls
// below a fraction of the baseline's, and the loss is unlikely by chance: binomial
// P(X ≤ observed | baseline share) below a threshold. Small generations cannot show a lost
// 2% tail one at a time, so the counts of consecutive generations since the share first
// fell below the fraction are pooled: ten small generations in a row without a tail value
// are as telling as one large one.
import type { GroupEvidence, Rule, RuleContext } from './context';
import { pct } from './format';

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

type TailKey = 'tail_mass' | 'rare_token_share';

/** Trials behind a generation's tail share: values in the sample, or tokens. */
function trials(g: GroupEvidence, key: TailKey): number {
  const m = g.group.metrics;
  return key === 'tail_mass' ? (g.group.sampled?.tail_mass ?? g.group.records) : Math.round((m.mean_length ?? 0) * (g.group.outputs ?? g.group.records));
}

function checkKey(ctx: RuleContext, key: TailKey): void {
  const b = ctx.base.group.metrics[key];
  if (b === undefined || !(b > 0)) return;
  const what = key === 'tail_mass' ? "values beyond the baseline's 1st/99th percentiles" : "tokens from the baseline's rare vocabulary";
  let pooledHits = 0;
  let pooledTrials = 0;
  let runStart: GroupEvidence | undefined;
  let runLength = 0;
  let fired = false;
  ctx.groups.forEach((g, i) => {
    if (i === ctx.input.baselineIndex) return;
    const v = g.group.metrics[key];
    if (v === undefined || !(v < ctx.t.tailLossRatio * b)) {
      pooledHits = 0;
      pooledTrials = 0;
      runStart = undefined;
      runLength = 0;
      return;
    }
    const n = trials(g, key);
    runStart ??= g;
    runLength++;
    pooledHits += Math.round(v * n);
    pooledTrials += n;
    const alone = binomialCdf(Math.round(v * n), n, b) < ctx.t.tailLossPValue;
    const pooled = binomialCdf(pooledHits, pooledTrials, b) < ctx.t.tailLossPValue;
    if (!alone && !pooled) return;
    if (fired && ctx.mode === 'event') return;
    fired = true;
    const since = !alone && runLength > 1 ? ` in each of the ${runLength} generations since ${runStart.group.id} (${pooledHits} of ${pooledTrials} together, where the baseline's share predicts ${Math.round(b * pooledTrials)})` : '';
    ctx.push('tail-loss', 'warning', {
      message: `The tails vanished${ctx.where(g)}: ${pct(v)} of ${what}, against ${pct(b)} in the baseline (below ${pct(ctx.t.tailLossRatio)} of it)${since}.`,
      group: g.group.id, metric: key, baseline: b, value: v, location: g.group.location, related: ctx.baselineRelated(),
    });
  });
}

export const tailLoss: Rule = {
  id: 'tail-loss',
  title: 'The tails vanished',
  defaultSeverity: 'warning',
  source: 'Shumailov et al., Nature 2024',
  describe: (t) =>
    `The share of values beyond the baseline's 1st/99th percentiles (or of rare baseline tokens) falls below ${pct(t.tailLossRatio)} of the baseline's, unlikely by chance (binomial p < ${t.tailLossPValue}, over the consecutive generations since it fell).`,
  check(ctx) {
    checkKey(ctx, 'tail_mass');
    checkKey(ctx, 'rare_token_share');
  },
};
