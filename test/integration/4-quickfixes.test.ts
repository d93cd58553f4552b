import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/host/analyzer';
import { spawnAnalysisWorker } from '../../src/host/platform';
import { AnalysisWorkerPool } from '../../src/worker/client';
import { activate, analyzeFile, clear, codeOf, fixture, ours, resetSetting, waitFor } from './helpers';

async function fixesAt(uri: vscode.Uri, d: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value);
  // vscode.open comes back under its internal id; other extensions' actions are not ours.
  return actions.filter((a) => /^(collapseLens\.|vscode\.open$|_workbench\.open$)/.test(a.command?.command ?? ''));
}

async function run(action: vscode.CodeAction | undefined): Promise<RunOutcome | undefined> {
  assert.ok(action?.command, 'the quick fix exists');
  return vscode.commands.executeCommand<RunOutcome | undefined>(action.command.command, ...(action.command.arguments ?? []));
}

describe('quick fixes', () => {
  const uri = () => fixture('repeated.jsonl');
  before(async () => {
    await activate();
    await clear();
  });
  afterEach(async () => {
    for (const key of ['rules.duplicateRate', 'rules.disabled', 'fields.text']) await resetSetting(key);
  });
  after(clear);

  it('are offered on a finding: report, related record, field, threshold, disable', async () => {
    await analyzeFile(uri());
    const [d] = ours(uri());
    assert.ok(d);
    const titles = (await fixesAt(uri(), d)).map((a) => a.title);
    assert.deepEqual(titles, [
      'Open the Collapse Lens report at this repeated-outputs finding',
      'Go to the related record: most repeated output (6 times): "I am sorry, but I cannot help with that request." (line 2)',
      'Use another field for the text role (now "output")…',
      'Raise collapseLens.rules.duplicateRate to 0.5 (now 0.3) in workspace settings',
      'Disable the repeated-outputs rule in workspace settings',
    ]);
    const all = await fixesAt(uri(), d);
    assert.ok(all.every((a) => a.kind?.value === vscode.CodeActionKind.QuickFix.value));
  });

  it('jumps to the related record', async () => {
    await analyzeFile(uri());
    const fixes = await fixesAt(uri(), ours(uri())[0]!);
    await run(fixes.find((a) => a.title.startsWith('Go to the related record')));
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.toString(), uri().toString());
    assert.equal(editor?.selection.start.line, 1);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('raises the threshold in workspace settings, and the finding goes', async () => {
    await analyzeFile(uri());
    const fixes = await fixesAt(uri(), ours(uri())[0]!);
    const outcome = await run(fixes.find((a) => a.title.startsWith('Raise collapseLens.rules.duplicateRate')));
    assert.equal(outcome?.outcomes[0]?.kind, 'result');
    assert.equal(vscode.workspace.getConfiguration('collapseLens').inspect('rules.duplicateRate')?.workspaceValue, 0.5);
    assert.equal(ours(uri()).length, 0);
  });

  it('disables the rule in workspace settings', async () => {
    await analyzeFile(uri());
    const fixes = await fixesAt(uri(), ours(uri())[0]!);
    await run(fixes.find((a) => a.title.startsWith('Disable the repeated-outputs rule')));
    assert.deepEqual(vscode.workspace.getConfiguration('collapseLens').inspect('rules.disabled')?.workspaceValue, ['repeated-outputs']);
    assert.equal(ours(uri()).length, 0);
  });

  it('uses another field for the role (the prompts are all different)', async () => {
    await analyzeFile(uri());
    const fix = (await fixesAt(uri(), ours(uri())[0]!)).find((a) => a.title.startsWith('Use another field'));
    assert.equal(fix?.command?.command, 'collapseLens.chooseField');
    const [args] = fix!.command!.arguments as [{ uri: vscode.Uri; role: string }];
    // The quick pick is skipped by naming the field, as a test can.
    const outcome = await vscode.commands.executeCommand<RunOutcome>('collapseLens.chooseField', { ...args, field: 'prompt' });
    assert.equal(vscode.workspace.getConfiguration('collapseLens').inspect('fields.text')?.workspaceValue, 'prompt');
    const first = outcome.outcomes[0]!;
    assert.ok(first.kind === 'result' && first.entry.result.report.fields.text === 'prompt');
    assert.equal(ours(uri()).length, 0);
  });

  it('lists the fields of a file for the quick pick, read in the worker', async () => {
    const ext = vscode.extensions.getExtension('collapse-lens.collapse-lens')!;
    const script = vscode.Uri.joinPath(ext.extensionUri, 'dist', 'worker.js').fsPath;
    const pool = new AnalysisWorkerPool(() => spawnAnalysisWorker(script));
    assert.deepEqual(await pool.listFields({ file: uri().fsPath, display: 'repeated.jsonl' }), ['id', 'prompt', 'output']);
    assert.deepEqual(await pool.listFields({ file: fixture('decisions.csv').fsPath, display: 'decisions.csv' }), ['id', 'decision', 'score']);
    await assert.rejects(pool.listFields({ file: fixture('notes.txt').fsPath, display: 'notes.txt' }), /unknown file type/);
  });

  it('never edits the data file', async () => {
    const doc = await vscode.workspace.openTextDocument(uri());
    assert.equal(doc.isDirty, false);
    assert.match(doc.getText(), /^\{"id": 1, "prompt": "q1"/);
  });

  it('open the report at the finding, in the report panel', async () => {
    await analyzeFile(uri());
    const fix = (await fixesAt(uri(), ours(uri())[0]!)).find((a) => a.title.startsWith('Open the Collapse Lens report'));
    await run(fix);
    const reports = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('collapseLens.report'));
    await waitFor('the report tab', () => reports().length > 0);
    assert.deepEqual(reports().map((t) => t.label), ['Collapse Lens: repeated.jsonl']);
    assert.ok(codeOf(ours(uri())[0]!) === 'repeated-outputs');
    await vscode.window.tabGroups.close(reports());
  });
});
