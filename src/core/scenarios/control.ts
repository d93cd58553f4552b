// A healthy control: every generation is an independent draw from the same distributions
// (real sentences, an accurate classifier, stable scores, a fixed embedding mixture), so no
// rule should fire. Not one of the scenarios of docs/scenarios.md; for tests and for comparison.
import { round } from './common';
import type { OutputRecord } from './common';
import { defineScenario } from './define';
import { SentenceDeck } from './text-source';

const CLASSES = ['cat', 'dog', 'bird', 'fish'];

export const controlScenario = defineScenario({
  name: 'control',
  title: 'Healthy control',
  description: 'Independent generations from fixed distributions (text, labels, scores, embeddings): nothing should fire.',
  source: 'control',
  // Four generations: Mann-Kendall cannot reach p < 0.05 with four points (the smallest p is
  // 0.089), so chance trends among ~20 metrics cannot fire; with more generations they do
  // (about one run in three at 10 generations), which is the trend rule's false-positive rate.
  defaultGenerations: 4,
  parameters: [
    { name: 'records', description: 'records per generation', type: 'integer', default: 400, min: 10, max: 100000 },
    { name: 'accuracy', description: 'probability that a prediction is right', type: 'number', default: 0.9, min: 0, max: 1 },
  ],
  simulate: ({ rng, generations: G, params }) => {
    const n = params.records as number;
    const acc = params.accuracy as number;
    const deck = new SentenceDeck(rng);
    const d = 16;
    const centres = Array.from({ length: 4 }, () => Array.from({ length: d }, () => rng.normal(0, 1 / Math.sqrt(d))));
    const records: OutputRecord[][] = [];
    const series = { accuracy: [] as number[] };
    let id = 0;
    for (let g = 0; g < G; g++) {
      const gen: OutputRecord[] = [];
      let ok = 0;
      for (let i = 0; i < n; i++) {
        const k = rng.int(CLASSES.length);
        const label = CLASSES[k]!;
        const right = rng.next() < acc;
        if (right) ok++;
        const prediction = right ? label : rng.choice(CLASSES.filter((c) => c !== label));
        gen.push({
          generation: g,
          id: id++,
          output: deck.next(),
          label,
          prediction,
          score: round(rng.normal(0, 1), 4),
          embedding: centres[k]!.map((c) => round(c + rng.normal(0, 0.1), 4)),
        });
      }
      records.push(gen);
      series.accuracy.push(ok / n);
    }
    return { records, series, expected: { rules: [], description: 'Every generation is drawn from the same distributions: no finding should appear.' } };
  },
});
