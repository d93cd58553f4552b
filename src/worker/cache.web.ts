// cache.ts for the web build: a browser's worker has no folder to keep states in, so every
// file is read each time (incremental re-analysis is a desktop feature).
import type { StateFolder } from './cache';

export function partialCache(_dir: string | undefined, _maxBytes: number): StateFolder | undefined {
  return undefined;
}

// tsc checks the importers against cache.ts only; this holds the two files' exports together.
({ partialCache }) satisfies Pick<typeof import('./cache'), 'partialCache'>;
