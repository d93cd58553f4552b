// Writes a generated scenario into its folder through VS Code's file system, so virtual
// workspaces work too. The files arrive from the worker ready to write (one function puts
// them together for the CLI and the worker: src/core/scenarios/readme.ts's scenarioFiles).
import * as vscode from 'vscode';
import { isScenarioFileName } from '../../core/scenarios/common';
import type { GeneratedScenario } from '../../worker/protocol';
import { folderState } from './placement';

/** Files written at the same time. */
const WRITES_IN_FLIGHT = 8;

/**
 * Writes the generation files and README.md. Replace first deletes scenario files of an earlier
 * run that this one does not rewrite (more generations then), so the folder holds one run.
 * Cancelled or failed: removes what it wrote, and the folder if it made it.
 */
export async function writeScenarioFiles(
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
      if (type === vscode.FileType.File && isScenarioFileName(name) && !names.has(name)) await fs.delete(vscode.Uri.joinPath(folder, name));
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
