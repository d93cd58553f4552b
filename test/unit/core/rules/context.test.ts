// What every rule reports through (src/core/rules/context.ts): per event, one finding at the worst
// generation with the others related; per metric, one per generation.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupEvidence, RuleInput } from '../../../../src/core/rules';
import { group, run } from './support';

describe('one finding per event', () => {
  const ev = (groups: GroupEvidence[], extra: Partial<RuleInput> = {}) => run(groups, { mode: 'event', ...extra });

  test('a rule that holds in several generations is one finding at the worst, the others related', () => {
    const f = ev([group('g0', { duplicate_rate: 0.1 }), group('g1', { duplicate_rate: 0.4 }), group('g2', { duplicate_rate: 0.8 }), group('g3', { duplicate_rate: 0.6 })]);
    const rep = f.filter((x) => x.rule === 'repeated-outputs');
    assert.equal(rep.length, 1);
    assert.equal(rep[0]!.group, 'g2');
    assert.deepEqual(rep[0]!.related?.map((r) => r.location.file), ['g1.jsonl', 'g3.jsonl']);
    assert.equal(run([group('g0', { duplicate_rate: 0.1 }), group('g1', { duplicate_rate: 0.4 }), group('g2', { duplicate_rate: 0.8 })]).filter((x) => x.rule === 'repeated-outputs').length, 2, 'per metric: one per generation');
  });
});
