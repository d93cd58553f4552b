import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CollapseLensApi } from '../../src/extension';
import { activate, analyzeFile, clear, fixture, ours, resetSetting, waitFor } from './helpers';

describe('analysis on save', () => {
  let api: CollapseLensApi;
  const copy = () => fixture('saved.jsonl');
  before(async () => {
    api = await activate();
    await clear();
    await vscode.workspace.fs.copy(fixture('repeated.jsonl'), copy(), { overwrite: true });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(copy());
    await clear();
  });

  it('analyzes an analyzed file again after it is saved (once for several saves)', async () => {
    await analyzeFile(copy());
    assert.equal(ours(copy()).length, 1);
    let runs = 0;
    const sub = api.onDidFinishRun(() => runs++);
    const editor = await vscode.window.showTextDocument(copy());
    // Replace every repeated output with a distinct one: the duplicates are gone.
    const text = editor.document.getText().split('\n').map((l, i) => l.replace('I am sorry, but I cannot help with that request.', `A distinct answer number ${i}.`)).join('\n');
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), text));
    assert.ok(await editor.document.save());
    await editor.edit((e) => e.insert(editor.document.lineAt(0).range.end, ' '));
    assert.ok(await editor.document.save(), 'a second save within the debounce window');
    await waitFor('the re-analysis', () => runs > 0, 5_000);
    await new Promise((r) => setTimeout(r, 800));
    sub.dispose();
    assert.equal(runs, 1, 'saves within 500 ms make one analysis');
    assert.equal(ours(copy()).length, 0);
  });

  it('does not analyze a file that has no results', async () => {
    let runs = 0;
    const sub = api.onDidFinishRun(() => runs++);
    const other = fixture('unanalyzed.jsonl');
    await vscode.workspace.fs.copy(fixture('repeated.jsonl'), other, { overwrite: true });
    try {
      const editor = await vscode.window.showTextDocument(other);
      await editor.edit((e) => e.insert(editor.document.lineAt(0).range.end, ' '));
      assert.ok(await editor.document.save());
      await new Promise((r) => setTimeout(r, 900));
      sub.dispose();
      assert.equal(runs, 0);
      assert.equal(api.resultFor(other), undefined);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(other);
    }
  });

  it('does nothing on save when collapseLens.analyzeOnSave is off', async () => {
    await analyzeFile(copy());
    await vscode.workspace.getConfiguration('collapseLens').update('analyzeOnSave', false, vscode.ConfigurationTarget.Workspace);
    let runs = 0;
    const sub = api.onDidFinishRun(() => runs++);
    try {
      const editor = await vscode.window.showTextDocument(copy());
      await editor.edit((e) => e.insert(editor.document.lineAt(0).range.end, ' '));
      assert.ok(await editor.document.save());
      await new Promise((r) => setTimeout(r, 900));
      assert.equal(runs, 0);
    } finally {
      sub.dispose();
      await resetSetting('analyzeOnSave');
    }
  });
});
