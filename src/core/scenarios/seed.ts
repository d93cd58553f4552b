// The guide's seven toy models (docs/scenarios.md) as scenarios: each logs what such a system would write per
// generation, with the guide's parameters as defaults.
import { num, bool, mean, round } from './common';
import type { OutputRecord } from './common';
import { defineScenario, textSimulation } from './define';
import { accuracy, clearRules, labelMetrics, mergeRows, textRows } from './expect';
import type { MetricRow } from './expect';
import {
  AdaptiveAIModel,
  AdaptiveModel,
  AIModel,
  ContentGenerator,
  EthicalAI,
  RecommendationSystem,
  simulateModelCollapse,
} from './seed-models';
import { SentenceDeck } from './text-source';

/** Start index of generation g when n steps are split into G near-equal chunks. */
const chunkStart = (g: number, n: number, G: number): number => Math.floor((g * n) / G);

const STOCK_REPLIES = [
  'Thank you for your question.',
  'That is a very good question.',
  'It depends on the circumstances.',
  'There are many factors to consider.',
  'I am happy to help with that.',
  'Please provide more details.',
  'I cannot say for certain.',
  'Let me think about that.',
];

export const diversityDecay = defineScenario({
  name: 'diversity-decay',
  title: 'Diversity decay',
  description: 'A generator whose chance of a novel output shrinks by (1 - rate) per iteration until stock replies dominate.',
  source: 'seed: simulate_model_collapse',
  defaultGenerations: 10,
  parameters: [
    { name: 'rate', description: 'collapse rate: diversity is multiplied by (1 - rate) every iteration', type: 'number', default: 0.001, min: 0, max: 0.5 },
    { name: 'iterations', description: 'iterations in total, split evenly into the generations (one output per iteration)', type: 'integer', default: 1000, min: 2, max: 100000 },
    { name: 'stock-replies', description: 'how many stock replies a non-novel output is drawn from', type: 'integer', default: 5, min: 1, max: STOCK_REPLIES.length },
  ],
  check: ({ generations, params }) =>
    num(params, 'iterations') < generations ? [`iterations (${num(params, 'iterations')}) must be at least the number of generations (${generations})`] : [],
  simulate: ({ rng, generations: G, params }) => {
    const n = num(params, 'iterations');
    const stock = STOCK_REPLIES.slice(0, num(params, 'stock-replies'));
    const diversity = simulateModelCollapse(n, num(params, 'rate'));
    const deck = new SentenceDeck(rng);
    const records: OutputRecord[][] = [];
    const series = { diversity: [] as number[], novel_share: [] as number[] };
    for (let g = 0; g < G; g++) {
      const start = chunkStart(g, n, G);
      const end = chunkStart(g + 1, n, G);
      const gen: OutputRecord[] = [];
      let novel = 0;
      for (let i = start; i < end; i++) {
        const isNovel = rng.next() < diversity[i]!;
        if (isNovel) novel++;
        gen.push({ generation: g, id: i, output: isNovel ? deck.next() : rng.choice(stock) });
      }
      records.push(gen);
      series.diversity.push(diversity[start]!);
      series.novel_share.push(novel / (end - start));
    }
    const last = series.diversity[G - 1]!;
    return textSimulation(
      records,
      series,
      `Diversity falls from 1 to ${last.toFixed(2)} by the last generation (closed form (1 - rate)^i), so more and more outputs are one of ${stock.length} stock replies: watch the duplicate rate rise and distinct-n fall generation by generation.`,
    );
  },
});

export const genericInputs = defineScenario({
  name: 'generic-inputs',
  title: 'Generic inputs',
  description: 'A model whose output diversity shrinks 1% on each generic input and grows 1% (capped at 1) on each unique one.',
  source: 'seed: AIModel',
  defaultGenerations: 10,
  parameters: [
    { name: 'generic-share', description: 'probability that an input is generic', type: 'number', default: 0.8, min: 0, max: 1 },
    { name: 'initial-diversity', description: 'diversity of the model before the first input', type: 'number', default: 1, min: 0, max: 1 },
    { name: 'steps', description: 'inputs (and outputs) per generation', type: 'integer', default: 100, min: 10, max: 10000 },
  ],
  simulate: ({ rng, generations: G, params }) => {
    const model = new AIModel(num(params, 'initial-diversity'), rng);
    const generic = num(params, 'generic-share');
    const steps = num(params, 'steps');
    const deck = new SentenceDeck(rng);
    const records: OutputRecord[][] = [];
    const series = { diversity: [] as number[], unique_share: [] as number[] };
    let id = 0;
    for (let g = 0; g < G; g++) {
      const gen: OutputRecord[] = [];
      let unique = 0;
      for (let s = 0; s < steps; s++) {
        model.updateDiversity(rng.next() < generic ? 'Generic input' : 'Unique input');
        const out = model.generateOutput();
        if (out === 'Unique output') unique++;
        gen.push({ generation: g, id: id++, output: out === 'Unique output' ? `Unique output: ${deck.next()}` : 'Generic output' });
      }
      records.push(gen);
      series.diversity.push(model.diversity);
      series.unique_share.push(unique / steps);
    }
    return textSimulation(
      records,
      series,
      `With ${Math.round(generic * 100)}% generic inputs diversity ends at ${model.diversity.toFixed(3)}: "Generic output" takes over, so expect one dominant, repeated output and falling distinct-n.`,
    );
  },
});

export const contentGenerator = defineScenario({
  name: 'content-generator',
  title: 'Content generator',
  description: 'A writer whose creativity decays each generation, falling back to "The cat sat on the mat." repeated.',
  source: 'seed: ContentGenerator',
  defaultGenerations: 10,
  parameters: [
    { name: 'vocabulary', description: 'vocabulary size (words word_0 ... word_N-1)', type: 'integer', default: 1000, min: 10, max: 100000 },
    { name: 'creativity', description: 'creativity factor of generation 0: probability of a creative output', type: 'number', default: 0.7, min: 0, max: 1 },
    { name: 'decay', description: 'creativity is multiplied by this each generation', type: 'number', default: 0.8, min: 0, max: 1 },
    { name: 'length', description: 'words per output', type: 'integer', default: 20, min: 6, max: 200 },
    { name: 'outputs', description: 'outputs per generation', type: 'integer', default: 100, min: 10, max: 10000 },
  ],
  simulate: ({ rng, generations: G, params }) => {
    const generator = new ContentGenerator(num(params, 'vocabulary'), num(params, 'creativity'), rng);
    const length = num(params, 'length');
    const outputs = num(params, 'outputs');
    const records: OutputRecord[][] = [];
    const series = { creativity: [] as number[], creative_share: [] as number[] };
    let id = 0;
    for (let g = 0; g < G; g++) {
      generator.creativityFactor = num(params, 'creativity') * Math.pow(num(params, 'decay'), g);
      const gen: OutputRecord[] = [];
      let creative = 0;
      for (let i = 0; i < outputs; i++) {
        const c = generator.generateContent(length);
        if (c.creative) creative++;
        gen.push({ generation: g, id: id++, output: c.text });
      }
      records.push(gen);
      series.creativity.push(generator.creativityFactor);
      series.creative_share.push(creative / outputs);
    }
    return textSimulation(
      records,
      series,
      `Creativity decays from ${series.creativity[0]!.toFixed(2)} to ${series.creativity[G - 1]!.toFixed(2)}; the fallback sentence becomes most of the output: a high duplicate rate with the repeated record as related information, and distinct-n falling.`,
    );
  },
});

export const recommender = defineScenario({
  name: 'recommender',
  title: 'Recommender filter bubble',
  description: 'A recommender that explores less and less (x0.99 per step) and re-serves the user\'s recent items: a filter bubble.',
  source: 'seed: RecommendationSystem',
  defaultGenerations: 10,
  parameters: [
    { name: 'catalogue', description: 'items in the catalogue (A, B, C... up to 26, then item-001...)', type: 'integer', default: 5, min: 2, max: 10000 },
    { name: 'diversity', description: 'initial diversity factor: probability of a random catalogue item', type: 'number', default: 0.8, min: 0, max: 1 },
    { name: 'decay', description: 'diversity factor multiplier per recommendation', type: 'number', default: 0.99, min: 0, max: 1 },
    {
      name: 'history',
      description: 'when not exploring, pick from the user\'s last N items (a session window); 0 = the whole history as in the guide, which keeps the early mix (a Polya urn) instead of collapsing',
      type: 'integer',
      default: 20,
      min: 0,
      max: 1000000,
    },
    { name: 'recommendations', description: 'recommendations per generation', type: 'integer', default: 100, min: 10, max: 10000 },
  ],
  simulate: ({ rng, generations: G, params }) => {
    const n = num(params, 'catalogue');
    const width = String(n).length;
    const items = n <= 26 ? Array.from({ length: n }, (_, i) => String.fromCharCode(65 + i)) : Array.from({ length: n }, (_, i) => `item-${String(i + 1).padStart(Math.max(3, width), '0')}`);
    const system = new RecommendationSystem(items, num(params, 'diversity'), rng, num(params, 'history'), num(params, 'decay'));
    const per = num(params, 'recommendations');
    const records: OutputRecord[][] = [];
    const series = { diversity_factor: [] as number[], explored_share: [] as number[], top_share: [] as number[] };
    const rows: MetricRow[] = [];
    let id = 0;
    let baselineDistinct = 0;
    for (let g = 0; g < G; g++) {
      series.diversity_factor.push(system.diversityFactor);
      const gen: OutputRecord[] = [];
      let explored = 0;
      for (let i = 0; i < per; i++) {
        const r = system.recommend();
        if (r.explored) explored++;
        gen.push({ generation: g, id: id++, prediction: r.item });
        system.update(r.item);
      }
      records.push(gen);
      const labels = gen.map((r) => r.prediction as string);
      if (g === 0) baselineDistinct = new Set(labels).size;
      const m = labelMetrics(labels, baselineDistinct);
      series.explored_share.push(explored / per);
      series.top_share.push(m.top_share!);
      rows.push(m);
    }
    const history = num(params, 'history');
    return {
      records,
      series,
      expected: {
        rules: clearRules(rows),
        description:
          history > 0
            ? `Exploration fades (factor ${series.diversity_factor[G - 1]!.toExponential(1)} by the last generation) and recommendations come from the last ${history} items, so one item takes over: watch the top-label share rise and label entropy fall.`
            : 'With the whole history (the guide as written) the item mix freezes at its early proportions instead of collapsing; compare with --history 20.',
      },
    };
  },
});

const SITUATIONS = ['A', 'B', 'C', 'A', 'B', 'D', 'A'];

export const exploration = defineScenario({
  name: 'exploration',
  title: 'Exploration vs exploitation',
  description: 'An epsilon-greedy decision maker whose exploration rate decays by 5% per decision, with or without the 0.1 floor.',
  source: 'seed: AdaptiveModel',
  defaultGenerations: 10,
  parameters: [
    { name: 'rate', description: 'initial exploration rate', type: 'number', default: 0.5, min: 0, max: 1 },
    { name: 'floor', description: 'keep the exploration rate at or above 0.1 (the guide); false lets it decay to 0', type: 'boolean', default: true },
    { name: 'decisions', description: 'decisions per generation', type: 'integer', default: 100, min: 10, max: 10000 },
  ],
  simulate: ({ rng, generations: G, params }) => {
    const floor = bool(params, 'floor');
    const model = new AdaptiveModel(num(params, 'rate'), rng, floor ? 0.1 : null);
    const per = num(params, 'decisions');
    const records: OutputRecord[][] = [];
    const series = { exploration_rate: [] as number[], min_exploration_rate: [] as number[], new_approaches: [] as number[] };
    const decisions: string[][] = [];
    const situationRows: MetricRow[] = [];
    let id = 0;
    let baselineDistinct = 0;
    for (let g = 0; g < G; g++) {
      const gen: OutputRecord[] = [];
      let explored = 0;
      let minRate = Infinity;
      for (let i = 0; i < per; i++) {
        const situation = rng.choice(SITUATIONS);
        const d = model.makeDecision(situation);
        if (d.explored) explored++;
        gen.push({ generation: g, id: id++, situation, decision: d.decision });
        model.updateExplorationRate();
        minRate = Math.min(minRate, model.explorationRate);
      }
      records.push(gen);
      series.exploration_rate.push(model.explorationRate);
      series.min_exploration_rate.push(minRate);
      series.new_approaches.push(explored);
      const situations = gen.map((r) => r.situation as string);
      if (g === 0) baselineDistinct = new Set(situations).size;
      decisions.push(gen.map((r) => r.decision as string));
      situationRows.push(labelMetrics(situations, baselineDistinct));
    }
    return {
      records,
      series,
      expected: {
        rules: clearRules(mergeRows({ rows: textRows(decisions) }, { field: 'situation', rows: situationRows })),
        description: floor
          ? 'The exploration rate settles at the 0.1 floor, so about one decision in ten is still a new approach; decisions repeat, but new ones keep appearing. Compare with --floor false.'
          : 'Without the floor the exploration rate decays towards 0 and the model stops trying new approaches: every situation gets the same decision forever, so the duplicate rate nears 1 and distinct-n falls.',
      },
    };
  },
});

export const biasedDecisions = defineScenario({
  name: 'biased-decisions',
  title: 'Biased decisions',
  description: 'A decision maker drifting toward decision A, with the guide\'s bias check every 20 decisions (the 60% rule).',
  source: 'seed: EthicalAI',
  defaultGenerations: 10,
  parameters: [
    { name: 'check-every', description: 'bias check frequency (decisions)', type: 'integer', default: 20, min: 1, max: 10000 },
    { name: 'threshold', description: 'share of one decision above which the check warns', type: 'number', default: 0.6, min: 0.5, max: 1 },
    { name: 'final-share', description: 'probability of decision A at the end of the run (it starts at 0.5 and drifts linearly)', type: 'number', default: 0.9, min: 0, max: 1 },
    { name: 'decisions', description: 'decisions per generation', type: 'integer', default: 100, min: 10, max: 10000 },
  ],
  simulate: ({ rng, generations: G, params }) => {
    const ai = new EthicalAI(num(params, 'check-every'), num(params, 'threshold'));
    const per = num(params, 'decisions');
    const total = per * G;
    const finalShare = num(params, 'final-share');
    const records: OutputRecord[][] = [];
    const series = { share_a: [] as number[], top_share: [] as number[], bias_warnings: [] as number[], bias_checks: [] as number[] };
    const rows: MetricRow[] = [];
    let id = 0;
    let baselineDistinct = 0;
    for (let g = 0; g < G; g++) {
      const gen: OutputRecord[] = [];
      const warningsBefore = ai.warnings.length;
      const checksBefore = ai.checksAt.length;
      const shares: number[] = [];
      for (let i = 0; i < per; i++) {
        const t = total > 1 ? (g * per + i) / (total - 1) : 0;
        const pA = 0.5 + (finalShare - 0.5) * t;
        shares.push(pA);
        const decision = rng.next() < pA ? 'A' : 'B';
        ai.record(decision);
        gen.push({ generation: g, id: id++, decision });
      }
      records.push(gen);
      const labels = gen.map((r) => r.decision as string);
      if (g === 0) baselineDistinct = new Set(labels).size;
      const m = labelMetrics(labels, baselineDistinct);
      rows.push(m);
      series.share_a.push(mean(shares));
      series.top_share.push(m.top_share!);
      series.bias_warnings.push(ai.warnings.length - warningsBefore);
      series.bias_checks.push(ai.checksAt.length - checksBefore);
    }
    return {
      records,
      series,
      expected: {
        rules: clearRules(rows),
        description: `The share of decision A drifts from 0.50 to ${finalShare.toFixed(2)}; the guide's check warns ${ai.warnings.length} times in ${ai.checksAt.length} checks. Expect dominant-output once A passes 60% of a generation, and falling label entropy.`,
      },
    };
  },
});

const CLASSES = ['cat', 'dog', 'bird', 'fish'];

export const continuousEvaluation = defineScenario({
  name: 'continuous-evaluation',
  title: 'Continuous evaluation',
  description: 'A model evaluated every cycle on a fixed test set; performance random-walks and the model adapts (x1.1) when it falls below 0.7.',
  source: 'seed: AdaptiveAIModel',
  defaultGenerations: 20,
  parameters: [
    { name: 'initial-performance', description: 'performance (accuracy) before the first cycle', type: 'number', default: 0.8, min: 0.05, max: 1 },
    {
      name: 'drift',
      description: 'performance erosion per cycle from a changing world, multiplied in before the guide\'s U(0.95, 1.05) factor; 1 = the guide exactly',
      type: 'number',
      default: 0.99,
      min: 0.5,
      max: 1.5,
    },
    { name: 'test-size', description: 'test-set items evaluated per cycle', type: 'integer', default: 200, min: 10, max: 100000 },
  ],
  simulate: ({ rng, generations: G, params }) => {
    const model = new AdaptiveAIModel(num(params, 'initial-performance'), rng);
    const drift = num(params, 'drift');
    const size = num(params, 'test-size');
    const truth = Array.from({ length: size }, () => rng.choice(CLASSES));
    const records: OutputRecord[][] = [];
    const series = { performance: [] as number[], adapted: [] as number[], accuracy: [] as number[] };
    const rows: MetricRow[] = [];
    for (let g = 0; g < G; g++) {
      model.performance *= drift;
      const { performance, adapted } = model.runCycle();
      const p = Math.min(1, Math.max(0, performance));
      const gen: OutputRecord[] = [];
      for (let i = 0; i < size; i++) {
        const label = truth[i]!;
        const correct = rng.next() < p;
        const prediction = correct ? label : rng.choice(CLASSES.filter((c) => c !== label));
        const confidence = correct ? p + rng.normal(0, 0.08) : p - 0.25 + rng.normal(0, 0.1);
        gen.push({ generation: g, id: i, label, prediction, score: round(Math.min(0.99, Math.max(0.01, confidence)), 3) });
      }
      records.push(gen);
      const acc = accuracy(truth, gen.map((r) => r.prediction as string));
      series.performance.push(performance);
      series.adapted.push(adapted ? 1 : 0);
      series.accuracy.push(acc);
      rows.push({ accuracy: acc });
    }
    const rules = clearRules(rows);
    const dips = series.accuracy.filter((a) => a < 0.7).length;
    return {
      records,
      series,
      expected: {
        rules,
        description: dips
          ? `Performance erodes and the model adapts ${series.adapted.reduce((a, b) => a + b, 0)} times; measured accuracy is below 0.7 in ${dips} of ${G} generations (the cycles just before an adaptation).`
          : `Performance stayed at or above 0.7 in every generation with this seed (the model adapted ${series.adapted.reduce((a, b) => a + b, 0)} times); try another --seed or a lower --drift.`,
      },
    };
  },
});
