// Entry point of the VS Code extension. As rust-analyzer's main.ts does, it builds the command
// map and hands it to the services (src/host/context.ts), which register it: the commands
// know the services, the services know no command, and nothing imports this file.
import type * as vscode from 'vscode';
import { COMMAND_CHOOSE_FIELD, COMMAND_OPEN_REPORT, COMMAND_UPDATE_SETTING } from './host/codeActions';
import { analyzeFile, analyzeGenerations, analyzeWorkspace } from './host/commands/analyze';
import { COMMAND_OPEN_CONFIG_FILE, openConfigFile } from './host/commands/configFile';
import { COMMAND_GETTING_STARTED, gettingStarted } from './host/commands/gettingStarted';
import { clearFindings, openReport, reportCommand } from './host/commands/report';
import { chooseField, updateSetting } from './host/commands/settings';
import { CollapseLens } from './host/context';
import type { CollapseLensApi, CommandFactory } from './host/context';
import { COMMAND_REPORT_COMMAND } from './host/report/panels';
import { COMMAND_RUN_SCENARIO, runScenario } from './host/scenario/command';

export type { CollapseLensApi };

/** Every command of the extension: the contributed ones (package.json) and the internal ones behind quick fixes and the report page. */
function createCommands(): Record<string, CommandFactory> {
  return {
    'collapseLens.analyzeFile': analyzeFile,
    'collapseLens.analyzeGenerations': analyzeGenerations,
    'collapseLens.analyzeWorkspace': analyzeWorkspace,
    'collapseLens.clearFindings': clearFindings,
    [COMMAND_OPEN_REPORT]: openReport,
    [COMMAND_RUN_SCENARIO]: runScenario,
    [COMMAND_GETTING_STARTED]: gettingStarted,
    [COMMAND_OPEN_CONFIG_FILE]: openConfigFile,
    [COMMAND_REPORT_COMMAND]: reportCommand,
    [COMMAND_CHOOSE_FIELD]: chooseField,
    [COMMAND_UPDATE_SETTING]: updateSetting,
  };
}

export function activate(context: vscode.ExtensionContext): CollapseLensApi {
  const lens = new CollapseLens(context, createCommands());
  context.subscriptions.push(lens);
  return lens.api();
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
