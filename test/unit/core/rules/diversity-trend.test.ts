// diversity-trend (src/core/rules/diversity-trend.ts): a significant monotone trend across
// generations, one finding per role.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupEvidence, RuleInput } from '../../../../src/core/rules';
import { DEFAULT_THRESHOLDS } from '../../../../src/core/options';
import type { Trend } from '../../../../src/shared/report';
import { group, run } from './support';

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

describe('one finding per event', () => {
  const ev = (groups: GroupEvidence[], extra: Partial<RuleInput> = {}) => run(groups, { mode: 'event', ...extra });

  test('trends of one role are one finding naming every metric that moves', () => {
    const trend = (metric: string, s: number, p: number): Trend => ({ metric, mannKendallS: s, pValue: p, theilSenSlope: metric === 'self_bleu' ? 0.05 : -0.05 });
    const gens = [0.9, 0.85, 0.84, 0.8, 0.7].map((v, i) => group(`g${i}`, { token_entropy: v, self_bleu: 1 - v }));
    const f = ev(gens, { thresholds: { ...DEFAULT_THRESHOLDS, dropWarning: 0.9, dropError: 0.95 }, trends: [trend('token_entropy', -10, 0.01), trend('self_bleu', 10, 0.02)] });
    assert.equal(f.length, 1);
    assert.equal(f[0]!.message, 'Text diversity moves toward collapse across 5 generations: Token entropy (bits) 0.9 → 0.7, Self-BLEU 0.1 → 0.3 (Mann-Kendall p = 0.01 for Token entropy (bits)).');
  });
});
