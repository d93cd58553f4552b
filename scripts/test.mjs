#!/usr/bin/env node
// `npm test`: every test layer a user or CI runs, in order, with one closing count.
//   build (the bundles, and the tests into out/test/) + type-check → unit (node --test) →
//   partial results merged from a Dask cluster → report page in Chromium →
//   the npm package as installed from its tarball → integration suite in a real VS Code
//   extension host → UI flows through the workbench → the report panel through the workbench →
//   the web build in the browser's web worker extension host → the .vsix installed into a
//   fresh code-server, as users get it.
// `--layers=unit,page` (or COLLAPSE_LENS_TEST_LAYERS=unit,page) runs a subset while developing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTestWorkspace } from '../test/workspace.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const layersArg = process.argv.find((a) => a.startsWith('--layers='))?.slice('--layers='.length);
const only = (layersArg ?? process.env.COLLAPSE_LENS_TEST_LAYERS)?.split(',').map((s) => s.trim());
const codeServerDir = path.join(root, '.vscode-test', 'code-server');

function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    const relay = (stream, sink) => stream.on('data', (d) => { out += d; sink.write(d); });
    relay(child.stdout, process.stdout);
    relay(child.stderr, process.stderr);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out }));
  });
}

/** Reads a layer's own counts: node's test runner, or a plain `N passed, N failed` line. */
function counts(out) {
  const node = { pass: /^[#ℹ] pass (\d+)$/m.exec(out), fail: /^[#ℹ] fail (\d+)$/m.exec(out) };
  if (node.pass && node.fail) return { passed: Number(node.pass[1]), failed: Number(node.fail[1]) };
  const plain = [...out.matchAll(/^(?:\w+: )?(\d+) passed, (\d+) failed/gm)].pop();
  if (plain) return { passed: Number(plain[1]), failed: Number(plain[2]) };
  return undefined;
}

function walk(dir, pred, acc = []) {
  if (!fs.existsSync(dir)) return acc;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, pred, acc);
    else if (pred(p)) acc.push(p);
  }
  return acc;
}

const tempWorkspace = () => makeTestWorkspace(root);
// An e2e flow: test/e2e/<name>.ts, run as bundled by the build layer (out/test/e2e/<name>.js).
const flow = (name) => ({ source: `test/e2e/${name}.ts`, built: `out/test/e2e/${name}.js` });
const hostArgs = ['--code-server', codeServerDir, '--extension', '.'];

const layers = [
  { name: 'build', run: () => run('node', ['esbuild.js', '--tests']) },
  // The project (tsconfig.json), then the e2e flows (test/e2e: the DOM's types for what runs in the page).
  {
    name: 'typecheck',
    run: async () => {
      const all = await run('npx', ['tsc', '--noEmit', '-p', '.']);
      if (all.code !== 0 || !fs.existsSync('test/e2e/tsconfig.json')) return all;
      return run('npx', ['tsc', '--noEmit', '-p', 'test/e2e']);
    },
  },
  // The page (DOM types, no Node), then its tests in a DOM (test/unit/webview).
  {
    name: 'typecheck-webview',
    when: () => fs.existsSync('webview/main.ts'),
    run: async () => {
      const page = await run('npx', ['tsc', '--noEmit', '-p', 'webview']);
      if (page.code !== 0 || !fs.existsSync('test/unit/webview/tsconfig.json')) return page;
      return run('npx', ['tsc', '--noEmit', '-p', 'test/unit/webview']);
    },
  },
  { name: 'unit', run: () => run('node', ['--test', '--test-reporter=spec', ...walk('out/test/unit', (p) => p.endsWith('.test.js')).sort()]) },
  // Partial results on a Dask cluster (Debian's python3 with python3-distributed; npm run setup:dask).
  {
    name: 'dask',
    when: () => fs.existsSync('test/dask/dask.test.mjs'),
    run: () => run('node', ['--test', '--test-reporter=spec', 'test/dask/dask.test.mjs']),
  },
  {
    name: 'page',
    when: () => fs.existsSync(flow('report-page').source),
    run: () => run('node', [flow('report-page').built, '--out', 'test-results/screens']),
  },
  {
    name: 'npm-package',
    when: () => fs.existsSync('test/package/npm-cli.test.mjs'),
    run: () => run('node', ['--test', '--test-reporter=spec', 'test/package/npm-cli.test.mjs']),
  },
  {
    name: 'host-setup',
    when: () => fs.existsSync('test/e2e/install-code-server.sh'),
    run: () => run('bash', ['test/e2e/install-code-server.sh', codeServerDir]),
  },
  {
    name: 'integration',
    when: () => fs.existsSync('out/test/integration/index.js'),
    run: () => run('node', [flow('run-extension-tests').built, ...hostArgs,
      '--tests', 'out/test/integration/index.js', '--workspace', tempWorkspace(), '--screenshot', 'test-results/screens/integration.png']),
  },
  {
    name: 'ui',
    when: () => fs.existsSync(flow('ui-flows').source),
    run: () => run('node', [flow('ui-flows').built, ...hostArgs, '--workspace', tempWorkspace(), '--out', 'test-results/screens']),
  },
  {
    name: 'ui-report',
    when: () => fs.existsSync(flow('ui-report').source),
    run: () => run('node', [flow('ui-report').built, ...hostArgs, '--workspace', tempWorkspace(), '--out', 'test-results/screens']),
  },
  // The web build (package.json "browser") in the browser's web worker extension host, as vscode.dev runs it.
  {
    name: 'web',
    when: () => fs.existsSync(flow('web-extension').source),
    run: () => run('node', [flow('web-extension').built, ...hostArgs, '--workspace', tempWorkspace(), '--out', 'test-results/screens']),
  },
  {
    name: 'ui-installed',
    when: () => fs.existsSync(flow('ui-installed').source),
    run: () => run('node', [flow('ui-installed').built, '--code-server', codeServerDir, '--workspace', tempWorkspace(), '--out', 'test-results/screens']),
  },
];

fs.mkdirSync('test-results/screens', { recursive: true });
let passed = 0;
let failed = 0;
const summary = [];
for (const layer of layers) {
  if (only && !only.includes(layer.name)) continue;
  if (layer.when && !layer.when()) continue;
  console.log(`\n=== ${layer.name} ===`);
  const started = Date.now();
  const { code, out } = await layer.run();
  const c = counts(out);
  let p = c?.passed ?? (code === 0 ? 1 : 0);
  let f = c?.failed ?? (code === 0 ? 0 : 1);
  if (code !== 0 && f === 0) f = 1; // a crash after a clean count still fails
  passed += p;
  failed += f;
  summary.push(`${layer.name.padEnd(18)} ${String(p).padStart(4)} passed ${String(f).padStart(3)} failed  ${((Date.now() - started) / 1000).toFixed(1)}s`);
  if (code !== 0 && (layer.name === 'build' || layer.name === 'host-setup')) {
    console.error(`\n${layer.name} failed; later layers depend on it.`);
    break;
  }
}
console.log('\n=== summary ===\n' + summary.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
