// Open Config File: the workspace folder's collapselens.json, written first with every
// threshold at its default when there is none.
import * as vscode from 'vscode';
import { CONFIG_FILE_NAME } from '../../core/config';
import { DEFAULT_THRESHOLDS } from '../../core/options';
import type { Command, CollapseLens } from '../context';
import { displayPath } from '../inputs';

export const COMMAND_OPEN_CONFIG_FILE = 'collapseLens.openConfigFile';

/** The starter collapselens.json: every threshold at its default, ready to change, and no rule disabled. */
export function configFileTemplate(): string {
  return `${JSON.stringify({ thresholds: { ...DEFAULT_THRESHOLDS }, disabledRules: [] }, null, 2)}\n`;
}

/** Opens the folder's collapselens.json, first writing the starter when there is none. */
export const openConfigFile = (ctx: CollapseLens): Command => async (): Promise<vscode.Uri | undefined> => {
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
