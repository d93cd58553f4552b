import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import * as vscode from 'vscode';
import type { CollapseLensApi } from '../../src/extension';
import { activate, analyzeFile, clear, codeOf, fixture, ours, waitFor } from './helpers';

/** A read-only file system in memory, standing in for a remote or virtual workspace. */
class MemoryFileSystem implements vscode.FileSystemProvider {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  constructor(private readonly files: Record<string, Uint8Array>) {}
  private file(uri: vscode.Uri): Uint8Array {
    const f = this.files[uri.path];
    if (!f) throw vscode.FileSystemError.FileNotFound(uri);
    return f;
  }
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  stat(uri: vscode.Uri): vscode.FileStat {
    return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: this.file(uri).byteLength };
  }
  readFile(uri: vscode.Uri): Uint8Array {
    return this.file(uri);
  }
  readDirectory(): [string, vscode.FileType][] {
    return Object.keys(this.files).map((p) => [p.slice(1), vscode.FileType.File]);
  }
  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('read-only');
  }
  writeFile(): void {
    throw vscode.FileSystemError.NoPermissions('read-only');
  }
  delete(): void {
    throw vscode.FileSystemError.NoPermissions('read-only');
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions('read-only');
  }
}

describe('findings in the Problems panel', () => {
  let api: CollapseLensApi;
  before(async () => {
    api = await activate();
    await clear();
  });
  after(clear);

  it('puts repeated outputs on the record line, the text value underlined, the most repeated record related', async () => {
    const uri = fixture('repeated.jsonl');
    const outcome = await analyzeFile(uri);
    assert.equal(outcome.outcomes[0]!.kind, 'result');
    const [d, ...rest] = ours(uri);
    assert.ok(d, 'one diagnostic');
    assert.equal(rest.length, 0);
    assert.equal(codeOf(d), 'repeated-outputs');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(d.source, 'Collapse Lens');
    assert.match(d.message, /50% of 10 outputs are exact duplicates/);
    const code = d.code as { value: string; target: vscode.Uri };
    assert.equal(code.target.toString(true), 'https://github.com/collapse-lens/collapse-lens#rule-repeated-outputs');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(d.range.start.line, 0);
    assert.equal(doc.getText(d.range), '"The river bends past the old mill before it reaches town."');
    const related = d.relatedInformation ?? [];
    assert.equal(related.length, 1);
    assert.equal(related[0]!.location.uri.toString(), uri.toString());
    assert.equal(related[0]!.location.range.start.line, 1);
    assert.equal(doc.getText(related[0]!.location.range), '"I am sorry, but I cannot help with that request."');
    assert.match(related[0]!.message, /most repeated output \(6 times\)/);
    assert.equal(api.statusText, '$(warning) 1 finding');
  });

  it('underlines the CSV cell of a dominant decision', async () => {
    const uri = fixture('decisions.csv');
    await analyzeFile(uri);
    const [d] = ours(uri);
    assert.ok(d);
    assert.equal(codeOf(d), 'dominant-output');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(d.range.start.line, 1, 'the first record, under the header');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.getText(d.range), 'approve');
    assert.match(d.message, /"approve" is 80% of 20 records/);
    assert.equal(api.statusText, '$(warning) 2 findings', 'counts add up across files');
    await clear();
  });

  it('finds the field of a pretty-printed JSON record on the lines after its brace', async () => {
    const uri = fixture('answers.json');
    await analyzeFile(uri);
    const [d] = ours(uri);
    assert.ok(d);
    assert.equal(codeOf(d), 'repeated-outputs');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(d.range.start.line, 5, 'the "answer" line of the first record (its brace is on line 4)');
    assert.equal(doc.getText(d.range), '"Paris is the capital of France."');
    const related = d.relatedInformation?.[0];
    assert.ok(related);
    assert.equal(related.location.range.start.line, 13);
    assert.equal(doc.getText(related.location.range), '"Thank you for your question! I\'m here to help."');
  });

  it('analyzes a gzip-compressed file, the record line marked whole', async () => {
    const uri = fixture('repeated-copy.jsonl.gz');
    await vscode.workspace.fs.writeFile(uri, zlib.gzipSync(fs.readFileSync(fixture('repeated.jsonl').fsPath)));
    try {
      await analyzeFile(uri);
      const [d] = ours(uri);
      assert.ok(d);
      assert.equal(codeOf(d), 'repeated-outputs');
      assert.equal(d.range.start.line, 0);
      assert.equal(d.range.start.character, 0);
      assert.equal(api.resultFor(uri)!.report.inputs[0]!.compressed, true);
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
  });

  it('reads files of a virtual file system through VS Code and marks them the same way', async () => {
    const bytes = fs.readFileSync(fixture('repeated.jsonl').fsPath);
    const provider = new MemoryFileSystem({ '/repeated.jsonl': bytes });
    const registration = vscode.workspace.registerFileSystemProvider('collapselens-test', provider, { isReadonly: true });
    try {
      const uri = vscode.Uri.from({ scheme: 'collapselens-test', path: '/repeated.jsonl' });
      const outcome = await analyzeFile(uri);
      assert.equal(outcome.outcomes[0]!.kind, 'result');
      const [d] = ours(uri);
      assert.ok(d);
      assert.equal(codeOf(d), 'repeated-outputs');
      const doc = await vscode.workspace.openTextDocument(uri);
      assert.equal(doc.getText(d.range), '"The river bends past the old mill before it reaches town."');
      assert.equal(d.relatedInformation?.[0]?.location.uri.toString(), uri.toString());
    } finally {
      registration.dispose();
    }
  });

  it('reports no finding on healthy data and says so in the status bar', async () => {
    await clear();
    const uri = fixture('healthy.jsonl');
    const outcome = await analyzeFile(uri);
    assert.equal(outcome.outcomes[0]!.kind, 'result');
    assert.equal(ours(uri).length, 0);
    assert.equal(api.statusText, '$(check) no collapse');
    assert.ok(api.resultFor(uri), 'the result is kept for the report');
  });

  it('marks each malformed line with its column and analyzes the rest', async () => {
    const uri = fixture('malformed.jsonl');
    await analyzeFile(uri);
    const found = ours(uri).sort((a, b) => a.range.start.line - b.range.start.line);
    assert.deepEqual(found.map((d) => [codeOf(d), d.range.start.line, d.range.start.character]), [
      ['malformed-records', 3, 57],
      ['malformed-records', 8, 25],
    ]);
    assert.match(found[0]!.message, /2 of 12 records could not be read/);
    assert.match(found[1]!.message, /line 9, column 26/);
    assert.equal(api.resultFor(uri)!.report.inputs[0]!.records, 10);
  });

  it('clears every finding and hides the status bar item', async () => {
    await clear();
    for (const f of ['repeated.jsonl', 'decisions.csv', 'malformed.jsonl']) assert.equal(ours(fixture(f)).length, 0, f);
    assert.equal(api.statusText, '');
  });

  it('drops the findings of a file deleted from the editor', async () => {
    const copy = fixture('to-delete.jsonl');
    await vscode.workspace.fs.copy(fixture('repeated.jsonl'), copy, { overwrite: true });
    await analyzeFile(copy);
    assert.equal(ours(copy).length, 1);
    const edit = new vscode.WorkspaceEdit();
    edit.deleteFile(copy);
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('the diagnostics to go', () => ours(copy).length === 0);
    assert.equal(api.resultFor(copy), undefined);
  });

  it('drops the findings of a file deleted outside the editor', async () => {
    const copy = fixture('deleted-outside.jsonl');
    await vscode.workspace.fs.copy(fixture('repeated.jsonl'), copy, { overwrite: true });
    await analyzeFile(copy);
    assert.equal(ours(copy).length, 1);
    fs.unlinkSync(copy.fsPath);
    await waitFor('the file watcher to drop the diagnostics', () => ours(copy).length === 0, 15_000);
  });
});
