// Writing a scenario's files (src/core/scenarios/write.ts): the files and a README, never over
// what is there unless asked. Through the CLI's --out, links and hard links: cli.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeScenario } from '../../../../src/core/scenarios/write';
import { run } from './support';

describe('writeScenario', () => {
  test('writes the files and a README, refuses to overwrite unless asked', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-scenario-'));
    const r = run('recommender', 42, { catalogue: 8 }, 3);
    const meta = { scenario: 'recommender', seed: 42, generations: 3, format: 'jsonl' as const, params: r.params };
    const written = await writeScenario(r, dir, meta);
    assert.deepEqual(written.map((p) => path.basename(p)), ['gen-00.jsonl', 'gen-01.jsonl', 'gen-02.jsonl', 'README.md']);
    assert.equal(fs.readFileSync(path.join(dir, 'gen-01.jsonl'), 'utf8'), r.files[1]!.content);
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    assert.match(readme, /collapse-lens scenario recommender --seed 42 --generations 3 --format jsonl --catalogue 8/);
    assert.match(readme, /\| seed \| 42 \|/);
    for (const rule of r.expected.rules) assert.ok(readme.includes(`\`${rule}\``));
    fs.writeFileSync(path.join(dir, 'gen-00.jsonl'), 'mine');
    await assert.rejects(writeScenario(r, dir, meta), (e: NodeJS.ErrnoException) => e.code === 'EEXIST' && /already holds gen-00\.jsonl, gen-01\.jsonl, gen-02\.jsonl and 1 more/.test(e.message));
    assert.equal(fs.readFileSync(path.join(dir, 'gen-00.jsonl'), 'utf8'), 'mine', 'a refusal writes nothing');
    await writeScenario(r, dir, meta, { overwrite: true });
    assert.equal(fs.readFileSync(path.join(dir, 'gen-00.jsonl'), 'utf8'), r.files[0]!.content);
    const nested = path.join(dir, 'a', 'b');
    assert.equal((await writeScenario(r, nested, meta)).length, 4, 'creates the folder');
    fs.rmSync(dir, { recursive: true });
  });
});
