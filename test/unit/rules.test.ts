import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRules, binomialCdf, num, pct } from '../../src/core/rules';
import type { GroupEvidence, RuleInput } from '../../src/core/rules';
import { DEFAULT_THRESHOLDS } from '../../src/core/options';
import { ksPValue } from '../../src/core/metrics/values';
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
    mode: 'metric',
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

describe('one finding per event', () => {
  const ev = (groups: GroupEvidence[], extra: Partial<RuleInput> = {}) => run(groups, { mode: 'event', ...extra });

  test('the text metrics that fell together are one diversity-drop, worst first, each metric related', () => {
    const f = ev([
      group('g0', { distinct_1: 0.5, distinct_2: 0.8, vocabulary_size: 1000, vendi_score: 4 }),
      group('g1', { distinct_1: 0.38, distinct_2: 0.6, vocabulary_size: 700, vendi_score: 4 }),
      group('g2', { distinct_1: 0.3, distinct_2: 0.3, vocabulary_size: 600, vendi_score: 1.5 }),
    ]);
    const drops = f.filter((x) => x.rule === 'diversity-drop');
    assert.equal(drops.length, 2, 'one for the text, one for the embeddings');
    const text = drops.find((x) => x.metric === 'distinct_2')!;
    assert.equal(text.severity, 'error');
    assert.equal(text.group, 'g2');
    // Each metric at the first generation that reached its worst level: distinct-1 was a
    // warning from g1 on (−24%), distinct-2 an error at g2.
    assert.equal(text.message, 'Text diversity collapsed below the baseline by generation g2: Distinct-2 −63%, Vocabulary size −30% (g1), Distinct-1 −24% (g1).');
    assert.deepEqual(text.related?.map((r) => r.message), [
      'baseline generation g0 starts here',
      'Distinct-2 fell 63% below the baseline (0.8 → 0.3) in generation g2.',
      'Vocabulary size fell 30% below the baseline (1000 → 700) in generation g1.',
      'Distinct-1 fell 24% below the baseline (0.5 → 0.38) in generation g1.',
    ]);
    assert.match(drops.find((x) => x.metric === 'vendi_score')!.message, /^Embedding diversity collapsed below the baseline by generation g2: Vendi score −63%\.$/);
  });

  test('a rule that holds in several generations is one finding at the worst, the others related', () => {
    const f = ev([group('g0', { duplicate_rate: 0.1 }), group('g1', { duplicate_rate: 0.4 }), group('g2', { duplicate_rate: 0.8 }), group('g3', { duplicate_rate: 0.6 })]);
    const rep = f.filter((x) => x.rule === 'repeated-outputs');
    assert.equal(rep.length, 1);
    assert.equal(rep[0]!.group, 'g2');
    assert.deepEqual(rep[0]!.related?.map((r) => r.location.file), ['g1.jsonl', 'g3.jsonl']);
    assert.equal(run([group('g0', { duplicate_rate: 0.1 }), group('g1', { duplicate_rate: 0.4 }), group('g2', { duplicate_rate: 0.8 })]).filter((x) => x.rule === 'repeated-outputs').length, 2, 'per metric: one per generation');
  });

  test('trends of one role are one finding naming every metric that moves', () => {
    const trend = (metric: string, s: number, p: number): Trend => ({ metric, mannKendallS: s, pValue: p, theilSenSlope: metric === 'self_bleu' ? 0.05 : -0.05 });
    const gens = [0.9, 0.85, 0.84, 0.8, 0.7].map((v, i) => group(`g${i}`, { token_entropy: v, self_bleu: 1 - v }));
    const f = ev(gens, { thresholds: { ...DEFAULT_THRESHOLDS, dropWarning: 0.9, dropError: 0.95 }, trends: [trend('token_entropy', -10, 0.01), trend('self_bleu', 10, 0.02)] });
    assert.equal(f.length, 1);
    assert.equal(f[0]!.message, 'Text diversity moves toward collapse across 5 generations: Token entropy (bits) 0.9 → 0.7, Self-BLEU 0.1 → 0.3 (Mann-Kendall p = 0.01 for Token entropy (bits)).');
  });
});

describe('tail-loss over consecutive generations', () => {
  // The baseline's tail share is 2%; later generations of 150 values each hold none.
  const gens = (n: number) => [group('g0', { tail_mass: 0.02 }, 1000), ...Array.from({ length: n }, (_, i) => group(`g${i + 1}`, { tail_mass: 0 }, 150))];
  test('one small generation without a tail is not telling (0.98^150 ≈ 0.05 > 0.01)', () => {
    assert.equal(run(gens(1)).filter((x) => x.rule === 'tail-loss').length, 0);
  });
  test('two in a row are (0.98^300 ≈ 0.002): the pooled counts fire at the second', () => {
    const f = run(gens(10), { mode: 'event' }).filter((x) => x.rule === 'tail-loss');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.group, 'g2');
    assert.match(f[0]!.message, /in each of the 2 generations since g1 \(0 of 300 together, where the baseline's share predicts 6\)/);
  });
  test('a generation with its tail back restarts the pooling', () => {
    const g = gens(4);
    g[2] = group('g2', { tail_mass: 0.02 }, 150);
    assert.equal(run(g, { mode: 'event' }).filter((x) => x.rule === 'tail-loss')[0]!.group, 'g4');
  });
});

describe('distribution-drift', () => {
  const values = (id: string, mean: number, std: number, ks: number, w: number, n = 200) => group(id, { mean, std, ks_vs_baseline: ks, wasserstein_vs_baseline: w }, n);
  const drift = (gs: GroupEvidence[], value = 'error') => run(gs, { mode: 'event', fields: { text: null, vector: null, label: null, prediction: null, value, group: null, prompt: null } }).filter((x) => x.rule === 'distribution-drift');

  test('a significant and large move is flagged once, with its direction for an error field', () => {
    const f = drift([values('g0', 0, 0.5, 0, 0), values('g1', 0, 0.55, 0.1, 0.05), values('g2', -0.1, 0.9, 0.2, 0.3), values('g3', -0.2, 1.6, 0.35, 0.9)]);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.group, 'g2');
    assert.match(f[0]!.message, /^Error values drifted from the baseline in generation g2: KS D = 0\.2 \(p = 5\.43e-4\), Wasserstein distance 0\.3 = 0\.6 baseline standard deviations; mean 0 → -0\.1, spread 0\.5 → 0\.9 — the error is getting wider; 1 later generation as far or farther\.$/);
  });

  test('a score falling is said so; a small move or a non-significant one is not flagged', () => {
    assert.match(drift([values('g0', 0.8, 0.1, 0, 0), values('g1', 0.6, 0.1, 0.6, 0.2)], 'reward')[0]!.message, /the reward is falling/);
    assert.equal(drift([values('g0', 0, 1, 0, 0), values('g1', 0, 1, 0.2, 0.1)]).length, 0, 'effect 0.1 sd');
    assert.equal(drift([values('g0', 0, 1, 0, 0), values('g1', 0, 1, 0.1, 0.5)]).length, 0, 'p ≈ 0.27');
  });

  test('ksPValue follows the Kolmogorov distribution: λ = 1.358 gives 0.05, 1.628 gives 0.01', () => {
    const n = 2_000_000;
    const d = (lambda: number) => lambda / (Math.sqrt(n / 2) + 0.12 + 0.11 / Math.sqrt(n / 2));
    assert.ok(Math.abs(ksPValue(d(1.358), n, n) - 0.05) < 5e-4);
    assert.ok(Math.abs(ksPValue(d(1.628), n, n) - 0.01) < 2e-4);
    assert.ok(Math.abs(ksPValue(d(1.0), n, n) - 0.26999967) < 1e-6, 'Q(1) = 0.2699997');
    assert.equal(ksPValue(0, 10, 10), 1);
  });
});
