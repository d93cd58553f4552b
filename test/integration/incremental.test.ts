// Incremental re-analysis in the extension host: the worker keeps each file's state in the
// extension's storage, so analysing 20 generations again after one changed reads that one
// file, with the report of a fresh analysis; Analyze Workspace over unchanged files reads
// none; Clear Findings forgets the states; nothing is written beside the user's files.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunOutcome, RequestOutcome } from '../../src/host/analyzer';
import { activate, clear, fixture } from './helpers';

const FOLDER = 'incremental';
const GENERATIONS = 20;

/** Generation `g` of a classifier drifting towards one decision: 200 records. */
function generation(g: number, shift = 0): string {
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) {
    const share = Math.min(0.98, 0.5 + (g + shift) * 0.025);
    const decision = (i * 0.618034) % 1 < share ? 'A' : i % 3 === 0 ? 'C' : 'B';
    lines.push(JSON.stringify({ id: i, decision }));
  }
  return lines.join('\n') + '\n';
}

const uriOf = (g: number) => fixture(FOLDER, `gen-${g}.jsonl`);
const write = (uri: vscode.Uri, text: string) => vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));

function result(outcome: RequestOutcome | undefined): Extract<RequestOutcome, { kind: 'result' }> {
  assert.ok(outcome, 'an outcome');
  if (outcome.kind !== 'result') assert.fail(`expected a result, got ${outcome.kind}${outcome.kind === 'error' ? `: ${outcome.error.message}` : ''}`);
  return outcome;
}

async function analyzeAll(): Promise<Extract<RequestOutcome, { kind: 'result' }>> {
  const uris = Array.from({ length: GENERATIONS }, (_, g) => uriOf(g + 1));
  const outcome = await vscode.commands.executeCommand<RunOutcome>('collapseLens.analyzeGenerations', uris[0], uris);
  return result(outcome.outcomes[0]);
}

describe('incremental re-analysis', () => {
  before(async () => {
    await activate();
    await clear();
    for (let g = 1; g <= GENERATIONS; g++) await write(uriOf(g), generation(g));
  });
  after(async () => {
    await clear();
    await vscode.workspace.fs.delete(fixture(FOLDER), { recursive: true, useTrash: false });
  });

  it('after one of 20 files changed, reads that one file and reports what a fresh analysis does', async function () {
    this.timeout(120_000);
    const timed = async () => {
      const started = Date.now();
      const r = await analyzeAll();
      return { r, ms: Date.now() - started };
    };
    const { r: first, ms: firstMs } = await timed();
    assert.equal(first.entry.reading?.read.length, GENERATIONS, 'the first analysis reads every file');
    assert.deepEqual(first.entry.reading?.reused, []);

    const again = await analyzeAll();
    assert.deepEqual(again.entry.reading?.read, [], 'nothing changed: nothing is read');
    assert.equal(again.entry.reading?.reused.length, GENERATIONS);
    assert.deepEqual(again.entry.result.report, first.entry.result.report);

    // Generation 7 rewritten with other decisions: another size and modification time.
    await write(uriOf(7), generation(7, 12));
    const { r: changed, ms: changedMs } = await timed();
    console.log(`      20 files: first analysis ${firstMs} ms, again after one changed ${changedMs} ms`);
    assert.deepEqual(changed.entry.reading?.read, [`${FOLDER}/gen-7.jsonl`], 'exactly one file is read');
    assert.equal(changed.entry.reading?.reused.length, GENERATIONS - 1);
    assert.notDeepEqual(changed.entry.result.report, first.entry.result.report, 'the change shows in the report');

    // Clear Findings forgets the stored states: the next analysis reads everything again.
    await clear();
    const fresh = await analyzeAll();
    assert.equal(fresh.entry.reading?.read.length, GENERATIONS, 'Clear Findings forgets the stored states');
    assert.deepEqual(changed.entry.result.report, fresh.entry.result.report, 'the same report as a fresh analysis');
    assert.deepEqual(changed.entry.result.details, fresh.entry.result.details);

    const names = (await vscode.workspace.fs.readDirectory(fixture(FOLDER))).map(([name]) => name).sort();
    assert.deepEqual(names, Array.from({ length: GENERATIONS }, (_, g) => `gen-${g + 1}.jsonl`).sort(), 'nothing is written beside the files');
  });

  it('Analyze Workspace over unchanged files reads none of them', async function () {
    this.timeout(120_000);
    const first = await vscode.commands.executeCommand<RunOutcome>('collapseLens.analyzeWorkspace');
    const results = first.outcomes.filter((o) => o.kind === 'result').map(result);
    assert.ok(results.length >= GENERATIONS, 'the workspace has the generation files and the fixtures');
    const started = Date.now();
    const again = await vscode.commands.executeCommand<RunOutcome>('collapseLens.analyzeWorkspace');
    const elapsed = Date.now() - started;
    const second = again.outcomes.filter((o) => o.kind === 'result').map(result);
    assert.equal(second.length, results.length);
    const read = second.flatMap((o) => o.entry.reading?.read ?? ['?']);
    assert.deepEqual(read, [], 'no file is read again');
    for (const [i, o] of second.entries()) assert.deepEqual(o.entry.result.report, results[i]!.entry.result.report);
    console.log(`      Analyze Workspace over ${second.length} unchanged files: ${elapsed} ms`);
  });
});
