// The stored file states of the desktop worker (src/worker/cache.ts, fileThreads.ts): states
// read back as written and only under their own key, the folder kept within its bound (least
// recently used first), files told apart by size and modification time, and the files of a
// set read on analysis threads giving the report of one analysis.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeFiles } from '../../../src/core/analyze';
import { analyzeIncrementally } from '../../../src/core/analysis/incremental';
import type { CachedRead } from '../../../src/core/analysis/incremental';
import { InputError } from '../../../src/core/readers/types';
import { DiskPartialCache, partialCache } from '../../../src/worker/cache';
import { repoRoot } from '../support';

const threadScript = path.join(repoRoot(), 'dist', 'analysis-thread.js');
let tmp: string;

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-states-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const value = (n: number): CachedRead => ({ state: { kind: 'collapse-lens/partial', version: 1, tool: 't', files: [], groups: [], padding: 'x'.repeat(n) } as never });

/** Files of decisions drifting towards one label, one per generation. */
function generations(dir: string, count: number): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return Array.from({ length: count }, (_, g) => {
    const file = path.join(dir, `gen-${g + 1}.jsonl`);
    const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ id: i, decision: (i * 0.618) % 1 < 0.5 + g * 0.04 ? 'A' : i % 2 ? 'B' : 'C' }));
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return file;
  });
}

describe('stored file states', () => {
  test('a state reads back as written, under its key only; the folder is made when first written', async () => {
    const dir = path.join(tmp, 'roundtrip', 'states');
    const cache = new DiskPartialCache(dir, 10_000_000);
    assert.equal(await cache.get('a'), undefined);
    await cache.set('a', value(10));
    await cache.flush();
    assert.deepEqual(await cache.get('a'), value(10));
    assert.equal(await cache.get('b'), undefined);
    const [name] = fs.readdirSync(dir);
    assert.match(name!, /^[0-9a-f]{64}\.json\.gz$/, 'one compressed file per key, named by its hash');
    // Another key's content under this key's name (a hash collision) is not taken.
    fs.copyFileSync(path.join(dir, name!), path.join(dir, 'copy'));
    await cache.set('b', value(20));
    await cache.flush();
    const other = fs.readdirSync(dir).find((f) => f !== name && f !== 'copy')!;
    fs.copyFileSync(path.join(dir, 'copy'), path.join(dir, other));
    assert.equal(await cache.get('b'), undefined);
    fs.writeFileSync(path.join(dir, other), 'not gzip');
    assert.equal(await cache.get('b'), undefined, 'a damaged file is no state');
  });

  test('past its bound the folder loses the least recently used states', async () => {
    const dir = path.join(tmp, 'bound');
    // Random bytes in base64 compress to about 6 bits a character: each state is about 15 KB on disk, four are over the bound.
    const random = (_seed: number) => randomBytes(15_000).toString('base64');
    const cache = new DiskPartialCache(dir, 50_000);
    const fileOf = (key: string) => path.join(dir, createHash('sha256').update(key).digest('hex') + '.json.gz');
    for (const [i, key] of ['k1', 'k2', 'k3'].entries()) {
      await cache.set(key, { state: { padding: random(i + 1) } as never });
      await cache.flush();
      // Used ten, nine and eight minutes ago.
      const at = new Date(Date.now() - (10 - i) * 60_000);
      fs.utimesSync(fileOf(key), at, at);
    }
    assert.ok(await cache.get('k1'), 'k1 is used now: the most recent');
    await cache.set('k4', { state: { padding: random(4) } as never });
    await cache.prune();
    const total = fs.readdirSync(dir).reduce((a, f) => a + fs.statSync(path.join(dir, f)).size, 0);
    assert.ok(total <= 50_000, `within the bound (${total} bytes)`);
    assert.ok(await cache.get('k1'), 'the state used last stays');
    assert.ok(await cache.get('k4'), 'the state written last stays');
    assert.equal(await cache.get('k2'), undefined, 'the least recently used goes');
  });

  test('files are told apart by size and modification time; bytes handed over have no identity', async () => {
    const { identify } = partialCache(path.join(tmp, 'id'), 1_000_000)!;
    const [file] = generations(path.join(tmp, 'id-data'), 1);
    const s = fs.statSync(file!);
    assert.deepEqual(await identify({ file: file!, display: 'gen-1.jsonl' }), { size: s.size, mtimeMs: s.mtimeMs });
    assert.equal(await identify({ file: file!, display: 'gen-1.jsonl', open: async function* () {} }), undefined);
    await assert.rejects(identify({ file: path.join(tmp, 'missing.jsonl'), display: 'missing.jsonl' }));
    assert.equal(partialCache(undefined, 1), undefined, 'no folder, no states');
  });

  test('changed files of a set read on analysis threads: the report of one analysis, the first unreadable file named', async () => {
    assert.ok(fs.existsSync(threadScript), 'the analysis-thread script is built (node esbuild.js)');
    const files = generations(path.join(tmp, 'threads'), 8);
    const inputs = files.map((f) => ({ file: f, display: path.basename(f) }));
    const states = partialCache(path.join(tmp, 'threads-states'), 10_000_000)!;
    const run = async () => {
      const reader = states.fileReader(threadScript, 3, undefined);
      try {
        const r = await analyzeIncrementally(inputs, { cache: states.cache, identify: states.identify, readFile: reader.read });
        await states.cache.prune();
        return r;
      } finally {
        await reader.close();
      }
    };
    const want = await analyzeFiles(inputs);
    const first = await run();
    assert.equal(first.read.length, 8);
    assert.deepEqual(first.outcome.report, want.report);
    assert.deepEqual(first.outcome.details, want.details);
    const again = await run();
    assert.deepEqual([again.read, again.reused.length], [[], 8]);
    assert.deepEqual(again.outcome.report, want.report);

    fs.writeFileSync(files[3]!, '{"id": 1, "decision": "A"}\nnot json\n');
    fs.writeFileSync(files[4]!, 'not json\n');
    fs.writeFileSync(files[6]!, '');
    await assert.rejects(run(), (e: unknown) => e instanceof InputError && /^gen-5\.jsonl: none of its 1 records could be read/.test(e.message));
  });
});
