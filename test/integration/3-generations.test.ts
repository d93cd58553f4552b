import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/host/analyzer';
import { activate, clear, codeOf, fixture, ours } from './helpers';

describe('generations from a multi-selection', () => {
  before(async () => {
    await activate();
    await clear();
  });
  after(clear);

  it('orders the files naturally (gen2 before gen10) with the first as baseline', async () => {
    const [g1, g2, g10] = ['gen1.jsonl', 'gen2.jsonl', 'gen10.jsonl'].map((f) => fixture('generations', f));
    // The explorer passes the clicked file and the selection in selection order.
    const outcome = await vscode.commands.executeCommand<RunOutcome>('collapseLens.analyzeGenerations', g10, [g10, g1, g2]);
    const first = outcome.outcomes[0]!;
    assert.equal(first.kind, 'result');
    if (first.kind !== 'result') return;
    assert.deepEqual(first.request.uris.map((u) => u.path.split('/').pop()), ['gen1.jsonl', 'gen2.jsonl', 'gen10.jsonl']);
    const report = first.entry.result.report;
    assert.deepEqual(report.groups.map((g) => g.id), ['gen1', 'gen2', 'gen10']);
    assert.equal(report.baseline, 'gen1');

    const onGen10 = ours(g10!);
    // One finding for the collapse, on the generation where it first reached error level
    // (gen2: its Vendi score fell 55%), the metrics of gen10 as related information.
    const drop = ours(g2!).find((d) => codeOf(d) === 'diversity-drop' && d.severity === vscode.DiagnosticSeverity.Error);
    assert.ok(drop, 'an error-level diversity drop where the collapse began');
    assert.equal(drop.range.start.line, 0);
    assert.match(drop.message, /^Text diversity collapsed below the baseline by generation gen2: .*\(gen10\)/);
    const baseline = drop.relatedInformation?.[0];
    assert.ok(baseline);
    assert.equal(baseline.location.uri.toString(), g1!.toString(), 'related information points into the baseline file');
    assert.equal(baseline.location.range.start.line, 0);
    assert.ok(drop.relatedInformation!.some((r) => r.location.uri.toString() === g10!.toString()), 'and into the generation where a metric fell most');
    assert.ok(onGen10.some((d) => codeOf(d) === 'repeated-outputs'));
    assert.equal(ours(g1!).length, 0, 'no finding on the baseline itself');
  });

  it('a new analysis of a file replaces the comparison it was part of', async () => {
    const g10 = fixture('generations', 'gen10.jsonl');
    await vscode.commands.executeCommand('collapseLens.analyzeFile', g10);
    assert.ok(!ours(g10).some((d) => codeOf(d) === 'diversity-drop'), 'alone, gen10 has no baseline to drop from');
    assert.ok(ours(g10).some((d) => codeOf(d) === 'repeated-outputs'));
  });
});
