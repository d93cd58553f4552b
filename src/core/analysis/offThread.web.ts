// offThread.ts for the web build: no reading thread in a browser. The analysis reads a file on
// the second thread only when it is given the thread's script (AnalyzeOptions.readerThread),
// which the web worker never gives, so these are never called there.
import type { RecordIssue, SourceRecord } from '../readers/types';
import type { ProjectJob, ReadBatch } from './offThread';
import type { PackedTags } from '../metrics/packedTagged';
import type { PackedShingles } from '../metrics/nearDuplicates';

const NO_THREAD = 'no reading thread in a browser';

export function readerThreadBeside(_dir: string): string | undefined {
  return undefined;
}

/** Never attached here: there is no reading thread to help. */
export class ReadingThreadHelp {
  gzipFileSize(_bytes: Uint8Array): Promise<number> {
    return Promise.reject(new Error(NO_THREAD));
  }

  tagTexts(_texts: string[]): Promise<PackedTags> {
    return Promise.reject(new Error(NO_THREAD));
  }

  nearDuplicateFlags(_shingles: PackedShingles, _threshold: number): Promise<Uint8Array> {
    return Promise.reject(new Error(NO_THREAD));
  }
}

export async function* projectOffThread(_script: string, _job: ProjectJob, _signal?: AbortSignal, _loan?: { help: ReadingThreadHelp; atEnd?: () => void }): AsyncGenerator<ReadBatch> {
  throw new Error(NO_THREAD);
}

export async function sampleOffThread(
  _script: string,
  _job: Omit<ProjectJob, 'spec' | 'sample'>,
  _records: number,
  _signal?: AbortSignal,
): Promise<{ records: SourceRecord[]; issues: RecordIssue[]; eof: boolean }> {
  throw new Error(NO_THREAD);
}

// tsc checks the importers against offThread.ts only; this holds the two files' exports together.
({ readerThreadBeside, projectOffThread, sampleOffThread }) satisfies Pick<typeof import('./offThread'), 'readerThreadBeside' | 'projectOffThread' | 'sampleOffThread'>;
new ReadingThreadHelp() satisfies Pick<import('./offThread').ReadingThreadHelp, 'gzipFileSize' | 'tagTexts' | 'nearDuplicateFlags'>;
