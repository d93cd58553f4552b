#!/usr/bin/env node
// `npm run fuzz -- [--runs N] [--seed S] [--target readers,fieldpath,cli,ranges] [--minutes M] [--no-save]`
//
// Builds the fuzz tests (test/unit/fuzz/*.test.ts, with the shared module test/fuzz/) and runs
// each target's file in its own `node --test` process with N cases in total (default 100000),
// split between the properties by the shares in test/fuzz/runner.ts. A failing property's shrunk
// case is saved under test/fixtures/fuzz/ (with its seed and path), and from then on `npm test`
// replays it. Each target stops starting new cases after M minutes (default 10), split between its
// properties by share; the summary says how many cases each property ran clean.
import { createRequire } from 'node:module';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const TARGETS = ['readers', 'fieldpath', 'cli', 'ranges'];
const usage = 'usage: npm run fuzz -- [--runs N] [--seed S] [--target readers,fieldpath,cli,ranges] [--minutes M] [--no-save]';

function parse(argv) {
  const o = { runs: 100000, seed: undefined, targets: TARGETS, minutes: 10, save: true };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) fail(`${flag} needs a value`);
      return v;
    };
    const integer = (v) => {
      if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) fail(`${flag} needs an integer, not ${JSON.stringify(v)}`);
      return Number(v);
    };
    if (flag === '--runs') o.runs = integer(value());
    else if (flag === '--seed') o.seed = integer(value());
    else if (flag === '--target') o.targets = value().split(',').map((t) => t.trim()).filter(Boolean);
    else if (flag === '--minutes') o.minutes = Number(value());
    else if (flag === '--no-save') o.save = false;
    else if (flag === '--help' || flag === '-h') {
      console.log(usage);
      process.exit(0);
    } else fail(`unknown option ${flag}`);
  }
  if (o.runs < 1) fail('--runs must be at least 1');
  if (!(o.minutes > 0)) fail('--minutes must be a positive number');
  for (const t of o.targets) if (!TARGETS.includes(t)) fail(`unknown target ${t}; known: ${TARGETS.join(', ')}`);
  return o;
}

function fail(message) {
  console.error(`fuzz: ${message}\n${usage}`);
  process.exit(2);
}

const options = parse(process.argv.slice(2));

// The CLI target renders --format html, which inlines dist/webview.js: build dist when it is missing.
if (!fs.existsSync(path.join(root, 'dist', 'webview.js'))) {
  const r = spawnSync('node', ['esbuild.js'], { stdio: 'inherit' });
  if (r.status !== 0) console.warn('fuzz: dist/ could not be built; --format html cases will exit 2');
}

// Only the fuzz files are built, the way esbuild.js builds test files, so that a half-edited
// unrelated test elsewhere does not stop a fuzz run.
const esbuild = (await import('esbuild')).default ?? (await import('esbuild'));
const { hyparquetGuards } = createRequire(import.meta.url)('./hyparquet-guards.js');
const version = JSON.parse(fs.readFileSync('package.json', 'utf8')).version;
const entries = options.targets.map((t) => `test/unit/fuzz/${t}.test.ts`);
await esbuild.build({
  bundle: true,
  define: { __COLLAPSE_LENS_VERSION__: JSON.stringify(version) },
  minify: false,
  sourcemap: 'inline',
  logLevel: 'warning',
  legalComments: 'none',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  alias: { 'vega-canvas': './node_modules/vega-canvas/build/vega-canvas.browser.js' },
  // The same guards as every other bundle (esbuild.js): the code under test is the code shipped.
  plugins: [hyparquetGuards],
  entryPoints: entries,
  outdir: 'out/test/unit',
  outbase: 'test/unit',
});

const summary = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-fuzz-')), 'summary.jsonl');
const env = {
  ...process.env,
  COLLAPSE_LENS_FUZZ_RUNS: String(options.runs),
  COLLAPSE_LENS_FUZZ_SUMMARY: summary,
  COLLAPSE_LENS_FUZZ_GROUP_SECONDS: String(options.minutes * 60),
  ...(options.seed !== undefined ? { COLLAPSE_LENS_FUZZ_SEED: String(options.seed) } : {}),
  ...(options.save ? { COLLAPSE_LENS_FUZZ_SAVE: '1' } : {}),
};

console.log(`fuzz: ${options.runs} cases across ${options.targets.join(', ')}${options.seed !== undefined ? `, seed ${options.seed}` : ''}, at most ${options.minutes} min per target`);
const times = {};
let exitCode = 0;
for (const target of options.targets) {
  console.log(`\n=== fuzz ${target} ===`);
  const started = Date.now();
  const code = await new Promise((resolve) => {
    const child = spawn('node', ['--test', '--test-reporter=spec', `out/test/unit/fuzz/${target}.test.js`], { stdio: 'inherit', env });
    child.on('close', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  times[target] = (Date.now() - started) / 1000;
  if (code !== 0) exitCode = 1;
}

const results = fs.existsSync(summary) ? fs.readFileSync(summary, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
console.log('\n=== fuzz summary ===');
for (const target of options.targets) {
  console.log(`${target} (${times[target].toFixed(1)}s)`);
  for (const r of results.filter((x) => x.target === target)) {
    const state = r.failed ? `FAILED after ${r.runs} cases${r.fixture ? `, saved test/fixtures/fuzz/${r.fixture}` : ''}` : `${r.runs} clean`;
    const notes = [r.interrupted ? 'stopped by the time limit' : '', r.knownIssueHits ? `${r.knownIssueHits} hit open todo fixtures` : ''].filter(Boolean).join(', ');
    console.log(`  ${r.property.padEnd(28)} ${state}  ${(r.ms / 1000).toFixed(1)}s  seed ${r.seed}${notes ? `  (${notes})` : ''}`);
  }
}
const clean = results.filter((r) => !r.failed).reduce((a, r) => a + r.runs, 0);
const failed = results.filter((r) => r.failed).length;
console.log(`${clean} cases clean, ${failed} ${failed === 1 ? 'property' : 'properties'} failed (base seed ${results[0]?.baseSeed ?? options.seed ?? 'default'})`);
process.exit(exitCode);
