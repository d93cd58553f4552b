// Every command of the extension, registered in one place. Contributed commands (package.json)
// and the internal ones behind quick fixes share the map.
import * as vscode from 'vscode';
import { FIELD_ROLES } from '../shared/report';
import { FORMAT_BY_EXTENSION, SUPPORTED_DESCRIPTION } from '../shared/formats';
import { CONFIG_FILE_NAME } from '../core/config';
import { compileFieldPath, FieldPathError } from '../core/fieldPath';
import { DEFAULT_THRESHOLDS } from '../core/options';
import type { FieldRole } from '../shared/report';
import type { RunOutcome } from './analyzer';
import { COMMAND_CHOOSE_FIELD, COMMAND_OPEN_REPORT, COMMAND_UPDATE_SETTING } from './codeActions';
import type { ChooseFieldArgs, OpenReportArgs, UpdateSettingArgs } from './codeActions';
import { fieldSettingKey } from './config';
import type { CollapseLens } from './context';
import { displayPath, isSupported, orderGenerations, targetsOf, workerInput } from './inputs';
import { COMMAND_REPORT_COMMAND } from './reportPanel';
import { COMMAND_RUN_SCENARIO, runScenario } from './scenarioCommand';
import type { AnalysisEntry, AnalysisRequest } from './store';

export const COMMAND_GETTING_STARTED = 'collapseLens.gettingStarted';
export const COMMAND_OPEN_CONFIG_FILE = 'collapseLens.openConfigFile';

/** Analyze Workspace stops listing files here; the rest are named in the log. */
export const MAX_WORKSPACE_FILES = 5000;

/** The walkthrough of package.json's `contributes.walkthroughs`, opened by Get Started. */
export const WALKTHROUGH_ID = 'gettingStarted';

type Command = (...args: any[]) => unknown;

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

const analyzeFile = (ctx: CollapseLens): Command => async (uri?: unknown, selected?: unknown): Promise<RunOutcome | undefined> => {
  let picked = selection(uri, selected);
  if (!picked.length) picked = await chooseDataFile();
  if (!picked.length) return undefined;
  const uris = supportedOnly(picked);
  if (!uris.length) return undefined;
  warnIfUnsaved(uris);
  return analyzeAndOffer(ctx, uris.map((u) => ({ kind: 'file', uris: [u] })));
};

const analyzeGenerations = (ctx: CollapseLens): Command => async (uri?: unknown, selected?: unknown): Promise<RunOutcome | undefined> => {
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

const analyzeWorkspace = (ctx: CollapseLens): Command => async (): Promise<RunOutcome | undefined> => {
  const files = await workspaceFiles(ctx);
  if (!files.length) {
    const cfg = await ctx.config.get();
    void vscode.window.showInformationMessage(vscode.l10n.t('No file in the workspace matches collapseLens.include ({0}).', cfg.include));
    return undefined;
  }
  return analyzeAndOffer(ctx, files.map((u) => ({ kind: 'file', uris: [u] })));
};

const clearFindings = (ctx: CollapseLens): Command => () => {
  ctx.runner.cancelAll();
  ctx.store.clear();
};

const openReport = (ctx: CollapseLens): Command => async (arg?: unknown): Promise<void> => {
  const args = arg && typeof arg === 'object' && 'findingIndex' in arg ? (arg as OpenReportArgs) : undefined;
  const uri = args?.uri ?? (arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri);
  const entry = (uri && ctx.store.entryFor(uri)) || ctx.store.latest();
  if (!entry) {
    // The empty state: say how to get results, with the ways to get some.
    const scenario = vscode.l10n.t('Run a Sample Scenario');
    const start = vscode.l10n.t('Get Started');
    void vscode.window
      .showInformationMessage(vscode.l10n.t('Collapse Lens has no results yet: analyze a file first (right-click it in the Explorer), or run a sample scenario.'), scenario, start)
      .then((choice) => {
        if (choice === scenario) void vscode.commands.executeCommand(COMMAND_RUN_SCENARIO);
        if (choice === start) void vscode.commands.executeCommand(COMMAND_GETTING_STARTED);
      });
    return;
  }
  const focus = args ? entry.result.report.findings[args.findingIndex] : undefined;
  await ctx.presenter.show(entry.result, focus);
};

/** Re-runs the analysis that covers `uri` (after a setting it depends on changed). */
async function reanalyze(ctx: CollapseLens, uri: vscode.Uri): Promise<RunOutcome | undefined> {
  const entry = ctx.store.entryFor(uri);
  const request: AnalysisRequest = entry?.request ?? { kind: 'file', uris: [uri] };
  return ctx.runner.run([request], { location: vscode.ProgressLocation.Window });
}

const chooseField = (ctx: CollapseLens): Command => async (args: ChooseFieldArgs): Promise<RunOutcome | undefined> => {
  if (!(FIELD_ROLES as readonly string[]).includes(args.role)) return undefined;
  const role = args.role as FieldRole;
  let field = args.field;
  if (field === undefined) {
    const cfg = await ctx.config.get(args.uri);
    const [input] = targetsOf([args.uri]);
    let fields: string[];
    try {
      fields = await ctx.pool.listFields(await workerInput(input!, cfg.maxFileBytes));
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Collapse Lens cannot list the fields of {0}: {1}', input!.display, (e as Error).message));
      return undefined;
    }
    const current = ctx.store.entryFor(args.uri)?.result.report.fields[role] ?? undefined;
    const chosen = await pickFieldPath(role, fields, current);
    if (chosen === undefined) return undefined;
    field = chosen;
  }
  await ctx.config.update(fieldSettingKey(role), field === '' ? undefined : field, args.uri);
  return reanalyze(ctx, args.uri);
};

type FieldItem = vscode.QuickPickItem & { field: string };

/**
 * The paths found in the file, plus whatever path the user types (checked as it is typed:
 * a syntax error shows where it is). Resolves to '' for "detect automatically".
 */
function pickFieldPath(role: FieldRole, fields: readonly string[], current: string | undefined): Promise<string | undefined> {
  const found: FieldItem[] = [
    ...fields.map((f) => ({ label: f, field: f, ...(f === current ? { description: vscode.l10n.t('in use') } : {}) })),
    { label: `$(sparkle) ${vscode.l10n.t('Detect automatically')}`, field: '', description: vscode.l10n.t('remove the override') },
  ];
  const pick = vscode.window.createQuickPick<FieldItem>();
  pick.title = vscode.l10n.t('Collapse Lens: field for the {0} role', role);
  pick.placeholder = vscode.l10n.t('Pick a path or type one (e.g. {0}); written to {1}', 'choices[*].message.content', `collapseLens.${fieldSettingKey(role)}`);
  pick.items = found;
  pick.onDidChangeValue((value) => {
    const typed = value.trim();
    if (!typed || fields.includes(typed)) {
      pick.items = found;
      return;
    }
    let item: FieldItem;
    try {
      compileFieldPath(typed);
      item = { label: typed, field: typed, description: vscode.l10n.t('use this path'), alwaysShow: true };
    } catch (e) {
      item = { label: `$(error) ${typed}`, field: '\u0000', description: e instanceof FieldPathError ? e.message : String(e), alwaysShow: true };
    }
    pick.items = [item, ...found];
  });
  return new Promise((resolve) => {
    let done = false;
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0];
      if (!item || item.field === '\u0000') return;
      done = true;
      resolve(item.field);
      pick.hide();
    });
    pick.onDidHide(() => {
      if (!done) resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}

const updateSetting = (ctx: CollapseLens): Command => async (args: UpdateSettingArgs): Promise<RunOutcome | undefined> => {
  await ctx.config.update(args.key, args.value, args.uri);
  return reanalyze(ctx, args.uri);
};

/** Opens the walkthrough: the first-run guide (VS Code also opens it when the extension is installed). */
const gettingStarted = (ctx: CollapseLens): Command => async (): Promise<void> => {
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${ctx.extensionId}#${WALKTHROUGH_ID}`, false);
};

/** The starter collapselens.json: every threshold at its default, ready to change, and no rule disabled. */
export function configFileTemplate(): string {
  return `${JSON.stringify({ thresholds: { ...DEFAULT_THRESHOLDS }, disabledRules: [] }, null, 2)}\n`;
}

/** Opens the folder's collapselens.json, first writing the starter when there is none. */
const openConfigFile = (ctx: CollapseLens): Command => async (): Promise<vscode.Uri | undefined> => {
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = (active && vscode.workspace.getWorkspaceFolder(active)) || vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a folder first: {0} sets the options of the files in a workspace folder.', CONFIG_FILE_NAME));
    return undefined;
  }
  const uri = vscode.Uri.joinPath(folder.uri, CONFIG_FILE_NAME);
  const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
  if (!exists) {
    try {
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(configFileTemplate()));
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Collapse Lens could not create {0}: {1}', displayPath(uri), (e as Error).message));
      return undefined;
    }
    ctx.log.info(`created ${displayPath(uri)} with the default thresholds`);
  }
  await vscode.window.showTextDocument(uri);
  return uri;
};

const COMMANDS = {
  'collapseLens.analyzeFile': analyzeFile,
  'collapseLens.analyzeGenerations': analyzeGenerations,
  'collapseLens.analyzeWorkspace': analyzeWorkspace,
  'collapseLens.clearFindings': clearFindings,
  [COMMAND_OPEN_REPORT]: openReport,
  [COMMAND_RUN_SCENARIO]: runScenario,
  [COMMAND_GETTING_STARTED]: gettingStarted,
  [COMMAND_OPEN_CONFIG_FILE]: openConfigFile,
  [COMMAND_REPORT_COMMAND]: (ctx: CollapseLens): Command => (uri: unknown, command: unknown) =>
    ctx.presenter.dispatch(uri instanceof vscode.Uri ? uri : undefined, command),
  [COMMAND_CHOOSE_FIELD]: chooseField,
  [COMMAND_UPDATE_SETTING]: updateSetting,
} satisfies Record<string, (ctx: CollapseLens) => Command>;

export type CommandId = keyof typeof COMMANDS;

export function registerCommands(ctx: CollapseLens): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, factory]) => vscode.commands.registerCommand(id, factory(ctx)));
}
