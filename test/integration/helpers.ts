// Shared by the integration tests: the extension's API, fixture paths, waiting for results.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CollapseLensApi } from '../../src/extension';
import type { RunOutcome } from '../../src/host/analyzer';

export const EXTENSION_ID = 'collapse-lens.collapse-lens';
export const SOURCE = 'Collapse Lens';

export async function activate(): Promise<CollapseLensApi> {
  const ext = vscode.extensions.getExtension<CollapseLensApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is loaded`);
  return ext.activate();
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run with the fixture workspace open');
  return folder.uri;
}

export function fixture(...parts: string[]): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...parts);
}

export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

export function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return typeof c === 'object' ? String(c.value) : String(c);
}

export async function analyzeFile(uri: vscode.Uri): Promise<RunOutcome> {
  const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>('collapseLens.analyzeFile', uri);
  assert.ok(outcome, 'analyzeFile returns the run outcome');
  return outcome;
}

export async function clear(): Promise<void> {
  await vscode.commands.executeCommand('collapseLens.clearFindings');
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resets a `collapseLens.*` workspace setting a test changed. */
export async function resetSetting(key: string): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('collapseLens');
  if (cfg.inspect(key)?.workspaceValue !== undefined) await cfg.update(key, undefined, vscode.ConfigurationTarget.Workspace);
}

/** Captures the messages the extension shows with window.showErrorMessage (and their buttons). */
export function spyErrorMessages(): { messages: { message: string; items: string[] }[]; restore(): void } {
  const window = vscode.window as { showErrorMessage: (...args: unknown[]) => Thenable<unknown> };
  const original = window.showErrorMessage;
  const messages: { message: string; items: string[] }[] = [];
  window.showErrorMessage = (message: unknown, ...rest: unknown[]) => {
    messages.push({ message: String(message), items: rest.filter((x): x is string => typeof x === 'string') });
    return Promise.resolve(undefined);
  };
  return { messages, restore: () => void (window.showErrorMessage = original) };
}
