// One benchmark case in a fresh process, so peak RSS belongs to that case alone.
// Prints one JSON line: { case, bytes, ms, mbPerSec, peakRssMb, records, groups }.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { analyzeFiles } from '../src/core/analyze';
import { limitHeapGrowth } from '../src/core/analysis/heapGrowth';
import { readerThreadBeside } from '../src/core/analysis/offThread';
import { analysisThreadBeside } from '../src/core/analysis/parallel';
import { computeVendiScore, finishVectorMetrics, meanPairwiseDistance, rowSampleMetrics, VectorAccumulator } from '../src/core/metrics/vectors';
import { syntheticEmbeddings } from '../src/core/numeric/syntheticEmbeddings';
import type { SyntheticKind, SyntheticOptions } from '../src/core/numeric/syntheticEmbeddings';
import { pairThreadBeside, usePairThread } from '../src/core/numeric/pairThreads';
import { Random } from '../src/core/random';
import { openFileSource, readParquet } from '../src/core/readers/parquet';
import { ReadContext } from '../src/core/readers/types';

async function main() {
  const [kind, file] = process.argv.slice(2);
  // As the CLI does (BENCH_HEAP_GROWTH=v8 leaves V8's own heuristics, to compare).
  if (process.env.BENCH_HEAP_GROWTH !== 'v8') limitHeapGrowth();
  const started = performance.now();
  // The vector pair pass's second thread (dist/pair-thread.js), as the CLI has it; BENCH_THREADS=1: none.
  usePairThread(process.env.BENCH_THREADS === '1' ? undefined : pairThreadBeside(path.join(__dirname, '..', '..', 'dist')));
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
  if (kind === 'vectors-accuracy') {
    console.log(JSON.stringify(measureVectorAccuracy()));
    return;
  }
  if (kind === 'parquet') {
    console.log(JSON.stringify(await measureParquetRead(file!)));
    return;
  }
  // A folder is a set of files, one generation each (the text-files-G cases).
  const inputs = (await stat(file!)).isDirectory()
    ? (await readdir(file!)).filter((f) => f.endsWith('.jsonl')).sort().map((f) => ({ file: path.join(file!, f), display: f }))
    : [{ file: file!, display: file! }];
  let bytes = 0;
  for (const i of inputs) bytes += (await stat(i.file)).size;
  // BENCH_THREADS=1 keeps the reading on the analysis thread.
  const readerThread = process.env.BENCH_THREADS === '1' ? undefined : readerThreadBeside(path.join(__dirname, '..', '..', 'dist'));
  // BENCH_JOBS=N reads on N analysis threads (dist/analysis-thread.js), as `--jobs N` does.
  const jobs = Number(process.env.BENCH_JOBS || 1);
  const analysisThread = jobs > 1 ? analysisThreadBeside(path.join(__dirname, '..', '..', 'dist')) : undefined;
  const result = await analyzeFiles(inputs, { ...(readerThread ? { readerThread } : {}), ...(analysisThread ? { jobs, analysisThread } : {}) });
  const ms = performance.now() - started;
  console.log(JSON.stringify({
    case: kind,
    bytes,
    ms: Math.round(ms),
    // CPU time of every thread of the process: steady where wall time moves with the machine's load.
    cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
    mbPerSec: Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    records: result.report.inputs.reduce((n, i) => n + i.records, 0),
    groups: result.report.groups.length,
    findings: result.report.findings.length,
    // Per generation, to compare with the Python peer (bench/python/reference.py).
    metrics: Object.fromEntries(result.report.groups.map((g) => [g.id, g.metrics])),
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

/**
 * Above d = 1,024 the vector metrics come from a seeded sample of 500 rows per group: their
 * relative error against the exact computation on all rows (the n × n route, O(n³)), on
 * synthetic embeddings, and how well a drop between a diverse and a collapsed generation is
 * kept. Minutes: the exact side is the slow one. BENCH_ACCURACY_N=1000,2000 BENCH_ACCURACY_D=1536,3072.
 */
function measureVectorAccuracy() {
  const ns = (process.env.BENCH_ACCURACY_N || '1000,2000').split(',').map(Number);
  const ds = (process.env.BENCH_ACCURACY_D || '1536,3072').split(',').map(Number);
  const sampled = (rows: Float64Array[]) => {
    const acc = new VectorAccumulator();
    rows.forEach((r, i) => acc.add(r, i + 1));
    return finishVectorMetrics(acc).metrics;
  };
  const pct = (a: number, b: number) => Math.round(1000 * (a / b - 1)) / 10;
  const errors = [];
  const drops = [];
  const collapse: Record<SyntheticKind, [SyntheticOptions, SyntheticOptions]> = {
    clusters: [{ clusters: 32 }, { clusters: 4, seed: 8 }],
    'low-rank': [{ rank: 128 }, { rank: 16, seed: 8 }],
    topics: [{ topics: 48 }, { topics: 6, seed: 8 }],
  };
  for (const d of ds) {
    for (const n of ns) {
      for (const kind of Object.keys(collapse) as SyntheticKind[]) {
        const [diverse, collapsed] = collapse[kind];
        const ends = [diverse, collapsed].map((options) => {
          const rows = syntheticEmbeddings(kind, n, d, options);
          const t0 = performance.now();
          const exact = rowSampleMetrics(rows);
          const exactMs = Math.round(performance.now() - t0);
          return { exact, exactMs, sample: sampled(rows) };
        });
        const { exact, exactMs, sample } = ends[0]!;
        errors.push({
          kind, d, n, exactMs,
          vendi: Math.round(exact.vendi * 100) / 100, vendiErrorPct: pct(sample.vendi_score!, exact.vendi),
          effectiveRank: Math.round(exact.effectiveRank * 10) / 10, effectiveRankErrorPct: pct(sample.effective_rank!, exact.effectiveRank),
          meanPairwiseDistanceErrorPct: pct(sample.mean_pairwise_distance!, exact.meanPairwiseDistance),
          remoteCliqueErrorPct: pct(sample.remote_clique!, exact.remoteClique), chamferErrorPct: pct(sample.chamfer_distance!, exact.chamferDistance),
        });
        const drop = (a: number, b: number) => Math.round(1000 * (1 - b / a)) / 10;
        const [a, b] = ends as [(typeof ends)[0], (typeof ends)[0]];
        drops.push({
          kind, d, n,
          vendiDropPct: drop(a.exact.vendi, b.exact.vendi), sampledVendiDropPct: drop(a.sample.vendi_score!, b.sample.vendi_score!),
          effectiveRankDropPct: drop(a.exact.effectiveRank, b.exact.effectiveRank), sampledEffectiveRankDropPct: drop(a.sample.effective_rank!, b.sample.effective_rank!),
        });
        console.error(JSON.stringify(errors[errors.length - 1]), JSON.stringify(drops[drops.length - 1]));
      }
    }
  }
  return { case: 'vectors-accuracy', errors, drops, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
