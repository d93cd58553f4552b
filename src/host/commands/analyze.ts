// Analyze File, Analyze Selected Files as Generations and Analyze Workspace: which files (the
// Explorer's selection, the active editor, a dialog or a quick pick), then the analysis, then
// a message with a way to the report.
import * as vscode from 'vscode';
import { FORMAT_BY_EXTENSION, SUPPORTED_DESCRIPTION } from '../../shared/formats';
import type { RunOutcome } from '../analyzer';
import type { Command, CollapseLens } from '../context';
import { displayPath, isSupported, orderGenerations } from '../inputs';
import type { AnalysisEntry, AnalysisRequest } from '../store';

/** Analyze Workspace stops listing files here; the rest are named in the log. */
export const MAX_WORKSPACE_FILES = 5000;

/** Explorer menus pass (clicked resource, all selected resources); the palette passes nothing. */
function selection(uri: unknown, selected: unknown): vscode.Uri[] {
  if (Array.isArray(selected) && selected.length && selected.every((u) => u instanceof vscode.Uri)) return selected as vscode.Uri[];
  if (uri instanceof vscode.Uri) return [uri];
  const doc = vscode.window.activeTextEditor?.document;
  return doc && !doc.isUntitled ? [doc.uri] : [];
}

/** The analysis reads files from disk; say so when the editor holds unsaved changes. */
function warnIfUnsaved(uris: readonly vscode.Uri[]): void {
  const keys = new Set(uris.map((u) => u.toString()));
  const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty && keys.has(d.uri.toString()));
  if (dirty.length) {
    const names = dirty.map((d) => displayPath(d.uri)).join(', ');
    void vscode.window.showWarningMessage(
      dirty.length === 1
        ? vscode.l10n.t('{0} has unsaved changes; Collapse Lens analyzes the saved file. Save to analyze your edits.', names)
        : vscode.l10n.t('{0} have unsaved changes; Collapse Lens analyzes the saved files. Save to analyze your edits.', names),
    );
  }
}

function supportedOnly(uris: vscode.Uri[]): vscode.Uri[] {
  const ok = uris.filter(isSupported);
  const skipped = uris.filter((u) => !isSupported(u));
  if (skipped.length) {
    const names = `${skipped.slice(0, 3).map(displayPath).join(', ')}${skipped.length > 3 ? ', …' : ''}`;
    void vscode.window.showErrorMessage(
      skipped.length === 1
        ? vscode.l10n.t('Collapse Lens reads {0}; {1} is not.', SUPPORTED_DESCRIPTION, names)
        : vscode.l10n.t('Collapse Lens reads {0}; {1} are not.', SUPPORTED_DESCRIPTION, names),
    );
  }
  return ok;
}

/**
 * Runs an analysis the user asked for, then says what it found with a way to the report (the
 * analysis with the most severe findings), unless that report is on screen already.
 */
async function analyzeAndOffer(ctx: CollapseLens, requests: AnalysisRequest[]): Promise<RunOutcome> {
  const outcome = await ctx.runner.run(requests, { location: vscode.ProgressLocation.Notification });
  const found = outcome.outcomes.flatMap((o) => (o.kind === 'result' && o.entry.result.report.findings.length ? [o.entry] : []));
  if (outcome.cancelled || !found.length) return outcome;
  const errors = (e: AnalysisEntry) => e.result.report.findings.filter((f) => f.severity === 'error').length;
  const worst = [...found].sort((a, b) => errors(b) - errors(a) || b.result.report.findings.length - a.result.report.findings.length)[0]!;
  if (ctx.presenter.isVisible(worst.result)) return outcome;
  const count = found.reduce((n, e) => n + e.result.report.findings.length, 0);
  const where = found.length > 1
    ? vscode.l10n.t('{0} analyses', found.length)
    : worst.targets.length === 1
      ? worst.targets[0]!.display
      : vscode.l10n.t('{0} generations', worst.targets.length);
  const openReport = vscode.l10n.t('Open Report');
  const message = count === 1 ? vscode.l10n.t('Collapse Lens: 1 finding in {0}.', where) : vscode.l10n.t('Collapse Lens: {0} findings in {1}.', count, where);
  void vscode.window.showInformationMessage(message, openReport).then((choice) => {
    if (choice === openReport) void ctx.presenter.show(worst.result);
  });
  return outcome;
}

async function workspaceFiles(ctx: CollapseLens): Promise<vscode.Uri[]> {
  const found: vscode.Uri[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const cfg = await ctx.config.get(folder.uri);
    const include = new vscode.RelativePattern(folder, cfg.include);
    const exclude = cfg.exclude ? new vscode.RelativePattern(folder, cfg.exclude) : undefined;
    found.push(...(await vscode.workspace.findFiles(include, exclude, MAX_WORKSPACE_FILES - found.length)).filter(isSupported));
    if (found.length >= MAX_WORKSPACE_FILES) {
      ctx.log.warn(`Analyze Workspace lists at most ${MAX_WORKSPACE_FILES} files; narrow collapseLens.include to choose which.`);
      break;
    }
  }
  return orderGenerations(found);
}

/** Analyze File with no file selected or open (the palette, the walkthrough): ask for one. */
async function chooseDataFile(): Promise<vscode.Uri[]> {
  const extensions = [...Object.keys(FORMAT_BY_EXTENSION).map((e) => e.slice(1)), 'gz'];
  const chosen = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('Collapse Lens: choose a file of model outputs to analyze'),
    openLabel: vscode.l10n.t('Analyze'),
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    filters: { [vscode.l10n.t('Model outputs')]: extensions },
    ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
  });
  return chosen ?? [];
}

export const analyzeFile = (ctx: CollapseLens): Command => async (uri?: unknown, selected?: unknown): Promise<RunOutcome | undefined> => {
  let picked = selection(uri, selected);
  if (!picked.length) picked = await chooseDataFile();
  if (!picked.length) return undefined;
  const uris = supportedOnly(picked);
  if (!uris.length) return undefined;
  warnIfUnsaved(uris);
  return analyzeAndOffer(ctx, uris.map((u) => ({ kind: 'file', uris: [u] })));
};

export const analyzeGenerations = (ctx: CollapseLens): Command => async (uri?: unknown, selected?: unknown): Promise<RunOutcome | undefined> => {
  let uris = Array.isArray(selected) && selected.length > 1 ? supportedOnly(selection(uri, selected)) : [];
  if (uris.length < 2) {
    // From the palette (or a single file): let the user pick the generations.
    const files = await workspaceFiles(ctx);
    const chosen = await vscode.window.showQuickPick(
      files.map((f) => ({ label: displayPath(f), uri: f, picked: uris.some((u) => u.toString() === f.toString()) })),
      {
        canPickMany: true,
        title: vscode.l10n.t('Collapse Lens: choose the generations (the first in natural order is the baseline)'),
        placeHolder: vscode.l10n.t('Select two or more files'),
      },
    );
    if (!chosen) return undefined;
    uris = chosen.map((c) => c.uri);
  }
  if (uris.length < 2) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Select at least two files to compare them as generations.'));
    return undefined;
  }
  warnIfUnsaved(uris);
  return analyzeAndOffer(ctx, [{ kind: 'generations', uris: orderGenerations(uris) }]);
};

export const analyzeWorkspace = (ctx: CollapseLens): Command => async (): Promise<RunOutcome | undefined> => {
  const files = await workspaceFiles(ctx);
  if (!files.length) {
    const cfg = await ctx.config.get();
    void vscode.window.showInformationMessage(vscode.l10n.t('No file in the workspace matches collapseLens.include ({0}).', cfg.include));
    return undefined;
  }
  return analyzeAndOffer(ctx, files.map((u) => ({ kind: 'file', uris: [u] })));
};
