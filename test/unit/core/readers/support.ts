// Helpers of the reader tests: feed bytes to readRecords in chunks of a chosen size and collect
// what comes out.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { formatFromPath, readRecords } from '../../../../src/core/readers/index';
import type { ReadOptions, RecordBatch, RecordIssue, SourceRecord } from '../../../../src/core/readers/index';
import type { InputFormat } from '../../../../src/shared/report';
import { repoRoot } from '../../support';

export const FIXTURES = path.join(repoRoot(), 'test', 'fixtures');
export const fixture = (name: string): Buffer => fs.readFileSync(path.join(FIXTURES, name));

export async function* chunked(data: Uint8Array | string, size = 1 << 20): AsyncGenerator<Uint8Array> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export interface ReadResult {
  records: SourceRecord[];
  issues: RecordIssue[];
  batches: RecordBatch[];
}

export async function readAll(data: Uint8Array | string, format: InputFormat, options: Partial<ReadOptions> & { chunk?: number } = {}): Promise<ReadResult> {
  const { chunk, ...rest } = options;
  const result: ReadResult = { records: [], issues: [], batches: [] };
  for await (const batch of readRecords(chunked(data, chunk), { format, compressed: false, ...rest })) {
    result.batches.push(batch);
    result.records.push(...batch.records);
    result.issues.push(...batch.issues);
  }
  return result;
}

export async function readFixture(name: string, options: Partial<ReadOptions> & { chunk?: number } = {}): Promise<ReadResult> {
  const detected = formatFromPath(name);
  assert.ok(detected, `no format for ${name}`);
  return readAll(fixture(name), detected.format, { compressed: detected.compressed, ...options });
}

export const lines = (r: ReadResult): number[] => r.records.map((x) => x.line);
export const values = (r: ReadResult): unknown[] => r.records.map((x) => x.value);
