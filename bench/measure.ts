// One benchmark case in a fresh process, so peak RSS belongs to that case alone.
// Prints one JSON line: { case, bytes, ms, mbPerSec, peakRssMb, records, groups }.
import { stat } from 'node:fs/promises';
import { analyzeFiles } from '../src/core/analyze';
import { computeVendiScore, meanPairwiseDistance } from '../src/core/metrics/vectors';
import { Random } from '../src/core/random';

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
  const bytes = (await stat(file!)).size;
  const result = await analyzeFiles([{ file: file!, display: file! }]);
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

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
