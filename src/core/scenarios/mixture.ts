// A Gaussian mixture in embedding space refitted on its own samples each generation. Mode
// counts follow a Wright-Fisher process: a mode of weight q is missed by M samples with
// probability (1 - q)^M, and once missed it never returns; the expected Simpson diversity
// of the mode labels shrinks by (1 - 1/M) per generation.
import { num, round } from './common';
import type { OutputRecord } from './common';
import { defineScenario } from './define';
import { clearRules, labelMetrics } from './expect';

export const MIXTURE_WEIGHTS = [0.5, 0.3, 0.1, 0.05, 0.05];

const modeName = (k: number): string => `mode-${k + 1}`;

export const mixtureModeCollapse = defineScenario({
  name: 'mixture-mode-collapse',
  title: 'Mixture mode collapse',
  description: 'Embeddings from a 5-mode Gaussian mixture refitted on M of its own samples: the small modes vanish, then the rest narrows.',
  source: 'Shumailov et al., Nature 2024 (mixture refit)',
  defaultGenerations: 30,
  parameters: [
    { name: 'samples', description: 'M: embeddings per generation (the next generation\'s fit data)', type: 'integer', default: 50, min: 2, max: 100000 },
    { name: 'dimensions', description: 'embedding dimensions', type: 'integer', default: 16, min: 2, max: 1024 },
    { name: 'spread', description: 'within-mode standard deviation per dimension (mode centres are about 1.4 apart)', type: 'number', default: 0.1, min: 0, max: 10 },
  ],
  simulate: ({ rng, generations: G, params }) => {
    const M = num(params, 'samples');
    const d = num(params, 'dimensions');
    const K = MIXTURE_WEIGHTS.length;
    // Random directions of norm about 1, so modes differ in angle (what the cosine-kernel
    // Vendi score sees) as well as in position.
    let means = Array.from({ length: K }, () => Array.from({ length: d }, () => rng.normal(0, 1 / Math.sqrt(d))));
    let variances = new Array<number>(K).fill(num(params, 'spread') ** 2);
    let weights = MIXTURE_WEIGHTS.slice();
    const records: OutputRecord[][] = [];
    const series: Record<string, number[]> = { modes_alive: [], simpson: [], within_variance: [] };
    for (let k = 0; k < K; k++) series[`weight_${modeName(k).replace('-', '_')}`] = [];
    const rows = [];
    let id = 0;
    for (let g = 0; g < G; g++) {
      const points: { k: number; x: number[] }[] = [];
      for (let i = 0; i < M; i++) {
        const k = rng.weighted(weights);
        const sd = Math.sqrt(variances[k]!);
        points.push({ k, x: means[k]!.map((m) => m + rng.normal(0, sd)) });
      }
      records.push(points.map((p) => ({ generation: g, id: id++, cluster: modeName(p.k), embedding: p.x.map((v) => round(v, 4)) })));
      const counts = new Array<number>(K).fill(0);
      for (const p of points) counts[p.k]!++;
      const m = labelMetrics(points.map((p) => p.k));
      rows.push(m);
      series.modes_alive!.push(counts.filter((c) => c > 0).length);
      series.simpson!.push(m.simpson_diversity!);
      for (let k = 0; k < K; k++) series[`weight_${modeName(k).replace('-', '_')}`]!.push(counts[k]! / M);

      // Refit: mode weights are the empirical frequencies, each present mode's mean and
      // isotropic MLE variance come from its own points; an absent mode is gone.
      const nextMeans = means.map((mu) => mu.slice());
      const nextVariances = variances.slice();
      let within = 0;
      for (let k = 0; k < K; k++) {
        const own = points.filter((p) => p.k === k).map((p) => p.x);
        if (!own.length) continue;
        const mu = new Array<number>(d).fill(0);
        for (const x of own) for (let j = 0; j < d; j++) mu[j] = mu[j]! + x[j]! / own.length;
        let ss = 0;
        for (const x of own) for (let j = 0; j < d; j++) ss += (x[j]! - mu[j]!) ** 2;
        nextMeans[k] = mu;
        nextVariances[k] = ss / (own.length * d);
        within += (own.length / M) * nextVariances[k]!;
      }
      series.within_variance!.push(within);
      means = nextMeans;
      variances = nextVariances;
      weights = counts.map((c) => c / M);
    }
    // coverage is relative to the modes generation 0 drew.
    const baseModes = series.modes_alive![0]!;
    rows.forEach((r, g) => (r.coverage = series.modes_alive![g]! / baseModes));
    return {
      records,
      series,
      expected: {
        rules: clearRules(rows),
        description: `Modes alive: ${series.modes_alive![0]} in generation 0, ${series.modes_alive![G - 1]} in generation ${G - 1} (a mode of weight q survives one generation of ${M} samples with probability 1 - (1 - q)^${M}); the Vendi score, effective rank and the mode labels' Simpson diversity fall as modes disappear.`,
      },
    };
  },
});
