import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRules, binomialCdf, num, pct } from '../../src/core/rules';
import type { GroupEvidence, RuleInput } from '../../src/core/rules';
import { DEFAULT_THRESHOLDS } from '../../src/core/options';
import type { Trend } from '../../src/shared/report';

function group(id: string, metrics: Record<string, number>, records = 100, line = 1): GroupEvidence {
  return { group: { id, records, location: { file: `${id}.jsonl`, line }, metrics }, file: `${id}.jsonl` };
}

function run(groups: GroupEvidence[], extra: Partial<RuleInput> = {}) {
  return applyRules({
    groups,
    baselineIndex: 0,
    trends: [],
    thresholds: { ...DEFAULT_THRESHOLDS },
    inputs: [],
    issues: [],
    fields: { text: 'output', vector: null, label: 'label', prediction: 'prediction', value: null, group: null, prompt: null },
    disabled: new Set(),
    severities: {},
    ...extra,
  });
}

describe('diversity-drop', () => {
  test('a 20% fall is a warning, a 50% fall an error, one finding per metric at the worst level', () => {
    const f = run([group('g0', { distinct_2: 0.8 }), group('g1', { distinct_2: 0.64 }), group('g2', { distinct_2: 0.5 }), group('g3', { distinct_2: 0.4 })]);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.rule, 'diversity-drop');
    assert.equal(f[0]!.severity, 'error');
    assert.equal(f[0]!.group, 'g3');
    assert.equal(f[0]!.baseline, 0.8);
    assert.equal(f[0]!.value, 0.4);
    assert.match(f[0]!.message, /Distinct-2 fell 50% below the baseline \(0\.8 → 0\.4\) in generation g3; it first fell 20% or more in generation g1\./);
    assert.equal(f[0]!.related?.[0]?.location.file, 'g0.jsonl');
  });
  test('a 19% fall is nothing; metrics where higher is less diverse are not compared', () => {
    assert.equal(run([group('g0', { distinct_2: 1, self_bleu: 0.2 }), group('g1', { distinct_2: 0.81, self_bleu: 0.05 })]).length, 0);
  });
  test('the baseline can be another generation', () => {
    const f = run([group('g0', { vendi_score: 2 }), group('g1', { vendi_score: 10 })], { baselineIndex: 1 });
    assert.equal(f[0]!.severity, 'error');
    assert.equal(f[0]!.group, 'g0');
  });
});

describe('diversity-trend', () => {
  const trend = (metric: string, s: number, p: number): Trend => ({ metric, mannKendallS: s, pValue: p, theilSenSlope: -0.05 });
  const gens = [0.9, 0.85, 0.84, 0.8, 0.7].map((v, i) => group(`g${i}`, { token_entropy: v, self_bleu: 1 - v }));
  test('a significant fall of an up-metric, and a rise of a down-metric, are reported', () => {
    const f = run(gens, { thresholds: { ...DEFAULT_THRESHOLDS, dropWarning: 0.9, dropError: 0.95 }, trends: [trend('token_entropy', -10, 0.01), trend('self_bleu', 10, 0.01)] });
    assert.deepEqual(f.map((x) => x.metric).sort(), ['self_bleu', 'token_entropy']);
    assert.ok(f.every((x) => x.rule === 'diversity-trend' && x.group === 'g4'));
    assert.match(f.find((x) => x.metric === 'token_entropy')!.message, /Mann-Kendall S = -10, p = 0\.01; Theil-Sen slope -0\.05 per generation/);
  });
  test('a significant but tiny drift (under 10% of the level over the series) is not reported', () => {
    const flat = [0.9, 0.899, 0.898, 0.897, 0.896].map((v, i) => group(`g${i}`, { token_entropy: v }));
    const th = { ...DEFAULT_THRESHOLDS, dropWarning: 0.9, dropError: 0.95 };
    assert.equal(run(flat, { thresholds: th, trends: [{ metric: 'token_entropy', mannKendallS: -10, pValue: 0.01, theilSenSlope: -0.001 }] }).length, 0);
  });
  test('not significant, or rising diversity, or too few generations: nothing', () => {
    const th = { ...DEFAULT_THRESHOLDS, dropWarning: 0.9, dropError: 0.95 };
    assert.equal(run(gens, { thresholds: th, trends: [trend('token_entropy', -4, 0.2)] }).length, 0);
    assert.equal(run(gens, { thresholds: th, trends: [trend('token_entropy', 10, 0.01)] }).length, 0);
    assert.equal(run(gens.slice(0, 3), { thresholds: th, trends: [trend('token_entropy', -3, 0.01)] }).length, 0);
  });
});

describe('per-generation rules', () => {
  test('pairwise-distance-collapse below 0.1 is an error (seed: detect_model_collapse)', () => {
    const f = run([group('g0', { mean_pairwise_distance: 1.2 }), group('g1', { mean_pairwise_distance: 0.05 })], { thresholds: { ...DEFAULT_THRESHOLDS, dropWarning: 1, dropError: 1 } });
    assert.equal(f.length, 1);
    assert.equal(f[0]!.rule, 'pairwise-distance-collapse');
    assert.equal(f[0]!.severity, 'error');
  });
  test('dominant-output above 60% of a generation (seed: EthicalAI 60% rule)', () => {
    const g = group('g0', { top_share: 0.65 });
    g.labels = { metrics: { top_share: 0.65 }, counts: [{ label: 'A', count: 65, firstLine: 3 }, { label: 'B', count: 35, firstLine: 1 }] };
    const f = run([g]);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.rule, 'dominant-output');
    assert.match(f[0]!.message, /Prediction "A" is 65% of 100 records \(threshold 60%\)/);
    assert.equal(f[0]!.related?.[0]?.location.line, 3);
    g.labels.metrics.top_share = 0.6;
    g.group.metrics.top_share = 0.6;
    assert.equal(run([g]).length, 0, 'exactly 60% is not more than 60%');
  });
  test('repeated-outputs above 30% with the most repeated record as related info', () => {
    const g = group('g0', { duplicate_rate: 0.45 }, 20);
    g.text = { metrics: {}, sampled: {}, topOutputs: [{ text: 'The cat sat on the mat.', count: 9, line: 4 }], rankFrequency: [], mostRepeatedLine: 4 };
    const f = run([g]);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.rule, 'repeated-outputs');
    assert.equal(f[0]!.related?.[0]?.location.line, 4);
    assert.match(f[0]!.message, /45% of 20 outputs are exact duplicates \(threshold 30%\); the most repeated appears 9 times/);
  });
  test('tail-loss when the tail share falls below 25% of the baseline\'s (Shumailov et al.)', () => {
    const f = run([group('g0', { tail_mass: 0.02 }, 1000), group('g1', { tail_mass: 0.004 }, 1000), group('g2', { tail_mass: 0.006 }, 1000)]);
    assert.deepEqual(f.map((x) => [x.rule, x.group]), [['tail-loss', 'g1']]);
  });
  test('tail-loss is not reported when a small generation could miss the tail by chance', () => {
    // 100 records, baseline tail 2%: P(no tail value) = 0.98^100 = 0.13, not below 0.01.
    assert.equal(run([group('g0', { tail_mass: 0.02 }, 100), group('g1', { tail_mass: 0 }, 100)]).length, 0);
    assert.equal(run([group('g0', { tail_mass: 0.02 }, 400), group('g1', { tail_mass: 0 }, 400)]).length, 1, '0.98^400 = 3e-4');
  });
  test('binomialCdf matches hand-computed values', () => {
    assert.ok(Math.abs(binomialCdf(0, 100, 0.02) - Math.pow(0.98, 100)) < 1e-12);
    // P(X ≤ 1 | 3, 0.5) = (1 + 3) / 8
    assert.ok(Math.abs(binomialCdf(1, 3, 0.5) - 0.5) < 1e-12);
    assert.equal(binomialCdf(3, 3, 0.5), 1);
  });
  test('accuracy-below-threshold under 0.7 (seed: continuous evaluation)', () => {
    const f = run([group('g0', { accuracy: 0.69 })]);
    assert.equal(f[0]!.rule, 'accuracy-below-threshold');
    assert.match(f[0]!.message, /Accuracy is 0\.69, below 0\.7 \(prediction vs label, 100 records\)/);
  });
  test('malformed-records names the first lines and the first error', () => {
    const f = run([group('g0', {})], {
      inputs: [{ file: 'g0.jsonl', format: 'jsonl', records: 10, malformed: 2, malformedLines: [3, 9] }],
      issues: [{ file: 'g0.jsonl', line: 3, column: 14, message: "Unexpected token '}'" }, { file: 'g0.jsonl', line: 9, column: 1, message: 'Unexpected end of JSON input' }],
    });
    assert.equal(f[0]!.rule, 'malformed-records');
    assert.deepEqual(f[0]!.location, { file: 'g0.jsonl', line: 3, column: 14 });
    assert.match(f[0]!.message, /2 of 12 records could not be read and were skipped \(lines 3, 9\); line 3, column 14: Unexpected token/);
  });
});

describe('configuration of rules', () => {
  test('disabled rules do not fire, severities can be overridden', () => {
    const gs = [group('g0', { accuracy: 0.5 })];
    assert.equal(run(gs, { disabled: new Set(['accuracy-below-threshold']) }).length, 0);
    assert.equal(run(gs, { severities: { 'accuracy-below-threshold': 'error' } })[0]!.severity, 'error');
  });
  test('thresholds are configurable', () => {
    assert.equal(run([group('g0', { accuracy: 0.75 })], { thresholds: { ...DEFAULT_THRESHOLDS, accuracy: 0.8 } }).length, 1);
  });
  test('findings sort by severity, then file and line', () => {
    const f = run([group('g0', { accuracy: 0.5, mean_pairwise_distance: 0.01 })]);
    assert.deepEqual(f.map((x) => x.severity), ['error', 'warning']);
  });
});

describe('numbers in messages', () => {
  test('three significant digits, percentages rounded', () => {
    assert.equal(num(0.123456), '0.123');
    assert.equal(num(12), '12');
    assert.equal(num(0.00001234), '1.23e-5');
    assert.equal(pct(0.456), '46%');
    assert.equal(pct(0.025), '2.5%');
  });
});
