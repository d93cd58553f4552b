// The two steps of Run Sample Scenario without an argument: pick a scenario, then its options
// (Enter runs; choosing an option edits it and comes back), with Back between them. Options
// the scenario refuses once run (train-size against features, say) bring the user back here.
import * as vscode from 'vscode';
import { DEFAULT_SCENARIO_FORMAT, DEFAULT_SCENARIO_SEED, defaultParams, generationsProblem, numberFrom, parseParamString, seedProblem } from '../../core/scenarios/options';
import type { ParamValue, ScenarioFormat, ScenarioParameter } from '../../core/scenarios/types';
import type { ScenarioInfo } from '../../worker/protocol';
import { displayPath } from '../inputs';
import { BACK, input, pick } from '../ui/quickInput';
import type { Step } from '../ui/quickInput';
import { optionError, sentence, targetOf } from './choice';
import type { Choice, Where } from './choice';
import { pickWhere, placeFolder } from './placement';
import type { Placement } from './placement';

/** Last scenario run from the quick pick, shown first next time. */
let lastScenario: string | undefined;

/** What the wizard starts from: the command argument's seed and format, and where the files go. */
export interface WizardStart {
  seed?: number;
  format?: ScenarioFormat;
  where: Where;
}

/** Options the scenario refused, with the message to show. */
export interface Refused {
  kind: 'invalid';
  message: string;
}

/** Asks until a run is not refused; undefined when the user closed the wizard. */
export async function runWizard<T>(scenarios: Promise<ScenarioInfo[]>, start: WizardStart, run: (choice: Choice, placement: Placement) => Promise<T | Refused>): Promise<T | undefined> {
  let choice: Choice | undefined;
  for (;;) {
    const picked = await pickScenario(scenarios, choice?.scenario.name ?? lastScenario);
    if (picked === undefined || picked === BACK) return undefined;
    if (choice?.scenario.name !== picked.name) {
      choice = {
        scenario: picked,
        seed: start.seed ?? DEFAULT_SCENARIO_SEED,
        generations: picked.defaultGenerations,
        format: start.format ?? DEFAULT_SCENARIO_FORMAT,
        params: defaultParams(picked),
        where: choice?.where ?? start.where,
      };
    }
    for (;;) {
      const step = await editOptions(choice);
      if (step === undefined) return undefined;
      if (step === BACK) break;
      const placement = await placeFolder(choice);
      if (placement === undefined) continue;
      lastScenario = choice.scenario.name;
      const outcome = await run(choice, placement);
      if (!isRefused(outcome)) return outcome;
      // Options each fine alone can clash (train-size vs features): say so, let the user fix them.
      void vscode.window.showErrorMessage(vscode.l10n.t('Collapse Lens cannot run {0}: {1}', choice.scenario.name, sentence(outcome.message)));
    }
  }
}

function isRefused(outcome: unknown): outcome is Refused {
  return (outcome as Partial<Refused> | undefined)?.kind === 'invalid';
}

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
    onItemsError: (e) => void vscode.window.showErrorMessage(vscode.l10n.t('Collapse Lens could not list the sample scenarios: {0}', e.message)),
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
    const changed = s.parameters.some((p) => choice.params[p.name] !== p.default) || choice.seed !== DEFAULT_SCENARIO_SEED || choice.generations !== s.defaultGenerations || choice.format !== DEFAULT_SCENARIO_FORMAT;
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
        Object.assign(choice, { seed: DEFAULT_SCENARIO_SEED, generations: s.defaultGenerations, format: DEFAULT_SCENARIO_FORMAT, params: defaultParams(s) });
        active = 'run';
        continue;
      case 'seed':
        edited = await input({
          title: `${s.name}: seed`,
          value: String(choice.seed),
          prompt: vscode.l10n.t('Random seed (an integer)'),
          validate: (v) => optionError(seedProblem(numberFrom(v)), v),
        });
        if (typeof edited === 'string') choice.seed = Number(edited);
        break;
      case 'generations':
        edited = await input({
          title: `${s.name}: generations`,
          value: String(choice.generations),
          prompt: vscode.l10n.t('Generations to simulate, {0} to {1} (default {2})', s.minGenerations, s.maxGenerations, s.defaultGenerations),
          validate: (v) => optionError(generationsProblem(s, numberFrom(v)), v),
        });
        if (typeof edited === 'string') choice.generations = Number(edited);
        break;
      case 'format':
        edited = await pickValue(`${s.name}: format`, [
          { label: 'jsonl', detail: vscode.l10n.t('One JSON object per line') },
          { label: 'csv', detail: vscode.l10n.t('Comma-separated, a header row, one column per field') },
        ], choice.format, DEFAULT_SCENARIO_FORMAT);
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

function showValue(p: ScenarioParameter, v: ParamValue): string {
  return p.type === 'boolean' ? (v ? vscode.l10n.t('yes') : vscode.l10n.t('no')) : String(v);
}
