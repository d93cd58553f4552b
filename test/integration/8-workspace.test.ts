import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CollapseLensApi } from '../../src/extension';
import type { InputErrorReport, RunOutcome } from '../../src/host/analyzer';
import { activate, analyzeFile, clear, codeOf, fixture, ours, spyErrorMessages, waitFor } from './helpers';

describe('workspace analysis and collapselens.json', () => {
  let api: CollapseLensApi;
  before(async () => {
    api = await activate();
    await clear();
  });
  after(clear);

  it('analyzes every matching file on its own and summarizes the ones it cannot read', async () => {
    const errors: InputErrorReport[] = [];
    const sub = api.onDidReportError((e) => errors.push(e));
    const spy = spyErrorMessages();
    let outcome: RunOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<RunOutcome>('collapseLens.analyzeWorkspace');
    } finally {
      spy.restore();
      sub.dispose();
    }
    const names = outcome!.outcomes.map((o) => `${o.request.uris.map((u) => u.path.split('/').pop()).join('+')}:${o.kind}`);
    assert.deepEqual(names.sort(), [
      'answers.json:result',
      'decisions.csv:result',
      'empty.jsonl:error',
      'gen-1.jsonl:result',
      'gen-1.parquet:result',
      'gen-2.jsonl:result',
      'gen-2.parquet:result',
      'gen-3.jsonl:result',
      'gen-3.parquet:result',
      'gen1.jsonl:result',
      'gen10.jsonl:result',
      'gen2.jsonl:result',
      'healthy.jsonl:result',
      'malformed.jsonl:result',
      'repeated.jsonl:result',
    ]);
    assert.equal(spy.messages.length, 0, 'no error pop-up per file');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /could not analyze 1 of 15 files/);
    assert.ok(!ours(fixture('generations', 'gen10.jsonl')).some((d) => codeOf(d) === 'diversity-drop'), 'files are not compared');
    assert.ok(ours(fixture('repeated.jsonl')).length > 0);
  });

  it('reads thresholds from collapselens.json, and settings win over it', async () => {
    const config = fixture('collapselens.json');
    const uri = fixture('repeated.jsonl');
    await vscode.workspace.fs.writeFile(config, new TextEncoder().encode(JSON.stringify({ thresholds: { duplicateRate: 0.9 } })));
    try {
      await waitFor('the config file to be read', async () => {
        await analyzeFile(uri);
        return ours(uri).length === 0;
      });
      await vscode.workspace.getConfiguration('collapseLens').update('rules.duplicateRate', 0.3, vscode.ConfigurationTarget.Workspace);
      await analyzeFile(uri);
      assert.equal(ours(uri).length, 1, 'an explicit setting overrides collapselens.json');
    } finally {
      await vscode.workspace.getConfiguration('collapseLens').update('rules.duplicateRate', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.workspace.fs.delete(config);
    }
    await waitFor('the config file to be forgotten', async () => {
      await analyzeFile(uri);
      return ours(uri).length === 1;
    });
  });
});
