// The reading thread of offThread.ts: streams one file, parses and projects its records, and
// posts them in batches, waiting when READ_BATCHES.inFlight batches are not yet taken.
import { parentPort, workerData } from 'node:worker_threads';
import { openInputRecords } from '../readers/index';
import { makeProjector } from './project';
import type { Projected } from './project';
import type { RecordIssue, SourceRecord } from '../readers/types';
import { READ_BATCHES } from './offThread';
import type { HelpAnswer, ProjectJob, ProjectMessage, ReaderRequest } from './offThread';
import { referenceGzipFileSize } from '../metrics/compression';
import { packedTagsBuffers, packTags } from '../metrics/packedTagged';
import { prepareTagger, tagTexts } from '../metrics/posTagger';
import { packedNearDuplicateFlags } from '../metrics/nearDuplicates';
import { BatchTokenizer, tokenizedBuffers } from '../metrics/tokenize';
import { columnBuffers, encodeProjected } from './projectedColumns';

const job = workerData as ProjectJob;
const port = parentPort!;
let inFlight = 0;
let resume: (() => void) | undefined;
/** Work asked by the analysis thread (ReadingThreadHelp), not done yet. */
const asked: Exclude<ReaderRequest, 'next'>[] = [];
/** While reading, work is done only with every batch allowed in flight waiting, so the analysis thread never waits for a batch meanwhile. */
let reading = true;
port.on('message', (m: ReaderRequest) => {
  if (m === 'next') {
    inFlight--;
    const r = resume;
    resume = undefined;
    r?.();
    return;
  }
  asked.push(m);
  if (!reading || inFlight >= maxInFlight) work();
});

/**
 * Does the work asked: all of it once the file is read; while reading, one piece (about 0.1 s)
 * each time every batch allowed in flight is waiting, so the analysis thread has batches meanwhile.
 */
function work(): void {
  for (let m = asked.shift(); m !== undefined; m = reading ? undefined : asked.shift()) {
    if (m.kind === 'gzip') port.postMessage({ kind: 'gzipped', id: m.id, size: referenceGzipFileSize(m.bytes) } satisfies HelpAnswer);
    else if (m.kind === 'near-duplicates') {
      const flags = packedNearDuplicateFlags(m.shingles, m.threshold);
      port.postMessage({ kind: 'flagged', id: m.id, flags } satisfies HelpAnswer, [flags.buffer as ArrayBuffer]);
    } else {
      const tags = packTags(tagTexts(m.texts));
      port.postMessage({ kind: 'tagged', id: m.id, tags } satisfies HelpAnswer, packedTagsBuffers(tags));
    }
  }
}

/**
 * With a text path, in a reading that reduces generations, their template samples will be
 * tagged here: the model is loaded the first time this thread is ahead with nothing asked
 * (its load is the longest piece). A mergeable reading (partial results) asks for nothing.
 */
let taggerPending = job.helps === true && job.spec.paths.text !== undefined && job.sample === undefined;
function idle(): void {
  if (asked.length > 0) work();
  else if (taggerPending) {
    taggerPending = false;
    prepareTagger();
  }
}

const post = (m: ProjectMessage) => port.postMessage(m);

const vectors = job.spec.paths.vector !== undefined || job.spec.columnVector !== undefined;
const batchSize = vectors ? READ_BATCHES.vectorRecords : READ_BATCHES.records;
const maxInFlight = vectors ? READ_BATCHES.vectorsInFlight : READ_BATCHES.inFlight;

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

/**
 * The texts are tokenized here, where they were just parsed: on the analysis thread the same
 * work cost about twice as much, its caches taken by the n-gram sets.
 */
const tokenizer = job.tokenize && job.spec.paths.text !== undefined ? new BatchTokenizer(job.tokenize.lowercase) : undefined;

async function main(): Promise<void> {
  const project = makeProjector(job.spec);
  try {
    if (job.sample !== undefined) {
      await sample(job.sample);
      return;
    }
    for await (const batch of openInputRecords({ file: job.file }, { format: job.format, compressed: job.compressed, ...(job.maxDecompressedBytes ? { maxDecompressedBytes: job.maxDecompressedBytes } : {}), batchSize })) {
      const records: Projected[] = [];
      for (const rec of batch.records) {
        const p = project(rec);
        if (p) records.push(p);
      }
      while (inFlight >= maxInFlight) {
        idle();
        await new Promise<void>((r) => (resume = r));
      }
      inFlight++;
      const tokens = tokenizer?.tokenize(records);
      // As columns (projectedColumns.ts); they, the vectors and the tokens move to the analysis thread without a copy.
      const columns = encodeProjected(records);
      const transfer = columnBuffers(columns);
      if (tokens) transfer.push(...tokenizedBuffers(tokens));
      port.postMessage({ kind: 'batch', columns, issues: batch.issues, bytes: batch.bytes, ...(tokens ? { tokens } : {}) } satisfies ProjectMessage, transfer);
    }
    post({ kind: 'done' });
  } catch (e) {
    const err = e as Error & { line?: number; column?: number };
    post({ kind: 'error', name: err.name ?? 'Error', message: err.message ?? String(e), ...(err.line !== undefined ? { line: err.line } : {}), ...(err.column !== undefined ? { column: err.column } : {}) });
  }
  reading = false;
  work();
}

// The port stays open after the file is read: the analysis thread may still ask for work, and
// stops this thread once it has its answers.
void main();
