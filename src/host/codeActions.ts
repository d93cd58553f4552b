// Quick fixes on Collapse Lens diagnostics. They open the report, jump to related records, or
// change workspace settings (a field role, a threshold, a disabled rule) and analyze again;
// they never edit the data file.
import * as vscode from 'vscode';
import type { RuleThresholds } from '../core/options';
import type { Finding, Report } from '../shared/report';
import type { ConfigStore } from './config';
import { SECTION } from './config';
import type { FindingsStore } from './store';

export const COMMAND_OPEN_REPORT = 'collapseLens.openReport';
/** Internal commands behind quick fixes (not contributed, so not in the palette). */
export const COMMAND_CHOOSE_FIELD = 'collapseLens.chooseField';
export const COMMAND_UPDATE_SETTING = 'collapseLens.updateSetting';

/** Arguments of `collapseLens.openReport` when a quick fix names the finding. */
export interface OpenReportArgs {
  uri: vscode.Uri;
  findingIndex: number;
}

export interface ChooseFieldArgs {
  uri: vscode.Uri;
  role: string;
  /** Skips the quick pick (tests, or a caller that knows the field); '' returns to detection. */
  field?: string;
}

export interface UpdateSettingArgs {
  uri: vscode.Uri;
  /** Key under `collapseLens.`. */
  key: string;
  value: unknown;
}

export interface ThresholdChange {
  key: keyof RuleThresholds;
  current: number;
  value: number;
}

const up2 = (x: number) => Math.ceil(x * 100 - 1e-9) / 100;
const down2 = (x: number) => Math.floor(x * 100 + 1e-9) / 100;
const downSig = (x: number) => {
  if (!(x > 0)) return 0;
  const p = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Math.floor(x / p + 1e-9) * p;
};

/**
 * The threshold change that would stop this finding from firing (the smallest round step past
 * the finding's own number), or undefined when the rule has no threshold.
 */
export function loosenThreshold(finding: Finding, t: RuleThresholds, report?: Report): ThresholdChange | undefined {
  const v = finding.value;
  const change = (key: keyof RuleThresholds, value: number, raise: boolean): ThresholdChange | undefined => {
    const current = t[key];
    if (!Number.isFinite(value)) return undefined;
    if (raise && value <= current) value = up2(current + 0.05);
    if (!raise && value >= current) value = down2(current / 2);
    return { key, current, value: Number(value.toPrecision(6)) };
  };
  switch (finding.rule) {
    case 'diversity-drop': {
      const b = finding.baseline;
      const key = finding.severity === 'error' ? 'dropError' : 'dropWarning';
      if (v === undefined || b === undefined || !(b > 0)) return change(key, t[key] + 0.1, true);
      return change(key, Math.min(1, up2((b - v) / b + 0.005)), true);
    }
    case 'diversity-trend': {
      const p = report?.trends?.find((x) => x.metric === finding.metric)?.pValue;
      return change('trendPValue', p !== undefined && p > 0 ? downSig(p) : t.trendPValue / 5, false);
    }
    case 'pairwise-distance-collapse':
      return v === undefined ? undefined : change('pairwiseDistance', downSig(v), false);
    case 'dominant-output':
      return v === undefined ? undefined : change('dominantShare', Math.min(1, up2(v)), true);
    case 'repeated-outputs':
      return v === undefined ? undefined : change('duplicateRate', Math.min(1, up2(v)), true);
    case 'tail-loss': {
      const b = finding.baseline;
      return v === undefined || b === undefined || !(b > 0) ? undefined : change('tailLossRatio', down2(v / b), false);
    }
    case 'accuracy-below-threshold':
      return v === undefined ? undefined : change('accuracy', down2(v), false);
    default:
      return undefined;
  }
}

export class FindingCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(
    private readonly store: FindingsStore,
    private readonly config: ConfigStore,
  ) {}

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.map((d) => ({ d, item: this.store.match(document.uri, d) })).filter((x) => x.item);
    if (!ours.length) return [];
    const cfg = await this.config.get(document.uri);
    const entry = this.store.entryFor(document.uri);
    const actions: vscode.CodeAction[] = [];
    // Findings of one generation share its first line; offer each distinct fix once.
    const titles = new Set<string>();
    const loosenings = new Map<keyof RuleThresholds, { change: ThresholdChange; diagnostics: vscode.Diagnostic[] }>();
    // Threshold changes, then rule switches, come last, after the fixes that navigate.
    const disabling = new Map<string, vscode.CodeAction>();
    for (const { d, item } of ours) {
      const { finding, findingIndex, role } = item!;
      const action = (title: string, command: vscode.Command) => {
        if (titles.has(title)) return;
        titles.add(title);
        const a = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.command = command;
        actions.push(a);
      };
      const open: OpenReportArgs = { uri: document.uri, findingIndex };
      action(vscode.l10n.t('Open the Collapse Lens report at this {0} finding', finding.rule), { command: COMMAND_OPEN_REPORT, title: vscode.l10n.t('Open Report'), arguments: [open] });

      for (const r of (item!.diagnostic.relatedInformation ?? []).slice(0, 3)) {
        action(vscode.l10n.t('Go to the related record: {0} (line {1})', r.message, r.location.range.start.line + 1), {
          command: 'vscode.open',
          title: vscode.l10n.t('Go to Related Record'),
          arguments: [r.location.uri, { selection: r.location.range } satisfies vscode.TextDocumentShowOptions],
        });
      }

      if (role) {
        const current = entry?.result.report.fields[role];
        const args: ChooseFieldArgs = { uri: document.uri, role };
        const title = current
          ? vscode.l10n.t('Use another field for the {0} role (now "{1}")…', role, current)
          : vscode.l10n.t('Use another field for the {0} role…', role);
        action(title, { command: COMMAND_CHOOSE_FIELD, title: vscode.l10n.t('Choose Field'), arguments: [args] });
      }

      // Several findings on one line may loosen the same threshold: offer one change that
      // covers them all (the largest raise, the deepest lowering).
      const loosen = loosenThreshold(finding, cfg.thresholds, entry?.result.report);
      if (loosen) {
        const seen = loosenings.get(loosen.key);
        const raise = loosen.value > loosen.current;
        if (!seen) loosenings.set(loosen.key, { change: loosen, diagnostics: [d] });
        else {
          seen.diagnostics.push(d);
          if (raise ? loosen.value > seen.change.value : loosen.value < seen.change.value) seen.change = loosen;
        }
      }

      if (!cfg.disabledRules.includes(finding.rule) && !disabling.has(finding.rule)) {
        const args: UpdateSettingArgs = { uri: document.uri, key: 'rules.disabled', value: [...cfg.disabledRules, finding.rule] };
        const a = new vscode.CodeAction(vscode.l10n.t('Disable the {0} rule in workspace settings', finding.rule), vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.command = { command: COMMAND_UPDATE_SETTING, title: vscode.l10n.t('Disable Rule'), arguments: [args] };
        disabling.set(finding.rule, a);
      }
    }
    for (const { change, diagnostics } of loosenings.values()) {
      const setting = `${SECTION}.rules.${change.key}`;
      const args: UpdateSettingArgs = { uri: document.uri, key: `rules.${change.key}`, value: change.value };
      const title = change.value > change.current
        ? vscode.l10n.t('Raise {0} to {1} (now {2}) in workspace settings', setting, change.value, change.current)
        : vscode.l10n.t('Lower {0} to {1} (now {2}) in workspace settings', setting, change.value, change.current);
      const a = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      a.diagnostics = diagnostics;
      a.command = { command: COMMAND_UPDATE_SETTING, title: vscode.l10n.t('Change Threshold'), arguments: [args] };
      actions.push(a);
    }
    actions.push(...disabling.values());
    return actions;
  }
}
