// The analysis threads (dist/analysis-thread.js, core/analysis/partialWorker.ts) as incremental
// re-analysis uses them on the desktop: each file of a set that must be read is one task,
// up to one thread per core, each thread sending back the stored form of the file's partial
// analysis, which is both merged and kept. A file that cannot be read fails its task only:
// the caller says which file of the set comes first.
import { AnalysisPool } from '../core/analysis/analysisPool';
import type { PartialState } from '../core/analysis/partial';
import type { AnalyzeInput, ReadInputsOptions } from '../core/analysis/read';

export class FileThreads {
  private readonly pool: AnalysisPool;

  constructor(script: string, size: number, signal: AbortSignal | undefined) {
    this.pool = new AnalysisPool(script, size, signal, false);
  }

  /** Reads one file (options: only what can be cloned) into the stored form of its partial analysis. */
  readonly read = async (input: AnalyzeInput, options: ReadInputsOptions, onBytes: (bytes: number) => void): Promise<PartialState> => {
    const r = await this.pool.run({ kind: 'partial', input: { file: input.file, display: input.display }, options }, onBytes);
    if (r.kind !== 'partial') throw new Error(`unexpected answer from an analysis thread: ${r.kind}`);
    return r.state;
  };

  close(): Promise<void> {
    return this.pool.close();
  }
}
