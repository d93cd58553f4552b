// Gerstgrasser et al. (2024), "Is model collapse inevitable?": ordinary least squares
// retrained on its own predictions. With a fixed Gaussian design X (T x d) and label noise
// sigma, replacing the data makes the test error grow linearly,
//   E[error_n] = sigma^2 d / (T - d - 1) * n,
// while accumulating it keeps the error bounded by sigma^2 d / (T - d - 1) * pi^2 / 6.
import { dot, num, round, solveSpd, str } from './common';
import type { OutputRecord } from './common';
import { defineScenario } from './define';

export const linearRegression = defineScenario({
  name: 'linear-regression',
  title: 'Linear regression on its own labels',
  description: 'OLS retrained each generation on its own predictions plus noise: test error grows linearly (replace) or stays bounded (accumulate).',
  source: 'Gerstgrasser et al., 2024 (Is Model Collapse Inevitable?)',
  defaultGenerations: 10,
  parameters: [
    { name: 'features', description: 'd: input dimensions', type: 'integer', default: 10, min: 1, max: 200 },
    { name: 'train-size', description: 'T: training samples per generation (must exceed d + 1)', type: 'integer', default: 50, min: 3, max: 100000 },
    { name: 'noise', description: 'sigma: standard deviation of the label noise', type: 'number', default: 1, min: 0, max: 100 },
    { name: 'mode', description: 'replace: train on the newest labels only; accumulate: train on all labels so far', type: 'enum', default: 'replace', values: ['replace', 'accumulate'] },
    { name: 'test-size', description: 'fixed test inputs whose predictions each generation logs', type: 'integer', default: 200, min: 1, max: 100000 },
  ],
  check: ({ params }) =>
    num(params, 'train-size') <= num(params, 'features') + 1
      ? [`train-size (${num(params, 'train-size')}) must be greater than features + 1 (${num(params, 'features') + 1}) for the error formula to be finite`]
      : [],
  simulate: ({ rng, generations: G, params }) => {
    const d = num(params, 'features');
    const T = num(params, 'train-size');
    const sigma = num(params, 'noise');
    const accumulate = str(params, 'mode') === 'accumulate';
    const testSize = num(params, 'test-size');
    const wStar = Array.from({ length: d }, () => rng.normal(0, 1 / Math.sqrt(d)));
    const X = Array.from({ length: T }, () => Array.from({ length: d }, () => rng.normal()));
    const xtx: number[][] = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => X.reduce((s, row) => s + row[i]! * row[j]!, 0)));
    const testX = Array.from({ length: testSize }, () => Array.from({ length: d }, () => rng.normal()));
    const testY = testX.map((x) => dot(x, wStar));
    const c = (sigma * sigma * d) / (T - d - 1);

    let w = wStar;
    const labelSum = new Array<number>(T).fill(0);
    const records: OutputRecord[][] = [];
    const series = { test_error: [] as number[], expected_error: [] as number[], test_mse: [] as number[] };
    let harmonic2 = 0;
    for (let g = 0; g < G; g++) {
      const y = X.map((row) => dot(row, w) + rng.normal(0, sigma));
      // With the same X every generation, least squares on the stacked data equals least
      // squares on the average label vector, so accumulation keeps one running sum.
      let target = y;
      if (accumulate) {
        for (let i = 0; i < T; i++) labelSum[i] = labelSum[i]! + y[i]!;
        target = labelSum.map((s) => s / (g + 1));
      }
      const xty = Array.from({ length: d }, (_, j) => X.reduce((s, row, i) => s + row[j]! * target[i]!, 0));
      const fitted = solveSpd(xtx, xty);
      if (!fitted) throw new Error(`the ${T} x ${d} design matrix is singular; use more train-size`);
      w = fitted;
      const err = w.reduce((s, wi, i) => s + (wi - wStar[i]!) * (wi - wStar[i]!), 0);
      harmonic2 += 1 / ((g + 1) * (g + 1));
      series.test_error.push(err);
      series.expected_error.push(accumulate ? c * harmonic2 : c * (g + 1));
      const gen: OutputRecord[] = [];
      let sse = 0;
      for (let i = 0; i < testSize; i++) {
        const prediction = dot(testX[i]!, w);
        sse += (prediction - testY[i]!) * (prediction - testY[i]!);
        gen.push({ generation: g, id: i, target: round(testY[i]!, 4), prediction: round(prediction, 4), error: round(prediction - testY[i]!, 4) });
      }
      records.push(gen);
      series.test_mse.push(sse / testSize);
    }
    const last = series.expected_error[G - 1]!;
    return {
      records,
      series,
      expected: {
        rules: accumulate ? [] : ['distribution-drift'],
        description: accumulate
          ? `Accumulating the data keeps the test error bounded: expected ${last.toPrecision(3)} by generation ${G - 1}, never above ${((c * Math.PI * Math.PI) / 6).toPrecision(3)} (c * pi^2/6, c = ${c.toPrecision(3)}). No diversity rule fires; the error values' spread stays put.`
          : `The test error grows linearly: expected ${last.toPrecision(3)} by generation ${G - 1} (c * n, c = sigma^2 d / (T - d - 1) = ${c.toPrecision(3)}). No diversity rule fires: this collapse is in quality. distribution-drift flags the error values widening away from the baseline (two-sample KS and Wasserstein distance).`,
      },
    };
  },
});
