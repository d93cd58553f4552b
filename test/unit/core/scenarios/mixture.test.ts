// mixture-mode-collapse (src/core/scenarios/mixture.ts) against its closed forms.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MIXTURE_WEIGHTS } from '../../../../src/core/scenarios/mixture';
import { assertMeanNear, run, Z99 } from './support';

describe('mixture-mode-collapse', () => {
  test('mixture-mode-collapse: a mode of weight q survives M samples with probability 1 - (1 - q)^M', () => {
    const M = 20;
    const seeds = 1000;
    const present = new Array<number>(MIXTURE_WEIGHTS.length).fill(0);
    for (let seed = 1; seed <= seeds; seed++) {
      const r = run('mixture-mode-collapse', seed, { samples: M, dimensions: 2 }, 2);
      MIXTURE_WEIGHTS.forEach((_, k) => {
        if (r.series[`weight_mode_${k + 1}`]![0]! > 0) present[k]!++;
      });
    }
    MIXTURE_WEIGHTS.forEach((q, k) => {
      const p = 1 - Math.pow(1 - q, M);
      const band = Z99 * Math.sqrt((p * (1 - p)) / seeds) + 1e-9;
      assert.ok(Math.abs(present[k]! / seeds - p) <= band, `mode ${k + 1} (q = ${q}): ${present[k]! / seeds} vs ${p.toFixed(4)} ± ${band.toFixed(4)}`);
    });
  });

  test('mixture-mode-collapse: Simpson diversity shrinks by (1 - 1/M) per generation in expectation', () => {
    const M = 20;
    const simpson: number[][] = [];
    for (let seed = 1; seed <= 400; seed++) simpson.push(run('mixture-mode-collapse', seed, { samples: M, dimensions: 2 }, 6).series.simpson!);
    const h = 1 - MIXTURE_WEIGHTS.reduce((a, q) => a + q * q, 0);
    for (let g = 0; g < 6; g++) assertMeanNear(simpson.map((s) => s[g]!), h * Math.pow(1 - 1 / M, g + 1), `generation ${g}`);
  });

  test('mixture-mode-collapse: a lost mode never comes back', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const r = run('mixture-mode-collapse', seed);
      const alive = r.series.modes_alive!;
      for (let g = 1; g < alive.length; g++) assert.ok(alive[g]! <= alive[g - 1]!);
    }
  });
});
