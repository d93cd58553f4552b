// Scenario options resolved once (src/core/scenarios/options.ts): the defaults, the seed's
// 32-bit range, the generations' range, the format and the parameters, as the CLI, the
// analysis worker and `run` take them; and the files a run writes, put together by one function.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../cliRunner';
import { controlScenario, getScenario, SCENARIOS } from '../../../../src/core/scenarios/index';
import type { Scenario, ScenarioFormat } from '../../../../src/core/scenarios/index';
import {
  DEFAULT_SCENARIO_SEED,
  generationsProblem,
  MAX_GENERATIONS,
  resolveScenarioOptions,
  ScenarioOptionError,
  scenarioOptionMessage,
  SEED_MAX,
  SEED_MIN,
  seedProblem,
  validateScenarioParams,
} from '../../../../src/core/scenarios/options';
import { scenarioFiles } from '../../../../src/core/scenarios/readme';
import { writeScenario } from '../../../../src/core/scenarios/write';
import { run } from './support';

const scenario = (name: string): Scenario => getScenario(name)!;
const problems = (s: Scenario, given: Parameters<typeof resolveScenarioOptions>[1]) => {
  const r = resolveScenarioOptions(s, given);
  return r.ok ? [] : r.problems.map(scenarioOptionMessage);
};

const cli = (args: string[], cwd: string) => runCli(args, { cwd });

describe('scenario options', () => {
  test('defaults: seed 42, the scenario\'s generations, JSONL, every parameter at its default', () => {
    const s = scenario('gaussian-refit');
    const r = resolveScenarioOptions(s, {});
    assert.ok(r.ok);
    assert.deepEqual(r.options, {
      seed: DEFAULT_SCENARIO_SEED,
      generations: s.defaultGenerations,
      format: 'jsonl',
      params: Object.fromEntries(s.parameters.map((p) => [p.name, p.default])),
    });
  });

  test('the seed is a 32-bit integer, whoever gives it', () => {
    assert.equal(SEED_MIN, -2147483648);
    assert.equal(SEED_MAX, 2147483647);
    for (const ok of [SEED_MIN, -1, 0, 42, SEED_MAX]) assert.equal(seedProblem(ok), undefined, String(ok));
    for (const bad of [SEED_MAX + 1, SEED_MIN - 1, 2 ** 32 + 1, 1.5, NaN, '7', undefined]) assert.ok(seedProblem(bad), String(bad));
    const s = scenario('diversity-decay');
    assert.deepEqual(problems(s, { seed: 2 ** 32 + 1 }), ['seed must be an integer between -2147483648 and 2147483647 (got 4294967297)']);
    // `run` takes the same rule: a seed that would alias another is refused, not truncated.
    assert.throws(() => s.run({ seed: 2 ** 32 + 1, format: 'jsonl' }), /seed must be an integer between -2147483648 and 2147483647/);
  });

  test('text is read as typed: blanks around a number are fine, a blank is no number', () => {
    const s = scenario('diversity-decay');
    const r = resolveScenarioOptions(s, { seed: ' 7 ', generations: '3' });
    assert.ok(r.ok);
    assert.equal(r.options.seed, 7);
    assert.equal(r.options.generations, 3);
    assert.deepEqual(problems(s, { seed: '' }), ["seed must be an integer between -2147483648 and 2147483647 (got '')"]);
  });

  test('generations from the scenario\'s minimum to MAX_GENERATIONS', () => {
    const s = scenario('diversity-decay');
    assert.equal(generationsProblem(s, s.minGenerations), undefined);
    assert.equal(generationsProblem(s, MAX_GENERATIONS), undefined);
    assert.deepEqual(generationsProblem(s, MAX_GENERATIONS + 1), { option: 'generations', got: MAX_GENERATIONS + 1, scenario: s.name, min: s.minGenerations, max: MAX_GENERATIONS });
    assert.deepEqual(problems(s, { generations: 1 }), ["generations for scenario 'diversity-decay' must be an integer between 2 and 1000 (got 1)"]);
  });

  test('parameters typed or as on the command line, in kebab- or snake_case; every problem at once, in order', () => {
    const s = scenario('gaussian-refit');
    const r = resolveScenarioOptions(s, { paramStrings: { samples: '50', fresh_fraction: '0.25' }, params: { mode: 'accumulate', outputs: 20 } });
    assert.ok(r.ok);
    assert.deepEqual(r.options.params, { samples: 50, outputs: 20, mode: 'accumulate', 'fresh-fraction': 0.25 });
    assert.deepEqual(problems(s, { seed: 1.5, format: 'xml', paramStrings: { samples: 'ten' }, params: { colour: 'red' } }), [
      'seed must be an integer between -2147483648 and 2147483647 (got 1.5)',
      "format must be jsonl or csv (got 'xml')",
      "parameter 'samples' of scenario 'gaussian-refit' must be an integer (got 'ten')",
      "scenario 'gaussian-refit' has no parameter 'colour' (it has: samples, outputs, mode, fresh-fraction)",
    ]);
  });
});

describe('the CLI takes the same options', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-options-'));

  test('a seed outside 32 bits is refused with the range; the largest one runs', async () => {
    const dir = tmp();
    try {
      const refused = await cli(['scenario', 'diversity-decay', '--seed', '4294967297', '--generations', '2', '--out', 'a'], dir);
      assert.equal(refused.code, 2);
      assert.equal(refused.stderr, 'collapse-lens: --seed must be an integer from -2147483648 to 2147483647, not "4294967297"\n');
      assert.equal(fs.existsSync(path.join(dir, 'a')), false, 'nothing written');
      const ran = await cli(['scenario', 'diversity-decay', '--seed', '2147483647', '--generations', '2', '--out', 'b'], dir);
      assert.equal(ran.code, 0, ran.stderr);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('generations and format keep their flag messages', async () => {
    const dir = tmp();
    try {
      assert.equal((await cli(['scenario', 'recommender', '--generations', '1'], dir)).stderr, 'collapse-lens: --generations must be an integer from 2 to 1000, not "1"\n');
      assert.equal((await cli(['scenario', 'recommender', '--format', 'xml'], dir)).stderr, 'collapse-lens: --format must be jsonl or csv, not "xml"\n');
      assert.equal((await cli(['scenario', 'recommender', '--seed', 'x'], dir)).stderr, 'collapse-lens: --seed must be an integer from -2147483648 to 2147483647, not "x"\n');
      // Parameters each fine alone that clash are the user's to fix, not an internal error.
      const clash = await cli(['scenario', 'linear-regression', '--features', '10', '--train-size', '11', '--out', 'c'], dir);
      assert.equal(clash.code, 2);
      assert.equal(clash.stderr, 'collapse-lens: train-size (11) must be greater than features + 1 (11) for the error formula to be finite\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the files of a run', () => {
  test('the CLI writes exactly what scenarioFiles gives the worker: the generations, then README.md', async () => {
    const s = scenario('recommender');
    const r = resolveScenarioOptions(s, { seed: 5, generations: 3, format: 'csv', paramStrings: { catalogue: '8' } });
    assert.ok(r.ok);
    const result = s.run(r.options);
    const meta = { scenario: s.name, title: s.title, ...r.options };
    const files = scenarioFiles(result, meta);
    assert.deepEqual(files.map((f) => f.name), [...result.files.map((f) => f.name), 'README.md']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-files-'));
    try {
      const written = await writeScenario(result, dir, meta);
      assert.deepEqual(written.map((p) => path.basename(p)), files.map((f) => f.name));
      for (const f of files) assert.equal(fs.readFileSync(path.join(dir, f.name), 'utf8'), f.content, f.name);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
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
});
