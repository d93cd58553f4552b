// collapselens.json (src/core/config.ts): parsing, loading, merging with the flags; and
// schemas/collapselens.schema.json against this parser and the settings of package.json: the
// same keys, rule ids, ranges and defaults, and the same verdict on thousands of generated files,
// so the editor's squiggles and the analysis agree.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import fc from 'fast-check';
import { CONFIG_KEYS, ConfigError, describeRange, loadConfig, mergeOptions, parseConfig } from '../../../src/core/config';
import { DEFAULT_SAMPLING, DEFAULT_THRESHOLDS, THRESHOLD_RANGES } from '../../../src/core/options';
import type { ThresholdRange } from '../../../src/core/options';
import { RULE_IDS } from '../../../src/shared/metrics';
import { FIELD_ROLES } from '../../../src/shared/report';
import { repoRoot } from '../support';

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  additionalProperties?: boolean;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  $ref?: string;
  definitions?: Record<string, Schema>;
};

const root = repoRoot();
const schema = JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'collapselens.schema.json'), 'utf8')) as Schema;
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const settings: Record<string, Schema & { items?: Schema }> = Object.assign({}, ...manifest.contributes.configuration.map((s: { properties: object }) => s.properties));

/** Follows `$ref` and a lone `allOf` to the schema they name. */
function resolve(s: Schema): Schema {
  if (s.$ref) return resolve(s.$ref.split('/').slice(1).reduce((node: any, k) => node[k], schema));
  if (s.allOf?.length === 1) return resolve(s.allOf[0]!);
  return s;
}
const prop = (...keys: string[]): Schema => keys.reduce((s, k) => resolve(resolve(s).properties?.[k] ?? assert.fail(`schema has no ${keys.join('.')}`)), schema);

/** A threshold's JSON Schema keywords, from its range. */
const keywords = (r: ThresholdRange) => ({
  type: r.integer ? 'integer' : 'number',
  ...(r.minimum !== undefined ? { minimum: r.minimum } : {}),
  ...(r.exclusiveMinimum !== undefined ? { exclusiveMinimum: r.exclusiveMinimum } : {}),
  ...(r.maximum !== undefined ? { maximum: r.maximum } : {}),
});
const pick = (s: Schema) => Object.fromEntries(Object.entries(s).filter(([k]) => ['type', 'minimum', 'exclusiveMinimum', 'maximum'].includes(k)));

const ajv = new Ajv({ allErrors: true });
ajv.addKeyword('enumDescriptions');
ajv.addKeyword('markdownDescription');
const validate = ajv.compile(schema);

function parserAccepts(cfg: unknown): boolean {
  try {
    parseConfig(cfg, 'collapselens.json');
    return true;
  } catch (e) {
    if (e instanceof ConfigError) return false;
    throw e;
  }
}

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

describe('collapselens.json schema and parser', () => {
  test('the schema is a valid draft-07 schema with no unknown keyword', () => {
    assert.equal(typeof validate, 'function');
    assert.equal((schema as { $schema?: string }).$schema, 'http://json-schema.org/draft-07/schema#');
  });

  test('the same top-level keys, and no other', () => {
    assert.deepEqual(Object.keys(schema.properties!).sort(), [...CONFIG_KEYS].sort());
    assert.equal(schema.additionalProperties, false);
    assert.equal(parserAccepts({ nope: 1 }), false);
    assert.equal(validate({ nope: 1 }), false);
  });

  test('rule ids: disabledRules and severities are RULE_IDS, and so is the setting', () => {
    assert.deepEqual(prop('disabledRules').items && resolve(prop('disabledRules').items!).enum, [...RULE_IDS]);
    assert.deepEqual(Object.keys(prop('severities').properties!), [...RULE_IDS]);
    assert.equal(prop('severities').additionalProperties, false);
    assert.deepEqual(settings['collapseLens.rules.disabled']!.items!.enum, [...RULE_IDS]);
  });

  test('thresholds: the keys, ranges and defaults of the parser and of the settings', () => {
    for (const key of ['thresholds', 'rules']) {
      const t = prop(key);
      assert.equal(t.additionalProperties, false);
      assert.deepEqual(Object.keys(t.properties!), Object.keys(DEFAULT_THRESHOLDS), key);
    }
    for (const [k, range] of Object.entries(THRESHOLD_RANGES)) {
      const inSchema = prop('thresholds', k);
      const setting = settings[`collapseLens.rules.${k}`];
      assert.ok(setting, `package.json has the setting collapseLens.rules.${k}`);
      assert.deepEqual(pick(inSchema), keywords(range), `schema thresholds.${k}`);
      assert.deepEqual(pick(setting), keywords(range), `setting collapseLens.rules.${k}`);
      assert.equal(inSchema.default, DEFAULT_THRESHOLDS[k as keyof typeof DEFAULT_THRESHOLDS], `schema default of ${k}`);
      assert.equal(setting.default, inSchema.default, `setting default of ${k}`);
    }
  });

  test('thresholds: the parser takes the ends of each range and refuses just beyond them, as the schema does', () => {
    for (const [k, range] of Object.entries(THRESHOLD_RANGES)) {
      const low = range.minimum ?? range.exclusiveMinimum!;
      const cases: [number, boolean][] = [[low, range.minimum !== undefined], [low - 1, false], [DEFAULT_THRESHOLDS[k as keyof typeof DEFAULT_THRESHOLDS], true]];
      if (range.maximum !== undefined) cases.push([range.maximum, true], [range.maximum + 0.5, false]);
      if (range.integer) cases.push([low + 0.5, false]);
      for (const [v, ok] of cases) {
        const cfg = { thresholds: { [k]: v } };
        assert.equal(parserAccepts(cfg), ok, `parser on thresholds.${k} = ${v}`);
        assert.equal(validate(cfg), ok, `schema on thresholds.${k} = ${v}`);
      }
      assert.throws(() => parseConfig({ rules: { [k]: low - 1 } }, 'c.json'), new RegExp(`"rules\\.${k}" must be ${describeRange(range)}`));
    }
  });

  test('fields and sampling: the roles, the sampling options and their settings', () => {
    assert.deepEqual(Object.keys(prop('fields').properties!), [...FIELD_ROLES]);
    for (const role of FIELD_ROLES) {
      assert.deepEqual(prop('fields', role).type, ['string', 'null']);
      assert.ok(settings[`collapseLens.fields.${role}`], `package.json has collapseLens.fields.${role}`);
    }
    assert.deepEqual(Object.keys(prop('sampling').properties!), Object.keys(DEFAULT_SAMPLING));
    for (const [k, v] of Object.entries(DEFAULT_SAMPLING)) {
      const inSchema = prop('sampling', k);
      const setting = settings[`collapseLens.sampling.${k}`]!;
      assert.deepEqual(pick(inSchema), { type: 'integer', minimum: 1 }, `schema sampling.${k}`);
      assert.deepEqual(pick(setting), pick(inSchema), `setting collapseLens.sampling.${k}`);
      assert.equal(inSchema.default, v);
      assert.equal(setting.default, v);
    }
    assert.deepEqual(prop('findings').enum, settings['collapseLens.findings']!.enum);
  });

  test('the example of the README is valid for both', () => {
    const example = { fields: { text: 'completion', group: 'round' }, thresholds: { dropWarning: 0.1, accuracy: 0.8 }, disabledRules: ['tail-loss'] };
    assert.ok(parserAccepts(example));
    assert.ok(validate(example), ajv.errorsText(validate.errors));
  });

  test('generated files: the schema and the parser give the same verdict', () => {
    const anyJson = fc.jsonValue({ maxDepth: 2 });
    // Each value: mostly valid, else a number that may be out of range, else any JSON.
    const mostly = <T>(valid: fc.Arbitrary<T>) =>
      fc.oneof({ weight: 60, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom(0, 1, 2, 3, 0.5, 1e-9, -1e-9, 1.5, -1) }, { weight: 1, arbitrary: anyJson });
    // An object of known keys, now and then with one more key that may be unknown.
    const object = (model: Record<string, fc.Arbitrary<unknown>>) =>
      fc.tuple(fc.record(model, { requiredKeys: [] }), fc.oneof({ weight: 30, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 6 }), anyJson) }))
        .map(([o, extra]) => (extra ? { ...o, [extra[0]]: extra[1] } : o));
    const inRange = (r: ThresholdRange) =>
      r.integer
        ? fc.integer({ min: r.minimum ?? 0, max: 50 })
        : fc.double({ min: r.minimum ?? r.exclusiveMinimum ?? 0, max: r.maximum ?? 10, noNaN: true, minExcluded: r.exclusiveMinimum !== undefined });
    const thresholds = mostly(object(Object.fromEntries(Object.entries(THRESHOLD_RANGES).map(([k, r]) => [k, mostly(inRange(r))]))));
    const ruleId = fc.oneof({ weight: 20, arbitrary: fc.constantFrom<string>(...RULE_IDS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) });
    const fieldName = fc.constantFrom('output', 'completion', 'a.b', 'choices[*].message.content', "messages[?@.role=='assistant'].content", '', null);
    const values: Record<(typeof CONFIG_KEYS)[number], fc.Arbitrary<unknown>> = {
      $schema: mostly(fc.constant('./schemas/collapselens.schema.json')),
      fields: mostly(object(Object.fromEntries(FIELD_ROLES.map((r) => [r, mostly(fieldName)])))),
      baseline: mostly(fc.constant('gen-0')),
      thresholds,
      rules: thresholds,
      disabledRules: mostly(fc.array(ruleId, { maxLength: 3 })),
      severities: mostly(object(Object.fromEntries(RULE_IDS.map((r) => [r, mostly(fc.constantFrom('error', 'warning', 'info'))])))),
      lowercase: mostly(fc.boolean()),
      seed: mostly(fc.integer({ min: -1e6, max: 1e6 })),
      sampling: mostly(object(Object.fromEntries(Object.keys(DEFAULT_SAMPLING).map((k) => [k, mostly(fc.integer({ min: 1, max: 1e6 }))])))),
      maxFileBytes: mostly(fc.double({ min: 0, max: 1e10, noNaN: true })),
      failOn: mostly(fc.constantFrom('error', 'warning', 'info', 'never')),
      findings: mostly(fc.constantFrom('event', 'metric')),
    };
    const config = fc.oneof(
      { weight: 20, arbitrary: object(values) },
      { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 2 }) },
      { weight: 1, arbitrary: anyJson },
    );
    let accepted = 0;
    fc.assert(
      fc.property(config, (cfg) => {
        // JSON has no undefined, and the schema cannot check field-path syntax: those are the parser's alone.
        const json = JSON.parse(JSON.stringify(cfg) ?? 'null');
        let parser: boolean;
        try {
          parseConfig(json, 'collapselens.json');
          parser = true;
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          fc.pre(!/is not a valid field path/.test(e.message));
          parser = false;
        }
        const bySchema = validate(json);
        if (parser) accepted++;
        assert.equal(bySchema, parser, `${JSON.stringify(json)}: schema ${bySchema ? 'accepts' : `refuses (${ajv.errorsText(validate.errors)})`}, parser ${parser ? 'accepts' : 'refuses'}`);
      }),
      { numRuns: 3000, seed: 20250601 },
    );
    assert.ok(accepted > 300, `only ${accepted} of the generated files were valid; the generator needs more valid ones`);
  });
});
