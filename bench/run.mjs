#!/usr/bin/env node
// `npm run bench`: generates synthetic inputs once (bench/data/, not committed), then runs
// each case in its own process and prints throughput, time and peak RSS.
//   BENCH_TEXT_MB=200 (size of the text JSONL)   BENCH_CASES=text,vectors,labels,vectors-compute
//   BENCH_CASES=parquet: the Parquet reader alone on a ~BENCH_PARQUET_MB (120) MB file of text rows;
//   parquet-analyze: the whole analysis of that file
//   BENCH_CASES=vectors-3072,vectors-4096: 10,000 embeddings of that length in 5 generations (any
//   vectors-<d> works; ~300 and ~400 MB of JSONL)
//   BENCH_CASES=vectors-n5000,python-vectors-n5000: the vectors case's 10,000 rows in 2 generations
//   of 5,000 (the issue's n = 5,000, d = 384 point; the peer's n × n eigh grows as n³)
//   BENCH_CASES=vectors-accuracy: the error of the sampled vector metrics above d = 1,024 against the
//   exact computation (minutes; BENCH_ACCURACY_N=1000,2000 BENCH_ACCURACY_D=1536,3072)
//   BENCH_CASES=python-text,python-vectors: the Python peer (bench/python/reference.py, numpy) on
//   the files of the text and vectors cases, with speed ratios and value differences
//   (BENCH_PYTHON=python3 by default); python-text-gens-G on the file of text-gens-G (name both:
//   BENCH_TEXT_MB=20 BENCH_CASES=text-gens-5,python-text-gens-5)
//   BENCH_JOBS=N: read on N analysis threads, as `--jobs N` (default 1; BENCH_THREADS=1 also keeps
//   the reading on the analysis thread)
//   BENCH_CASES=scaling: the text case with --jobs 1, 2, 4, … up to the cores (BENCH_SCALING_ROUNDS
//   rounds, interleaved; scaling-files: its 12 files, after text-gens-12,text-files-12;
//   scaling-gz: the text-gens-12 file gzipped, read in spans; scaling-csv: the labels case's CSV; scaling-parquet: the
//   parquet case's file, after BENCH_CASES=parquet), with the
//   speed-up against one thread and a check that every count gives the same metrics
//   BENCH_CASES=batch,batch-flat: an OpenAI Batch API output file of ~BENCH_BATCH_MB (200) MB and
//   the same texts as flat JSONL ({"output": …}), to compare what the nested layout costs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import esbuild from 'esbuild';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, 'bench', 'data');
fs.mkdirSync(dataDir, { recursive: true });
const textMb = Number(process.env.BENCH_TEXT_MB || 200);
const cases = (process.env.BENCH_CASES || 'text,vectors,labels,vectors-compute,report').split(',');

const measure = path.join(root, 'out', 'bench', 'measure.cjs');
// The bundles (dist/reader-thread.js among them) as users run them.
spawnSync(process.execPath, [path.join(root, 'esbuild.js')], { stdio: 'inherit' });
// Built like the CLI: the part-of-speech model in its own file beside the bundle, loaded on first use.
const { posModelAscii, posModelBeside, POS_MODEL_ENTRY } = createRequire(import.meta.url)('../scripts/pos-model.js');
await esbuild.build({ entryPoints: [path.join(root, 'bench', 'measure.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: measure, logLevel: 'warning', plugins: [posModelBeside] });
await esbuild.build({ entryPoints: [path.join(root, POS_MODEL_ENTRY)], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: path.join(path.dirname(measure), 'pos-model.js'), logLevel: 'warning', plugins: [posModelAscii] });

let s = 12345;
const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);

function writeLines(file, targetBytes, makeLine) {
  if (fs.existsSync(file) && Math.abs(fs.statSync(file).size - targetBytes) < targetBytes * 0.05) return;
  const fd = fs.openSync(file, 'w');
  let written = 0;
  let i = 0;
  let buf = [];
  let bufBytes = 0;
  while (written < targetBytes) {
    const line = makeLine(i++) + '\n';
    buf.push(line);
    bufBytes += line.length;
    written += line.length;
    if (bufBytes > 1 << 20) { fs.writeSync(fd, buf.join('')); buf = []; bufBytes = 0; }
  }
  fs.writeSync(fd, buf.join(''));
  fs.closeSync(fd);
}

// Zipf-distributed vocabulary of 50,000 words: text that looks like model output to the metrics.
const vocab = Array.from({ length: 50_000 }, (_, i) => 'w' + i.toString(36));
const cdf = new Float64Array(vocab.length);
let acc = 0;
for (let i = 0; i < vocab.length; i++) { acc += 1 / (i + 1); cdf[i] = acc; }
const zipf = () => {
  const r = rand() * acc;
  let lo = 0, hi = cdf.length - 1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (cdf[mid] < r) lo = mid + 1; else hi = mid; }
  return vocab[lo];
};

const textFile = path.join(dataDir, `text-${textMb}mb.jsonl`);
const vectorFile = path.join(dataDir, 'vectors-10000x384.jsonl');
const labelFile = path.join(dataDir, 'labels-1m.csv');
console.log('preparing inputs in bench/data/ (first run only)…');
if (cases.includes('text')) {
  writeLines(textFile, textMb * 1e6, (i) => {
    const n = 15 + Math.floor(rand() * 30);
    const words = [];
    for (let k = 0; k < n; k++) words.push(zipf());
    return JSON.stringify({ id: i, generation: Math.floor(i / 100_000), output: words.join(' '), score: Math.round(rand() * 1e4) / 1e4 });
  });
}
if (cases.includes('vectors') && !fs.existsSync(vectorFile)) {
  const fd = fs.openSync(vectorFile, 'w');
  for (let k = 0; k < 10_000; k++) {
    const v = Array.from({ length: 384 }, () => Math.round((rand() * 2 - 1) * 1e5) / 1e5);
    fs.writeSync(fd, JSON.stringify({ id: k, generation: Math.floor(k / 2000), embedding: v }) + '\n');
  }
  fs.closeSync(fd);
}
// Embeddings of OpenAI's sizes (text-embedding-3-large: 3072; 4096 for LLM-based models): 10,000
// unit-length rows in 5 generations of 2,000 whose topics thin out (48, 24, 12, 6, 3 of them), plus
// a shared direction and isotropic noise, written with 6 decimals as API clients print them.
// The same rows in 2 generations of 5,000 (a Vendi score and the pairs over 5,000 rows each).
const vectorFile5000 = path.join(dataDir, 'vectors-10000x384-2gens.jsonl');
if (cases.some((c) => /vectors-n5000$/.test(c)) && !fs.existsSync(vectorFile5000)) {
  if (!fs.existsSync(vectorFile)) {
    console.error('vectors-n5000 regroups the vectors case\'s file: run BENCH_CASES=vectors first');
    process.exit(2);
  }
  const lines = fs.readFileSync(vectorFile, 'utf8').split('\n').filter(Boolean);
  fs.writeFileSync(vectorFile5000 + '.tmp', lines.map((line, k) => line.replace(/"generation":\d+/, `"generation":${Math.floor(k / 5000)}`)).join('\n') + '\n');
  fs.renameSync(vectorFile5000 + '.tmp', vectorFile5000);
}
const wideVectorFile = (d) => path.join(dataDir, `vectors-10000x${d}.jsonl`);
function writeWideVectors(d) {
  const file = wideVectorFile(d);
  if (fs.existsSync(file)) return;
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const topics = Array.from({ length: 48 }, () => Float64Array.from({ length: d }, () => normal() / Math.sqrt(d)));
  const shared = Float64Array.from({ length: d }, () => normal() / Math.sqrt(d));
  const tmp = file + '.tmp';
  const fd = fs.openSync(tmp, 'w');
  const x = new Float64Array(d);
  for (let k = 0; k < 10_000; k++) {
    const generation = Math.floor(k / 2000);
    for (let i = 0; i < d; i++) x[i] = 0.8 * shared[i] + (0.35 * normal()) / Math.sqrt(d);
    for (let t = 0; t < 48 >> generation; t++) {
      const z = normal() / Math.sqrt(t + 1);
      const w = topics[t];
      for (let i = 0; i < d; i++) x[i] += z * w[i];
    }
    let norm = 0;
    for (let i = 0; i < d; i++) norm += x[i] * x[i];
    norm = Math.sqrt(norm);
    const v = Array.from(x, (xi) => Math.round((xi / norm) * 1e6) / 1e6);
    fs.writeSync(fd, JSON.stringify({ id: k, generation, embedding: v }) + '\n');
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
}
for (const c of cases) {
  const wide = /^vectors-(\d+)$/.exec(c);
  if (wide) writeWideVectors(Number(wide[1]));
}
if (cases.includes('labels') && !fs.existsSync(labelFile)) {
  const classes = ['a', 'b', 'c', 'd', 'e'];
  const rows = ['id,generation,label,prediction,score'];
  for (let i = 0; i < 1_000_000; i++) rows.push(`${i},${Math.floor(i / 100_000)},${classes[Math.floor(rand() * 5)]},${classes[Math.floor(rand() * 5)]},${rand().toFixed(4)}`);
  fs.writeFileSync(labelFile, rows.join('\n') + '\n');
}

// Parquet: the text rows in row groups of ~100 MB of uncompressed data, as datasets' to_parquet
// writes them (snappy, page index). hyparquet-writer holds one row group's columns at a time.
const parquetMb = Number(process.env.BENCH_PARQUET_MB || 120);
const parquetFile = path.join(dataDir, `text-${parquetMb}mb.parquet`);
if (cases.includes('parquet') && !(fs.existsSync(parquetFile) && fs.statSync(parquetFile).size >= parquetMb * 1e6)) {
  const { ParquetWriter, fileWriter } = await import('hyparquet-writer');
  const tmp = parquetFile + '.tmp';
  const writer = fileWriter(tmp);
  const string = (name) => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'OPTIONAL' });
  const schema = [{ name: 'schema', num_children: 4 }, { name: 'id', type: 'INT64', repetition_type: 'OPTIONAL' }, { name: 'generation', type: 'INT64', repetition_type: 'OPTIONAL' }, string('output'), { name: 'score', type: 'DOUBLE', repetition_type: 'OPTIONAL' }];
  const pq = new ParquetWriter({ writer, schema, codec: 'SNAPPY' });
  let id = 0;
  while (writer.offset < parquetMb * 1e6) {
    const ids = [], gens = [], outputs = [], scores = [];
    for (let bytes = 0; bytes < 100e6; id++) {
      const n = 15 + Math.floor(rand() * 30);
      const words = [];
      for (let k = 0; k < n; k++) words.push(zipf());
      const output = words.join(' ');
      bytes += output.length + 24;
      ids.push(BigInt(id)); gens.push(BigInt(Math.floor(id / 100_000))); outputs.push(output); scores.push(Math.round(rand() * 1e4) / 1e4);
    }
    pq.write({ columnData: [{ name: 'id', data: ids }, { name: 'generation', data: gens }, { name: 'output', data: outputs }, { name: 'score', data: scores }].map((c) => ({ ...c, columnIndex: true })), rowGroupSize: ids.length });
  }
  pq.finish();
  fs.renameSync(tmp, parquetFile);
}

// OpenAI Batch API output lines (the shape of test/fixtures/layouts/openai-batch-output) and the
// same texts as flat JSONL.
const batchMb = Number(process.env.BENCH_BATCH_MB || 200);
const batchFile = path.join(dataDir, `openai-batch-${batchMb}mb.jsonl`);
const batchFlatFile = path.join(dataDir, `openai-batch-${batchMb}mb-flat.jsonl`);
if ((cases.includes('batch') || cases.includes('batch-flat')) && !(fs.existsSync(batchFile) && fs.existsSync(batchFlatFile))) {
  const fd = fs.openSync(batchFile, 'w');
  const flat = fs.openSync(batchFlatFile, 'w');
  let written = 0;
  let buf = [];
  let flatBuf = [];
  for (let i = 0; written < batchMb * 1e6; i++) {
    const n = 15 + Math.floor(rand() * 30);
    const words = [];
    for (let k = 0; k < n; k++) words.push(zipf());
    const content = words.join(' ');
    const body = {
      id: `chatcmpl-B${i.toString(36).padStart(10, '0')}`, object: 'chat.completion', created: 1733300000 + i, model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 24, completion_tokens: n, total_tokens: 24 + n, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } },
      service_tier: 'default', system_fingerprint: 'fp_0ba0d124f1',
    };
    const line = JSON.stringify({ id: `batch_req_${i.toString(36).padStart(12, '0')}`, custom_id: `request-${i}`, response: { status_code: 200, request_id: `req_${i.toString(16).padStart(24, '0')}`, body }, error: null }) + '\n';
    buf.push(line);
    flatBuf.push(JSON.stringify({ output: content }) + '\n');
    written += line.length;
    if (buf.length >= 10_000) { fs.writeSync(fd, buf.join('')); fs.writeSync(flat, flatBuf.join('')); buf = []; flatBuf = []; }
  }
  fs.writeSync(fd, buf.join(''));
  fs.writeSync(flat, flatBuf.join(''));
  fs.closeSync(fd);
  fs.closeSync(flat);
}

// BENCH_CASES=text-gens-G (e.g. text-gens-1,text-gens-12,text-gens-40): the text case's words in
// a file of BENCH_TEXT_MB with G generations of equal size, for peak RSS against the number of
// generations.
const generationFile = (g) => path.join(dataDir, `text-${textMb}mb-${g}gens.jsonl`);
for (const c of cases) {
  const m = /^text-gens-(\d+)$/.exec(c);
  if (!m) continue;
  const g = Number(m[1]);
  const perRecord = 225; // bytes of a record of the text case, about
  const total = Math.round((textMb * 1e6) / perRecord);
  writeLines(generationFile(g), textMb * 1e6, (i) => {
    const n = 15 + Math.floor(rand() * 30);
    const words = [];
    for (let k = 0; k < n; k++) words.push(zipf());
    return JSON.stringify({ id: i, generation: Math.min(g - 1, Math.floor((i * g) / total)), output: words.join(' '), score: Math.round(rand() * 1e4) / 1e4 });
  });
}

// BENCH_CASES=text-files-G: the text-gens-G file's generations as G files in one folder (a
// set of generation files, what --jobs reads one file per thread).
const filesFolder = (g) => path.join(dataDir, `text-${textMb}mb-${g}files`);
for (const c of cases) {
  const m = /^text-files-(\d+)$/.exec(c);
  if (!m) continue;
  const g = Number(m[1]);
  const dir = filesFolder(g);
  if (fs.existsSync(dir)) continue;
  const source = generationFile(g);
  if (!fs.existsSync(source)) {
    console.error(`${c} splits ${path.basename(source)}: run BENCH_CASES=text-gens-${g} first (same BENCH_TEXT_MB)`);
    process.exit(2);
  }
  fs.mkdirSync(dir + '.tmp', { recursive: true });
  const outs = Array.from({ length: g }, (_, k) => fs.openSync(path.join(dir + '.tmp', `gen-${String(k).padStart(3, '0')}.jsonl`), 'w'));
  for (const line of fs.readFileSync(source, 'utf8').split('\n')) {
    if (!line) continue;
    const rec = JSON.parse(line);
    const k = rec.generation;
    delete rec.generation;
    fs.writeSync(outs[k], JSON.stringify(rec) + '\n');
  }
  outs.forEach((fd) => fs.closeSync(fd));
  fs.renameSync(dir + '.tmp', dir);
}

const files = { text: textFile, vectors: vectorFile, 'vectors-n5000': vectorFile5000, labels: labelFile, 'vectors-compute': '', parquet: parquetFile, 'parquet-analyze': parquetFile, batch: batchFile, 'batch-flat': batchFlatFile };
for (const c of cases) if (/^vectors-\d+$/.test(c)) files[c] = wideVectorFile(Number(c.slice(8)));
for (const c of cases) if (/^text-gens-\d+$/.test(c)) files[c] = generationFile(Number(c.slice(10)));
for (const c of cases) if (/^text-files-\d+$/.test(c)) files[c] = filesFolder(Number(c.slice(11)));
files['vectors-accuracy'] = '';
// Reads a case's input once before it is timed, so the time is the analysis's and not the
// disk's: a machine may keep only a few GB of files cached, and the 2 GB case pushes the others
// out. Inputs over 1 GB are not warmed (they would not stay cached); a cold read is reported.
function warm(file) {
  if (!file || !fs.existsSync(file)) return;
  const names = fs.statSync(file).isDirectory() ? fs.readdirSync(file).map((f) => path.join(file, f)) : [file];
  const bytes = names.reduce((n, f) => n + fs.statSync(f).size, 0);
  if (bytes > 1e9) return;
  const started = performance.now();
  const buf = Buffer.allocUnsafe(8 << 20);
  for (const f of names) {
    const fd = fs.openSync(f, 'r');
    while (fs.readSync(fd, buf, 0, buf.length, null) > 0);
    fs.closeSync(fd);
  }
  const mbPerSec = bytes / 1e6 / ((performance.now() - started) / 1000);
  if (mbPerSec < 500) console.log(`(${path.basename(file)} was not cached: read at ${mbPerSec.toFixed(0)} MB/s before timing)`);
}

const results = [];
const scalingLines = [];
let reportLine;
for (const c of cases) {
  if (c === 'report') {
    // The report page in headless Chromium: 100 generations × 20 metrics, bundle size.
    spawnSync(process.execPath, [path.join(root, 'esbuild.js'), '--e2e'], { stdio: 'inherit', cwd: root });
    const r = spawnSync(process.execPath, [path.join(root, 'out', 'test', 'e2e', 'report-page.js'), '--out', path.join(root, 'test-results', 'screens')],
      { encoding: 'utf8', env: { ...process.env, COLLAPSE_LENS_RENDER_BUDGET: '1' }, cwd: root });
    const bundle = fs.statSync(path.join(root, 'dist', 'webview.js')).size;
    reportLine = `report page: webview bundle ${(bundle / 1024).toFixed(0)} KB minified;${(/render of all[^\n]*/.exec(r.stdout)?.[0] ?? 'render not measured').replace(/^render/, ' render')}`;
    console.log(reportLine);
    continue;
  }
  const peer = /^python-(text|vectors|vectors-n5000|text-gens-\d+)$/.exec(c);
  if (peer) {
    // The Python peer on the same file as the case it is named after (bench/python/reference.py).
    const role = peer[1].startsWith('text') ? 'text' : 'vectors';
    warm(files[peer[1]]);
    const r = spawnSync(process.env.BENCH_PYTHON || 'python3', [path.join(root, 'bench', 'python', 'reference.py'), role, files[peer[1]]], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) { console.error(`${c}: skipped (${(r.stderr || r.error?.message || '').trim()})`); continue; }
    const line = JSON.parse(r.stdout.trim().split('\n').pop());
    results.push({ ...line, case: c, bytes: fs.statSync(files[peer[1]]).size, mbPerSec: Math.round((fs.statSync(files[peer[1]]).size / 1e6 / (line.ms / 1000)) * 10) / 10, metrics: line.groups, groups: Object.keys(line.groups).length });
    console.log(JSON.stringify({ case: c, ms: line.ms, peakRssMb: line.peakRssMb }));
    continue;
  }
  const scaling = /^scaling(?:-(files|gz|csv|parquet))?$/.exec(c);
  if (scaling) {
    // The text case (or its 12 files, `scaling-files`, or its 12 generations gzipped, `scaling-gz`)
    // with 1, 2, 4, … threads up to the cores, interleaved over BENCH_SCALING_ROUNDS rounds: time,
    // CPU, peak RSS and speed-up against one.
    const file = scaling[1] === 'files' ? filesFolder(12) : scaling[1] === 'gz' ? generationFile(12) + '.gz' : scaling[1] === 'csv' ? files.labels : scaling[1] === 'parquet' ? parquetFile : textFile;
    const measured = scaling[1] === 'csv' ? 'labels' : scaling[1] === 'parquet' ? 'parquet-analyze' : 'text';
    if (scaling[1] === 'gz' && !fs.existsSync(file) && fs.existsSync(generationFile(12))) {
      await pipeline(fs.createReadStream(generationFile(12)), zlib.createGzip({ level: 6 }), fs.createWriteStream(file + '.tmp'));
      fs.renameSync(file + '.tmp', file);
    }
    if (!fs.existsSync(file)) { console.error(`${c}: ${path.basename(file)} is missing (run BENCH_CASES=text-gens-12,text-files-12 first)`); continue; }
    warm(file);
    const counts = [1];
    for (let j = 2; j <= availableParallelism(); j *= 2) counts.push(j);
    if (counts[counts.length - 1] !== availableParallelism() && availableParallelism() > 1) counts.push(availableParallelism());
    const runs = new Map(counts.map((j) => [j, []]));
    for (let round = 0; round < Number(process.env.BENCH_SCALING_ROUNDS || 2); round++) {
      for (const j of counts) {
        const r = spawnSync(process.execPath, [measure, measured, file], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, BENCH_JOBS: String(j) } });
        if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
        const line = JSON.parse(r.stdout.trim().split('\n').pop());
        runs.get(j).push(line);
        console.log(JSON.stringify({ case: c, jobs: j, ms: line.ms, cpuMs: line.cpuMs, peakRssMb: line.peakRssMb }));
      }
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    const base = median(runs.get(1).map((r) => r.ms));
    const same = counts.every((j) => runs.get(j).every((r) => JSON.stringify(r.metrics) === JSON.stringify(runs.get(1)[0].metrics)));
    scalingLines.push(`${c} on ${availableParallelism()} cores, ${path.basename(file)} (median of ${runs.get(1).length}; the same metrics for every count: ${same ? 'yes' : 'NO'})`);
    for (const j of counts) {
      const ms = runs.get(j).map((r) => r.ms);
      const rss = runs.get(j).map((r) => r.peakRssMb);
      scalingLines.push(`  --jobs ${String(j).padEnd(3)} ${String(median(ms)).padStart(7)} ms (${Math.min(...ms)}–${Math.max(...ms)}), ${String(median(runs.get(j).map((r) => r.cpuMs))).padStart(7)} ms of CPU, peak RSS ${Math.min(...rss)}–${Math.max(...rss)} MB, ${(base / median(ms)).toFixed(2)}× one`);
    }
    continue;
  }
  warm(files[c]);
  const r = spawnSync(process.execPath, [measure, c, files[c]], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
  const line = JSON.parse(r.stdout.trim().split('\n').pop());
  results.push(line);
  console.log(JSON.stringify({ ...line, metrics: undefined }));
}
console.log('\ncase              size       time      throughput   peak RSS');
if (reportLine) console.log(reportLine);
for (const line of scalingLines) console.log(line);
for (const r of results) {
  if (r.case === 'vectors-accuracy') {
    console.log('row-sample route (500 rows) vs exact, % error: Vendi / effective rank / mean pairwise distance / remote clique / Chamfer');
    for (const e of r.errors) console.log(`  ${e.kind.padEnd(9)} d=${e.d} n=${e.n}: ${e.vendiErrorPct} / ${e.effectiveRankErrorPct} / ${e.meanPairwiseDistanceErrorPct} / ${e.remoteCliqueErrorPct} / ${e.chamferErrorPct}   (exact ${e.vendi} / ${e.effectiveRank}, ${e.exactMs} ms)`);
    console.log('drop from a diverse to a collapsed generation, exact vs sampled: Vendi; effective rank');
    for (const e of r.drops) console.log(`  ${e.kind.padEnd(9)} d=${e.d} n=${e.n}: ${e.vendiDropPct}% vs ${e.sampledVendiDropPct}%; ${e.effectiveRankDropPct}% vs ${e.sampledEffectiveRankDropPct}%`);
  } else if (r.case === 'vectors-compute') {
    console.log(`vendi n=10000 d=384: ${r.vendiMs} ms; exact pairwise n=5000: ${r.exactPairwise5000Ms} ms; peak RSS ${r.peakRssMb} MB`);
  } else if (r.case === 'parquet') {
    console.log(`parquet read     ${(r.bytes / 1e6).toFixed(0).padStart(5)} MB ${String(r.ms).padStart(7)} ms ${String(r.mbPerSec).padStart(8)} MB/s ${String(r.peakRssMb).padStart(7)} MB   ${r.rowsPerSec} rows/s, ${r.records} rows (reader only)`);
  } else {
    console.log(`${r.case.padEnd(16)} ${(r.bytes / 1e6).toFixed(0).padStart(5)} MB ${String(r.ms).padStart(7)} ms ${String(r.mbPerSec).padStart(8)} MB/s ${String(r.peakRssMb).padStart(7)} MB   ${r.records} records${r.cpuMs ? `, ${r.cpuMs} ms of CPU` : ''}`);
  }
}
// Collapse Lens against the Python peer on the same file: speed, and the largest relative
// difference of each metric both compute (the peer computes fewer).
for (const role of ['text', 'vectors', 'vectors-n5000', ...cases.filter((c) => /^text-gens-\d+$/.test(c))]) {
  const ours = results.find((r) => r.case === role);
  const peer = results.find((r) => r.case === `python-${role}`);
  if (!ours || !peer) continue;
  const worst = {};
  for (const [gid, pm] of Object.entries(peer.metrics)) {
    for (const [key, pv] of Object.entries(pm)) {
      const ov = ours.metrics?.[gid]?.[key];
      if (ov === undefined) continue;
      const rel = Math.abs(ov - pv) / Math.max(Math.abs(pv), 1e-300);
      worst[key] = Math.max(worst[key] ?? 0, rel);
    }
  }
  console.log(`${role}: Collapse Lens ${(peer.ms / ours.ms).toFixed(1)}x the Python peer's speed (${ours.ms} vs ${peer.ms} ms); largest relative difference per metric: ${Object.entries(worst).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', ')}`);
}
const batch = results.find((r) => r.case === 'batch');
const batchFlat = results.find((r) => r.case === 'batch-flat');
if (batch && batchFlat) console.log(`OpenAI Batch output vs the same texts as flat JSONL: ${(batch.ms / batchFlat.ms).toFixed(2)}x the time`);
