// Get Started, from the palette, the Open Report message and the walkthrough's own steps.
import * as vscode from 'vscode';
import type { Command, CollapseLens } from '../context';

export const COMMAND_GETTING_STARTED = 'collapseLens.gettingStarted';

/** The walkthrough of package.json's `contributes.walkthroughs`, opened by Get Started. */
export const WALKTHROUGH_ID = 'gettingStarted';

/** Opens the walkthrough: the first-run guide (VS Code also opens it when the extension is installed). */
export const gettingStarted = (ctx: CollapseLens): Command => async (): Promise<void> => {
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${ctx.extensionId}#${WALKTHROUGH_ID}`, false);
};
