import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { CollapseLensApi } from '../../src/extension';
import type { RunOutcome } from '../../src/host/analyzer';
import { spawnAnalysisWorker } from '../../src/host/platform';
import { AnalysisWorkerPool, CANCEL_GRACE_MS } from '../../src/worker/client';
import { activate, clear, ours, waitFor } from './helpers';

/** Enough records that the analysis runs for several seconds; written in chunks, not to block the host. */
async function writeLargeFixture(file: string, records: number): Promise<void> {
  const out = await fs.promises.open(file, 'w');
  const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon'.split(' ');
  let chunk = '';
  for (let i = 0; i < records; i++) {
    const text = Array.from({ length: 24 }, (_, j) => words[(i * 7 + j * 13 + (i >> 3)) % words.length]).join(' ');
    chunk += `{"id":${i},"output":"${text} ${i}","score":${(i % 997) / 997}}\n`;
    if (chunk.length > 1 << 20) {
      await out.write(chunk);
      chunk = '';
    }
  }
  await out.write(chunk);
  await out.close();
}

describe('cancelling an analysis', () => {
  let api: CollapseLensApi;
  let dir: string;
  let file: vscode.Uri;
  before(async function () {
    this.timeout(120_000);
    api = await activate();
    await clear();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-large-'));
    file = vscode.Uri.file(path.join(dir, 'large.jsonl'));
    await writeLargeFixture(file.fsPath, 600_000);
  });
  after(async () => {
    await clear();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stops the worker within the grace period and publishes nothing', async () => {
    const progress: number[] = [];
    const sub = api.onDidProgress((p) => progress.push(p.percent));
    const started = Date.now();
    const pending = vscode.commands.executeCommand<RunOutcome>('collapseLens.analyzeFile', file);
    await waitFor('the worker to be under way', () => progress.some((p) => p >= 1), 30_000);
    assert.ok(api.running);
    assert.match(api.statusText, /^\$\(loading~spin\) Collapse Lens: analyzing \d+%$/);
    const cancelledAt = Date.now();
    api.cancel();
    const outcome = await pending;
    const stopMs = Date.now() - cancelledAt;
    sub.dispose();
    assert.equal(outcome.cancelled, true);
    assert.equal(outcome.outcomes[0]!.kind, 'cancelled');
    assert.ok(stopMs < 2_500, `stopped ${stopMs} ms after cancel (grace period 2 s)`);
    assert.ok(progress.at(-1)! < 100, 'cancelled before the end');
    assert.ok(outcome.outcomes.length === 1);
    assert.equal(api.running, false);
    assert.equal(ours(file).length, 0);
    assert.equal(api.resultFor(file), undefined);
    assert.doesNotMatch(api.statusText, /analyzing/);
    console.log(`      (progress reached ${Math.floor(progress.at(-1)!)}% in ${cancelledAt - started} ms; stopped ${stopMs} ms after cancel)`);
  });
});

describe('a worker that ignores cancel', () => {
  it('is terminated after the 2 s grace period', async function () {
    this.timeout(10_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-stuck-'));
    const script = path.join(dir, 'stuck-worker.js');
    // Answers nothing and never yields to its message loop once started, as a hung engine would.
    fs.writeFileSync(script, "require('node:worker_threads').parentPort.on('message', (m) => { if (m.kind === 'start') for (;;) {} });\n");
    try {
      const run = new AnalysisWorkerPool(() => spawnAnalysisWorker(script)).run([{ inputs: [{ file: 'x.jsonl', display: 'x.jsonl' }], options: {} }]);
      await new Promise((r) => setTimeout(r, 200));
      const cancelledAt = Date.now();
      run.cancel();
      const outcomes = await run.done;
      const ms = Date.now() - cancelledAt;
      assert.deepEqual(outcomes, [{ kind: 'cancelled' }]);
      assert.ok(ms >= CANCEL_GRACE_MS - 50 && ms < CANCEL_GRACE_MS + 1_000, `terminated ${ms} ms after cancel`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
