// linear-regression (src/core/scenarios/regression.ts, Gerstgrasser et al.) against its closed
// form.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertMeanNear, lines, meanOf, run, sdOf, Z99 } from './support';

describe('linear-regression', () => {
  test('linear-regression: replace error grows as sigma^2 d/(T-d-1) n, accumulate stays below pi^2/6 times that', () => {
    const d = 5;
    const T = 20;
    const c = d / (T - d - 1);
    const seeds = 300;
    const replace: number[][] = [];
    const accumulate: number[][] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      replace.push(run('linear-regression', seed, { features: d, 'train-size': T, 'test-size': 1 }, 6).series.test_error!);
      accumulate.push(run('linear-regression', seed, { features: d, 'train-size': T, 'test-size': 1, mode: 'accumulate' }, 6).series.test_error!);
    }
    let h2 = 0;
    for (let g = 0; g < 6; g++) {
      h2 += 1 / ((g + 1) * (g + 1));
      assertMeanNear(replace.map((s) => s[g]!), c * (g + 1), `replace, generation ${g}`);
      const acc = accumulate.map((s) => s[g]!);
      assertMeanNear(acc, c * h2, `accumulate, generation ${g}`);
      assert.ok(meanOf(acc) <= (c * Math.PI * Math.PI) / 6 + (Z99 * sdOf(acc)) / Math.sqrt(seeds));
    }
    const r = run('linear-regression', 1);
    assert.deepEqual(Object.keys(lines(r, 0)[0]!), ['generation', 'id', 'target', 'prediction', 'error']);
    assert.deepEqual(r.series.expected_error!.map((e) => +e.toFixed(10)), Array.from({ length: 10 }, (_, g) => +((10 / 39) * (g + 1)).toFixed(10)));
  });
});
