import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, mergeOptions, parseConfig } from '../../src/core/config';

describe('collapselens.json', () => {
  test('a full config parses', () => {
    const cfg = parseConfig({
      fields: { text: 'completion', group: 'round' },
      baseline: 'gen-0',
      thresholds: { dropWarning: 0.1, accuracy: 0.8 },
      disabledRules: ['tail-loss'],
      severities: { 'repeated-outputs': 'error' },
      lowercase: true,
      seed: 7,
      sampling: { selfBleuHypotheses: 100 },
      failOn: 'warning',
    }, 'collapselens.json');
    assert.equal(cfg.fields?.text, 'completion');
    assert.equal(cfg.thresholds?.dropWarning, 0.1);
    assert.deepEqual(cfg.disabledRules, ['tail-loss']);
    assert.equal(cfg.failOn, 'warning');
  });

  test('mistakes name the key', () => {
    assert.throws(() => parseConfig({ feilds: {} }, 'c.json'), /c\.json: unknown key "feilds"/);
    assert.throws(() => parseConfig({ fields: { txt: 'a' } }, 'c.json'), /"fields\.txt" is not a role/);
    assert.throws(() => parseConfig({ thresholds: { dropWarning: -1 } }, 'c.json'), /"thresholds\.dropWarning" must be a number from 0 to 1 \(got -1\)/);
    assert.throws(() => parseConfig({ disabledRules: ['nope'] }, 'c.json'), /unknown rule "nope"/);
    assert.throws(() => parseConfig([], 'c.json'), /expected a JSON object/);
  });

  test('a missing optional file is empty; a missing named one is an error; bad JSON says so', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-config-'));
    assert.deepEqual(await loadConfig(path.join(dir, 'collapselens.json'), false), {});
    await assert.rejects(loadConfig(path.join(dir, 'missing.json'), true), /cannot read/);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"fields": ');
    await assert.rejects(loadConfig(path.join(dir, 'bad.json'), true), /is not valid JSON/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('flags override the file, object options merge', () => {
    const merged = mergeOptions({ fields: { text: 'a', label: 'l' }, thresholds: { accuracy: 0.8 }, seed: 1 }, { fields: { text: 'b' }, seed: 2 });
    assert.deepEqual(merged.fields, { text: 'b', label: 'l' });
    assert.equal(merged.thresholds?.accuracy, 0.8);
    assert.equal(merged.seed, 2);
  });
});
