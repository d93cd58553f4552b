// collapselens.json in the editor: the extension contributes schemas/collapselens.schema.json
// (contributes.jsonValidation), so VS Code's JSON language service underlines a mistake where
// it is, with the same verdict as the parser the analysis uses.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ConfigError, parseConfig } from '../../src/core/config';
import { activate, fixture, SOURCE, waitFor } from './helpers';

/** Diagnostics of the JSON language service (not ours) on a file. */
const schemaDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source !== SOURCE);

describe('collapselens.json against its schema in the editor', () => {
  const config = fixture('collapselens.json');
  const write = (text: string) => vscode.workspace.fs.writeFile(config, new TextEncoder().encode(text));

  before(activate);
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(config).then(undefined, () => undefined);
  });

  it('a wrong range, an unknown rule and a misspelt key are underlined on their lines; the parser refuses the file too', async () => {
    const text = '{\n  "thresholds": { "dropWarning": 2 },\n  "disabledRules": ["no-such-rule"],\n  "feilds": { "text": "output" }\n}\n';
    await write(text);
    const doc = await vscode.workspace.openTextDocument(config);
    assert.equal(doc.languageId, 'json');
    await vscode.window.showTextDocument(doc);
    const diagnostics = await waitFor('the JSON language service to validate collapselens.json', () => {
      const d = schemaDiagnostics(config);
      return d.length >= 3 && d;
    }, 60_000);
    const byLine = (line: number) => diagnostics.filter((d) => d.range.start.line === line).map((d) => d.message).join(' | ');
    assert.match(byLine(1), /maximum of 1/, 'thresholds.dropWarning = 2');
    assert.match(byLine(2), /not accepted|Valid values/, 'disabledRules: no-such-rule');
    assert.match(byLine(3), /feilds.*not allowed|not allowed.*feilds/i, 'the misspelt key');
    assert.ok(diagnostics.every((d) => d.severity === vscode.DiagnosticSeverity.Warning || d.severity === vscode.DiagnosticSeverity.Error));
    assert.throws(() => parseConfig(JSON.parse(text), 'collapselens.json'), (e) => e instanceof ConfigError);
  });

  it('a file the parser takes has no schema diagnostic', async () => {
    const text = JSON.stringify({ fields: { text: 'output', group: null }, thresholds: { dropWarning: 0.1, trendMinGenerations: 5 }, rules: { accuracy: 0.8 }, disabledRules: ['tail-loss'], severities: { 'repeated-outputs': 'error' }, sampling: { detectRecords: 50 }, findings: 'metric', failOn: 'never' }, null, 2);
    parseConfig(JSON.parse(text), 'collapselens.json');
    await write(text);
    await waitFor('the schema diagnostics to clear', () => schemaDiagnostics(config).length === 0, 30_000);
  });
});
