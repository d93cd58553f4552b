// localDisk.ts for the web build: a browser has no local disk to open by path. The extension
// reads every file through VS Code's file system and hands its bytes over (AnalyzeInput.open),
// so these are reached only by a mistake; they fail with a message that says so.
import { InputError, type RandomAccessSource } from './readers/types';

const NO_DISK = 'cannot be opened by path in a browser; it must be read through VS Code';

function noDisk(): Error {
  return Object.assign(new Error(NO_DISK), { code: 'ENOTSUP' });
}

export async function* openFileStream(_file: string, _range?: { start: number; end: number }): AsyncGenerator<Uint8Array> {
  throw new InputError(NO_DISK);
}

export async function openFileSource(_file: string): Promise<RandomAccessSource> {
  throw new InputError(NO_DISK);
}

export async function statFile(_file: string): Promise<{ size: number; isDirectory(): boolean }> {
  throw noDisk();
}

export async function readTextFile(_file: string): Promise<string> {
  throw noDisk();
}

/** Paths here are the workspace's URI paths: already absolute and normalized. */
export function samePath(a: string, b: string): boolean {
  return a === b;
}

export function baseName(file: string): string {
  const trimmed = file.replace(/\/+$/u, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

// tsc checks the importers against localDisk.ts only; this holds the two files' exports together.
({ openFileStream, openFileSource, statFile, readTextFile, samePath, baseName }) satisfies typeof import('./localDisk');
