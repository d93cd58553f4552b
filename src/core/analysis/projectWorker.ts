// The reading thread of offThread.ts: streams one file, parses and projects its records, and
// posts them in batches, waiting when MAX_IN_FLIGHT batches are not yet taken.
import { parentPort, workerData } from 'node:worker_threads';
import { openInputRecords } from '../readers/index';
import { makeProjector } from './project';
import type { Projected } from './project';
import { MAX_IN_FLIGHT } from './offThread';
import type { ProjectJob, ProjectMessage } from './offThread';

const job = workerData as ProjectJob;
const port = parentPort!;
let inFlight = 0;
let resume: (() => void) | undefined;
port.on('message', () => {
  inFlight--;
  const r = resume;
  resume = undefined;
  r?.();
});

const post = (m: ProjectMessage) => port.postMessage(m);

async function main(): Promise<void> {
  const project = makeProjector(job.spec);
  try {
    for await (const batch of openInputRecords({ file: job.file }, { format: job.format, compressed: job.compressed, ...(job.maxDecompressedBytes ? { maxDecompressedBytes: job.maxDecompressedBytes } : {}) })) {
      const records: Projected[] = [];
      for (const rec of batch.records) {
        const p = project(rec);
        if (p) records.push(p);
      }
      while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (resume = r));
      inFlight++;
      post({ kind: 'batch', records, issues: batch.issues, bytes: batch.bytes });
    }
    post({ kind: 'done' });
  } catch (e) {
    const err = e as Error & { line?: number; column?: number };
    post({ kind: 'error', name: err.name ?? 'Error', message: err.message ?? String(e), ...(err.line !== undefined ? { line: err.line } : {}), ...(err.column !== undefined ? { column: err.column } : {}) });
  }
}

void main().then(() => port.close());
