// Incremental re-analysis (src/core/analysis/incremental.ts): the report is the one analyzeFiles
// gives, with every file read, with none read, and after one of them changed; only the changed
// file is read again; any option that changes what is read, a new tool version or new fields
// of the first file read everything again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeFiles } from '../../../../src/core/analyze';
import type { AnalyzeInput } from '../../../../src/core/analyze';
import { analyzeIncrementally, canonical, STORE_MAX_FILE_BYTES } from '../../../../src/core/analysis/incremental';
import type { CachedRead, IncrementalOptions, PartialCache } from '../../../../src/core/analysis/incremental';
import type { AnalyzeOptions } from '../../../../src/core/options';
import { getScenario } from '../../../../src/core/scenarios/index';
import { resolveScenarioOptions } from '../../../../src/core/scenarios/options';
import { scenarioFiles } from '../../../../src/core/scenarios/readme';

/** A cache in memory that counts what it is asked, and stores values as JSON as a disk would. */
class MemoryCache implements PartialCache {
  readonly entries = new Map<string, string>();
  hits = 0;
  async get(key: string): Promise<CachedRead | undefined> {
    const v = this.entries.get(key);
    if (v !== undefined) this.hits++;
    return v === undefined ? undefined : (JSON.parse(v) as CachedRead);
  }
  async set(key: string, value: CachedRead): Promise<void> {
    this.entries.set(key, JSON.stringify(value));
  }
}

let tmp: string;

function writeScenario(name: string, generations: number): string[] {
  const scenario = getScenario(name)!;
  const resolved = resolveScenarioOptions(scenario, { seed: 7, generations, format: 'jsonl', paramStrings: {}, params: {} });
  assert.ok(resolved.ok);
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  const files = scenarioFiles(scenario.run(resolved.options), { scenario: scenario.name, title: scenario.title, ...resolved.options }).filter((f) => f.name.endsWith('.jsonl'));
  return files.map((f) => {
    const file = path.join(dir, f.name);
    fs.writeFileSync(file, f.content);
    return file;
  });
}

const inputsOf = (files: string[]): AnalyzeInput[] => files.map((f) => ({ file: f, display: path.relative(tmp, f).split(path.sep).join('/') }));
const identify = async (input: AnalyzeInput) => {
  const s = await fs.promises.stat(input.file);
  return { size: s.size, mtimeMs: s.mtimeMs };
};
const incremental = (files: string[], cache: PartialCache, options: AnalyzeOptions & Partial<IncrementalOptions> = {}) =>
  analyzeIncrementally(inputsOf(files), { identify, ...options, cache });
const fresh = async (files: string[], options: AnalyzeOptions = {}) => analyzeFiles(inputsOf(files), options);

/** Rewrites a file with other content (its last record changed) and a later modification time. */
function touch(file: string, edit: (line: string) => string): void {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  lines[lines.length - 1] = edit(lines[lines.length - 1]!);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const later = new Date(fs.statSync(file).mtimeMs + 5000);
  fs.utimesSync(file, later, later);
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-incremental-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('incremental analysis', () => {
  for (const [name, field, swap] of [
    ['biased-decisions', 'decision', (l: string) => l.replace(/"decision":"(\w+)"/, (_m, d: string) => `"decision":"${d === 'A' ? 'B' : 'A'}"`)],
    ['gaussian-refit', 'sample', (l: string) => l.replace(/"sample":(-?[\d.e+-]+)/, '"sample":123.5')],
  ] as const) {
    test(`${name}: the same report as analyzeFiles; after one of 20 files changed only it is read`, async () => {
      const files = writeScenario(name, 20);
      assert.equal(files.length, 20);
      const cache = new MemoryCache();
      const first = await incremental(files, cache);
      assert.equal(first.read.length, 20, 'everything is read the first time');
      assert.deepEqual(first.reused, []);
      const want = await fresh(files);
      assert.deepEqual(first.outcome.report, want.report);
      assert.deepEqual(first.outcome.details, want.details);
      assert.equal(cache.entries.size, 20, 'one state per file');

      const again = await incremental(files, cache);
      assert.deepEqual(again.read, [], 'nothing changed: nothing is read');
      assert.equal(again.reused.length, 20);
      assert.deepEqual(again.outcome.report, want.report);
      assert.deepEqual(again.outcome.details, want.details);
      assert.deepEqual(again.outcome.fieldNames, want.fieldNames);

      touch(files[12]!, swap);
      assert.ok(fs.readFileSync(files[12]!, 'utf8').includes(field));
      const plans: { files: number; reused: number }[] = [];
      const changed = await incremental(files, cache, { onPlan: (p) => plans.push(p) });
      assert.deepEqual(changed.read, inputsOf([files[12]!]).map((i) => i.display), 'only the changed file is read');
      assert.deepEqual(plans, [{ files: 20, reused: 19 }]);
      const wantChanged = await fresh(files);
      assert.notDeepEqual(wantChanged.report, want.report, 'the change shows in the report');
      assert.deepEqual(changed.outcome.report, wantChanged.report);
      assert.deepEqual(changed.outcome.details, wantChanged.details);
    });
  }

  test('the first file changed: it alone is read while its fields stay; all of them when they change', async () => {
    const files = writeScenario('biased-decisions', 5);
    const cache = new MemoryCache();
    await incremental(files, cache);
    touch(files[0]!, (l) => l.replace(/"decision":"(\w+)"/, (_m, d: string) => `"decision":"${d === 'A' ? 'B' : 'A'}"`));
    const same = await incremental(files, cache);
    assert.deepEqual(same.read, inputsOf([files[0]!]).map((i) => i.display));
    assert.deepEqual(same.outcome.report, (await fresh(files)).report);

    // A path the other records lack: the paths seen by detection change, not the fields read.
    const seen = fs.readFileSync(files[0]!, 'utf8').split('\n').filter((l) => l.trim());
    seen[0] = JSON.stringify({ ...JSON.parse(seen[0]!), note: 'checked by hand' });
    fs.writeFileSync(files[0]!, seen.join('\n') + '\n');
    const noted = await incremental(files, cache);
    assert.deepEqual(noted.read, inputsOf([files[0]!]).map((i) => i.display), 'a new path in the first file alone reads only it');
    const want = await fresh(files);
    assert.ok(want.fieldNames.includes('note'));
    assert.deepEqual(noted.outcome.report, want.report);
    assert.deepEqual(noted.outcome.fieldNames, want.fieldNames);

    // Every record of the first file gains a score: a value role, read in every file.
    const lines = fs.readFileSync(files[0]!, 'utf8').split('\n').filter((l) => l.trim());
    fs.writeFileSync(files[0]!, lines.map((l, i) => JSON.stringify({ ...JSON.parse(l), score: (i * 0.37) % 1 })).join('\n') + '\n');
    const other = await incremental(files, cache);
    assert.equal(other.read.length, 5, 'the fields of the first file are every file’s: all are read');
    assert.deepEqual(other.outcome.report, (await fresh(files)).report);
  });

  test('options that change what is read, and a new version, read every file again; the rules do not', async () => {
    const files = writeScenario('gaussian-refit', 4);
    const cache = new MemoryCache();
    await incremental(files, cache);
    for (const options of [{ seed: 9 }, { lowercase: true }, { sampling: { valueReservoir: 100 } }, { fields: { value: 'sample' } }, { maxFileBytes: 10_000_000 }, { tool: '99.0.0' }] as const) {
      const r = await incremental(files, cache, options);
      assert.equal(r.read.length, 4, `${JSON.stringify(options)} reads every file`);
      assert.deepEqual(r.outcome.report, (await fresh(files, options)).report);
      assert.equal((await incremental(files, cache, options)).read.length, 0, `then ${JSON.stringify(options)} reads none`);
    }
    const rules = { thresholds: { dropWarning: 0.01 }, baseline: 'gen-02', disabledRules: ['tail-loss'] };
    const r = await incremental(files, cache, rules);
    assert.equal(r.read.length, 0, 'thresholds, the baseline and rules apply to stored states');
    assert.deepEqual(r.outcome.report, (await fresh(files, rules)).report);
  });

  test('a set of one file is read as alone, its rolling view kept; the same file in a set is another state', async () => {
    const [file] = writeScenario('biased-decisions', 2);
    const lines = fs.readFileSync(file!, 'utf8').split('\n').filter((l) => l.trim());
    // A stream without generations (no generation field): the report has a rolling view.
    const stream = path.join(tmp, 'stream.jsonl');
    fs.writeFileSync(stream, Array.from({ length: 6 }, () => lines.map((l) => JSON.stringify({ decision: JSON.parse(l).decision }))).flat().join('\n') + '\n');
    const cache = new MemoryCache();
    const want = await fresh([stream]);
    assert.ok(want.details.rolling, 'the fixture has a rolling view');
    const first = await incremental([stream], cache);
    const second = await incremental([stream], cache);
    assert.deepEqual([first.read.length, second.read.length], [1, 0]);
    assert.deepEqual(second.outcome.details, want.details);
    assert.deepEqual(second.outcome.report, want.report);
    const pair = await incremental([stream, file!], cache);
    assert.equal(pair.read.length, 2, 'read as one of several files, a file gives another state');
  });

  test('inputs without identity, and a cache that fails, read everything and give the same report', async () => {
    const files = writeScenario('gaussian-refit', 3);
    const cache = new MemoryCache();
    const none = await incremental(files, cache, { identify: async () => undefined });
    assert.equal(none.read.length, 3);
    assert.equal(cache.entries.size, 0, 'nothing is stored without an identity');
    const bytes = inputsOf(files).map((i) => {
      const data = fs.readFileSync(i.file);
      return { ...i, open: async function* () { yield data; } };
    });
    assert.equal((await analyzeIncrementally(bytes, { identify, cache })).read.length, 3, 'bytes handed over are read');

    const broken: PartialCache = {
      get: async () => ({ state: { kind: 'something else' } as never }),
      set: async () => {
        throw new Error('disk full');
      },
    };
    const r = await incremental(files, broken);
    assert.equal(r.read.length, 3);
    assert.deepEqual(r.outcome.report, (await fresh(files)).report);
  });

  test('a single file above STORE_MAX_FILE_BYTES is analysed plainly and not stored', async () => {
    const [file] = writeScenario('gaussian-refit', 3);
    const cache = new MemoryCache();
    const huge = async (input: AnalyzeInput) => ({ ...(await identify(input)), size: STORE_MAX_FILE_BYTES + 1 });
    const r = await analyzeIncrementally(inputsOf([file!]), { identify: huge, cache });
    assert.equal(cache.entries.size, 0);
    assert.deepEqual(r.read, inputsOf([file!]).map((i) => i.display));
    assert.deepEqual(r.outcome.report, (await fresh([file!])).report);
  });

  test('keys are canonical JSON', () => {
    assert.equal(canonical({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } }), '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
  });
});
