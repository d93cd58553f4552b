// One build for every bundle: the extension host, the CLI, the analysis worker, the
// webview, the web extension (dist/web/), with --tests the test files, and with --e2e (which
// --tests includes) only the e2e flows of test/e2e. `node esbuild.js [--watch] [--tests] [--e2e] [--dev]`.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');
const { hyparquetGuards } = require('./scripts/hyparquet-guards');
const { posModelAscii, posModelBeside, POS_MODEL_ENTRY } = require('./scripts/pos-model');

const args = new Set(process.argv.slice(2));
const production = !args.has('--dev');
const watch = args.has('--watch');
const withTests = args.has('--tests');
const withE2e = withTests || args.has('--e2e');

const version = JSON.parse(fs.readFileSync(path.join(__dirname, 'package.json'), 'utf8')).version;

const common = {
  bundle: true,
  define: { __COLLAPSE_LENS_VERSION__: JSON.stringify(version) },
  minify: production,
  sourcemap: production ? false : 'inline',
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [hyparquetGuards],
};

// vega-canvas's Node build awaits the optional `canvas` package at top level, which CJS
// cannot bundle; its browser build returns no canvas, and SVG rendering needs none.
const nodeCommon = {
  ...common,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  alias: { 'vega-canvas': './node_modules/vega-canvas/build/vega-canvas.browser.js' },
};

// The web extension (vscode.dev, github.dev): the same entry points built for a browser. Where
// a module needs Node, a sibling `name.web.ts` stands in for `name.ts` (core/bytes.ts,
// core/localDisk.ts, core/analysis/offThread.ts, host/platform.ts, worker/port.ts):
// esbuild tries the `.web.ts` extension first. VS Code loads a web extension as CommonJS in a
// Web Worker; the analysis worker it starts is a classic script (importScripts), so an IIFE.
const webCommon = {
  ...common,
  platform: 'browser',
  target: 'es2022',
  resolveExtensions: ['.web.ts', '.tsx', '.ts', '.jsx', '.js', '.css', '.json'],
};

function walk(dir, pred, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, pred, out);
    else if (pred(p)) out.push(p);
  }
  return out;
}

// The Node bundles that analyse text load the part-of-speech model from dist/pos-model.js on
// first use instead of holding it (scripts/pos-model.js).
const analysing = { ...nodeCommon, plugins: [...nodeCommon.plugins, posModelBeside] };

const builds = [
  { ...nodeCommon, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...analysing, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', define: { ...common.define, __CLI_ENTRY__: 'true' }, banner: { js: '#!/usr/bin/env node' } },
  // The analysis worker (src/worker/main.ts): the engine off the extension host's thread.
  { ...analysing, entryPoints: ['src/worker/main.ts'], outfile: 'dist/worker.js' },
  // Written as ASCII, so that V8 holds its source in one byte a character (scripts/pos-model.js).
  { ...nodeCommon, entryPoints: [POS_MODEL_ENTRY], outfile: 'dist/pos-model.js', plugins: [...nodeCommon.plugins, posModelAscii] },
  // The threads that read inputs into partial analyses with --jobs (src/core/analysis/parallel.ts).
  { ...analysing, entryPoints: ['src/core/analysis/partialWorker.ts'], outfile: 'dist/analysis-thread.js' },
  // The second thread that reads, parses and projects large files (src/core/analysis/offThread.ts).
  // It tags template samples for the analysis thread (ReadingThreadHelp): the model from its own file.
  { ...analysing, entryPoints: ['src/core/analysis/projectWorker.ts'], outfile: 'dist/reader-thread.js' },
  // The second thread of the vector metrics' pair pass (src/core/numeric/pairThreads.ts).
  { ...nodeCommon, entryPoints: ['src/core/numeric/pairWorker.ts'], outfile: 'dist/pair-thread.js' },
  // Loaded by the host when a report first opens (see src/core/reportRender.ts).
  { ...nodeCommon, entryPoints: ['src/core/reportRender.ts'], outfile: 'dist/report.js' },
  { ...webCommon, entryPoints: ['src/extension.ts'], outfile: 'dist/web/extension.js', format: 'cjs', external: ['vscode'] },
  { ...webCommon, entryPoints: ['src/worker/main.ts'], outfile: 'dist/web/worker.js', format: 'iife' },
  {
    ...common,
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
].filter((b) => fs.existsSync(b.entryPoints[0]));

if (withTests) {
  // Tests are bundled one file each, so ESM-only dependencies (vega) load under CJS, into
  // out/test/unit/ at the same paths as under test/unit/ (nested folders included). `npm test`
  // runs every .test.js there, so the bundle of a test moved or deleted since is removed.
  for (const out of walk('out/test/unit', (p) => p.endsWith('.test.js'))) {
    if (!fs.existsSync(path.join('test/unit', path.relative('out/test/unit', out)).replace(/\.js$/, '.ts'))) fs.rmSync(out);
  }
  const unit = walk('test/unit', (p) => p.endsWith('.test.ts') && !p.endsWith('.web.test.ts'));
  if (unit.length) builds.push({ ...nodeCommon, minify: false, sourcemap: 'inline', entryPoints: unit, outdir: 'out/test/unit', outbase: 'test/unit' });
  // `*.web.test.ts`: run by node --test too, but with the web build's `.web.ts` modules.
  const webUnit = walk('test/unit', (p) => p.endsWith('.web.test.ts'));
  if (webUnit.length) {
    builds.push({ ...nodeCommon, resolveExtensions: webCommon.resolveExtensions, minify: false, sourcemap: 'inline', entryPoints: webUnit, outdir: 'out/test/unit', outbase: 'test/unit' });
  }
  const integration = walk('test/integration', (p) => p.endsWith('.ts'));
  if (integration.length) {
    builds.push({ ...nodeCommon, minify: false, sourcemap: 'inline', entryPoints: integration, outdir: 'out/test/integration', outbase: 'test/integration', external: ['vscode', 'mocha'] });
  }
}

if (withE2e) {
  // The e2e flows, one runnable file each (out/test/e2e/<flow>.js); workbench.ts is their shared
  // helpers, bundled into each. playwright-core stays in node_modules (it loads its own files).
  fs.rmSync('out/test/e2e', { recursive: true, force: true });
  const e2e = walk('test/e2e', (p) => p.endsWith('.ts') && !p.endsWith('.d.ts') && path.basename(p) !== 'workbench.ts');
  if (e2e.length) {
    builds.push({ ...nodeCommon, minify: false, sourcemap: 'inline', entryPoints: e2e, outdir: 'out/test/e2e', outbase: 'test/e2e', external: ['playwright-core'] });
  }
}

async function main() {
  if (watch) {
    const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
    await Promise.all(contexts.map((c) => c.watch()));
    console.log('[esbuild] watching');
    return;
  }
  await Promise.all(builds.map((b) => esbuild.build(b)));
  if (fs.existsSync('dist/cli.js')) fs.chmodSync('dist/cli.js', 0o755);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
