// The results of past analyses and the one DiagnosticCollection they publish to. A file
// belongs to at most one analysis: a new analysis that reads a file replaces the old one.
import * as vscode from 'vscode';
import type { AnalysisResult } from '../shared/details';
import type { AnalysisTarget, PublishedDiagnostic, PublishedFile } from './diagnostics';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import type { JobReading, WorkerIssue } from '../worker/protocol';

/** What to analyze: one file, or several files as generations. */
export interface AnalysisRequest {
  kind: 'file' | 'generations';
  uris: vscode.Uri[];
  /** A baseline chosen in the report (group id); kept when the analysis runs again on save. */
  baseline?: string;
}

export interface AnalysisEntry {
  readonly request: AnalysisRequest;
  readonly targets: readonly AnalysisTarget[];
  readonly result: AnalysisResult;
  readonly issues: readonly WorkerIssue[];
  readonly files: ReadonlyMap<string, PublishedFile>;
  /** Which files the analysis read, and which it did not because they were unchanged. */
  readonly reading?: JobReading;
}

export interface FindingCounts {
  findings: number;
  errors: number;
  warnings: number;
  infos: number;
  /** Files analyzed (with or without findings). */
  files: number;
}

export class FindingsStore implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('collapseLens');
  private readonly byUri = new Map<string, AnalysisEntry>();
  private readonly changed = new vscode.EventEmitter<void>();
  private latestEntry: AnalysisEntry | undefined;
  readonly onDidChange = this.changed.event;

  set(entry: AnalysisEntry): void {
    for (const uri of entry.request.uris) {
      const old = this.byUri.get(uri.toString());
      if (old) this.forget(old);
    }
    for (const uri of entry.request.uris) this.byUri.set(uri.toString(), entry);
    for (const file of entry.files.values()) this.collection.set(file.uri, file.items.map((i) => i.diagnostic));
    this.latestEntry = entry;
    this.changed.fire();
  }

  entryFor(uri: vscode.Uri): AnalysisEntry | undefined {
    return this.byUri.get(uri.toString());
  }

  entries(): AnalysisEntry[] {
    return [...new Set(this.byUri.values())];
  }

  latest(): AnalysisEntry | undefined {
    return this.latestEntry;
  }

  /** Our published diagnostic that matches one handed back by VS Code (a copy, not the same object). */
  match(uri: vscode.Uri, d: vscode.Diagnostic): PublishedDiagnostic | undefined {
    if (d.source !== DIAGNOSTIC_SOURCE) return undefined;
    const items = this.byUri.get(uri.toString())?.files.get(uri.toString())?.items;
    const code = typeof d.code === 'object' ? d.code.value : d.code;
    return items?.find(
      (i) =>
        i.diagnostic.message === d.message &&
        i.diagnostic.range.isEqual(d.range) &&
        (typeof i.diagnostic.code === 'object' ? i.diagnostic.code.value : i.diagnostic.code) === code,
    );
  }

  /** Drops every analysis that read a file at or under `uri` (a deleted file or folder). */
  removeUnder(uri: vscode.Uri): boolean {
    const prefix = uri.toString().replace(/\/$/, '') + '/';
    const gone = this.entries().filter((e) => e.request.uris.some((u) => u.toString() === uri.toString() || u.toString().startsWith(prefix)));
    gone.forEach((e) => this.forget(e));
    if (gone.length) this.changed.fire();
    return gone.length > 0;
  }

  clear(): void {
    this.byUri.clear();
    this.collection.clear();
    this.latestEntry = undefined;
    this.changed.fire();
  }

  counts(): FindingCounts {
    const c: FindingCounts = { findings: 0, errors: 0, warnings: 0, infos: 0, files: this.byUri.size };
    for (const e of this.entries()) {
      for (const f of e.result.report.findings) {
        c.findings++;
        if (f.severity === 'error') c.errors++;
        else if (f.severity === 'warning') c.warnings++;
        else c.infos++;
      }
    }
    return c;
  }

  private forget(entry: AnalysisEntry): void {
    for (const uri of entry.request.uris) {
      if (this.byUri.get(uri.toString()) === entry) this.byUri.delete(uri.toString());
    }
    for (const file of entry.files.values()) this.collection.delete(file.uri);
    if (this.latestEntry === entry) this.latestEntry = this.entries().at(-1);
  }

  dispose(): void {
    this.collection.dispose();
    this.changed.dispose();
  }
}
