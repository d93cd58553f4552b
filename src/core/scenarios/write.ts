// Writes a scenario's files and README.md (readme.ts puts them together) into a folder with
// node's file system, for the CLI. Checks the folder and every target before writing the
// first file, so a refusal leaves the folder untouched: the folder must be a folder (or be
// possible to make); a target must be absent, or a regular file when overwriting is asked
// for. A symbolic link, a folder or a device where a file would go is always refused. Files
// are created with exclusive, no-follow opens; an overwritten file is unlinked first, so a
// link planted in the meantime is never followed.
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ensureFolder, OutputError } from '../outputFile';
import { README_NAME, scenarioFiles } from './readme';
import type { ScenarioMeta } from './readme';
import type { ScenarioResult } from './types';

export type { ScenarioMeta };

export { README_NAME };

/**
 * Why writing a scenario was refused:
 * - `exists`: files of these names are there (overwriting was not asked for);
 * - `link`: a symbolic link is where a file would go;
 * - `not-a-file`: a folder, device or pipe is where a file would go;
 * - `not-a-folder`: the folder is a file, or a file is in the way above it;
 * - `cannot-write`: the file system refused (permission, space…).
 */
export type ScenarioWriteProblem = 'exists' | 'link' | 'not-a-file' | 'not-a-folder' | 'cannot-write';

const CODES: Record<ScenarioWriteProblem, string> = { exists: 'EEXIST', link: 'ELOOP', 'not-a-file': 'EISDIR', 'not-a-folder': 'ENOTDIR', 'cannot-write': 'EIO' };

export class ScenarioWriteError extends Error {
  override readonly name = 'ScenarioWriteError';
  readonly code: string;

  constructor(
    message: string,
    readonly problem: ScenarioWriteProblem,
    /** The file names concerned (for `exists`, `link`, `not-a-file`). */
    readonly names: string[] = [],
    code?: string,
  ) {
    super(message);
    this.code = code ?? CODES[problem];
  }
}

const list = (names: string[]) => `${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}`;

const errno = (e: unknown): string | undefined => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** Exclusive create that never follows a link (O_NOFOLLOW is absent on Windows, where O_EXCL suffices). */
const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

export async function writeScenario(result: ScenarioResult, dir: string, meta: ScenarioMeta, options: { overwrite?: boolean } = {}): Promise<string[]> {
  const files = scenarioFiles(result, meta);
  const targets = files.map((f) => path.join(dir, f.name));

  // The folder: a folder already, or one that can be made.
  let exists = false;
  try {
    const s = await fs.stat(dir);
    if (!s.isDirectory()) throw new ScenarioWriteError(`${dir} is a file, not a folder`, 'not-a-folder');
    exists = true;
  } catch (e) {
    if (e instanceof ScenarioWriteError) throw e;
    if (errno(e) === 'ENOTDIR') throw new ScenarioWriteError(`${dir} is under a file, not a folder`, 'not-a-folder');
    if (errno(e) !== 'ENOENT') throw new ScenarioWriteError(`${dir} cannot be read (${errno(e) ?? String(e)})`, 'cannot-write', [], errno(e));
    await ensureFolder(dir, false).catch(folderError(dir));
  }

  // Every target, before anything is written.
  const present = new Set<string>();
  if (exists) {
    const links: string[] = [];
    const others: string[] = [];
    const existing: string[] = [];
    for (const t of targets) {
      let s;
      try {
        s = await fs.lstat(t);
      } catch (e) {
        if (errno(e) === 'ENOENT') continue;
        throw new ScenarioWriteError(`${t} cannot be read (${errno(e) ?? String(e)})`, 'cannot-write', [path.basename(t)], errno(e));
      }
      if (s.isSymbolicLink()) links.push(path.basename(t));
      else if (!s.isFile()) others.push(path.basename(t));
      else {
        existing.push(path.basename(t));
        present.add(t);
      }
    }
    if (links.length) throw new ScenarioWriteError(`${dir} holds symbolic links where scenario files go: ${list(links)}`, 'link', links);
    if (others.length) throw new ScenarioWriteError(`${dir} holds folders or other non-files where scenario files go: ${list(others)}`, 'not-a-file', others);
    if (existing.length && !options.overwrite) {
      throw new ScenarioWriteError(`${dir} already holds ${list(existing)}; pass overwrite to replace them`, 'exists', existing);
    }
  } else {
    await ensureFolder(dir, true).catch(folderError(dir));
  }

  for (let i = 0; i < files.length; i++) {
    const t = targets[i]!;
    // Unlinking removes a file (or a link planted since the check), never what a link points to.
    if (present.has(t)) await fs.unlink(t).catch((e) => (errno(e) === 'ENOENT' ? undefined : Promise.reject(writeError(t, e))));
    let handle;
    try {
      handle = await fs.open(t, CREATE, 0o666);
      await handle.writeFile(files[i]!.content, 'utf8');
    } catch (e) {
      // Something appeared at the name since the check: refuse rather than follow or replace it.
      if (errno(e) === 'EEXIST' || errno(e) === 'ELOOP') {
        const isLink = errno(e) === 'ELOOP' || (await fs.lstat(t).then((s) => s.isSymbolicLink(), () => false));
        throw new ScenarioWriteError(`${t} appeared while writing`, isLink ? 'link' : 'exists', [path.basename(t)], errno(e));
      }
      throw writeError(t, e);
    } finally {
      await handle?.close();
    }
  }
  return targets;
}

function folderError(dir: string) {
  return (e: unknown): never => {
    if (e instanceof OutputError) {
      const problem: ScenarioWriteProblem = e.code === 'ENOTDIR' ? 'not-a-folder' : 'cannot-write';
      throw new ScenarioWriteError(`${dir} ${e.message}`, problem, [], e.code);
    }
    throw writeError(dir, e);
  };
}

function writeError(file: string, e: unknown): ScenarioWriteError {
  return new ScenarioWriteError(`${file} cannot be written (${errno(e) ?? String(e)})`, 'cannot-write', [path.basename(file)], errno(e));
}
