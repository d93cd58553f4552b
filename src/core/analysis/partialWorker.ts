// An analysis thread of parallel.ts (dist/analysis-thread.js): takes tasks one at a time —
// count the line breaks of a byte range, or read files (or a range of one) into a partial
// analysis with the fields the coordinator detected — and posts each result back as the
// stored form of partial.ts.
import { parentPort } from 'node:worker_threads';
import { readInputs } from './read';
import { partialToState } from './partial';
import { countLineBreaks, generationOfLine } from './ranges';
import { inflatedFile, openSpan } from './gzipSpans';
import { delimitedLineReader } from '../readers/csv';
import type { ReadInputsOptions } from './read';
import type { TaskMessage, TaskResult } from './analysisPool';
import { VERSION } from '../version';

const port = parentPort!;

port.on('message', (task: TaskMessage) => {
  void run(task).then((result) => port.postMessage(result));
});

async function run(task: TaskMessage): Promise<TaskResult> {
  try {
    if (task.kind === 'count') return { kind: 'count', id: task.id, lines: await countLineBreaks(task.file, task.range, task.carriageReturns) };
    let options: ReadInputsOptions = task.options;
    if (task.span) {
      // A span of a gzip file: found in its text, then read as a range that starts there.
      const max = options.maxFileBytes && options.maxFileBytes > 0 ? options.maxFileBytes : undefined;
      const csv = task.span.csv;
      const record = csv ? delimitedLineReader(csv.header, csv.delimiter) : undefined;
      const span = await openSpan(inflatedFile(task.input.file, max), task.span, generationOfLine(options.fieldsFrom!, task.input.display, record));
      if (!span) return { kind: 'empty', id: task.id };
      // A CSV span after the first is read with the header; whether it ends at a cut is known only
      // at its end, so any span whose text ends inside a quoted field has the file read in one piece.
      const rows = csv ? { last: false, ...(task.span.index > 0 ? { header: csv.header } : {}) } : {};
      options = { ...options, range: { start: span.start, end: span.start, firstLine: span.firstLine, open: () => span.bytes, ...rows } };
    }
    let last = 0;
    let lastRecords = 0;
    const partial = await readInputs([task.input], {
      ...options,
      onProgress: (p) => {
        port.postMessage({ kind: 'progress', id: task.id, bytes: p.bytes - last, records: p.records - lastRecords } satisfies TaskResult);
        last = p.bytes;
        lastRecords = p.records;
      },
    });
    return { kind: 'partial', id: task.id, state: partialToState(partial, VERSION), bytes: last };
  } catch (e) {
    const err = e as Error & { line?: number; column?: number; file?: string };
    return {
      kind: 'error',
      id: task.id,
      name: err.name ?? 'Error',
      message: err.message ?? String(e),
      ...(err.line !== undefined ? { line: err.line } : {}),
      ...(err.column !== undefined ? { column: err.column } : {}),
      ...(err.file !== undefined ? { file: err.file } : {}),
    };
  }
}
