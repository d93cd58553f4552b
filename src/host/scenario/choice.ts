// What one run of Run Sample Scenario is made of (the scenario, its options, where the files
// go) and the extension's words for an option it refuses. The rules themselves are the
// engine's, shared with the CLI and the worker (src/core/scenarios/options.ts).
import * as vscode from 'vscode';
import type { ScenarioOptionProblem } from '../../core/scenarios/options';
import type { ParamValue, ScenarioFormat } from '../../core/scenarios/types';
import type { ScenarioInfo } from '../../worker/protocol';

/** Where the scenario folder goes: under a parent as `<name>-seed<seed>`, exactly here, or ask on run. */
export type Where = { kind: 'under'; parent: vscode.Uri } | { kind: 'exact'; folder: vscode.Uri } | { kind: 'ask' };

export interface Choice {
  scenario: ScenarioInfo;
  seed: number;
  generations: number;
  format: ScenarioFormat;
  params: Record<string, ParamValue>;
  where: Where;
}

/** The folder the files go into, or undefined while the user is still to choose it. */
export function targetOf(choice: Choice): vscode.Uri | undefined {
  switch (choice.where.kind) {
    case 'exact':
      return choice.where.folder;
    case 'under':
      return vscode.Uri.joinPath(choice.where.parent, `${choice.scenario.name}-seed${choice.seed}`);
    case 'ask':
      return undefined;
  }
}

/**
 * The message for a refused option, translated. `typed` is what the user typed, shown as typed;
 * otherwise the value given to the command is shown as JSON.
 */
export function optionError(problem: ScenarioOptionProblem | undefined, typed?: string): string | undefined {
  if (!problem) return undefined;
  const shown = (given: unknown) => (typed !== undefined ? `'${typed}'` : JSON.stringify(given));
  switch (problem.option) {
    case 'seed':
      return vscode.l10n.t('seed must be an integer between {0} and {1} (got {2})', problem.min, problem.max, shown(problem.got));
    case 'generations':
      return vscode.l10n.t("generations for scenario '{0}' must be an integer between {1} and {2} (got {3})", problem.scenario, problem.min, problem.max, shown(problem.got));
    case 'format':
      return vscode.l10n.t('format must be jsonl or csv (got {0})', shown(problem.got));
    case 'param':
      // The engine's words: they name the parameter as the CLI does.
      return problem.message;
  }
}

export function sentence(message: string): string {
  return /[.!?]$/.test(message) ? message : `${message}.`;
}
