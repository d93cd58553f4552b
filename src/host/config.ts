// One typed snapshot of the `collapseLens.*` settings merged with the folder's
// `collapselens.json`, rebuilt when either changes. Everything else reads settings from here.
import * as vscode from 'vscode';
import { CONFIG_FILE_NAME, ConfigError, mergeOptions, parseConfig } from '../core/config';
import type { FileConfig } from '../core/config';
import { DEFAULT_SAMPLING, DEFAULT_THRESHOLDS } from '../core/options';
import type { AnalyzeOptions, FieldOverrides, RuleThresholds, SamplingOptions } from '../core/options';
import { FIELD_ROLES } from '../shared/report';
import { DEFAULT_INCLUDE } from '../shared/formats';
import type { FieldRole } from '../shared/report';
import type { WorkerAnalyzeOptions } from '../worker/protocol';

export const SECTION = 'collapseLens';

export const THRESHOLD_KEYS = Object.keys(DEFAULT_THRESHOLDS) as (keyof RuleThresholds)[];
export const SAMPLING_KEYS = Object.keys(DEFAULT_SAMPLING) as (keyof SamplingOptions)[];

export interface HostConfig {
  /** Options for the engine: defaults < collapselens.json < settings the user set. */
  readonly analyze: WorkerAnalyzeOptions;
  /** The thresholds in effect, defaults included (for quick fixes that loosen one). */
  readonly thresholds: RuleThresholds;
  readonly disabledRules: readonly string[];
  readonly include: string;
  readonly exclude: string;
  /** 0 means no limit. */
  readonly maxFileBytes: number;
  readonly analyzeOnSave: boolean;
  /** The collapselens.json that was merged in, if any. */
  readonly configFile?: vscode.Uri;
  /** Why collapselens.json could not be used, for one message per change. */
  readonly configFileError?: string;
}

/** A setting counts as set when some scope holds a value; defaults defer to collapselens.json. */
function explicit<T>(cfg: vscode.WorkspaceConfiguration, key: string): T | undefined {
  const i = cfg.inspect<T>(key);
  if (!i) return undefined;
  return i.workspaceFolderValue ?? i.workspaceValue ?? i.globalValue;
}

function settingsLayer(cfg: vscode.WorkspaceConfiguration): AnalyzeOptions {
  const thresholds: Partial<RuleThresholds> = {};
  for (const k of THRESHOLD_KEYS) {
    const v = explicit<number>(cfg, `rules.${k}`);
    if (typeof v === 'number' && Number.isFinite(v)) thresholds[k] = v;
  }
  const fields: FieldOverrides = {};
  for (const role of FIELD_ROLES) {
    const v = explicit<string>(cfg, `fields.${role}`);
    if (typeof v === 'string' && v.trim() !== '') fields[role] = v.trim();
  }
  const sampling: Partial<SamplingOptions> = {};
  for (const k of SAMPLING_KEYS) {
    const v = explicit<number>(cfg, `sampling.${k}`);
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) sampling[k] = v;
  }
  const layer: AnalyzeOptions = { thresholds, fields, sampling };
  const disabled = explicit<string[]>(cfg, 'rules.disabled');
  if (Array.isArray(disabled)) layer.disabledRules = disabled.filter((r) => typeof r === 'string');
  const findings = explicit<string>(cfg, 'findings');
  if (findings === 'event' || findings === 'metric') layer.findingMode = findings;
  return layer;
}

async function readConfigFile(folder: vscode.WorkspaceFolder | undefined): Promise<{ uri?: vscode.Uri; config?: FileConfig; error?: string }> {
  // A config file in an untrusted folder could aim the analysis elsewhere (baseline); skip it.
  if (!folder || !vscode.workspace.isTrusted) return {};
  const uri = vscode.Uri.joinPath(folder.uri, CONFIG_FILE_NAME);
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch {
    return {};
  }
  try {
    const raw: unknown = JSON.parse(new TextDecoder().decode(bytes).replace(/^\uFEFF/, ''));
    return { uri, config: parseConfig(raw, vscode.workspace.asRelativePath(uri)) };
  } catch (e) {
    const message = e instanceof ConfigError ? e.message : vscode.l10n.t('{0} is not valid JSON: {1}', CONFIG_FILE_NAME, (e as Error).message);
    return { uri, error: message };
  }
}

async function buildConfig(folder: vscode.WorkspaceFolder | undefined): Promise<HostConfig> {
  const cfg = vscode.workspace.getConfiguration(SECTION, folder?.uri);
  const file = await readConfigFile(folder);
  const maxMB = cfg.get<number>('maxFileSizeMB', 2048);
  const maxFileBytes = Number.isFinite(maxMB) && maxMB > 0 ? Math.round(maxMB * 1024 * 1024) : 0;
  const merged = mergeOptions({ thresholds: { ...DEFAULT_THRESHOLDS } }, file.config, settingsLayer(cfg));
  // The settings' size limit wins over collapselens.json's: it is the one the user sees.
  const analyze: WorkerAnalyzeOptions = { ...merged, maxFileBytes };
  // 0 (the default): the worker picks from the machine's cores and memory.
  const threads = cfg.get<number>('analysisThreads', 0);
  if (Number.isInteger(threads) && threads >= 1) analyze.jobs = Math.min(threads, 256);
  delete (analyze as { failOn?: unknown }).failOn;
  return {
    analyze,
    thresholds: { ...DEFAULT_THRESHOLDS, ...merged.thresholds },
    disabledRules: merged.disabledRules ?? [],
    include: cfg.get<string>('include', '') || DEFAULT_INCLUDE,
    exclude: cfg.get<string>('exclude', '') || '',
    maxFileBytes,
    analyzeOnSave: cfg.get<boolean>('analyzeOnSave', true),
    ...(file.uri && file.config ? { configFile: file.uri } : {}),
    ...(file.error ? { configFileError: file.error } : {}),
  };
}

export { DEFAULT_INCLUDE };

/**
 * The configuration snapshot, per workspace folder (settings can differ per folder in a
 * multi-root workspace). Snapshots are rebuilt lazily after a change.
 */
export class ConfigStore implements vscode.Disposable {
  private readonly cache = new Map<string, Promise<HostConfig>>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly reportedErrors = new Set<string>();
  readonly onDidChange = this.changed.event;

  constructor() {
    const invalidate = () => {
      this.cache.clear();
      this.changed.fire();
    };
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${CONFIG_FILE_NAME}`);
    this.disposables.push(
      watcher,
      watcher.onDidCreate(invalidate),
      watcher.onDidChange(invalidate),
      watcher.onDidDelete(invalidate),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SECTION)) invalidate();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(invalidate),
      vscode.workspace.onDidGrantWorkspaceTrust(invalidate),
    );
  }

  /** The snapshot that applies to a file (its workspace folder's settings and config file). */
  get(resource?: vscode.Uri): Promise<HostConfig> {
    const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : vscode.workspace.workspaceFolders?.[0];
    const key = folder?.uri.toString() ?? '';
    let snapshot = this.cache.get(key);
    if (!snapshot) {
      snapshot = buildConfig(folder).then((c) => {
        if (c.configFileError && !this.reportedErrors.has(c.configFileError)) {
          this.reportedErrors.add(c.configFileError);
          void vscode.window.showWarningMessage(vscode.l10n.t('Collapse Lens ignores {0}: {1}', CONFIG_FILE_NAME, c.configFileError));
        }
        return c;
      });
      this.cache.set(key, snapshot);
    }
    return snapshot;
  }

  /** Writes one `collapseLens.*` setting for the workspace (never the user's global settings). */
  async update(key: string, value: unknown, resource?: vscode.Uri): Promise<void> {
    const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : undefined;
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const cfg = vscode.workspace.getConfiguration(SECTION, folder?.uri);
    const target = multiRoot && folder ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Workspace;
    const before = cfg.inspect(key);
    const old = target === vscode.ConfigurationTarget.WorkspaceFolder ? before?.workspaceFolderValue : before?.workspaceValue;
    if (JSON.stringify(old) === JSON.stringify(value)) return;
    // The write resolves before this extension host sees the change; callers analyze right after.
    const seen = new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      };
      const timer = setTimeout(done, 2000);
      const sub = vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.${key}`)) done();
      });
    });
    await cfg.update(key, value, target);
    await seen;
    this.cache.clear();
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}

export function fieldSettingKey(role: FieldRole): string {
  return `fields.${role}`;
}
