// How a report is named and keyed: the panel of an analysis (its files), the source the page
// keeps in its state, the tab's and the page's titles, and the stem of an export's file name.
import * as vscode from 'vscode';
import { stripDataExtension } from '../../shared/formats';
import type { ReportSource } from '../../shared/protocol';
import { displayPath } from '../inputs';
import type { AnalysisRequest } from '../store';

/** Panels are found by the files they report on; a new baseline stays in the same panel. */
export function keyOf(request: AnalysisRequest): string {
  return [request.kind, ...request.uris.map((u) => u.toString())].join('\n');
}

export function sourceOf(request: AnalysisRequest): ReportSource {
  return { kind: request.kind, uris: request.uris.map((u) => u.toString()), ...(request.baseline ? { baseline: request.baseline } : {}) };
}

const baseName = (path: string) => path.slice(path.replace(/[\\/]+$/u, '').lastIndexOf('/') + 1);

function commonFolder(uris: readonly vscode.Uri[]): vscode.Uri | undefined {
  const dirs = uris.map((u) => vscode.Uri.joinPath(u, '..'));
  const first = dirs[0];
  return first && dirs.every((d) => d.toString() === first.toString()) ? first : undefined;
}

/** The tab says which file or folder; the page heading gives the path as the report names it. */
export function titlesOf(request: AnalysisRequest): { tab: string; page: string } {
  const uris = request.uris;
  if (uris.length === 1) {
    const path = displayPath(uris[0]!);
    return { tab: vscode.l10n.t('Collapse Lens: {0}', baseName(path)), page: path };
  }
  const folder = commonFolder(uris);
  const root = folder && vscode.workspace.workspaceFolders?.find((f) => f.uri.toString() === folder.toString());
  const path = root ? root.name : folder ? displayPath(folder) : undefined;
  if (path) return { tab: vscode.l10n.t('Collapse Lens: {0}', baseName(path)), page: path };
  const files = vscode.l10n.t('{0} files', uris.length);
  return { tab: vscode.l10n.t('Collapse Lens: {0}', files), page: files };
}

/** A file name for exports: the data file without its extensions, or the folder of the generations. */
export function exportStem(request: AnalysisRequest): string {
  const { page } = titlesOf(request);
  const stem = request.uris.length === 1 ? stripDataExtension(baseName(page)) : baseName(page);
  return stem.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/gu, '') || 'report';
}
