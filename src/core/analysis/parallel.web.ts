// parallel.ts for the web build: no analysis threads in a browser. The analysis reads in
// parallel only when it is given the thread's script (AnalyzeOptions.analysisThread), which
// the web worker never gives, so everything is read on the one thread there.
import { readInputs } from './read';
import type { AnalyzeInput } from './read';
import type { PartialAnalysis } from './partial';
import type { ParallelOptions } from './parallel';

export function analysisThreadBeside(_dir: string): string | undefined {
  return undefined;
}

export function readInParallel(inputs: readonly AnalyzeInput[], options: ParallelOptions): Promise<PartialAnalysis> {
  return readInputs(inputs, options);
}

// tsc checks the importers against parallel.ts only; this holds the two files' exports together.
({ analysisThreadBeside, readInParallel }) satisfies Pick<typeof import('./parallel'), 'analysisThreadBeside' | 'readInParallel'>;
