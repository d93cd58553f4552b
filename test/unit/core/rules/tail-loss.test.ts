// tail-loss (src/core/rules/tail-loss.ts): the baseline's tail gone, judged by the binomial
// chance of missing it, pooled over consecutive small generations.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { binomialCdf } from '../../../../src/core/rules';
import { group, run } from './support';

describe('tail-loss', () => {
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
