// The CLI's bound on heap growth (src/core/analysis/heapGrowth.ts): the flag it sets, that a
// user's own choice wins, and that V8 honours the flag when it is set in a running process
// (the premise of setting it from the CLI rather than on node's command line).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from '../../../../src/core/analysis/heapGrowth';

describe('heapGrowthFlag', () => {
  test('sets the percentage when the user chose none', () => {
    assert.equal(heapGrowthFlag([], ''), `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    assert.equal(heapGrowthFlag(['--max-old-space-size=4096'], '--enable-source-maps'), `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    assert.equal(heapGrowthFlag([]), `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  });

  test("leaves the user's own value, on node's command line or in NODE_OPTIONS, in either spelling", () => {
    assert.equal(heapGrowthFlag(['--heap-growing-percent=50'], ''), undefined);
    assert.equal(heapGrowthFlag([], '--max-old-space-size=512 --heap_growing_percent=5'), undefined);
    assert.equal(heapGrowthFlag(['--heap-growing-percent'], ''), undefined);
    assert.equal(heapGrowthFlag(['--heap-growing-percentage=5'], ''), `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  });
});

describe('the flag set at run time', () => {
  // About 24 MB stays live while batches of strings die in turn, as records do in an analysis.
  const script = `
    const flag = process.env.TEST_V8_FLAG;
    if (flag) require('v8').setFlagsFromString(flag);
    const ring = new Array(200);
    let peak = 0;
    for (let i = 0; i < 2500; i++) {
      const batch = new Array(1000);
      for (let j = 0; j < 1000; j++) batch[j] = 'record ' + i + ' ' + j + ' ' + 'x'.repeat(60 + (j % 40));
      ring[i % 200] = batch;
      if (i % 50 === 0) peak = Math.max(peak, process.memoryUsage().heapTotal);
    }
    process.stdout.write(String(peak));`;
  const peak = (flag: string) =>
    new Promise<number>((resolve, reject) => {
      // The flag goes by the environment: after -e, node would take it as an option of its own.
      const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, NODE_OPTIONS: '', TEST_V8_FLAG: flag } });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`exit ${code}: ${err}`))));
    });

  test('keeps the heap far smaller than V8 left to itself', async () => {
    const [free, bounded] = await Promise.all([peak(''), peak(heapGrowthFlag([])!)]);
    assert.ok(bounded < free * 0.7, `peak heap with the flag ${bounded} B, without ${free} B`);
  });
});
