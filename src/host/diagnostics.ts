// Findings → diagnostics: one per finding at the record's line, the offending field's value
// underlined when it can be found, plus one per malformed line.
import * as vscode from 'vscode';
import type { AnalysisResult } from '../shared/details';
import { METRIC_BY_KEY } from '../shared/metrics';
import type { FieldRole, FieldRoles, Finding, InputFormat, InputSummary, Location, Severity } from '../shared/report';
import { findDelimitedFieldValue, findJsonFieldValue } from '../core/locate';
import type { WorkerIssue } from '../worker/protocol';

export const DIAGNOSTIC_SOURCE = 'Collapse Lens';
export const RULE_DOCS = 'https://github.com/collapse-lens/collapse-lens';

/** Files above this are not opened as documents: the line is underlined whole instead. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
/** A JSON array element may spread over lines; look this far for its field. */
const JSON_OBJECT_LINES = 400;
/** Per-line diagnostics for malformed records, per file. */
export const MAX_MALFORMED_DIAGNOSTICS = 100;

/** A file of an analysis: where it lives and how the report names it. */
export interface AnalysisTarget {
  uri: vscode.Uri;
  display: string;
}

export interface PublishedDiagnostic {
  diagnostic: vscode.Diagnostic;
  /** The finding behind the diagnostic (for a malformed line: the file's malformed-records finding). */
  finding: Finding;
  /** Index of the finding in `report.findings`, to open the report at it. */
  findingIndex: number;
  /** The field role the finding is about, when a field can be chosen for it. */
  role?: FieldRole;
}

export interface PublishedFile {
  uri: vscode.Uri;
  items: PublishedDiagnostic[];
}

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function ruleDocsUri(rule: string): vscode.Uri {
  return vscode.Uri.parse(`${RULE_DOCS}#rule-${rule}`);
}

/** Which field role a finding is about, from its metric, else from its rule. */
export function roleOfFinding(finding: Finding, fields: FieldRoles): FieldRole | undefined {
  const labelRole: FieldRole = fields.prediction ? 'prediction' : 'label';
  switch (finding.metric ? METRIC_BY_KEY.get(finding.metric)?.role : undefined) {
    case 'text':
      return 'text';
    case 'vectors':
      return 'vector';
    case 'labels':
      return finding.metric === 'accuracy' ? 'prediction' : labelRole;
    case 'values':
      return 'value';
  }
  switch (finding.rule) {
    case 'repeated-outputs':
    case 'dominant-output':
      return finding.metric === 'top_share' ? labelRole : 'text';
    case 'pairwise-distance-collapse':
      return 'vector';
    case 'accuracy-below-threshold':
      return 'prediction';
    case 'tail-loss':
      return fields.value ? 'value' : 'text';
    default:
      return undefined;
  }
}

/** Reads record lines of a file through its TextDocument, when the file is small enough. */
class RecordLines {
  private readonly documents = new Map<string, Promise<vscode.TextDocument | undefined>>();

  constructor(private readonly inputs: ReadonlyMap<string, InputSummary>) {}

  private document(uri: vscode.Uri, display: string): Promise<vscode.TextDocument | undefined> {
    const key = uri.toString();
    let doc = this.documents.get(key);
    if (!doc) {
      const input = this.inputs.get(display);
      const readable = input && !input.compressed && (input.bytes ?? Infinity) <= MAX_DOCUMENT_BYTES;
      doc = readable ? Promise.resolve(vscode.workspace.openTextDocument(uri)).then((d) => d, () => undefined) : Promise.resolve(undefined);
      this.documents.set(key, doc);
    }
    return doc;
  }

  /** Range for a location: the field's value, else from the column, else the whole line. */
  async range(uri: vscode.Uri, location: Location, field: string | null | undefined): Promise<vscode.Range> {
    const line = Math.max(0, location.line - 1);
    const column = location.column !== undefined ? Math.max(0, location.column - 1) : undefined;
    const doc = await this.document(uri, location.file);
    if (!doc || line >= doc.lineCount) {
      // The line's length is unknown; the editor clamps the end to it.
      return new vscode.Range(line, column ?? 0, line, Number.MAX_SAFE_INTEGER);
    }
    const text = doc.lineAt(line);
    if (column !== undefined) return new vscode.Range(line, Math.min(column, text.range.end.character), line, text.range.end.character);
    const format = this.inputs.get(location.file)?.format;
    if (field && format) {
      const span = locateField(doc, line, field, format);
      if (span) return span;
    }
    return new vscode.Range(line, text.firstNonWhitespaceCharacterIndex, line, text.range.end.character);
  }
}

function locateField(doc: vscode.TextDocument, line: number, field: string, format: InputFormat): vscode.Range | undefined {
  if (format === 'jsonl') {
    const span = findJsonFieldValue(doc.lineAt(line).text, field);
    return span && new vscode.Range(line, span.start, line, span.end);
  }
  if (format === 'json') {
    const start = new vscode.Position(line, 0);
    const end = doc.lineAt(Math.min(doc.lineCount - 1, line + JSON_OBJECT_LINES)).range.end;
    const span = findJsonFieldValue(doc.getText(new vscode.Range(start, end)), field);
    const base = doc.offsetAt(start);
    return span && new vscode.Range(doc.positionAt(base + span.start), doc.positionAt(base + span.end));
  }
  if (line === 0) return undefined;
  const header = doc.lineAt(0).text;
  const span = findDelimitedFieldValue(header, doc.lineAt(line).text, field, format === 'tsv' ? '\t' : ',');
  return span && new vscode.Range(line, span.start, line, span.end);
}

/** The diagnostics of one analysis, per file. */
export async function diagnosticsForResult(
  result: AnalysisResult,
  issues: readonly WorkerIssue[],
  targets: readonly AnalysisTarget[],
): Promise<Map<string, PublishedFile>> {
  const report = result.report;
  const byDisplay = new Map(targets.map((t) => [t.display, t.uri]));
  const inputs = new Map(report.inputs.map((i) => [i.file, i]));
  const lines = new RecordLines(inputs);
  const files = new Map<string, PublishedFile>();
  for (const t of targets) files.set(t.uri.toString(), { uri: t.uri, items: [] });
  const uriOf = (loc: Location) => byDisplay.get(loc.file) ?? targets[0]!.uri;
  const add = (uri: vscode.Uri, item: PublishedDiagnostic) => {
    const key = uri.toString();
    let f = files.get(key);
    if (!f) files.set(key, (f = { uri, items: [] }));
    f.items.push(item);
  };

  for (const [findingIndex, finding] of report.findings.entries()) {
    const role = roleOfFinding(finding, report.fields);
    const field = role ? report.fields[role] : undefined;
    const uri = uriOf(finding.location);
    const d = new vscode.Diagnostic(await lines.range(uri, finding.location, field), finding.message, SEVERITY[finding.severity]);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = { value: finding.rule, target: ruleDocsUri(finding.rule) };
    if (finding.related?.length) {
      d.relatedInformation = await Promise.all(
        finding.related.map(async (r) => {
          const ruri = uriOf(r.location);
          return new vscode.DiagnosticRelatedInformation(new vscode.Location(ruri, await lines.range(ruri, r.location, field)), r.message);
        }),
      );
    }
    add(uri, { diagnostic: d, finding, findingIndex, ...(role && field !== undefined ? { role } : {}) });
  }

  // One diagnostic per malformed line, beside the file's summary finding (which sits on the first).
  for (const input of report.inputs) {
    if (!input.malformed) continue;
    const findingIndex = report.findings.findIndex((f) => f.rule === 'malformed-records' && f.location.file === input.file);
    const summary = report.findings[findingIndex];
    if (!summary) continue;
    const uri = byDisplay.get(input.file);
    if (!uri) continue;
    const mine = issues.filter((i) => i.file === input.file);
    const described = new Set(mine.map((i) => i.line));
    const located: { line: number; column?: number; message: string }[] = [
      ...mine,
      ...(input.malformedLines ?? []).filter((l) => !described.has(l)).map((line) => ({ line, message: vscode.l10n.t('this record could not be read') })),
    ];
    for (const issue of located.slice(0, MAX_MALFORMED_DIAGNOSTICS)) {
      if (issue.line === summary.location.line) continue;
      const loc: Location = { file: input.file, line: issue.line, ...(issue.column !== undefined ? { column: issue.column } : {}) };
      const reason = issue.message.replace(/\.$/, '');
      const message = issue.column !== undefined
        ? vscode.l10n.t('Record skipped (line {0}, column {1}): {2}.', issue.line, issue.column, reason)
        : vscode.l10n.t('Record skipped (line {0}): {1}.', issue.line, reason);
      const d = new vscode.Diagnostic(await lines.range(uri, loc, undefined), message, SEVERITY[summary.severity]);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = { value: summary.rule, target: ruleDocsUri(summary.rule) };
      add(uri, { diagnostic: d, finding: summary, findingIndex });
    }
  }
  return files;
}
