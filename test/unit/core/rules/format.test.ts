// Numbers in messages (src/core/rules/format.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { num, pct } from '../../../../src/core/rules';

describe('numbers in messages', () => {
  test('three significant digits, percentages rounded', () => {
    assert.equal(num(0.123456), '0.123');
    assert.equal(num(12), '12');
    assert.equal(num(0.00001234), '1.23e-5');
    assert.equal(pct(0.456), '46%');
    assert.equal(pct(0.025), '2.5%');
  });
});
