import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/host/analyzer';
import { activate, analyzeFile, clear, codeOf, fixture, ours } from './helpers';

// Files laid out as real tools write them (copied from test/fixtures/layouts by test/workspace.mjs).
describe('files real tools write, with no settings', () => {
  before(async () => {
    await activate();
    await clear();
  });
  after(clear);

  it('right-click on OpenAI Batch outputs: the collapse of the last generation at the record, the nested content underlined', async () => {
    const files = ['gen-1.jsonl', 'gen-2.jsonl', 'gen-3.jsonl'].map((f) => fixture('layouts', 'openai-batch-output', f));
    const outcome = await vscode.commands.executeCommand<RunOutcome>('collapseLens.analyzeGenerations', files[2], files);
    const first = outcome.outcomes[0]!;
    assert.equal(first.kind, 'result');
    if (first.kind !== 'result') return;
    const report = first.entry.result.report;
    assert.equal(report.fields.text, 'response.body.choices[*].message.content');
    assert.match(report.fieldReasons?.text ?? '', /one output per element of response\.body\.choices/);
    assert.equal(report.fields.label, null, 'no metadata taken as a label');

    const onLast = ours(files[2]!);
    // One finding for the collapse, where it first reached error level (gen-2 or gen-3).
    const drop = files.flatMap((f) => ours(f)).find((d) => codeOf(d) === 'diversity-drop' && d.severity === vscode.DiagnosticSeverity.Error);
    assert.ok(drop, 'an error-level diversity drop');
    assert.match(drop.message, /^Text diversity collapsed below the baseline by generation gen-[23]: /);
    const repeated = onLast.find((d) => codeOf(d) === 'repeated-outputs');
    assert.ok(repeated, 'repeated outputs on gen-3');
    const related = repeated.relatedInformation?.find((r) => /most repeated output/.test(r.message));
    assert.ok(related, 'the most repeated output is related information');
    const doc = await vscode.workspace.openTextDocument(related.location.uri);
    assert.equal(doc.getText(related.location.range), '"That is a great question, and the answer depends on many factors."', 'the nested content value is underlined');
    for (const d of [...onLast, ...ours(files[0]!), ...ours(files[1]!)]) {
      assert.doesNotMatch(d.message, /chat\.completion|gpt-4o|"stop"|succeeded/, `no finding on metadata: ${d.message}`);
    }
  });

  it('right-click on a Parquet chat dataset: its assistant turns are analyzed and the findings land on the file', async () => {
    const files = ['gen-1.parquet', 'gen-2.parquet', 'gen-3.parquet'].map((f) => fixture('layouts', 'hf-parquet-messages', f));
    const outcome = await vscode.commands.executeCommand<RunOutcome>('collapseLens.analyzeGenerations', files[0], files);
    const first = outcome.outcomes[0]!;
    assert.equal(first.kind, 'result');
    if (first.kind !== 'result') return;
    const report = first.entry.result.report;
    assert.equal(report.inputs[0]!.format, 'parquet');
    assert.equal(report.fields.text, "messages[?@.role=='assistant'].content");
    assert.deepEqual(report.groups.map((g) => [g.id, g.outputs ?? g.records, g.prompts]), [
      ['gen-1', 36, 12],
      ['gen-2', 36, 12],
      ['gen-3', 36, 12],
    ]);
    const drop = files.flatMap((f) => ours(f)).find((d) => codeOf(d) === 'diversity-drop');
    assert.ok(drop, 'a diversity drop on the Parquet files');
    assert.match(drop.message, /by generation gen-[23]: /);
  });

  it('Analyze File on one Parquet file from the explorer', async () => {
    const uri = fixture('layouts', 'hf-parquet-messages', 'gen-3.parquet');
    const outcome = await analyzeFile(uri);
    const first = outcome.outcomes[0]!;
    assert.equal(first.kind, 'result');
    if (first.kind !== 'result') return;
    assert.equal(first.entry.result.report.inputs[0]!.records, 36);
    assert.ok(ours(uri).some((d) => codeOf(d) === 'repeated-outputs'), 'the repeats of a collapsed generation are found on their own');
  });
});
