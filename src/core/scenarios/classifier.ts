// A logistic-regression classifier trained, generation after generation, on its own
// pseudo-labels for fresh unlabelled data, with the guide's mitigations (docs/scenarios.md) to compare. The
// learner is the guide's kind of model: gradient descent for a fixed budget of epochs, so it
// is slightly biased; self-training compounds that bias until one class takes over. Only
// mitigations that bring real labels back (active learning) stop it.
import type { Random } from '../random';
import { num, round, sigmoid, str } from './common';
import type { OutputRecord } from './common';
import { defineScenario } from './define';
import { accuracy, clearRules, labelMetrics, mergeRows } from './expect';
import { AdaptiveLearningRate } from './seed-models';

export const MITIGATIONS = ['none', 'l1', 'l2', 'ensemble', 'active-learning', 'adaptive-lr'] as const;
export type Mitigation = (typeof MITIGATIONS)[number];

const EPOCHS = 300;
const LEARNING_RATE = 0.5;
const ENSEMBLE_MEMBERS = 5;

/** The guide's synthetic task: d uniform features, positive when x0 + x1 > 1. */
const truth = (x: readonly number[]): number => (x[0]! + x[1]! > 1 ? 1 : 0);

type Weights = Float64Array; // d feature weights, then the intercept

function fitLogistic(X: readonly number[][], y: readonly number[], mitigation: Mitigation, lambda: number): Weights {
  const n = X.length;
  const d = X[0]!.length;
  const w = new Float64Array(d + 1);
  const grad = new Float64Array(d + 1);
  const rms = mitigation === 'adaptive-lr' ? new AdaptiveLearningRate(d + 1, 0.01, 0.9) : undefined;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      const x = X[i]!;
      let z = w[d]!;
      for (let j = 0; j < d; j++) z += w[j]! * x[j]!;
      const r = sigmoid(z) - y[i]!;
      for (let j = 0; j < d; j++) grad[j] = grad[j]! + r * x[j]!;
      grad[d] = grad[d]! + r;
    }
    for (let j = 0; j <= d; j++) grad[j] = grad[j]! / n;
    // Penalties as in the guide's Lasso / Ridge: on the weights, not the intercept.
    if (mitigation === 'l2') for (let j = 0; j < d; j++) grad[j] = grad[j]! + lambda * w[j]!;
    if (mitigation === 'l1') for (let j = 0; j < d; j++) grad[j] = grad[j]! + lambda * Math.sign(w[j]!);
    if (rms) rms.step(w, grad);
    else for (let j = 0; j <= d; j++) w[j] = w[j]! - LEARNING_RATE * grad[j]!;
  }
  return w;
}

class Classifier {
  private constructor(private readonly members: Weights[]) {}

  static train(X: readonly number[][], y: readonly number[], mitigation: Mitigation, lambda: number, rng: Random): Classifier {
    if (mitigation !== 'ensemble') return new Classifier([fitLogistic(X, y, mitigation, lambda)]);
    // Bagging with a soft vote, the guide's VotingClassifier(voting='soft') in miniature.
    const members: Weights[] = [];
    for (let m = 0; m < ENSEMBLE_MEMBERS; m++) {
      const idx = Array.from({ length: X.length }, () => rng.int(X.length));
      members.push(fitLogistic(idx.map((i) => X[i]!), idx.map((i) => y[i]!), 'none', lambda));
    }
    return new Classifier(members);
  }

  probability(x: readonly number[]): number {
    let p = 0;
    for (const w of this.members) {
      let z = w[x.length]!;
      for (let j = 0; j < x.length; j++) z += w[j]! * x[j]!;
      p += sigmoid(z);
    }
    return p / this.members.length;
  }
}

const LABELS = ['negative', 'positive'];

export const classifierSelfTraining = defineScenario({
  name: 'classifier-self-training',
  title: 'Classifier self-training',
  description: 'A logistic-regression classifier retrained on its own pseudo-labels; compare mitigations (L1, L2, ensemble, active learning, adaptive LR).',
  source: 'seed: regularization, ensembles, ActiveLearner, AdaptiveLearningRateModel',
  defaultGenerations: 20,
  parameters: [
    { name: 'mitigation', description: 'what the training loop does against collapse', type: 'enum', default: 'none', values: [...MITIGATIONS] },
    { name: 'features', description: 'input dimensions (uniform in [0, 1]; the label is x0 + x1 > 1)', type: 'integer', default: 10, min: 2, max: 50 },
    { name: 'pool', description: 'fresh unlabelled inputs pseudo-labelled for each generation\'s training (generation 0 trains on this many true labels)', type: 'integer', default: 100, min: 10, max: 10000 },
    { name: 'test-size', description: 'fixed, truly labelled test items whose predictions each generation logs', type: 'integer', default: 300, min: 10, max: 100000 },
    { name: 'queries', description: 'active-learning: most uncertain pool items sent for a true label each generation (kept from then on)', type: 'integer', default: 10, min: 1, max: 10000 },
    { name: 'lambda', description: 'l1 / l2: penalty strength (the guide uses alpha = 0.1)', type: 'number', default: 0.1, min: 0, max: 10 },
  ],
  simulate: ({ rng, generations: G, params }) => {
    const mitigation = str(params, 'mitigation') as Mitigation;
    const d = num(params, 'features');
    const poolSize = num(params, 'pool');
    const testSize = num(params, 'test-size');
    const queries = Math.min(num(params, 'queries'), poolSize);
    const lambda = num(params, 'lambda');
    const draw = () => Array.from({ length: d }, () => rng.next());
    const testX = Array.from({ length: testSize }, draw);
    const testY = testX.map(truth);

    let X = Array.from({ length: poolSize }, draw);
    let y = X.map(truth);
    // Active learning keeps every truly labelled point, as the guide's ActiveLearner does.
    const labelledX = X.slice();
    const labelledY = y.slice();

    const records: OutputRecord[][] = [];
    const series = { accuracy: [] as number[], positive_share: [] as number[], true_labels: [] as number[] };
    const rows = [];
    for (let g = 0; g < G; g++) {
      const model = Classifier.train(X, y, mitigation, lambda, rng);
      series.true_labels.push(g === 0 ? poolSize : mitigation === 'active-learning' ? labelledX.length : 0);
      const gen: OutputRecord[] = [];
      let positives = 0;
      for (let i = 0; i < testSize; i++) {
        const p = model.probability(testX[i]!);
        const pred = p > 0.5 ? 1 : 0;
        positives += pred;
        gen.push({ generation: g, id: i, label: LABELS[testY[i]!]!, prediction: LABELS[pred]!, score: round(Math.max(p, 1 - p), 3) });
      }
      records.push(gen);
      const labels = gen.map((r) => r.label as string);
      const predictions = gen.map((r) => r.prediction as string);
      const acc = accuracy(labels, predictions);
      series.accuracy.push(acc);
      series.positive_share.push(positives / testSize);
      rows.push(mergeRows({ rows: [{ accuracy: acc }] }, { field: 'prediction', rows: [labelMetrics(predictions, 2)] })[0]!);

      // Next generation's training data: fresh inputs labelled by this model.
      const poolX = Array.from({ length: poolSize }, draw);
      const probs = poolX.map((x) => model.probability(x));
      const pseudo: number[] = probs.map((p) => (p > 0.5 ? 1 : 0));
      if (mitigation === 'active-learning') {
        const byUncertainty = probs.map((p, i) => ({ i, u: Math.abs(p - 0.5) })).sort((a, b) => a.u - b.u || a.i - b.i);
        const asked = new Set(byUncertainty.slice(0, queries).map((q) => q.i));
        for (const i of asked) {
          labelledX.push(poolX[i]!);
          labelledY.push(truth(poolX[i]!));
        }
        X = poolX.filter((_, i) => !asked.has(i)).concat(labelledX);
        y = pseudo.filter((_, i) => !asked.has(i)).concat(labelledY);
      } else {
        X = poolX;
        y = pseudo;
      }
    }
    const rules = clearRules(rows);
    const minAcc = Math.min(...series.accuracy);
    return {
      records,
      series,
      expected: {
        rules,
        description:
          mitigation === 'active-learning'
            ? `With ${queries} true labels per generation for the most uncertain inputs, accuracy holds (${series.accuracy[0]!.toFixed(2)} -> ${series.accuracy[G - 1]!.toFixed(2)}) and both classes stay predicted.`
            : `Trained on its own labels${mitigation === 'none' ? '' : ` (mitigation: ${mitigation})`}, the classifier drifts: accuracy ${series.accuracy[0]!.toFixed(2)} -> ${series.accuracy[G - 1]!.toFixed(2)} (lowest ${minAcc.toFixed(2)}), and the predicted positive share ${series.positive_share[0]!.toFixed(2)} -> ${series.positive_share[G - 1]!.toFixed(2)} as one class takes over. Compare --mitigation active-learning.`,
      },
    };
  },
});
