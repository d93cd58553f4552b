// Where Run Sample Scenario writes: the folder a choice names, what is there already, the
// next free name beside it, the folder step of the wizard, and the question asked before
// anything that exists is touched.
import * as vscode from 'vscode';
import { displayPath } from '../inputs';
import { BACK, pick } from '../ui/quickInput';
import type { Step } from '../ui/quickInput';
import { targetOf } from './choice';
import type { Choice, Where } from './choice';

/** Scenario folders go here inside a workspace folder, one per run: `<name>-seed<seed>`. */
export const SCENARIOS_FOLDER = 'collapse-lens-scenarios';

/** The scenarios folder of a workspace folder (the first one's is the default). */
export function underWorkspaceFolder(folder: vscode.WorkspaceFolder): Where {
  return { kind: 'under', parent: vscode.Uri.joinPath(folder.uri, SCENARIOS_FOLDER) };
}

/** The command's `folder` argument: a Uri, a URI string, an absolute path, or a path relative to the first workspace folder. */
export function folderUri(folder: vscode.Uri | string): vscode.Uri | undefined {
  if (folder instanceof vscode.Uri) return folder;
  if (typeof folder !== 'string' || !folder.trim()) return undefined;
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(folder)) return vscode.Uri.parse(folder);
  if (/^(\/|[a-z]:[\\/]|\\\\)/i.test(folder)) return vscode.Uri.file(folder);
  const ws = vscode.workspace.workspaceFolders?.[0];
  return ws ? vscode.Uri.joinPath(ws.uri, ...folder.split(/[\\/]+/).filter(Boolean)) : undefined;
}

/** `free`: absent or an empty folder; `folder`: a folder with something in it; `file`: not a folder. */
export async function folderState(uri: vscode.Uri): Promise<'free' | 'folder' | 'file'> {
  let stat: vscode.FileStat;
  try {
    stat = await vscode.workspace.fs.stat(uri);
  } catch {
    return 'free';
  }
  if (!(stat.type & vscode.FileType.Directory)) return 'file';
  return (await vscode.workspace.fs.readDirectory(uri)).length ? 'folder' : 'free';
}

/** `<folder>-2`, `-3`… : the first that does not exist yet. */
export async function freeSibling(folder: vscode.Uri): Promise<vscode.Uri> {
  const path = folder.path.replace(/\/+$/, '');
  for (let n = 2; ; n++) {
    const candidate = folder.with({ path: `${path}-${n}` });
    try {
      await vscode.workspace.fs.stat(candidate);
    } catch {
      return candidate;
    }
  }
}

interface WhereItem extends vscode.QuickPickItem {
  where?: Where;
}

/** The wizard's folder option: a workspace folder's scenarios folder, or one the user chooses. */
export async function pickWhere(choice: Choice): Promise<Step<Where>> {
  const items: WhereItem[] = (vscode.workspace.workspaceFolders ?? []).map((f) => ({
    label: `$(root-folder) ${f.name}`,
    description: `${SCENARIOS_FOLDER}/${choice.scenario.name}-seed${choice.seed}`,
    where: underWorkspaceFolder(f),
  }));
  items.push({ label: `$(folder-opened) ${vscode.l10n.t('Choose a folder…')}`, description: vscode.l10n.t('{0} is created in it', `${choice.scenario.name}-seed${choice.seed}`) });
  const chosen = await pick(items, { title: `${choice.scenario.name}: folder`, placeholder: vscode.l10n.t('Where the scenario folder is created') });
  if (chosen === undefined || chosen === BACK) return chosen;
  if (chosen.where) return chosen.where;
  const parent = await askParent();
  return parent ? { kind: 'under', parent } : BACK;
}

async function askParent(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: vscode.l10n.t('Write Scenario Here'),
    title: vscode.l10n.t('Collapse Lens: choose where to create the scenario folder'),
  });
  return picked?.[0];
}

export interface Placement {
  folder: vscode.Uri;
  /** Replace the scenario files of an earlier run in the folder (other files stay). */
  replace: boolean;
}

/** Without asking: a free target as it is; otherwise replace (when asked and it is a folder) or the next free name. */
export async function placeWithoutAsking(target: vscode.Uri, overwrite: boolean): Promise<Placement> {
  const state = await folderState(target);
  if (state === 'free') return { folder: target, replace: false };
  if (overwrite && state === 'folder') return { folder: target, replace: true };
  return { folder: await freeSibling(target), replace: false };
}

/** Resolves where to write, asking before anything that exists is touched. Undefined: back to the options. */
export async function placeFolder(choice: Choice): Promise<Placement | undefined> {
  if (choice.where.kind === 'ask') {
    const parent = await askParent();
    if (!parent) return undefined;
    choice.where = { kind: 'under', parent };
  }
  const target = targetOf(choice)!;
  const state = await folderState(target);
  if (state === 'free') return { folder: target, replace: false };
  const sibling = await freeSibling(target);
  const name = (u: vscode.Uri) => u.path.slice(u.path.lastIndexOf('/') + 1);
  const other = vscode.l10n.t('Write to {0}', name(sibling));
  const replace = vscode.l10n.t('Replace Files');
  // The first button is the default one (Enter): the choice that keeps every existing file.
  const buttons = state === 'folder' ? [other, replace] : [other];
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} already exists.', displayPath(target)),
    {
      modal: true,
      detail:
        state === 'folder'
          ? vscode.l10n.t(
              'Write the files to a new folder, {0}, or replace the scenario files in this one (gen-*.jsonl, gen-*.csv, README.md); anything else in it stays.',
              name(sibling),
            )
          : vscode.l10n.t('It is a file. Write to a new folder, {0}?', name(sibling)),
    },
    ...buttons,
  );
  if (answer === replace) return { folder: target, replace: true };
  if (answer === other) return { folder: sibling, replace: false };
  return undefined;
}
