// The scenario registry (src/core/scenarios/index.ts): SPEC's twelve scenarios and the healthy
// control, each described, small, fast and deterministic with its defaults, in JSONL and CSV.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { controlScenario, getScenario, SCENARIOS } from '../../../../src/core/scenarios/index';
import { checkParamValue } from '../../../../src/core/scenarios/options';
import { SPEC_SCENARIOS } from '../../../spec-scenarios';
import { lines } from './support';

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
