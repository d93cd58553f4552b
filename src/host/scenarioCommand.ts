// Collapse Lens: Run Sample Scenario… — choose a scenario and its options (or pass them as an
// argument), simulate it in a worker, write the files into a new folder through VS Code's file
// system (so virtual workspaces work), then analyze them as generations the way Analyze
// Selected Files as Generations does and show the findings and the report.
import * as vscode from 'vscode';
import { parseParamString } from '../core/scenarios/common';
import type { ParamValue, ScenarioExpectation, ScenarioFormat, ScenarioParameter } from '../core/scenarios/types';
import type { RunOutcome } from './analyzer';
import type { CollapseLens } from './context';
import { displayPath, orderGenerations } from './inputs';
import type { AnalysisRequest } from './store';
import { ScenarioError } from './workerClient';
import type { AnalysisWorkerPool } from './workerClient';
import type { GeneratedScenario, ScenarioInfo } from './workerProtocol';

export const COMMAND_RUN_SCENARIO = 'collapseLens.runScenario';
/** Scenario folders go here inside a workspace folder, one per run: `<name>-seed<seed>`. */
export const SCENARIOS_FOLDER = 'collapse-lens-scenarios';
/** Same default as `collapse-lens scenario`, so the README's command reproduces the files. */
export const DEFAULT_SCENARIO_SEED = 42;
/** Seeds are used as 32-bit integers; larger ones would silently alias smaller ones. */
const SEED_MIN = -(2 ** 31);
const SEED_MAX = 2 ** 31 - 1;
/** Files written at the same time. */
const WRITES_IN_FLIGHT = 8;
/** What the scenario writes (and so what Replace may delete): generation files and the README. */
const SCENARIO_FILE = /^(gen-\d+\.(jsonl|csv)|README\.md)$/;

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

interface Choice {
  scenario: ScenarioInfo;
  seed: number;
  generations: number;
  format: ScenarioFormat;
  params: Record<string, ParamValue>;
  where: Where;
}

/** Where the scenario folder goes: under a parent as `<name>-seed<seed>`, exactly here, or ask on run. */
type Where = { kind: 'under'; parent: vscode.Uri } | { kind: 'exact'; folder: vscode.Uri } | { kind: 'ask' };

type Command = (...args: any[]) => unknown;

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

/** Last scenario run from the quick pick, shown first next time. */
let lastScenario: string | undefined;

export const runScenario = (ctx: CollapseLens): Command => async (arg?: unknown): Promise<RunScenarioResult> => {
  const args: RunScenarioArgs = arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? (arg as RunScenarioArgs) : {};
  if (args.name !== undefined) return runGiven(ctx, args);
  return runInteractive(ctx, args);
};

// ---------------------------------------------------------------------------------------------
// Without prompts

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
  const errors: string[] = [];
  const seed = args.seed ?? DEFAULT_SCENARIO_SEED;
  const generations = args.generations ?? scenario.defaultGenerations;
  const format = args.format ?? 'jsonl';
  errors.push(...[seedError(seed), generationsError(scenario, generations)].filter((e): e is string => e !== undefined));
  if (format !== 'jsonl' && format !== 'csv') errors.push(vscode.l10n.t('format must be jsonl or csv (got {0})', JSON.stringify(format)));
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
    if (ws) where = { kind: 'under', parent: vscode.Uri.joinPath(ws.uri, SCENARIOS_FOLDER) };
    else errors.push(vscode.l10n.t('no folder is open; pass folder to say where the files go'));
  }
  if (errors.length) return invalid(errors.join('; '));

  const choice: Choice = { scenario, seed, generations, format, params: { ...params }, where: where! };
  const target = targetOf(choice)!;
  const state = await folderState(target);
  let folder = target;
  let replace = false;
  if (state !== 'free') {
    if (args.overwrite === true && state === 'folder') replace = true;
    else folder = await freeSibling(target);
  }
  const outcome = await generate(ctx, choice, folder, replace);
  if (outcome.kind === 'invalid') return invalid(outcome.message);
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// With prompts

async function runInteractive(ctx: CollapseLens, args: RunScenarioArgs): Promise<RunScenarioResult> {
  const scenarios = catalogue(ctx.pool);
  const ws = vscode.workspace.workspaceFolders?.[0];
  const initialWhere: Where = args.folder !== undefined && folderUri(args.folder)
    ? { kind: 'exact', folder: folderUri(args.folder)! }
    : ws
      ? { kind: 'under', parent: vscode.Uri.joinPath(ws.uri, SCENARIOS_FOLDER) }
      : { kind: 'ask' };
  let choice: Choice | undefined;
  for (;;) {
    const picked = await pickScenario(scenarios, choice?.scenario.name ?? lastScenario);
    if (picked === undefined || picked === BACK) return { kind: 'cancelled' };
    if (choice?.scenario.name !== picked.name) {
      choice = {
        scenario: picked,
        seed: args.seed ?? DEFAULT_SCENARIO_SEED,
        generations: picked.defaultGenerations,
        format: args.format ?? 'jsonl',
        params: defaults(picked),
        where: choice?.where ?? initialWhere,
      };
    }
    for (;;) {
      const step = await editOptions(choice);
      if (step === undefined) return { kind: 'cancelled' };
      if (step === BACK) break;
      const placed = await placeFolder(choice);
      if (placed === undefined) continue;
      lastScenario = choice.scenario.name;
      const outcome = await generate(ctx, choice, placed.folder, placed.replace);
      if (outcome.kind !== 'invalid') return outcome;
      // Options each fine alone can clash (train-size vs features): say so, let the user fix them.
      void vscode.window.showErrorMessage(vscode.l10n.t('Collapse Lens cannot run {0}: {1}', choice.scenario.name, sentence(outcome.message)));
    }
  }
}

const BACK = Symbol('back');
type Step<T> = T | typeof BACK | undefined;

interface ScenarioItem extends vscode.QuickPickItem {
  scenario: ScenarioInfo;
}

async function pickScenario(scenarios: Promise<ScenarioInfo[]>, active: string | undefined): Promise<Step<ScenarioInfo>> {
  const items = scenarios.then((list) =>
    list.map((s): ScenarioItem => ({ label: s.name, description: s.source, detail: s.description, scenario: s })),
  );
  const chosen = await pick(items, {
    title: vscode.l10n.t('Collapse Lens: Run Sample Scenario'),
    placeholder: vscode.l10n.t('Choose a simulation of model collapse; its files are written to a new folder and analyzed'),
    step: 1,
    totalSteps: 2,
    matchOnDescription: true,
    matchOnDetail: true,
    isActive: (i) => i.scenario.name === active,
  });
  return chosen === undefined || chosen === BACK ? chosen : chosen.scenario;
}

type OptionAction = 'run' | 'reset' | 'seed' | 'generations' | 'format' | 'where' | ScenarioParameter;
interface OptionItem extends vscode.QuickPickItem {
  action?: OptionAction;
}

/** The options list: Enter runs; choosing an option edits it and comes back here. */
async function editOptions(choice: Choice): Promise<Step<'run'>> {
  let active: OptionAction = 'run';
  for (;;) {
    const s = choice.scenario;
    const changed = s.parameters.some((p) => choice.params[p.name] !== p.default) || choice.seed !== DEFAULT_SCENARIO_SEED || choice.generations !== s.defaultGenerations || choice.format !== 'jsonl';
    const target = targetOf(choice);
    const where = target ? displayPath(target) : vscode.l10n.t('a folder you choose next');
    // The option names (seed, generations, format, folder, the parameters) are the CLI's: not translated.
    const items: OptionItem[] = [
      {
        label: `$(play) ${vscode.l10n.t('Run with these options')}`,
        action: 'run',
        detail: vscode.l10n.t('seed {0} · {1} generations · {2} · {3}', choice.seed, choice.generations, choice.format.toUpperCase(), where),
      },
      ...(changed ? [{ label: `$(discard) ${vscode.l10n.t('Reset to defaults')}`, action: 'reset' as const }] : []),
      { label: vscode.l10n.t('Options'), kind: vscode.QuickPickItemKind.Separator },
      { label: 'seed', description: String(choice.seed), detail: vscode.l10n.t('The same seed gives byte-identical files'), action: 'seed' },
      {
        label: 'generations',
        description: String(choice.generations),
        detail: vscode.l10n.t('One file per generation, {0} to {1}', s.minGenerations, s.maxGenerations),
        action: 'generations',
      },
      { label: 'format', description: choice.format.toUpperCase(), detail: vscode.l10n.t('JSONL or CSV'), action: 'format' },
      { label: 'folder', description: where, detail: vscode.l10n.t('Where the files go; an existing folder is never overwritten without asking'), action: 'where' },
    ];
    if (s.parameters.length) {
      items.push({ label: vscode.l10n.t('Parameters of {0}', s.name), kind: vscode.QuickPickItemKind.Separator });
      for (const p of s.parameters) {
        const value = choice.params[p.name]!;
        items.push({
          label: p.name,
          description: value === p.default ? showValue(p, value) : vscode.l10n.t('{0} (default {1})', showValue(p, value), showValue(p, p.default)),
          detail: p.description,
          action: p,
        });
      }
    }
    const chosen = await pick(items, {
      title: vscode.l10n.t('Collapse Lens: {0}', s.name),
      placeholder: vscode.l10n.t('Press Enter to run, or choose an option to change it'),
      step: 2,
      totalSteps: 2,
      isActive: (i) => i.action === active,
    });
    if (chosen === undefined || chosen === BACK) return chosen;
    const action = chosen.action!;
    if (action === 'run') return 'run';
    active = action;
    let edited: Step<unknown>;
    switch (action) {
      case 'reset':
        Object.assign(choice, { seed: DEFAULT_SCENARIO_SEED, generations: s.defaultGenerations, format: 'jsonl', params: defaults(s) });
        active = 'run';
        continue;
      case 'seed':
        edited = await input({ title: `${s.name}: seed`, value: String(choice.seed), prompt: vscode.l10n.t('Random seed (an integer)'), validate: (v) => seedError(toNumber(v), v) });
        if (typeof edited === 'string') choice.seed = Number(edited);
        break;
      case 'generations':
        edited = await input({
          title: `${s.name}: generations`,
          value: String(choice.generations),
          prompt: vscode.l10n.t('Generations to simulate, {0} to {1} (default {2})', s.minGenerations, s.maxGenerations, s.defaultGenerations),
          validate: (v) => generationsError(s, toNumber(v), v),
        });
        if (typeof edited === 'string') choice.generations = Number(edited);
        break;
      case 'format':
        edited = await pickValue(`${s.name}: format`, [
          { label: 'jsonl', detail: vscode.l10n.t('One JSON object per line') },
          { label: 'csv', detail: vscode.l10n.t('Comma-separated, a header row, one column per field') },
        ], choice.format, 'jsonl');
        if (typeof edited === 'string') choice.format = edited as ScenarioFormat;
        break;
      case 'where':
        edited = await pickWhere(choice);
        if (edited && edited !== BACK) choice.where = edited as Where;
        break;
      default:
        edited = await editParam(s, action, choice.params[action.name]!);
        if (edited !== undefined && edited !== BACK) choice.params[action.name] = edited as ParamValue;
    }
    if (edited === undefined) return undefined;
    // Edited: the next Enter runs. Back from the editor: stay on the option.
    if (edited !== BACK) active = 'run';
  }
}

async function editParam(s: ScenarioInfo, p: ScenarioParameter, current: ParamValue): Promise<Step<ParamValue>> {
  const title = `${s.name}: ${p.name}`;
  if (p.type === 'enum') {
    return pickValue(title, (p.values ?? []).map((label) => ({ label })), String(current), String(p.default), p.description);
  }
  if (p.type === 'boolean') {
    const [yes, no] = [showValue(p, true), showValue(p, false)];
    const v = await pickValue(title, [{ label: yes }, { label: no }], showValue(p, current), showValue(p, p.default), p.description);
    return typeof v === 'string' ? v === yes : v;
  }
  const range =
    p.min !== undefined && p.max !== undefined
      ? vscode.l10n.t(', {0} to {1}', p.min, p.max)
      : p.min !== undefined
        ? vscode.l10n.t(', at least {0}', p.min)
        : p.max !== undefined
          ? vscode.l10n.t(', at most {0}', p.max)
          : '';
  const v = await input({
    title,
    value: String(current),
    prompt:
      p.type === 'integer'
        ? vscode.l10n.t('{0} (an integer{1}; default {2})', p.description, range, String(p.default))
        : vscode.l10n.t('{0} (a number{1}; default {2})', p.description, range, String(p.default)),
    validate: (text) => parseParamString(s.name, p, text).error,
  });
  return typeof v === 'string' ? (parseParamString(s.name, p, v).value as number) : v;
}

async function pickValue(title: string, values: vscode.QuickPickItem[], current: string, dflt: string, placeholder?: string): Promise<Step<string>> {
  const items = values.map((v) => ({
    ...v,
    description: [v.label === current ? vscode.l10n.t('current') : '', v.label === dflt ? vscode.l10n.t('default') : ''].filter(Boolean).join(', '),
  }));
  const chosen = await pick(items, { title, placeholder: placeholder ?? title, isActive: (i) => i.label === current });
  return chosen === undefined || chosen === BACK ? chosen : chosen.label;
}

interface WhereItem extends vscode.QuickPickItem {
  where?: Where;
}

async function pickWhere(choice: Choice): Promise<Step<Where>> {
  const items: WhereItem[] = (vscode.workspace.workspaceFolders ?? []).map((f) => ({
    label: `$(root-folder) ${f.name}`,
    description: `${SCENARIOS_FOLDER}/${choice.scenario.name}-seed${choice.seed}`,
    where: { kind: 'under', parent: vscode.Uri.joinPath(f.uri, SCENARIOS_FOLDER) },
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

/** Resolves where to write, asking before anything exists is touched. Undefined: back to the options. */
async function placeFolder(choice: Choice): Promise<{ folder: vscode.Uri; replace: boolean } | undefined> {
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

// ---------------------------------------------------------------------------------------------
// Simulate, write, analyze

async function generate(ctx: CollapseLens, choice: Choice, folder: vscode.Uri, replace: boolean): Promise<RunScenarioResult> {
  const { scenario } = choice;
  const display = displayPath(folder);
  let produced: Produced | RunScenarioResult;
  try {
    produced = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Collapse Lens: {0}', scenario.name), cancellable: true },
      (progress, token) => produce(ctx, choice, folder, replace, progress, token),
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
  folder: vscode.Uri,
  replace: boolean,
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
    const written = await writeFiles(folder, generated, replace, token, (name, i, n) =>
      progress.report({ increment: 90 / n, message: vscode.l10n.t('wrote {0} ({1} of {2})', name, i + 1, n) }),
    );
    if (token.isCancellationRequested) return { kind: 'cancelled' };
    return { generated, written, timings: { simulateMs, writeMs: Date.now() - t } };
  } finally {
    sub.dispose();
  }
}

/**
 * Writes the generation files and README.md. Replace first deletes scenario files of an earlier
 * run that this one does not rewrite (more generations then), so the folder holds one run.
 * Cancelled or failed: removes what it wrote, and the folder if it made it.
 */
async function writeFiles(
  folder: vscode.Uri,
  generated: GeneratedScenario,
  replace: boolean,
  token: vscode.CancellationToken,
  onFile: (name: string, index: number, count: number) => void,
): Promise<vscode.Uri[]> {
  const fs = vscode.workspace.fs;
  const created = (await folderState(folder)) === 'free';
  await fs.createDirectory(folder);
  if (replace) {
    const names = new Set(generated.files.map((f) => f.name));
    for (const [name, type] of await fs.readDirectory(folder)) {
      if (type === vscode.FileType.File && SCENARIO_FILE.test(name) && !names.has(name)) await fs.delete(vscode.Uri.joinPath(folder, name));
    }
  }
  const uris = generated.files.map((f) => vscode.Uri.joinPath(folder, f.name));
  const written = new Set<vscode.Uri>();
  let next = 0;
  let done = 0;
  let failure: unknown;
  // A few writes in flight: each is a round trip to the file service, and they do not depend on each other.
  const writer = async () => {
    while (next < uris.length && !token.isCancellationRequested && failure === undefined) {
      const i = next++;
      try {
        await fs.writeFile(uris[i]!, generated.files[i]!.bytes);
      } catch (e) {
        failure ??= e;
        return;
      }
      written.add(uris[i]!);
      onFile(generated.files[i]!.name, done++, uris.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITES_IN_FLIGHT, uris.length) }, writer));
  if (token.isCancellationRequested || failure !== undefined) {
    // Half a scenario would be analyzed as if it were whole: take it away again.
    const remove = created ? [folder] : [...written];
    for (const u of remove) await fs.delete(u, { recursive: true, useTrash: false }).then(undefined, () => undefined);
    if (failure !== undefined) throw failure;
    return [];
  }
  return uris;
}

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

// ---------------------------------------------------------------------------------------------
// Folders and values

/** The folder the files go into, or undefined while the user is still to choose it. */
function targetOf(choice: Choice): vscode.Uri | undefined {
  switch (choice.where.kind) {
    case 'exact':
      return choice.where.folder;
    case 'under':
      return vscode.Uri.joinPath(choice.where.parent, `${choice.scenario.name}-seed${choice.seed}`);
    case 'ask':
      return undefined;
  }
}

/** `free`: absent or an empty folder; `folder`: a folder with something in it; `file`: not a folder. */
async function folderState(uri: vscode.Uri): Promise<'free' | 'folder' | 'file'> {
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
async function freeSibling(folder: vscode.Uri): Promise<vscode.Uri> {
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

function folderUri(folder: vscode.Uri | string): vscode.Uri | undefined {
  if (folder instanceof vscode.Uri) return folder;
  if (typeof folder !== 'string' || !folder.trim()) return undefined;
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(folder)) return vscode.Uri.parse(folder);
  if (/^(\/|[a-z]:[\\/]|\\\\)/i.test(folder)) return vscode.Uri.file(folder);
  const ws = vscode.workspace.workspaceFolders?.[0];
  return ws ? vscode.Uri.joinPath(ws.uri, ...folder.split(/[\\/]+/).filter(Boolean)) : undefined;
}

function defaults(s: ScenarioInfo): Record<string, ParamValue> {
  return Object.fromEntries(s.parameters.map((p) => [p.name, p.default]));
}

function showValue(p: ScenarioParameter, v: ParamValue): string {
  return p.type === 'boolean' ? (v ? vscode.l10n.t('yes') : vscode.l10n.t('no')) : String(v);
}

const toNumber = (text: string): number => (text.trim() === '' ? NaN : Number(text));

/** `typed` is what the user typed, shown as typed; otherwise the value given to the command. */
function seedError(seed: unknown, typed?: string): string | undefined {
  return typeof seed === 'number' && Number.isInteger(seed) && seed >= SEED_MIN && seed <= SEED_MAX
    ? undefined
    : vscode.l10n.t('seed must be an integer between {0} and {1} (got {2})', SEED_MIN, SEED_MAX, typed !== undefined ? `'${typed}'` : JSON.stringify(seed));
}

function generationsError(s: ScenarioInfo, generations: unknown, typed?: string): string | undefined {
  return typeof generations === 'number' && Number.isInteger(generations) && generations >= s.minGenerations && generations <= s.maxGenerations
    ? undefined
    : vscode.l10n.t(
        "generations for scenario '{0}' must be an integer between {1} and {2} (got {3})",
        s.name,
        s.minGenerations,
        s.maxGenerations,
        typed !== undefined ? `'${typed}'` : JSON.stringify(generations),
      );
}

function sentence(message: string): string {
  return /[.!?]$/.test(message) ? message : `${message}.`;
}

// ---------------------------------------------------------------------------------------------
// Quick input with a Back button (the API's showQuickPick and showInputBox have none)

interface PickOptions<T> {
  title: string;
  placeholder: string;
  step?: number;
  totalSteps?: number;
  matchOnDescription?: boolean;
  matchOnDetail?: boolean;
  isActive?: (item: T) => boolean;
}

/** Resolves with the accepted item, BACK, or undefined when the picker was dismissed. */
function pick<T extends vscode.QuickPickItem>(items: readonly T[] | Promise<readonly T[]>, options: PickOptions<T>): Promise<Step<T>> {
  const qp = vscode.window.createQuickPick<T>();
  qp.title = options.title;
  qp.placeholder = options.placeholder;
  qp.step = options.step;
  qp.totalSteps = options.totalSteps;
  qp.matchOnDescription = options.matchOnDescription ?? false;
  qp.matchOnDetail = options.matchOnDetail ?? false;
  qp.buttons = options.step === 1 ? [] : [vscode.QuickInputButtons.Back];
  const fill = (list: readonly T[]) => {
    qp.items = list;
    const active = options.isActive ? list.find((i) => i.kind !== vscode.QuickPickItemKind.Separator && options.isActive!(i)) : undefined;
    if (active) qp.activeItems = [active];
    qp.busy = false;
  };
  return new Promise<Step<T>>((resolve) => {
    let done = false;
    const finish = (v: Step<T>) => {
      if (done) return;
      done = true;
      resolve(v);
      qp.dispose();
    };
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0] ?? qp.activeItems[0];
      if (item) finish(item);
    });
    qp.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish(BACK));
    qp.onDidHide(() => finish(undefined));
    if (Array.isArray(items)) fill(items as readonly T[]);
    else {
      qp.busy = true;
      (items as Promise<readonly T[]>).then(fill, (e: Error) => {
        finish(undefined);
        void vscode.window.showErrorMessage(vscode.l10n.t('Collapse Lens could not list the sample scenarios: {0}', e.message));
      });
    }
    qp.show();
  });
}

interface InputOptions {
  title: string;
  value: string;
  prompt: string;
  validate: (value: string) => string | undefined;
}

function input(options: InputOptions): Promise<Step<string>> {
  const box = vscode.window.createInputBox();
  box.title = options.title;
  box.value = options.value;
  box.valueSelection = [0, options.value.length];
  box.prompt = options.prompt;
  box.buttons = [vscode.QuickInputButtons.Back];
  return new Promise<Step<string>>((resolve) => {
    let done = false;
    const finish = (v: Step<string>) => {
      if (done) return;
      done = true;
      resolve(v);
      box.dispose();
    };
    box.onDidChangeValue((v) => (box.validationMessage = options.validate(v)));
    box.onDidAccept(() => {
      const error = options.validate(box.value);
      if (error) box.validationMessage = error;
      else finish(box.value.trim());
    });
    box.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish(BACK));
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}
