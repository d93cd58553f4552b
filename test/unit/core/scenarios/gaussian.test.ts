// gaussian-refit (src/core/scenarios/gaussian.ts, Shumailov et al.) against its closed form.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { meanOf, run, Z99 } from './support';

describe('gaussian-refit', () => {
  test('gaussian-refit: mean sigma^2 after n refits is ((M-1)/M)^n', () => {
    const M = 10;
    const seeds = 400;
    const sigma2: number[][] = [];
    for (let seed = 1; seed <= seeds; seed++) sigma2.push(run('gaussian-refit', seed, { samples: M, outputs: M }, 6).series.sigma2!);
    for (let n = 1; n <= 5; n++) {
      const values = sigma2.map((s) => s[n]!);
      // Exact moments: sigma^2_n is a product of n independent chi^2_{M-1}/M factors.
      const e1 = Math.pow((M - 1) / M, n);
      const e2 = Math.pow(((M - 1) * (M + 1)) / (M * M), n);
      const band = Z99 * Math.sqrt((e2 - e1 * e1) / seeds);
      const m = meanOf(values);
      assert.ok(Math.abs(m - e1) <= band, `n=${n}: mean ${m.toFixed(4)} vs ${e1.toFixed(4)} ± ${band.toFixed(4)}`);
    }
    assert.ok(sigma2.every((s) => s[0] === 1), 'generation 0 samples N(0, 1)');
  });

  test('gaussian-refit: accumulating or mixing in real data stops the collapse', () => {
    const last = (mode: string) => meanOf(Array.from({ length: 60 }, (_, i) => run('gaussian-refit', i + 1, { mode, outputs: 10 }).series.sigma2![49]!));
    const replace = last('replace');
    assert.ok(replace < 0.2, `replace: ${replace}`);
    assert.ok(last('accumulate') > 0.7);
    assert.ok(last('fresh') > 0.5);
  });
});
