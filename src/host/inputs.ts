// Which files can be analyzed, how the report names them, and how their bytes reach the worker.
import * as vscode from 'vscode';
import { naturalCompare } from '../core/generations';
import type { AnalysisTarget } from './diagnostics';
import { READS_LOCAL_FILES } from './platform';
import type { WorkerError, WorkerInput } from '../worker/protocol';

import { formatBytes, SUPPORTED_FILE } from '../shared/formats';

/**
 * Files on a virtual file system (and every file in the web build) are read by the host and
 * handed to the worker whole; this caps the memory that takes, whatever
 * collapseLens.maxFileSizeMB says.
 */
export const MAX_VIRTUAL_FILE_BYTES = 256 * 1024 * 1024;

export function isSupported(uri: vscode.Uri): boolean {
  return SUPPORTED_FILE.test(uri.path);
}

/** The path the report shows: relative to the workspace folder (with its name in multi-root). */
export function displayPath(uri: vscode.Uri): string {
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  return vscode.workspace.asRelativePath(uri, multiRoot);
}

/** Generations order: natural sort of the shown paths (gen2 before gen10); the first is the baseline. */
export function orderGenerations(uris: readonly vscode.Uri[]): vscode.Uri[] {
  return [...uris].sort((a, b) => naturalCompare(displayPath(a), displayPath(b)));
}

export function targetsOf(uris: readonly vscode.Uri[]): AnalysisTarget[] {
  return uris.map((uri) => ({ uri, display: displayPath(uri) }));
}

export class InputReadError extends Error {
  constructor(readonly error: WorkerError) {
    super(error.message);
  }
}

/** A `file:` URI is read by the worker from disk (on the desktop); anything else is read here through VS Code. */
export async function workerInput(target: AnalysisTarget, maxFileBytes: number): Promise<WorkerInput> {
  const { uri, display } = target;
  if (uri.scheme === 'file' && READS_LOCAL_FILES) return { file: uri.fsPath, display };
  const limit = maxFileBytes > 0 ? Math.min(maxFileBytes, MAX_VIRTUAL_FILE_BYTES) : MAX_VIRTUAL_FILE_BYTES;
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > limit) {
      throw new InputReadError({
        message: READS_LOCAL_FILES
          ? vscode.l10n.t(
              '{0} is {1}; files outside the local disk are read into memory, up to {2}. Copy it to a local folder to analyze it as a stream.',
              display,
              formatBytes(stat.size),
              formatBytes(limit),
            )
          : vscode.l10n.t(
              '{0} is {1}; in a browser, files are read into memory, up to {2}. Analyze it in VS Code on the desktop or with the collapse-lens command line, which stream files of any size.',
              display,
              formatBytes(stat.size),
              formatBytes(limit),
            ),
        input: true,
        file: display,
      });
    }
    // A copy this extension owns: its buffer is transferred to the worker (and so detached
    // here), and the one VS Code returned may be shared with a provider or a cache.
    const bytes = (await vscode.workspace.fs.readFile(uri)).slice();
    return { file: uri.path, display, bytes };
  } catch (e) {
    if (e instanceof InputReadError) throw e;
    throw new InputReadError({ message: vscode.l10n.t('{0} cannot be read: {1}', display, (e as Error).message), input: true, file: display });
  }
}
