// The rule registry (src/core/rules/index.ts) is the one source of rule ids and threshold
// defaults: the settings' enum, the defaults in package.json, the README's table and SARIF's rule
// metadata follow it. applyRules honours disabled rules, severities and thresholds, and sorts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RULES } from '../../../../src/core/rules';
import { DEFAULT_THRESHOLDS } from '../../../../src/core/options';
import { RULE_IDS } from '../../../../src/shared/metrics';
import { repoRoot } from '../../support';
import { group, run } from './support';

const root = repoRoot();
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const properties: Record<string, { default?: unknown; items?: { enum?: string[] } }> = Object.assign({}, ...(manifest.contributes.configuration as { properties: object }[]).map((c) => c.properties));

describe('the rule registry', () => {
  test('one module per rule, in RULE_IDS order, each with a description built from the thresholds', () => {
    assert.deepEqual(RULES.map((r) => r.id), [...RULE_IDS]);
    for (const r of RULES) {
      assert.ok(fs.existsSync(path.join(root, 'src', 'core', 'rules', `${r.id}.ts`)), `src/core/rules/${r.id}.ts`);
      assert.ok(r.describe(DEFAULT_THRESHOLDS).length > 20);
    }
    const dropped = RULES.find((r) => r.id === 'diversity-drop')!.describe({ ...DEFAULT_THRESHOLDS, dropWarning: 0.3 });
    assert.match(dropped, /at least 30% below the baseline/, 'the description says the thresholds in force');
  });

  test('the settings list every rule for collapseLens.rules.disabled', () => {
    assert.deepEqual(properties['collapseLens.rules.disabled']!.items!.enum, [...RULE_IDS]);
  });

  test('every threshold has a setting whose default is the registry default', () => {
    for (const [key, value] of Object.entries(DEFAULT_THRESHOLDS)) {
      assert.equal(properties[`collapseLens.rules.${key}`]?.default, value, `collapseLens.rules.${key}`);
    }
  });

  test('the README table has a row and an anchor for every rule', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    for (const id of RULE_IDS) assert.ok(readme.includes(`<a id="rule-${id}"></a>\`${id}\``), id);
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
