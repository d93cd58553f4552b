import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CollapseLensApi } from '../../src/extension';
import { activate, analyzeFile, clear, fixture, ours, waitFor } from './helpers';

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
    await editor.document.save();
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), ''));
    await editor.document.save();
    await waitFor('the re-analysis', () => runs > 0, 5_000);
    await new Promise((r) => setTimeout(r, 800));
    sub.dispose();
    assert.equal(runs, 1, 'saves within 500 ms make one analysis');
    assert.equal(ours(copy()).length, 0);
  });

  it('does not analyze a file that has no results', async () => {
    let runs = 0;
    const sub = api.onDidFinishRun(() => runs++);
    const other = fixture('healthy.jsonl');
    const editor = await vscode.window.showTextDocument(other);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), ''));
    await editor.document.save();
    await new Promise((r) => setTimeout(r, 900));
    sub.dispose();
    assert.equal(runs, 0);
    assert.equal(api.resultFor(other), undefined);
  });
});
