import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { analyzeFiles } from '../../src/core/analyze';
import { usePairThread } from '../../src/core/numeric/pairThreads';
import { activate, analyzeFile, clear, EXTENSION_ID } from './helpers';

// Embeddings large enough for the pair pass to take its second thread in the extension's
// analysis worker (dist/pair-thread.js: shared memory and a wait on it, in a worker of the
// real host): the metrics are the ones one thread computes here, number for number.
describe('embeddings: the pair pass on the worker and its helper thread', () => {
  let dir: string;
  let file: vscode.Uri;
  before(async () => {
    await activate();
    await clear();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-vectors-'));
    file = vscode.Uri.file(path.join(dir, 'embeddings.jsonl'));
    // 2 generations of 1,500 rows, d = 64 (n²·d above the helper's threshold); the second
    // generation's rows lean toward one direction, as a collapsing model's do.
    let s = 42;
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const generation = i < 1500 ? 0 : 1;
      const embedding = Array.from({ length: 64 }, (_, k) => Math.round((rand() + (generation && k < 4 ? 2 : 0)) * 1e5) / 1e5);
      lines.push(JSON.stringify({ id: i, generation, embedding }));
    }
    fs.writeFileSync(file.fsPath, lines.join('\n') + '\n');
  });
  after(async () => {
    await clear();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the same vector metrics as one thread, with the helper shipped beside the worker', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    assert.ok(fs.existsSync(path.join(extension.extensionPath, 'dist', 'pair-thread.js')), 'dist/pair-thread.js beside the worker');
    const outcome = await analyzeFile(file);
    const first = outcome.outcomes[0]!;
    assert.equal(first.kind, 'result');
    if (first.kind !== 'result') return;
    const report = first.entry.result.report;
    assert.equal(report.fields.vector, 'embedding');

    usePairThread(undefined);
    const one = await analyzeFiles([{ file: file.fsPath, display: 'embeddings.jsonl' }]);
    const metrics = (r: typeof report) => r.groups.map((g) => [g.id, g.metrics.mean_pairwise_distance, g.metrics.remote_clique, g.metrics.chamfer_distance, g.metrics.vendi_score]);
    assert.ok(Number.isFinite(report.groups[0]!.metrics.mean_pairwise_distance), 'the exact pair metrics were computed');
    assert.deepEqual(metrics(report), metrics(one.report));
  });
});
