// The seed scenarios (src/core/scenarios/seed.ts) and the guide's models they run
// (src/core/scenarios/seed-models.ts) behave as the guide describes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../../../src/core/random';
import {
  AdaptiveAIModel,
  AdaptiveModel,
  AIModel,
  CAT_SENTENCE,
  ContentGenerator,
  EthicalAI,
  RecommendationSystem,
  simulateModelCollapse,
} from '../../../../src/core/scenarios/seed-models';
import { lines, meanOf, run } from './support';

describe('seed scenarios behave like the guide', () => {
  test('diversity-decay: the closed form (1 - rate)^i', () => {
    const d = simulateModelCollapse(1000, 0.001);
    for (const i of [0, 1, 10, 500, 999]) assert.ok(Math.abs(d[i]! - Math.pow(0.999, i)) <= 1e-12 * Math.pow(0.999, i), `i=${i}`);
    const r = run('diversity-decay', 5);
    r.series.diversity!.forEach((v, g) => assert.ok(Math.abs(v - Math.pow(0.999, g * 100)) <= 1e-12, `generation ${g}`));
    const r2 = run('diversity-decay', 5, { rate: 0.01, iterations: 400 }, 8);
    r2.series.diversity!.forEach((v, g) => assert.ok(Math.abs(v - Math.pow(0.99, g * 50)) <= 1e-12, `generation ${g}`));
    // The observed share of novel outputs follows the diversity it was drawn with.
    const novel = r.series.novel_share!;
    assert.ok(novel[0]! > 0.85 && novel[9]! < 0.55, novel.join(' '));
  });

  test('generic-inputs: diversity never exceeds 1 and shrinks under generic inputs', () => {
    const rng = new Random(3);
    const model = new AIModel(1, rng);
    for (let i = 0; i < 5000; i++) {
      model.updateDiversity(rng.next() < 0.3 ? 'Generic input' : 'Unique input');
      assert.ok(model.diversity <= 1, `step ${i}: ${model.diversity}`);
    }
    const m2 = new AIModel(0.5, rng);
    m2.updateDiversity('Generic input');
    assert.equal(m2.diversity, 0.5 * 0.99);
    m2.updateDiversity('Unique input');
    assert.equal(m2.diversity, 0.5 * 0.99 * 1.01);
    for (let seed = 1; seed <= 20; seed++) {
      const r = run('generic-inputs', seed);
      assert.ok(r.series.diversity!.every((d) => d <= 1));
      assert.ok(r.series.diversity![9]! < 0.05, 'with 80% generic inputs diversity collapses');
      assert.equal(lines(r, 9).filter((x) => x.output === 'Generic output').length, Math.round((1 - r.series.unique_share![9]!) * 100));
    }
  });

  test('content-generator: creativity decays per generation, the fallback is the cat sentence', () => {
    const gen = new ContentGenerator(1000, 0, new Random(1));
    assert.deepEqual(gen.generateContent(20), { text: CAT_SENTENCE.repeat(3), creative: false });
    const creative = new ContentGenerator(1000, 1, new Random(1)).generateContent(20);
    assert.equal(creative.text.split(' ').length, 20);
    assert.ok(creative.text.split(' ').every((w) => /^word_\d{1,3}$/.test(w)));
    const r = run('content-generator', 9);
    r.series.creativity!.forEach((c, g) => assert.ok(Math.abs(c - 0.7 * Math.pow(0.8, g)) < 1e-12));
  });

  test('recommender: the diversity factor is 0.8 * 0.99^t', () => {
    const system = new RecommendationSystem(['A', 'B', 'C', 'D', 'E'], 0.8, new Random(2));
    for (let t = 0; t <= 300; t++) {
      assert.ok(Math.abs(system.diversityFactor - 0.8 * Math.pow(0.99, t)) <= 1e-12, `t=${t}`);
      const { item } = system.recommend();
      assert.ok(['A', 'B', 'C', 'D', 'E'].includes(item));
      system.update(item);
    }
    const r = run('recommender', 4);
    r.series.diversity_factor!.forEach((f, g) => assert.ok(Math.abs(f - 0.8 * Math.pow(0.99, 100 * g)) <= 1e-12));
    // The session window turns the fading exploration into a filter bubble.
    assert.ok(r.series.top_share![9]! > 0.6, r.series.top_share!.join(' '));
    const big = run('recommender', 4, { catalogue: 500 });
    assert.match(String(lines(big, 0)[0]!.prediction), /^item-\d{3}$/);
  });

  test('exploration: never below 0.1 with the floor, below 0.1 without', () => {
    const withFloor = new AdaptiveModel(0.5, new Random(1));
    const noFloor = new AdaptiveModel(0.5, new Random(1), null);
    for (let i = 0; i < 200; i++) {
      withFloor.makeDecision('A');
      withFloor.updateExplorationRate();
      noFloor.makeDecision('A');
      noFloor.updateExplorationRate();
      assert.ok(withFloor.explorationRate >= 0.1);
      assert.ok(Math.abs(noFloor.explorationRate - 0.5 * Math.pow(0.95, i + 1)) < 1e-12);
    }
    assert.equal(withFloor.explorationRate, 0.1);
    const a = run('exploration', 6);
    const b = run('exploration', 6, { floor: false });
    assert.ok(a.series.min_exploration_rate!.every((x) => x >= 0.1));
    assert.ok(b.series.min_exploration_rate!.some((x) => x < 0.1));
    assert.ok(b.series.exploration_rate![9]! < 1e-20);
    // With the floor new approaches keep appearing; without it they stop.
    assert.ok(meanOf(a.series.new_approaches!.slice(2)) > 5);
    assert.ok(b.series.new_approaches!.slice(2).every((n) => n === 0));
    // Exploiting returns the stored approach: with no exploration a situation keeps its decision.
    const frozen = new AdaptiveModel(0, new Random(1));
    const first = frozen.makeDecision('B');
    assert.equal(first.explored, true, 'an unknown situation is explored');
    assert.deepEqual(frozen.makeDecision('B'), { decision: first.decision, explored: false });
  });

  test('biased-decisions: the bias check runs every 20 decisions and resets after a warning', () => {
    const ai = new EthicalAI(20);
    for (let i = 0; i < 100; i++) ai.record(i < 70 ? 'A' : i % 2 ? 'A' : 'B');
    assert.deepEqual(ai.checksAt, [20, 40, 60, 80, 100]);
    assert.deepEqual(ai.warnings.map((w) => w.atDecision), [20, 40, 60, 80], 'all-A blocks warn; the last block is 50/50');
    assert.equal(ai.decisions.length, 20, 'history was reset at 80, so only the last 20 remain');
    const r = run('biased-decisions', 8);
    assert.deepEqual(r.series.bias_checks, new Array(10).fill(5));
    assert.ok(Math.abs(r.series.share_a![0]! - 0.5) < 0.03 && Math.abs(r.series.share_a![9]! - 0.88) < 0.03);
    assert.ok(r.series.bias_warnings![9]! >= 3, 'the drifted decision maker trips the 60% rule');
  });

  test('continuous-evaluation: the model adapts exactly when performance is below 0.7', () => {
    const model = new AdaptiveAIModel(0.65, new Random(1));
    const p0 = model.performance;
    const { performance, adapted } = model.runCycle();
    assert.ok(performance >= p0 * 0.95 && performance < p0 * 1.05);
    assert.equal(adapted, performance < 0.7);
    if (adapted) assert.ok(Math.abs(model.performance - performance * 1.1) < 1e-12);
    let dips = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const r = run('continuous-evaluation', seed);
      r.series.performance!.forEach((p, g) => assert.equal(r.series.adapted![g], p < 0.7 ? 1 : 0, `seed ${seed} generation ${g}`));
      if (r.expected.rules.includes('accuracy-below-threshold')) dips++;
      assert.equal(r.expected.rules.includes('accuracy-below-threshold'), r.series.accuracy!.some((a) => a < 0.7));
    }
    assert.ok(dips >= 30, `the default drift shows an accuracy dip for most seeds (${dips}/40)`);
    const guide = run('continuous-evaluation', 1, { drift: 1 });
    guide.series.performance!.forEach((p, g) => assert.equal(guide.series.adapted![g], p < 0.7 ? 1 : 0));
  });
});
