// Reading on several threads in the extension host: the analysis worker cuts a large JSON
// Lines file (gzip too) or CSV file with a generation field where its generation changes and reads the parts on the
// analysis threads beside it (dist/analysis-thread.js), with the report of one reading; the
// collapseLens.analysisThreads setting reaches the worker.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/host/analyzer';
import { spawnAnalysisWorker } from '../../src/host/platform';
import { AnalysisWorkerPool } from '../../src/worker/client';
import type { JobOutcome } from '../../src/worker/client';
import { activate, analyzeFile, clear, fixture } from './helpers';

/** About `mb` MB of outputs in three generations, one after another (written in chunks, not to block the host). */
async function writeGenerations(file: string, mb: number): Promise<void> {
  const out = await fs.promises.open(file, 'w');
  const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon'.split(' ');
  const records = Math.ceil((mb * 1024 * 1024) / 170);
  let chunk = '';
  for (let i = 0; i < records; i++) {
    const generation = Math.floor((3 * i) / records);
    // Later generations draw from fewer words: the report has something to say.
    const vocabulary = words.length - 6 * generation;
    const text = Array.from({ length: 20 }, (_, j) => words[(i * 7 + j * 13 + (i >> 3)) % vocabulary]).join(' ');
    chunk += `{"id":${i},"generation":${generation},"output":"${text} ${i % 5000}"}\n`;
    if (chunk.length > 1 << 20) {
      await out.write(chunk);
      chunk = '';
    }
  }
  await out.write(chunk);
  await out.close();
}

function result(o: JobOutcome | undefined): Extract<JobOutcome, { kind: 'result' }> {
  assert.ok(o, 'an outcome');
  if (o.kind !== 'result') assert.fail(`expected a result, got ${o.kind}${o.kind === 'error' ? `: ${o.error.message}` : ''}`);
  return o;
}

describe('reading on several threads', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-threads-'));
  const file = path.join(dir, 'generations.jsonl');

  before(async () => {
    await activate();
    await writeGenerations(file, 20);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('collapseLens').update('analysisThreads', undefined, vscode.ConfigurationTarget.Global);
    await clear();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a large file in parts on two analysis threads gives the report of one reading', async function () {
    this.timeout(120_000);
    const ext = vscode.extensions.getExtension('collapse-lens.collapse-lens')!;
    const script = vscode.Uri.joinPath(ext.extensionUri, 'dist', 'worker.js').fsPath;
    const pool = new AnalysisWorkerPool(() => spawnAnalysisWorker(script));
    const input = { file, display: 'generations.jsonl' };
    const records: number[] = [];
    const [one, two] = await pool.run([{ inputs: [input], options: { jobs: 1 } }, { inputs: [input], options: { jobs: 2 } }], {
      onProgress: (job, p) => job === 1 && records.push(p.records),
    }).done;
    assert.equal(result(one).reading.threads, 1);
    assert.equal(result(two).reading.threads, 2, 'the analysis threads are found beside the worker');
    assert.deepEqual(result(two).result.report, result(one).result.report);
    assert.equal(result(two).result.report.groups.length, 3);
    assert.ok(records.some((n) => n > 0), 'progress counts records while the threads read');
  });

  it('the same file gzipped, and as CSV, in parts on two threads: the report of one reading', async function () {
    this.timeout(180_000);
    const ext = vscode.extensions.getExtension('collapse-lens.collapse-lens')!;
    const script = vscode.Uri.joinPath(ext.extensionUri, 'dist', 'worker.js').fsPath;
    const gz = path.join(dir, 'generations.jsonl.gz');
    await pipeline(fs.createReadStream(file), zlib.createGzip(), fs.createWriteStream(gz));
    const csv = path.join(dir, 'generations.csv');
    const rows = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => {
      const r = JSON.parse(l) as { id: number; generation: number; output: string };
      // Longer outputs than the JSON Lines', so the file is over two parts' 16 MB too.
      return `${r.id},${r.generation},${r.output} ${r.output.slice(0, 40)}`;
    });
    fs.writeFileSync(csv, ['id,generation,output', ...rows].join('\n') + '\n');
    const pool = new AnalysisWorkerPool(() => spawnAnalysisWorker(script));
    for (const input of [{ file: gz, display: 'generations.jsonl.gz' }, { file: csv, display: 'generations.csv' }]) {
      const [one, two] = await pool.run([{ inputs: [input], options: { jobs: 1 } }, { inputs: [input], options: { jobs: 2 } }]).done;
      assert.deepEqual(result(two).result.report, result(one).result.report, input.display);
      assert.equal(result(two).result.report.groups.length, 3, input.display);
    }
  });

  it('the files of a set that changed are read on analysis threads, a thread per 8 MB at most', async function () {
    this.timeout(120_000);
    const ext = vscode.extensions.getExtension('collapse-lens.collapse-lens')!;
    const script = vscode.Uri.joinPath(ext.extensionUri, 'dist', 'worker.js').fsPath;
    // The large file's generations as three files of about 7 MB, without the field.
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const set = [0, 1, 2].map((g) => {
      const f = path.join(dir, `set-${g}.jsonl`);
      fs.writeFileSync(f, lines.filter((l) => l.includes(`"generation":${g},`)).map((l) => l.replace(/"generation":\d+,/u, '')).join('\n') + '\n');
      return { file: f, display: `set-${g}.jsonl` };
    });
    const states = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-threads-states-'));
    try {
      const pool = new AnalysisWorkerPool(() => spawnAnalysisWorker(script));
      const [one] = await pool.run([{ inputs: set, options: { jobs: 1 } }], {}, { stateFolder: path.join(states, 'one') }).done;
      const [auto] = await pool.run([{ inputs: set, options: {} }], {}, { stateFolder: path.join(states, 'auto') }).done;
      const [many] = await pool.run([{ inputs: set, options: { jobs: 8 } }], {}, { stateFolder: path.join(states, 'many') }).done;
      assert.equal(result(one).reading.threads, 1);
      assert.equal(result(auto).reading.threads, Math.min(os.availableParallelism(), 2), 'one per core, at most one per 8 MB');
      assert.equal(result(many).reading.threads, 2, 'at most one per 8 MB of the files');
      assert.deepEqual(result(auto).result.report, result(one).result.report);
      assert.deepEqual(result(many).result.report, result(one).result.report);
    } finally {
      fs.rmSync(states, { recursive: true, force: true });
    }
  });

  it('collapseLens.analysisThreads reaches the worker', async function () {
    this.timeout(60_000);
    const small = fixture('healthy.jsonl');
    await vscode.workspace.getConfiguration('collapseLens').update('analysisThreads', 3, vscode.ConfigurationTarget.Global);
    const three = await analyzeFile(small);
    const o = three.outcomes[0]!;
    assert.ok(o.kind === 'result', o.kind);
    assert.equal(o.entry.reading?.threads, 3);
    await vscode.workspace.getConfiguration('collapseLens').update('analysisThreads', undefined, vscode.ConfigurationTarget.Global);
    const auto: RunOutcome = await analyzeFile(small);
    const a = auto.outcomes[0]!;
    assert.ok(a.kind === 'result', a.kind);
    if (os.availableParallelism() <= 2) assert.equal(a.entry.reading?.threads, 1, 'one on two cores');
    else assert.ok((a.entry.reading?.threads ?? 0) >= 1);
  });
});
