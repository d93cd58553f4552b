// The reading thread of offThread.ts: streams one file, parses and projects its records, and
// posts them in batches, waiting when MAX_IN_FLIGHT batches are not yet taken.
import { parentPort, workerData } from 'node:worker_threads';
import { openInputRecords } from '../readers/index';
import { makeProjector } from './project';
import type { Projected } from './project';
import type { RecordIssue, SourceRecord } from '../readers/types';
import { MAX_IN_FLIGHT } from './offThread';
import type { HelpAnswer, ProjectJob, ProjectMessage, ReaderRequest } from './offThread';
import { referenceGzipFileSize } from '../metrics/compression';

const job = workerData as ProjectJob;
const port = parentPort!;
let inFlight = 0;
let resume: (() => void) | undefined;
port.on('message', (m: ReaderRequest) => {
  if (m === 'next') {
    inFlight--;
    const r = resume;
    resume = undefined;
    r?.();
    return;
  }
  // Work for the analysis thread (ReadingThreadHelp), done between two batches.
  if (m.kind === 'gzip') port.postMessage({ kind: 'gzipped', id: m.id, size: referenceGzipFileSize(m.bytes) } satisfies HelpAnswer);
});

const post = (m: ProjectMessage) => port.postMessage(m);

/** Records per batch when they carry vectors: a batch of long vectors is large, and a few are in flight. */
const VECTOR_BATCH = 64;
const vectors = job.spec.paths.vector !== undefined || job.spec.columnVector !== undefined;

async function sample(n: number): Promise<void> {
  const records: SourceRecord[] = [];
  const issues: RecordIssue[] = [];
  let eof = true;
  for await (const batch of openInputRecords({ file: job.file }, { format: job.format, compressed: job.compressed, batchSize: 256, ...(job.maxDecompressedBytes ? { maxDecompressedBytes: job.maxDecompressedBytes } : {}) })) {
    records.push(...batch.records);
    issues.push(...batch.issues);
    if (records.length >= n) {
      eof = false;
      break;
    }
  }
  post({ kind: 'sample', records, issues, eof });
}

async function main(): Promise<void> {
  const project = makeProjector(job.spec);
  try {
    if (job.sample !== undefined) {
      await sample(job.sample);
      return;
    }
    for await (const batch of openInputRecords({ file: job.file }, { format: job.format, compressed: job.compressed, ...(job.maxDecompressedBytes ? { maxDecompressedBytes: job.maxDecompressedBytes } : {}), ...(vectors ? { batchSize: VECTOR_BATCH } : {}) })) {
      const records: Projected[] = [];
      for (const rec of batch.records) {
        const p = project(rec);
        if (p) records.push(p);
      }
      while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (resume = r));
      inFlight++;
      // Vectors move to the analysis thread without a copy.
      const transfer: ArrayBuffer[] = [];
      for (const r of records) for (const v of r.vectors ?? []) if (v instanceof Float64Array) transfer.push(v.buffer as ArrayBuffer);
      port.postMessage({ kind: 'batch', records, issues: batch.issues, bytes: batch.bytes } satisfies ProjectMessage, transfer);
    }
    post({ kind: 'done' });
  } catch (e) {
    const err = e as Error & { line?: number; column?: number };
    post({ kind: 'error', name: err.name ?? 'Error', message: err.message ?? String(e), ...(err.line !== undefined ? { line: err.line } : {}), ...(err.column !== undefined ? { column: err.column } : {}) });
  }
}

// The port stays open after the file is read: the analysis thread may still ask for work, and
// stops this thread once it has its answers.
void main();
