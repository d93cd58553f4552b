// Entry point of the VS Code extension: wires the host services, nothing else.
import type * as vscode from 'vscode';
import { CollapseLens } from './host/context';
import type { CollapseLensApi } from './host/context';

export type { CollapseLensApi };

export function activate(context: vscode.ExtensionContext): CollapseLensApi {
  const lens = new CollapseLens(context);
  context.subscriptions.push(lens);
  return lens.api();
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
