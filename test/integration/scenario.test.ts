import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import * as vscode from 'vscode';
import type { RunScenarioArgs, RunScenarioResult } from '../../src/host/scenario/command';
import { activate, clear, codeOf, EXTENSION_ID, ours, spyErrorMessages, workspaceRoot } from './helpers';
import { SPEC_SCENARIOS } from '../spec-scenarios';

const COMMAND = 'collapseLens.runScenario';

async function run(args: RunScenarioArgs): Promise<RunScenarioResult> {
  const result = await vscode.commands.executeCommand<RunScenarioResult>(COMMAND, args);
  assert.ok(result, 'the command returns its result');
  return result;
}

function written(result: RunScenarioResult): Extract<RunScenarioResult, { kind: 'written' }> {
  assert.equal(result.kind, 'written', JSON.stringify(result));
  return result as Extract<RunScenarioResult, { kind: 'written' }>;
}

const scenariosFolder = () => vscode.Uri.joinPath(workspaceRoot(), 'collapse-lens-scenarios');
const names = (uris: readonly vscode.Uri[]) => uris.map((u) => u.path.slice(u.path.lastIndexOf('/') + 1));
const text = async (uri: vscode.Uri) => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
async function listing(folder: vscode.Uri): Promise<string[]> {
  return (await vscode.workspace.fs.readDirectory(folder)).map(([n]) => n).sort();
}
async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
}

/** The rules shown in the Problems panel for any of the files. */
function rulesOn(files: readonly vscode.Uri[]): Set<string> {
  return new Set(files.flatMap((f) => ours(f).map((d) => codeOf(d)!)));
}

/** A writable file system in memory, standing in for a virtual workspace. */
class MemoryFileSystem implements vscode.FileSystemProvider {
  readonly entries = new Map<string, Uint8Array | 'dir'>([['/', 'dir']]);
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  constructor(private readonly readonly = false) {}
  private get(uri: vscode.Uri): Uint8Array | 'dir' {
    const e = this.entries.get(uri.path);
    if (!e) throw vscode.FileSystemError.FileNotFound(uri);
    return e;
  }
  private guard(uri: vscode.Uri): void {
    if (this.readonly) throw vscode.FileSystemError.NoPermissions(uri);
  }
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  stat(uri: vscode.Uri): vscode.FileStat {
    const e = this.get(uri);
    return e === 'dir' ? { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 } : { type: vscode.FileType.File, ctime: 0, mtime: 0, size: e.byteLength };
  }
  readFile(uri: vscode.Uri): Uint8Array {
    const e = this.get(uri);
    if (e === 'dir') throw vscode.FileSystemError.FileIsADirectory(uri);
    return e;
  }
  readDirectory(uri: vscode.Uri): [string, vscode.FileType][] {
    const prefix = uri.path === '/' ? '/' : `${uri.path}/`;
    return [...this.entries]
      .filter(([p]) => p !== uri.path && p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
      .map(([p, e]) => [p.slice(prefix.length), e === 'dir' ? vscode.FileType.Directory : vscode.FileType.File]);
  }
  createDirectory(uri: vscode.Uri): void {
    this.guard(uri);
    this.entries.set(uri.path, 'dir');
  }
  writeFile(uri: vscode.Uri, content: Uint8Array): void {
    this.guard(uri);
    const parent = uri.path.slice(0, uri.path.lastIndexOf('/')) || '/';
    if (this.entries.get(parent) !== 'dir') throw vscode.FileSystemError.FileNotFound(uri);
    this.entries.set(uri.path, content);
  }
  delete(uri: vscode.Uri): void {
    this.guard(uri);
    for (const p of [...this.entries.keys()]) if (p === uri.path || p.startsWith(`${uri.path}/`)) this.entries.delete(p);
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions('rename');
  }
}

describe('Run Sample Scenario', () => {
  before(async () => {
    await activate();
    await clear();
  });
  after(async () => {
    await clear();
    if (await exists(scenariosFolder())) await vscode.workspace.fs.delete(scenariosFolder(), { recursive: true });
  });

  it('is in the palette in every workspace, trusted or not, and says so', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const cmd = pkg.contributes.commands.find((c: { command: string }) => c.command === COMMAND);
    assert.deepEqual([cmd.category, cmd.title], ['Collapse Lens', 'Run Sample Scenario…']);
    const palette = (pkg.contributes.menus.commandPalette as { command: string; when?: string }[]).find((m) => m.command === COMMAND);
    assert.ok(!palette?.when, 'no when clause hides it (it asks where to write when no folder is open)');
    assert.match(pkg.capabilities.untrustedWorkspaces.description, /Run Sample Scenario/);
    assert.match(pkg.capabilities.virtualWorkspaces.description, /Run Sample Scenario/);
  });

  it('writes the files and README into a new folder and analyzes them as generations', async () => {
    await clear();
    const result = written(await run({ name: 'biased-decisions' }));
    const folder = vscode.Uri.joinPath(scenariosFolder(), 'biased-decisions-seed42');
    assert.equal(result.folder.toString(), folder.toString());
    assert.deepEqual(await listing(folder), [...Array.from({ length: 10 }, (_, g) => `gen-0${g}.jsonl`), 'README.md'].sort());
    assert.deepEqual(names(result.files), Array.from({ length: 10 }, (_, g) => `gen-0${g}.jsonl`));
    const readme = await text(result.readme);
    assert.match(readme, /collapse-lens scenario biased-decisions --seed 42 --generations 10 --format jsonl/);
    assert.match(readme, /dominant-output/);
    const first = await text(result.files[0]!);
    assert.ok(first.split('\n')[0]!.startsWith('{'), 'one JSON object per line');

    const outcome = result.analysis.outcomes[0]!;
    assert.equal(outcome.kind, 'result');
    if (outcome.kind !== 'result') return;
    assert.equal(outcome.request.kind, 'generations');
    assert.deepEqual(names(outcome.request.uris), names(result.files), 'natural order, gen-00 first');
    assert.equal(outcome.entry.result.report.baseline, outcome.entry.result.report.groups[0]!.id);
    assert.equal(outcome.entry.result.report.groups.length, 10);
    const shown = rulesOn(result.files);
    for (const rule of result.expected.rules) assert.ok(shown.has(rule), `${rule} is in the Problems panel (shown: ${[...shown].join(', ')})`);
    assert.ok(result.timings.simulateMs >= 0 && result.timings.writeMs >= 0);
  });

  it('runs every scenario with its defaults and shows the rules its README expects', async function () {
    this.timeout(120_000);

    for (const name of SPEC_SCENARIOS) {
      await clear();
      const started = Date.now();
      const result = written(await run({ name, overwrite: true }));
      const shown = rulesOn(result.files);
      const missing = result.expected.rules.filter((r) => !shown.has(r));
      assert.deepEqual(missing, [], `${name}: expected ${result.expected.rules.join(', ')}; shown ${[...shown].join(', ')}`);
      const bytes = (await Promise.all(result.files.map((f) => vscode.workspace.fs.stat(f)))).reduce((n, s) => n + s.size, 0);
      console.log(`      (${name}: ${result.files.length} files, ${(bytes / 1024).toFixed(0)} KB; simulated in ${result.timings.simulateMs} ms, written in ${result.timings.writeMs} ms, ${Date.now() - started} ms with the analysis)`);
    }
  });

  it('takes the format and parameters, typed or as on the command line', async () => {
    const result = written(await run({ name: 'gaussian-refit', seed: 7, generations: 12, format: 'csv', params: { mode: 'accumulate', samples: '100', outputs: 200 } }));
    assert.equal(names([result.folder])[0], 'gaussian-refit-seed7');
    assert.deepEqual(names(result.files).slice(0, 2), ['gen-00.csv', 'gen-01.csv']);
    assert.equal(result.files.length, 12);
    assert.match((await text(result.files[0]!)).split('\n')[0]!, /,/, 'a CSV header row');
    assert.match(await text(result.readme), /collapse-lens scenario gaussian-refit --seed 7 --generations 12 --format csv --samples 100 --outputs 200 --mode accumulate\n/);
    assert.equal(result.analysis.outcomes[0]!.kind, 'result');
  });

  it('never overwrites silently: overwrite false writes to -2, -3; true replaces the scenario files only', async () => {
    const folder = vscode.Uri.joinPath(scenariosFolder(), 'recommender-seed5');
    const first = written(await run({ name: 'recommender', seed: 5 }));
    assert.equal(first.folder.toString(), folder.toString());
    const before = await text(first.files[3]!);
    const notes = vscode.Uri.joinPath(folder, 'notes.txt');
    await vscode.workspace.fs.writeFile(notes, new TextEncoder().encode('mine'));

    const second = written(await run({ name: 'recommender', seed: 5, generations: 4, overwrite: false }));
    assert.equal(names([second.folder])[0], 'recommender-seed5-2');
    const third = written(await run({ name: 'recommender', seed: 5, generations: 4 }));
    assert.equal(names([third.folder])[0], 'recommender-seed5-3', 'no overwrite given: a new folder too');
    assert.equal(await text(first.files[3]!), before, 'the first folder is untouched');
    assert.equal((await listing(folder)).length, 12);

    const replaced = written(await run({ name: 'recommender', seed: 5, generations: 4, overwrite: true }));
    assert.equal(replaced.folder.toString(), folder.toString());
    assert.deepEqual(await listing(folder), ['README.md', 'gen-00.jsonl', 'gen-01.jsonl', 'gen-02.jsonl', 'gen-03.jsonl', 'notes.txt']);
    assert.equal(await text(notes), 'mine', 'other files stay');
    assert.match(await text(replaced.readme), /--generations 4/);
    for (const gone of ['gen-04.jsonl', 'gen-09.jsonl']) assert.equal(ours(vscode.Uri.joinPath(folder, gone)).length, 0, `no finding left on the deleted ${gone}`);
  });

  it('refuses bad options with one clear message and writes nothing', async () => {
    const cases: [RunScenarioArgs, RegExp][] = [
      [{ name: 'gaussian-refit', params: { samples: 1 } }, /parameter 'samples' of scenario 'gaussian-refit' must be between 2 and 100000 \(got 1\)/],
      [{ name: 'gaussian-refit', params: { samples: 'many' } }, /parameter 'samples' of scenario 'gaussian-refit' must be an integer \(got 'many'\)/],
      [{ name: 'gaussian-refit', params: { mode: 'sometimes' } }, /must be one of replace, accumulate, fresh \(got 'sometimes'\)/],
      [{ name: 'gaussian-refit', params: { sample: 5 } }, /scenario 'gaussian-refit' has no parameter 'sample' \(it has: samples, outputs, mode, fresh-fraction\)/],
      [{ name: 'exploration', params: { floor: 1 } }, /parameter 'floor' of scenario 'exploration' must be true or false \(got 1\)/],
      [{ name: 'linear-regression', params: { 'train-size': 5 } }, /train-size \(5\) must be greater than features \+ 1 \(11\)/],
      [{ name: 'biased-decisions', generations: 1 }, /generations for scenario 'biased-decisions' must be an integer between 2 and 1000 \(got 1\)/],
      [{ name: 'biased-decisions', seed: 1.5 }, /seed must be an integer/],
      [{ name: 'biased-decisions', format: 'parquet' as never }, /format must be jsonl or csv/],
      [{ name: 'model-collapse' }, /unknown scenario 'model-collapse' \(known: diversity-decay, .*mixture-mode-collapse\)/],
    ];
    for (const [args, expected] of cases) {
      const spy = spyErrorMessages();
      let result: RunScenarioResult;
      try {
        result = await run({ ...args, folder: 'collapse-lens-scenarios/refused' });
      } finally {
        spy.restore();
      }
      assert.equal(result.kind, 'invalid', JSON.stringify(args));
      assert.match((result as { message: string }).message, expected);
      assert.equal(spy.messages.length, 1, `one message for ${JSON.stringify(args)}`);
      assert.match(spy.messages[0]!.message, /^Collapse Lens cannot run the sample scenario: /);
      assert.match(spy.messages[0]!.message, expected);
    }
    assert.equal(await exists(vscode.Uri.joinPath(scenariosFolder(), 'refused')), false);
  });

  it('writes to a folder outside the workspace given as a path', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-scenario-'));
    try {
      const result = written(await run({ name: 'exploration', params: { floor: false }, folder: path.join(dir, 'run') }));
      assert.equal(result.folder.fsPath, path.join(dir, 'run'));
      assert.equal(fs.readdirSync(path.join(dir, 'run')).length, 11);
      assert.match(fs.readFileSync(path.join(dir, 'run', 'README.md'), 'utf8'), /--floor false/);
      assert.equal(result.analysis.outcomes[0]!.kind, 'result');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes through VS Code\'s file system, so a virtual workspace works; a read-only one gives a clear error', async () => {
    const memory = new MemoryFileSystem();
    const readonly = new MemoryFileSystem(true);
    const registrations = [
      vscode.workspace.registerFileSystemProvider('collapselens-mem', memory),
      vscode.workspace.registerFileSystemProvider('collapselens-ro', readonly, { isReadonly: true }),
    ];
    try {
      const result = written(await run({ name: 'content-generator', folder: 'collapselens-mem:///runs/content' }));
      assert.equal(result.folder.scheme, 'collapselens-mem');
      assert.equal(memory.readDirectory(vscode.Uri.parse('collapselens-mem:///runs/content')).length, 11);
      const shown = rulesOn(result.files);
      for (const rule of result.expected.rules) assert.ok(shown.has(rule), `${rule} on the virtual files`);

      const spy = spyErrorMessages();
      let refused: RunScenarioResult;
      try {
        refused = await run({ name: 'content-generator', folder: vscode.Uri.parse('collapselens-ro:///runs/content') });
      } finally {
        spy.restore();
      }
      assert.equal(refused.kind, 'failed');
      assert.equal(spy.messages.length, 1);
      assert.match(spy.messages[0]!.message, /^Collapse Lens could not generate content-generator in .*runs\/content: /);
    } finally {
      registrations.forEach((r) => r.dispose());
    }
  });
});
