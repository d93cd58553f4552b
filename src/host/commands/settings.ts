// The quick fixes' commands: Choose Field (a field path for a role, picked from the file's
// fields or typed) and Update Setting (disable a rule, change a threshold). Each writes the
// setting and analyzes the file again.
import * as vscode from 'vscode';
import { compileFieldPath, FieldPathError } from '../../core/fieldPath';
import { FIELD_ROLES } from '../../shared/report';
import type { FieldRole } from '../../shared/report';
import type { RunOutcome } from '../analyzer';
import type { ChooseFieldArgs, UpdateSettingArgs } from '../codeActions';
import { fieldSettingKey } from '../config';
import type { Command, CollapseLens } from '../context';
import { targetsOf, workerInput } from '../inputs';
import type { AnalysisRequest } from '../store';

/** Re-runs the analysis that covers `uri` (after a setting it depends on changed). */
async function reanalyze(ctx: CollapseLens, uri: vscode.Uri): Promise<RunOutcome | undefined> {
  const entry = ctx.store.entryFor(uri);
  const request: AnalysisRequest = entry?.request ?? { kind: 'file', uris: [uri] };
  return ctx.runner.run([request], { location: vscode.ProgressLocation.Window });
}

export const chooseField = (ctx: CollapseLens): Command => async (args: ChooseFieldArgs): Promise<RunOutcome | undefined> => {
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

export const updateSetting = (ctx: CollapseLens): Command => async (args: UpdateSettingArgs): Promise<RunOutcome | undefined> => {
  await ctx.config.update(args.key, args.value, args.uri);
  return reanalyze(ctx, args.uri);
};
