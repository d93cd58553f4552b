// Collapse Lens: Run Sample Scenario… — choose a scenario and its options (wizard.ts), or pass
// them as an argument (checked here), simulate it in a worker, write the files into a new
// folder through VS Code's file system (placement.ts, write.ts), then analyze them as
// generations the way Analyze Selected Files as Generations does and show the findings, the
// report and a summary against what the scenario expects.
import * as vscode from 'vscode';
import { DEFAULT_SCENARIO_FORMAT, DEFAULT_SCENARIO_SEED, formatProblem, generationsProblem, seedProblem } from '../../core/scenarios/options';
import type { ParamValue, ScenarioExpectation, ScenarioFormat } from '../../core/scenarios/types';
import { ScenarioError } from '../../worker/client';
import type { AnalysisWorkerPool } from '../../worker/client';
import type { GeneratedScenario, ScenarioInfo } from '../../worker/protocol';
import type { RunOutcome } from '../analyzer';
import type { Command, CollapseLens } from '../context';
import { displayPath, orderGenerations } from '../inputs';
import type { AnalysisRequest } from '../store';
import { optionError, sentence, targetOf } from './choice';
import type { Choice, Where } from './choice';
import { folderUri, placeWithoutAsking, underWorkspaceFolder } from './placement';
import type { Placement } from './placement';
import { runWizard } from './wizard';
import { writeScenarioFiles } from './write';

export const COMMAND_RUN_SCENARIO = 'collapseLens.runScenario';

/**
 * The command's optional argument, for tests, keybindings and other extensions. With `name`
 * nothing is asked: options not given take their defaults, and bad options give an error
 * message (and a result of kind `invalid`). Without `name` the quick picks open, prefilled.
 */
export interface RunScenarioArgs {
  /** A name of `collapse-lens scenario --list`. */
  name?: string;
  /** Integer; default 42. */
  seed?: number;
  /** Default: the scenario's own. */
  generations?: number;
  /** Default `jsonl`. */
  format?: ScenarioFormat;
  /** The scenario's parameters, typed (`{ samples: 50 }`) or as on the command line (`{ samples: '50' }`). */
  params?: Record<string, ParamValue>;
  /**
   * The folder the files go into: a Uri, a URI string, an absolute path, or a path relative to
   * the first workspace folder. Default `collapse-lens-scenarios/<name>-seed<seed>` in the
   * first workspace folder.
   */
  folder?: vscode.Uri | string;
  /**
   * When the folder already holds files: `true` replaces the scenario's files in it (other
   * files stay); `false` (the default without a prompt) writes to `<folder>-2`, `-3`…
   */
  overwrite?: boolean;
}

export type RunScenarioResult =
  | {
      kind: 'written';
      folder: vscode.Uri;
      /** Generation files in order. */
      files: vscode.Uri[];
      readme: vscode.Uri;
      expected: ScenarioExpectation;
      /** The analysis of the files (cancelled if the user stopped it). */
      analysis: RunOutcome;
      timings: { simulateMs: number; writeMs: number };
    }
  /** The options were refused; the message says which and why. */
  | { kind: 'invalid'; message: string }
  /** The simulation or the writing failed (a read-only folder, say). */
  | { kind: 'failed'; message: string }
  | { kind: 'cancelled' };

/** The catalogue is the same for the extension's lifetime: one worker round trip per session. */
const catalogues = new WeakMap<AnalysisWorkerPool, Promise<ScenarioInfo[]>>();
function catalogue(pool: AnalysisWorkerPool): Promise<ScenarioInfo[]> {
  let c = catalogues.get(pool);
  if (!c) {
    c = pool.listScenarios();
    catalogues.set(pool, c);
    c.catch(() => catalogues.delete(pool));
  }
  return c;
}

export const runScenario = (ctx: CollapseLens): Command => async (arg?: unknown): Promise<RunScenarioResult> => {
  const args: RunScenarioArgs = arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? (arg as RunScenarioArgs) : {};
  if (args.name !== undefined) return runGiven(ctx, args);
  const ws = vscode.workspace.workspaceFolders?.[0];
  const given = args.folder !== undefined ? folderUri(args.folder) : undefined;
  const where: Where = given ? { kind: 'exact', folder: given } : ws ? underWorkspaceFolder(ws) : { kind: 'ask' };
  const start = { where, ...(args.seed !== undefined ? { seed: args.seed } : {}), ...(args.format !== undefined ? { format: args.format } : {}) };
  return (await runWizard(catalogue(ctx.pool), start, (choice, placement) => generate(ctx, choice, placement))) ?? { kind: 'cancelled' };
};

/** With a scenario named: every option checked before anything runs, and no question asked. */
async function runGiven(ctx: CollapseLens, args: RunScenarioArgs): Promise<RunScenarioResult> {
  const invalid = (message: string): RunScenarioResult => {
    void vscode.window.showErrorMessage(vscode.l10n.t('Collapse Lens cannot run the sample scenario: {0}', sentence(message)));
    ctx.log.warn(`Run Sample Scenario: ${message}`);
    return { kind: 'invalid', message };
  };
  let scenarios: ScenarioInfo[];
  try {
    scenarios = await catalogue(ctx.pool);
  } catch (e) {
    return invalid(vscode.l10n.t('the scenario list could not be loaded ({0})', (e as Error).message));
  }
  const scenario = scenarios.find((s) => s.name === args.name);
  if (!scenario) return invalid(vscode.l10n.t("unknown scenario '{0}' (known: {1})", String(args.name), scenarios.map((s) => s.name).join(', ')));
  const seed = args.seed ?? DEFAULT_SCENARIO_SEED;
  const generations = args.generations ?? scenario.defaultGenerations;
  const format = args.format ?? DEFAULT_SCENARIO_FORMAT;
  const errors = [seedProblem(seed), generationsProblem(scenario, generations), formatProblem(format)].flatMap((p) => optionError(p) ?? []);
  const params = args.params ?? {};
  if (typeof params !== 'object' || Array.isArray(params) || params === null) errors.push(vscode.l10n.t('params must be an object of parameter names and values'));
  else {
    for (const [k, v] of Object.entries(params)) {
      if (!['number', 'boolean', 'string'].includes(typeof v)) errors.push(vscode.l10n.t("parameter '{0}' must be a number, a boolean or a string (got {1})", k, JSON.stringify(v)));
    }
  }
  if (args.overwrite !== undefined && typeof args.overwrite !== 'boolean') errors.push(vscode.l10n.t('overwrite must be true or false'));
  let where: Where | undefined;
  if (args.folder !== undefined) {
    const folder = folderUri(args.folder);
    if (!folder) errors.push(vscode.l10n.t('folder must be a Uri or a path (got {0})', JSON.stringify(args.folder)));
    else where = { kind: 'exact', folder };
  } else {
    const ws = vscode.workspace.workspaceFolders?.[0];
    if (ws) where = underWorkspaceFolder(ws);
    else errors.push(vscode.l10n.t('no folder is open; pass folder to say where the files go'));
  }
  if (errors.length) return invalid(errors.join('; '));

  const choice: Choice = { scenario, seed, generations, format, params: { ...params }, where: where! };
  const outcome = await generate(ctx, choice, await placeWithoutAsking(targetOf(choice)!, args.overwrite === true));
  if (outcome.kind === 'invalid') return invalid(outcome.message);
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// Simulate, write, analyze

async function generate(ctx: CollapseLens, choice: Choice, placement: Placement): Promise<RunScenarioResult> {
  const { scenario } = choice;
  const { folder } = placement;
  const display = displayPath(folder);
  let produced: Produced | RunScenarioResult;
  try {
    produced = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Collapse Lens: {0}', scenario.name), cancellable: true },
      (progress, token) => produce(ctx, choice, placement, progress, token),
    );
  } catch (e) {
    const message = vscode.l10n.t('Collapse Lens could not generate {0} in {1}: {2}', scenario.name, display, (e as Error).message);
    ctx.log.error(message);
    if ((e as Error).stack) ctx.log.error((e as Error).stack!);
    void vscode.window.showErrorMessage(message);
    return { kind: 'failed', message };
  }
  if ('kind' in produced) {
    if (produced.kind === 'cancelled') ctx.log.info(`Run Sample Scenario: ${scenario.name} cancelled; nothing left in ${display}`);
    return produced;
  }
  const { generated: g, written, timings } = produced;
  const bytes = g.files.reduce((n, f) => n + f.bytes.byteLength, 0);
  ctx.log.info(
    `Run Sample Scenario: ${scenario.name} (seed ${choice.seed}, ${g.generations} generations) simulated in ${timings.simulateMs} ms, ` +
      `${written.length} files (${(bytes / 1024).toFixed(0)} KB) written to ${display} in ${timings.writeMs} ms`,
  );
  const readme = written[written.length - 1]!;
  const files = written.slice(0, -1);
  const request: AnalysisRequest = files.length > 1 ? { kind: 'generations', uris: orderGenerations(files) } : { kind: 'file', uris: files };
  const analysis = await ctx.runner.run([request], { location: vscode.ProgressLocation.Notification });
  const result = analysis.outcomes[0]?.kind === 'result' ? analysis.outcomes[0].entry.result : undefined;
  if (vscode.workspace.getWorkspaceFolder(folder)) await vscode.commands.executeCommand('revealInExplorer', folder).then(undefined, () => undefined);
  if (result) {
    await ctx.presenter.show(result);
    summarize(scenario.name, g, result.report.findings.map((f) => f.rule), display, readme);
  }
  return { kind: 'written', folder, files, readme, expected: g.expected, analysis, timings };
}

interface Produced {
  generated: GeneratedScenario;
  /** Generation files, then README.md. */
  written: vscode.Uri[];
  timings: { simulateMs: number; writeMs: number };
}

async function produce(
  ctx: CollapseLens,
  choice: Choice,
  placement: Placement,
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  token: vscode.CancellationToken,
): Promise<Produced | RunScenarioResult> {
  const abort = new AbortController();
  const sub = token.onCancellationRequested(() => abort.abort());
  try {
    progress.report({ message: vscode.l10n.t('simulating {0} generations…', choice.generations) });
    let t = Date.now();
    let generated: GeneratedScenario;
    try {
      const { scenario, seed, generations, format, params } = choice;
      generated = await ctx.pool.runScenario({ name: scenario.name, seed, generations, format, params }, abort.signal);
    } catch (e) {
      if (abort.signal.aborted) return { kind: 'cancelled' };
      if (e instanceof ScenarioError && e.error.input) return { kind: 'invalid', message: e.message };
      throw e;
    }
    const simulateMs = Date.now() - t;
    progress.report({ increment: 10 });
    t = Date.now();
    const written = await writeScenarioFiles(placement.folder, generated, placement.replace, token, (name, i, n) =>
      progress.report({ increment: 90 / n, message: vscode.l10n.t('wrote {0} ({1} of {2})', name, i + 1, n) }),
    );
    if (token.isCancellationRequested) return { kind: 'cancelled' };
    return { generated, written, timings: { simulateMs, writeMs: Date.now() - t } };
  } finally {
    sub.dispose();
  }
}

/** What the run found against what the scenario's README expects, with a way to the README. */
function summarize(name: string, g: GeneratedScenario, found: readonly string[], display: string, readme: vscode.Uri): void {
  const rules = new Set(found);
  const expected = g.expected.rules;
  const missing = expected.filter((r) => !rules.has(r));
  const count =
    found.length === 1
      ? vscode.l10n.t('1 finding in {0} generations', g.generations)
      : vscode.l10n.t('{0} findings in {1} generations', found.length, g.generations);
  const verdict = !expected.length
    ? found.length
      ? vscode.l10n.t('none expected for these options (see the README)')
      : vscode.l10n.t('none expected')
    : missing.length
      ? vscode.l10n.t('the README also expects {0}, which this run did not show', missing.join(', '))
      : vscode.l10n.t('as expected ({0})', expected.join(', '));
  const OPEN = vscode.l10n.t('Open README');
  void vscode.window.showInformationMessage(vscode.l10n.t('{0}: {1}, {2}. Files in {3}.', name, count, verdict, display), OPEN).then(async (c) => {
    if (c === OPEN) await vscode.commands.executeCommand('markdown.showPreview', readme).then(undefined, () => vscode.window.showTextDocument(readme));
  });
}
