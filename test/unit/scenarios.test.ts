import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { controlScenario, getScenario, SCENARIOS, ScenarioOptionError, validateScenarioParams } from '../../src/core/scenarios/index';
import type { Scenario, ScenarioFormat, ScenarioResult } from '../../src/core/scenarios/index';
import { writeScenario } from '../../src/core/scenarios/write';
import { encodeRecords } from '../../src/core/scenarios/common';
import { checkParamValue } from '../../src/core/scenarios/options';
import { corpusSentences } from '../../src/core/scenarios/corpus';
import { CORPUS_FILE, CORPUS_TEXT } from '../../src/core/scenarios/corpus-text';
import { mannKendall } from '../../src/core/numeric/stats';
import { NgramModel } from '../../src/core/scenarios/ngram';
import { MIXTURE_WEIGHTS } from '../../src/core/scenarios/mixture';
import { Random } from '../../src/core/random';
import {
  AdaptiveAIModel,
  AdaptiveModel,
  AIModel,
  CAT_SENTENCE,
  ContentGenerator,
  EthicalAI,
  RecommendationSystem,
  simulateModelCollapse,
} from '../../src/core/scenarios/seed-models';
import type { AnalyzeOptions } from '../../src/core/options';
import { METRIC_BY_KEY } from '../../src/shared/metrics';
import { analyzeFiles } from '../../src/core/analyze';
import { SPEC_SCENARIOS } from '../spec-scenarios';


const Z99 = 2.5758293035489;

const scenario = (name: string): Scenario => {
  const s = getScenario(name);
  assert.ok(s, `scenario ${name} exists`);
  return s;
};

const run = (name: string, seed: number, params: Record<string, number | boolean | string> = {}, generations?: number, format: ScenarioFormat = 'jsonl'): ScenarioResult =>
  scenario(name).run({ seed, format, params, ...(generations !== undefined ? { generations } : {}) });

const meanOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sdOf = (xs: readonly number[]) => {
  const m = meanOf(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) * (x - m), 0) / (xs.length - 1));
};

/** Mean over seeds within a 99% CLT band of the closed form. */
function assertMeanNear(values: readonly number[], expected: number, what: string) {
  const m = meanOf(values);
  const band = (Z99 * sdOf(values)) / Math.sqrt(values.length);
  assert.ok(Math.abs(m - expected) <= band, `${what}: mean ${m.toFixed(5)} vs closed form ${expected.toFixed(5)} (99% band ±${band.toFixed(5)})`);
}

const lines = (r: ScenarioResult, g: number) => r.files[g]!.content.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('registry', () => {
  test("SCENARIOS holds exactly SPEC's twelve names in SPEC's order", () => {
    assert.deepEqual(SCENARIOS.map((s) => s.name), SPEC_SCENARIOS);
    assert.equal(getScenario('nope'), undefined);
    assert.equal(getScenario('control'), undefined, 'the control is not a listed scenario');
  });

  test('every scenario is described and its defaults pass its own checks', () => {
    for (const s of [...SCENARIOS, controlScenario]) {
      assert.ok(s.title && s.description && s.source, s.name);
      assert.ok(!s.description.includes('\n') && s.description.length <= 160, `${s.name}: one short line (${s.description.length})`);
      assert.ok(s.defaultGenerations >= s.minGenerations, s.name);
      for (const p of s.parameters) {
        assert.equal(checkParamValue(s.name, p, p.default), undefined, `${s.name}.${p.name} default`);
        assert.match(p.name, /^[a-z][a-z0-9-]*$/, 'kebab-case, usable as a CLI flag');
        if (p.type === 'enum') assert.ok(p.values?.includes(p.default as string));
      }
    }
  });
});

describe('every scenario with default parameters', () => {
  for (const s of [...SCENARIOS, controlScenario]) {
    test(`${s.name}: files per generation, records with generation and id, small and fast, deterministic`, () => {
      const t0 = performance.now();
      const r = s.run({ seed: 42, format: 'jsonl' });
      const ms = performance.now() - t0;
      assert.ok(ms < 2000, `${s.name} took ${ms.toFixed(0)} ms`);
      assert.equal(r.generations, s.defaultGenerations);
      assert.equal(r.files.length, r.generations);
      const names = r.files.map((f) => f.name);
      assert.deepEqual([...names].sort(), names, 'plain sort is generation order');
      assert.deepEqual([...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })), names, 'natural sort is generation order');
      const bytes = r.files.reduce((a, f) => a + Buffer.byteLength(f.content), 0);
      assert.ok(bytes < 5 * 1024 * 1024, `${s.name}: ${bytes} bytes`);
      for (const [key, values] of Object.entries(r.series)) assert.equal(values.length, r.generations, `series ${key}`);
      for (const g of [0, r.generations - 1]) {
        const recs = lines(r, g);
        assert.ok(recs.length > 0);
        for (const rec of recs) {
          assert.equal(rec.generation, g);
          assert.equal(typeof rec.id, 'number');
        }
      }
      const again = s.run({ seed: 42, format: 'jsonl' });
      assert.deepEqual(again.files, r.files, 'same seed, same bytes');
      assert.deepEqual(again.series, r.series);
      const other = s.run({ seed: 43, format: 'jsonl' });
      assert.notDeepEqual(other.files, r.files, 'another seed, other files');
      const csv = s.run({ seed: 42, format: 'csv' });
      assert.deepEqual(csv.series, r.series, 'the format changes the encoding only');
      const csvLines = csv.files[0]!.content.trimEnd().split('\n');
      assert.equal(csvLines.length, lines(r, 0).length + 1, 'header plus one line per record');
      assert.ok(csv.files[0]!.name.endsWith('.csv'));
    });
  }
});

describe('options and parameter validation', () => {
  test('CLI strings become typed parameters with defaults filled in', () => {
    const s = scenario('gaussian-refit');
    const { params, errors } = validateScenarioParams(s, { mode: 'accumulate', samples: '50', fresh_fraction: '0.25' });
    assert.deepEqual(errors, []);
    assert.deepEqual(params, { samples: 50, outputs: 500, mode: 'accumulate', 'fresh-fraction': 0.25 });
    assert.deepEqual(validateScenarioParams(scenario('exploration'), { floor: 'false' }).params.floor, false);
    assert.deepEqual(validateScenarioParams(scenario('exploration'), { floor: 'yes' }).params.floor, true);
  });

  test('errors name the parameter, what it accepts and what was given', () => {
    const s = scenario('gaussian-refit');
    const { errors } = validateScenarioParams(s, { mode: 'sideways', samples: 'ten', outputs: '3', colour: 'red' });
    assert.equal(errors.length, 4);
    assert.ok(errors.includes("parameter 'mode' of scenario 'gaussian-refit' must be one of replace, accumulate, fresh (got 'sideways')"), errors.join('\n'));
    assert.ok(errors.includes("parameter 'samples' of scenario 'gaussian-refit' must be an integer (got 'ten')"), errors.join('\n'));
    assert.ok(errors.includes("parameter 'outputs' of scenario 'gaussian-refit' must be between 10 and 100000 (got 3)"), errors.join('\n'));
    assert.ok(errors.includes("scenario 'gaussian-refit' has no parameter 'colour' (it has: samples, outputs, mode, fresh-fraction)"), errors.join('\n'));
    assert.deepEqual(validateScenarioParams(scenario('diversity-decay'), { iterations: '2.5' }).errors, ["parameter 'iterations' of scenario 'diversity-decay' must be an integer (got 2.5)"]);
    assert.deepEqual(validateScenarioParams(scenario('exploration'), { floor: 'maybe' }).errors, ["parameter 'floor' of scenario 'exploration' must be true or false (got 'maybe')"]);
  });

  test('run refuses bad options with a ScenarioOptionError', () => {
    const s = scenario('diversity-decay');
    assert.throws(() => s.run({ seed: 1, format: 'jsonl', generations: 1 }), (e: unknown) => e instanceof ScenarioOptionError && /generations for scenario 'diversity-decay' must be an integer between 2 and 1000 \(got 1\)/.test(e.message));
    assert.throws(() => s.run({ seed: 1, format: 'jsonl', generations: 20, params: { iterations: 10 } }), /iterations \(10\) must be at least the number of generations \(20\)/);
    assert.throws(() => s.run({ seed: 1.5, format: 'jsonl' }), /seed must be an integer/);
    assert.throws(() => s.run({ seed: 1, format: 'xml' as ScenarioFormat }), /format must be jsonl or csv/);
    assert.throws(() => s.run({ seed: 1, format: 'jsonl', params: { rate: 2 } }), /'rate' of scenario 'diversity-decay' must be between 0 and 0.5 \(got 2\)/);
    assert.throws(() => run('linear-regression', 1, { features: 10, 'train-size': 11 }), /train-size \(11\) must be greater than features \+ 1 \(11\)/);
  });

  test('every enum value and every parameter at its minimum runs, or is refused with a reason', () => {
    for (const s of [...SCENARIOS, controlScenario]) {
      const variants: Record<string, number | boolean | string>[] = [];
      for (const p of s.parameters) {
        if (p.type === 'enum') for (const v of p.values!) variants.push({ [p.name]: v });
        if (p.type === 'boolean') variants.push({ [p.name]: !p.default });
        if ((p.type === 'integer' || p.type === 'number') && p.min !== undefined) variants.push({ [p.name]: p.min });
      }
      for (const params of variants) {
        try {
          const r = s.run({ seed: 3, format: 'jsonl', generations: 3, params });
          assert.equal(r.files.length, 3, `${s.name} ${JSON.stringify(params)}`);
          assert.ok(r.files.every((f) => f.content.length > 0), `${s.name} ${JSON.stringify(params)}: empty file`);
          for (const values of Object.values(r.series)) assert.ok(values.every((v) => !Number.isNaN(v)), `${s.name} ${JSON.stringify(params)}: NaN in series`);
        } catch (e) {
          assert.ok(e instanceof ScenarioOptionError, `${s.name} ${JSON.stringify(params)}: ${String(e)}`);
        }
      }
    }
  });

  test('CSV cells are quoted when needed and vectors become x0..xN columns', () => {
    const csv = encodeRecords([{ id: 1, output: 'a, "b"', embedding: [0.5, -1] }, { id: 2, output: 'plain', embedding: [1, 2] }], 'csv');
    assert.equal(csv, 'id,output,x0,x1\n1,"a, ""b""",0.5,-1\n2,plain,1,2\n');
    const r = run('content-generator', 1, {}, 3, 'csv');
    assert.match(r.files[2]!.content, /"The cat sat on the mat\. The cat sat on the mat\. The cat sat on the mat\. "/, 'trailing space kept by quoting');
  });
});

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

describe('literature scenarios match their closed forms', () => {
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

describe('n-gram self-training and the shipped corpus', () => {
  test('the embedded corpus is the corpus file, byte for byte', () => {
    const file = path.resolve('corpus', CORPUS_FILE);
    assert.equal(fs.readFileSync(file, 'utf8'), CORPUS_TEXT, 'run node corpus/build-module.mjs after changing the corpus');
    const sentences = corpusSentences();
    assert.ok(sentences.length > 1500, `${sentences.length} sentences`);
    assert.deepEqual(sentences[0]!.slice(0, 5), ['It', 'is', 'a', 'truth', 'universally']);
    assert.ok(!sentences.some((s) => s.join(' ') === 'Mr.'), 'honorifics do not end sentences');
  });

  test('the model only emits words it was trained on and ends sentences', () => {
    const training = [['the', 'cat', 'sat'], ['the', 'dog', 'ran', 'far'], ['a', 'cat', 'ran']];
    const model = new NgramModel(training, 3);
    assert.equal(model.vocabulary, 7);
    const rng = new Random(5);
    const known = new Set(training.flat());
    for (let i = 0; i < 200; i++) {
      const s = model.sample(rng, 30);
      assert.ok(s.length >= 1 && s.length <= 30);
      assert.ok(s.every((t) => known.has(t)));
    }
  });

  test('generation 0 is real text; vocabulary and distinct bigrams fall afterwards', () => {
    const r = run('ngram-self-training', 42);
    const real = new Set(corpusSentences().map((s) => s.join(' ')));
    assert.ok(lines(r, 0).every((x) => real.has(x.output as string)));
    const v = r.series.vocabulary_size!;
    const d2 = r.series.distinct_2!;
    assert.ok(v[9]! < 0.5 * v[0]!, `vocabulary ${v.join(' ')}`);
    assert.ok(d2[9]! < 0.6 * d2[0]!, `distinct-2 ${d2.join(' ')}`);
    assert.ok(r.series.rare_token_share![9]! < r.series.rare_token_share![0]!);
    const mk = mannKendall(v);
    assert.ok(mk.s < 0 && mk.pValue < 0.01);
  });
});

describe('classifier self-training', () => {
  test('without mitigation one class takes over; active learning keeps accuracy and both classes', () => {
    const none = run('classifier-self-training', 42);
    assert.ok(none.series.accuracy![0]! > 0.85);
    assert.ok(Math.min(...none.series.accuracy!) < 0.7);
    const share = none.series.positive_share![19]!;
    assert.ok(Math.max(share, 1 - share) > 0.6);
    const al = run('classifier-self-training', 42, { mitigation: 'active-learning' });
    assert.ok(al.series.accuracy!.every((a) => a > 0.8), al.series.accuracy!.join(' '));
    assert.ok(al.series.positive_share!.every((s) => s > 0.3 && s < 0.7));
    assert.deepEqual(al.expected.rules, []);
    for (const mitigation of ['l1', 'l2', 'ensemble', 'adaptive-lr']) {
      const r = run('classifier-self-training', 42, { mitigation }, 8);
      assert.equal(r.series.accuracy!.length, 8);
      const rec = lines(r, 7)[0]!;
      assert.deepEqual(Object.keys(rec), ['generation', 'id', 'label', 'prediction', 'score']);
      assert.ok((rec.score as number) >= 0.5 && (rec.score as number) <= 1);
    }
  });
});

describe('writeScenario', () => {
  test('writes the files and a README, refuses to overwrite unless asked', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-scenario-'));
    const r = run('recommender', 42, { catalogue: 8 }, 3);
    const meta = { scenario: 'recommender', seed: 42, generations: 3, format: 'jsonl' as const, params: r.params };
    const written = await writeScenario(r, dir, meta);
    assert.deepEqual(written.map((p) => path.basename(p)), ['gen-00.jsonl', 'gen-01.jsonl', 'gen-02.jsonl', 'README.md']);
    assert.equal(fs.readFileSync(path.join(dir, 'gen-01.jsonl'), 'utf8'), r.files[1]!.content);
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    assert.match(readme, /collapse-lens scenario recommender --seed 42 --generations 3 --format jsonl --catalogue 8/);
    assert.match(readme, /\| seed \| 42 \|/);
    for (const rule of r.expected.rules) assert.ok(readme.includes(`\`${rule}\``));
    fs.writeFileSync(path.join(dir, 'gen-00.jsonl'), 'mine');
    await assert.rejects(writeScenario(r, dir, meta), (e: NodeJS.ErrnoException) => e.code === 'EEXIST' && /already holds gen-00\.jsonl, gen-01\.jsonl, gen-02\.jsonl and 1 more/.test(e.message));
    assert.equal(fs.readFileSync(path.join(dir, 'gen-00.jsonl'), 'utf8'), 'mine', 'a refusal writes nothing');
    await writeScenario(r, dir, meta, { overwrite: true });
    assert.equal(fs.readFileSync(path.join(dir, 'gen-00.jsonl'), 'utf8'), r.files[0]!.content);
    const nested = path.join(dir, 'a', 'b');
    assert.equal((await writeScenario(r, nested, meta)).length, 4, 'creates the folder');
    fs.rmSync(dir, { recursive: true });
  });
});

describe('the analyzer finds what each scenario expects', () => {
  async function analyze(r: ScenarioResult, options: AnalyzeOptions = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-scenario-analyze-'));
    try {
      for (const f of r.files) fs.writeFileSync(path.join(dir, f.name), f.content);
      const { report } = await analyzeFiles(r.files.map((f) => ({ file: path.join(dir, f.name), display: f.name })), options);
      return report;
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  }

  for (const s of SCENARIOS) {
    // CSV too where the layout differs in what the analyzer must detect: numbered vector
    // columns, label/prediction/score columns, quoted text.
    const formats = ['mixture-mode-collapse', 'continuous-evaluation', 'content-generator'].includes(s.name) ? (['jsonl', 'csv'] as const) : (['jsonl'] as const);
    test(`${s.name}: expected rules fire (seed 42, ${formats.join(' and ')})`, async () => {
      for (const format of formats) {
        const r = s.run({ seed: 42, format });
        const report = await analyze(r);
        const fired = new Set(report.findings.map((f) => f.rule));
        for (const rule of r.expected.rules) assert.ok(fired.has(rule), `${s.name} (${format}): expected ${rule}; fired ${[...fired].join(', ') || 'nothing'}`);
      }
    });
  }

  test('the seed scenarios show the findings the guide is about', () => {
    const expects = (name: string, rules: string[], params: Record<string, number | boolean | string> = {}) => {
      const got = run(name, 42, params).expected.rules;
      for (const rule of rules) assert.ok(got.includes(rule as never), `${name}: ${rule} in ${got.join(', ')}`);
    };
    expects('diversity-decay', ['repeated-outputs', 'diversity-drop', 'diversity-trend']);
    expects('generic-inputs', ['dominant-output', 'repeated-outputs']);
    expects('content-generator', ['repeated-outputs', 'dominant-output']);
    expects('recommender', ['dominant-output', 'diversity-drop']);
    expects('exploration', ['repeated-outputs'], { floor: false });
    expects('biased-decisions', ['dominant-output']);
    expects('continuous-evaluation', ['accuracy-below-threshold']);
    expects('gaussian-refit', ['tail-loss', 'diversity-trend']);
    expects('ngram-self-training', ['diversity-drop', 'diversity-trend']);
    expects('classifier-self-training', ['accuracy-below-threshold', 'dominant-output']);
    expects('mixture-mode-collapse', ['diversity-drop']);
  });

  test('the healthy control raises no finding', async () => {
    for (const seed of [1, 42]) {
      for (const format of ['jsonl', 'csv'] as const) {
        const report = await analyze(controlScenario.run({ seed, format }));
        assert.deepEqual(report.findings.map((f) => `${f.rule}: ${f.message}`), [], `seed ${seed} ${format}`);
        assert.ok(report.fields.text && report.fields.vector && report.fields.label && report.fields.prediction && report.fields.value, 'every role present');
      }
    }
  });

  test('one finding per event: a 6-generation self-training run gives at most one per rule and role; per metric gives the detail', async () => {
    const r = run('ngram-self-training', 42, {}, 6);
    const events = await analyze(r);
    const key = (f: { rule: string; metric?: string; message: string }) => `${f.rule}/${f.metric ? METRIC_BY_KEY.get(f.metric)?.role : f.message.startsWith('One text') ? 'text' : 'labels'}`;
    const counts = new Map<string, number>();
    for (const f of events.findings) counts.set(key(f), (counts.get(key(f)) ?? 0) + 1);
    for (const [k, c] of counts) assert.equal(c, 1, `${k}: ${c} findings`);
    assert.ok(events.findings.some((f) => f.rule === 'diversity-drop'));
    assert.match(events.verdicts?.[0]?.message ?? '', /^Text diversity (collapsed|fell) below the baseline by generation gen-\d+: /);
    const metrics = await analyze(r, { findingMode: 'metric' });
    assert.ok(metrics.findings.length >= events.findings.length + 8, `per metric: ${metrics.findings.length} findings, per event: ${events.findings.length}`);
  });

  test('tail-loss pools consecutive small generations: gaussian-refit with 150 values per generation', async () => {
    const report = await analyze(run('gaussian-refit', 42, { outputs: 150 }));
    const tail = report.findings.filter((f) => f.rule === 'tail-loss');
    assert.equal(tail.length, 1);
    assert.match(tail[0]!.message, /in each of the \d+ generations since gen-\d+ \(0 of \d+ together/);
  });

  test('the healthy control over many seeds: distribution-drift and tail-loss false-positive rates', async () => {
    let drift = 0;
    let tail = 0;
    const seeds = 40;
    for (let seed = 1; seed <= seeds; seed++) {
      const report = await analyze(controlScenario.run({ seed, format: 'jsonl', generations: 6, params: { records: 200 } }));
      if (report.findings.some((f) => f.rule === 'distribution-drift')) drift++;
      if (report.findings.some((f) => f.rule === 'tail-loss')) tail++;
    }
    // Each is a test at p < 0.01 per generation (with an effect-size floor for drift): over 40
    // runs of 5 compared generations, more than 2 runs would mean the guard does not hold.
    assert.ok(drift <= 2, `distribution-drift fired in ${drift} of ${seeds} healthy runs`);
    assert.ok(tail <= 2, `tail-loss fired in ${tail} of ${seeds} healthy runs`);
  });

  test('the Vendi score and effective rank fall as mixture modes vanish', async () => {
    const report = await analyze(run('mixture-mode-collapse', 42));
    const first = report.groups[0]!.metrics;
    const last = report.groups[report.groups.length - 1]!.metrics;
    assert.ok(last.vendi_score! < first.vendi_score!, `${first.vendi_score} -> ${last.vendi_score}`);
    assert.ok(last.effective_rank! < first.effective_rank!);
  });
});
