import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InputErrorReport } from '../../src/host/analyzer';
import type { CollapseLensApi } from '../../src/extension';
import { activate, analyzeFile, clear, fixture, ours, resetSetting, spyErrorMessages } from './helpers';

describe('bad input', () => {
  let api: CollapseLensApi;
  let spy: ReturnType<typeof spyErrorMessages>;
  let reported: InputErrorReport[];
  let sub: vscode.Disposable;
  before(async () => {
    api = await activate();
    await clear();
  });
  beforeEach(() => {
    spy = spyErrorMessages();
    reported = [];
    sub = api.onDidReportError((e) => reported.push(e));
  });
  afterEach(() => {
    spy.restore();
    sub.dispose();
  });
  after(async () => {
    await resetSetting('maxFileSizeMB');
    await clear();
  });

  it('an empty file: the engine\'s message, no diagnostics', async () => {
    const uri = fixture('empty.jsonl');
    const outcome = await analyzeFile(uri);
    assert.equal(outcome.outcomes[0]!.kind, 'error');
    assert.equal(spy.messages.length, 1);
    assert.match(spy.messages[0]!.message, /empty\.jsonl.*empty/);
    assert.deepEqual(spy.messages[0]!.items, [], 'no line to open');
    assert.equal(reported[0]?.uri?.toString(), uri.toString());
    assert.equal(ours(uri).length, 0);
  });

  it('a file of an unknown type is refused before analysis', async () => {
    await vscode.commands.executeCommand('collapseLens.analyzeFile', fixture('notes.txt'));
    assert.equal(spy.messages.length, 1);
    assert.match(spy.messages[0]!.message, /reads \.jsonl, \.ndjson, \.json, \.csv and \.tsv/);
  });

  it('a file where no record can be read: message with an Open Line button at the first bad line', async () => {
    const uri = fixture('all-bad.jsonl');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('{"output": "a"\n{"output": \n'));
    await analyzeFile(uri);
    assert.equal(spy.messages.length, 1);
    assert.deepEqual(spy.messages[0]!.items, ['Open Line']);
    assert.equal(reported[0]?.line, 1);
    assert.ok(reported[0]?.column !== undefined && reported[0].column > 1);
    await vscode.workspace.fs.delete(uri);
  });

  it('a binary file', async () => {
    const uri = fixture('binary.jsonl');
    await vscode.workspace.fs.writeFile(uri, Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 1, 2, 3]));
    const outcome = await analyzeFile(uri);
    assert.equal(outcome.outcomes[0]!.kind, 'error');
    assert.equal(spy.messages.length, 1);
    assert.match(spy.messages[0]!.message, /binary/i);
    await vscode.workspace.fs.delete(uri);
  });

  it('a file above collapseLens.maxFileSizeMB', async () => {
    await vscode.workspace.getConfiguration('collapseLens').update('maxFileSizeMB', 0.0001, vscode.ConfigurationTarget.Workspace);
    const outcome = await analyzeFile(fixture('healthy.jsonl'));
    assert.equal(outcome.outcomes[0]!.kind, 'error');
    assert.match(spy.messages[0]!.message, /collapseLens\.maxFileSizeMB/);
    await resetSetting('maxFileSizeMB');
  });
});
