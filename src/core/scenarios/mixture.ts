// A Gaussian mixture in embedding space refitted on its own samples each generation. Mode
// counts follow a Wright-Fisher process: a mode of weight q is missed by M samples with
// probability (1 - q)^M, and once missed it never returns; the expected Simpson diversity
// of the mode labels shrinks by (1 - 1/M) per generation. Within a mode, refitting the
// covariance on few points shrinks it too, as in the single-Gaussian case.
import { num, round } from './common';
import type { OutputRecord } from './common';
import { defineScenario } from './define';
import { clearRules, labelMetrics } from './expect';

export const MIXTURE_WEIGHTS = [0.5, 0.3, 0.1, 0.05, 0.05];

const modeName = (k: number): string => `mode-${k + 1}`;

function unit(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

export const mixtureModeCollapse = defineScenario({
  name: 'mixture-mode-collapse',
  title: 'Mixture mode collapse',
  description: 'Embeddings from a 5-mode Gaussian mixture refitted on M of its own samples: the small modes vanish, then the rest narrows.',
  source: 'Shumailov et al., Nature 2024 (mixture refit)',
  defaultGenerations: 30,
  parameters: [
    { name: 'samples', description: 'M: embeddings per generation (the next generation\'s fit data)', type: 'integer', default: 50, min: 2, max: 100000 },
    { name: 'dimensions', description: 'embedding dimensions', type: 'integer', default: 16, min: 2, max: 1024 },
    { name: 'spread', description: 'standard deviation of each mode along its two own directions (mode centres are about 1.4 apart)', type: 'number', default: 0.15, min: 0, max: 10 },
  ],
  simulate: ({ rng, generations: G, params }) => {
    const M = num(params, 'samples');
    const d = num(params, 'dimensions');
    const spread = num(params, 'spread');
    const K = MIXTURE_WEIGHTS.length;
    // Mode centres: random directions of norm about 1, so modes differ in angle (what the
    // cosine-kernel Vendi score sees) as well as in position. Each mode spreads along two
    // random directions of its own, like the anisotropic clusters of real embeddings; an
    // isotropic spread would make a single surviving mode look full-rank.
    const centres = Array.from({ length: K }, () => Array.from({ length: d }, () => rng.normal(0, 1 / Math.sqrt(d))));
    const axes = Array.from({ length: K }, () => [0, 1].map(() => unit(Array.from({ length: d }, () => rng.normal()))));
    // A refitted mode is N(mean, MLE covariance) of its points in the previous generation;
    // mean + sum_i z_i (x_i - mean) / sqrt(n) with z_i ~ N(0, 1) samples exactly that.
    let fitted: ({ mean: number[]; deviations: number[][] } | undefined)[] | undefined;
    let weights = MIXTURE_WEIGHTS.slice();
    const records: OutputRecord[][] = [];
    const series: Record<string, number[]> = { modes_alive: [], simpson: [], within_variance: [] };
    for (let k = 0; k < K; k++) series[`weight_mode_${k + 1}`] = [];
    const rows = [];
    let id = 0;
    for (let g = 0; g < G; g++) {
      const points: { k: number; x: number[] }[] = [];
      for (let i = 0; i < M; i++) {
        const k = rng.weighted(weights);
        let x: number[];
        const fit = fitted?.[k];
        if (!fitted) {
          const a = rng.normal(0, spread);
          const b = rng.normal(0, spread);
          x = centres[k]!.map((c, j) => c + a * axes[k]![0]![j]! + b * axes[k]![1]![j]!);
        } else {
          x = fit!.mean.slice();
          const scale = 1 / Math.sqrt(fit!.deviations.length);
          for (const dev of fit!.deviations) {
            const z = rng.normal() * scale;
            for (let j = 0; j < d; j++) x[j] = x[j]! + z * dev[j]!;
          }
        }
        points.push({ k, x });
      }
      records.push(points.map((p) => ({ generation: g, id: id++, cluster: modeName(p.k), embedding: p.x.map((v) => round(v, 4)) })));
      const counts = new Array<number>(K).fill(0);
      for (const p of points) counts[p.k]!++;
      const m = labelMetrics(points.map((p) => p.k));
      rows.push(m);
      series.modes_alive!.push(counts.filter((c) => c > 0).length);
      series.simpson!.push(m.simpson_diversity!);
      for (let k = 0; k < K; k++) series[`weight_mode_${k + 1}`]!.push(counts[k]! / M);

      // Refit: weights are the empirical frequencies; a mode without points is gone.
      fitted = [];
      let within = 0;
      for (let k = 0; k < K; k++) {
        const own = points.filter((p) => p.k === k).map((p) => p.x);
        if (!own.length) {
          fitted.push(undefined);
          continue;
        }
        const mean = new Array<number>(d).fill(0);
        for (const x of own) for (let j = 0; j < d; j++) mean[j] = mean[j]! + x[j]! / own.length;
        const deviations = own.map((x) => x.map((v, j) => v - mean[j]!));
        let ss = 0;
        for (const dev of deviations) for (const v of dev) ss += v * v;
        within += (own.length / M) * (ss / own.length);
        fitted.push({ mean, deviations });
      }
      series.within_variance!.push(within);
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
