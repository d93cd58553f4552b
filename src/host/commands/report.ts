// Open Report and Clear Findings, and the internal command that hands a page command to a
// report panel (tests drive the page through it).
import * as vscode from 'vscode';
import type { OpenReportArgs } from '../codeActions';
import type { Command, CollapseLens } from '../context';
import { COMMAND_RUN_SCENARIO } from '../scenario/command';
import { COMMAND_GETTING_STARTED } from './gettingStarted';

export const clearFindings = (ctx: CollapseLens): Command => async (): Promise<void> => {
  ctx.runner.cancelAll();
  ctx.store.clear();
  await ctx.clearStates();
};

export const openReport = (ctx: CollapseLens): Command => async (arg?: unknown): Promise<void> => {
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

/** Internal: (uri | undefined, command) — runs a page command on the report panel of the analysis that covers `uri`. */
export const reportCommand = (ctx: CollapseLens): Command => (uri: unknown, command: unknown) =>
  ctx.presenter.dispatch(uri instanceof vscode.Uri ? uri : undefined, command);
