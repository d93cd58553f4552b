// One benchmark case in a fresh process, so peak RSS belongs to that case alone.
// Prints one JSON line: { case, bytes, ms, mbPerSec, peakRssMb, records, groups }.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { analyzeFiles } from '../src/core/analyze';
import { readerThreadBeside } from '../src/core/analysis/offThread';
import { computeVendiScore, meanPairwiseDistance } from '../src/core/metrics/vectors';
import { Random } from '../src/core/random';
import { openFileSource, readParquet } from '../src/core/readers/parquet';
import { ReadContext } from '../src/core/readers/types';

async function main() {
  const [kind, file] = process.argv.slice(2);
  const started = performance.now();
  if (kind === 'vectors-compute') {
    // Vendi (d × d route) and mean pairwise distance on n = 10,000, d = 384 held in memory.
    const n = 10_000;
    const d = 384;
    const rng = new Random(1);
    const rows = Array.from({ length: n }, () => Float64Array.from({ length: d }, () => rng.normal()));
    const t0 = performance.now();
    const vendi = computeVendiScore(rows);
    const t1 = performance.now();
    const mpd = meanPairwiseDistance(rows.slice(0, 5000));
    const t2 = performance.now();
    console.log(JSON.stringify({ case: kind, n, d, vendiMs: Math.round(t1 - t0), exactPairwise5000Ms: Math.round(t2 - t1), vendi, mpd, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
    return;
  }
  if (kind === 'parquet') {
    console.log(JSON.stringify(await measureParquetRead(file!)));
    return;
  }
  const bytes = (await stat(file!)).size;
  // BENCH_THREADS=1 keeps the reading on the analysis thread.
  const readerThread = process.env.BENCH_THREADS === '1' ? undefined : readerThreadBeside(path.join(__dirname, '..', '..', 'dist'));
  const result = await analyzeFiles([{ file: file!, display: file! }], readerThread ? { readerThread } : {});
  const ms = performance.now() - started;
  console.log(JSON.stringify({
    case: kind,
    bytes,
    ms: Math.round(ms),
    mbPerSec: Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    records: result.report.inputs[0]!.records,
    groups: result.report.groups.length,
    findings: result.report.findings.length,
  }));
}

/**
 * The Parquet reader alone (no analysis): rows/s, MB/s of file bytes, peak RSS.
 * BENCH_PARQUET_SLICE_ROWS=0 reads every row group whole instead of in slices.
 */
async function measureParquetRead(file: string) {
  const started = performance.now();
  const sliceEnv = process.env.BENCH_PARQUET_SLICE_ROWS;
  const slicing = sliceEnv === undefined ? {} : Number(sliceEnv) > 0 ? { sliceRows: Number(sliceEnv) } : { sliceAbove: 0 };
  const source = await openFileSource(file);
  let records = 0;
  let textChars = 0;
  let batches = 0;
  try {
    for await (const batch of readParquet(source, new ReadContext({ format: 'parquet', compressed: false }), slicing)) {
      batches++;
      for (const r of batch.records) {
        records++;
        const text = r.value.output;
        if (typeof text === 'string') textChars += text.length;
      }
    }
  } finally {
    await source.close();
  }
  const ms = performance.now() - started;
  return {
    case: 'parquet',
    bytes: source.byteLength,
    ms: Math.round(ms),
    mbPerSec: Math.round((source.byteLength / 1e6 / (ms / 1000)) * 10) / 10,
    rowsPerSec: Math.round(records / (ms / 1000)),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    records,
    batches,
    textMb: Math.round(textChars / 1e5) / 10,
    slicing: sliceEnv ?? 'default',
  };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
