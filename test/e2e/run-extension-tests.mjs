#!/usr/bin/env node
// Runs the extension's Mocha suite inside a real VS Code extension host (code-server, the same
// workbench and Node extension host as the desktop app), driven by headless Chromium, on a
// machine that cannot download VS Code. Exits with the suite's exit code.
//
// node test/e2e/run-extension-tests.mjs [--code-server DIR] --extension PATH --tests SUITE_INDEX_JS
//                                       --workspace PATH [--screenshot FILE] [--timeout SECONDS]
// DIR defaults to .vscode-test/code-server (test/e2e/install-code-server.sh puts it there).
// The suite may write into the workspace: pass a copy (scripts/test-host.mjs makes one).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    'code-server': { type: 'string', default: '.vscode-test/code-server' },
    extension: { type: 'string' },
    tests: { type: 'string' },
    workspace: { type: 'string' },
    screenshot: { type: 'string' },
    timeout: { type: 'string', default: '300' },
  },
});
for (const k of ['code-server', 'extension', 'tests', 'workspace']) {
  if (!opt[k]) { console.error(`missing --${k}`); process.exit(2); }
}
const abs = (p) => path.resolve(p);
const codeServerBin = path.join(abs(opt['code-server']), 'node_modules', '.bin', 'code-server');
if (!fs.existsSync(codeServerBin)) {
  console.error(`no code-server in ${opt['code-server']}; install it with: bash test/e2e/install-code-server.sh ${opt['code-server']}`);
  process.exit(2);
}

// playwright-core comes from the project that runs this script (its devDependencies).
const requireFromProject = createRequire(path.join(process.cwd(), 'package.json'));
const { chromium } = requireFromProject('playwright-core');

const freePort = () => new Promise((resolve, reject) => {
  const srv = net.createServer();
  srv.on('error', reject);
  srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
});

async function waitForHttp(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { const r = await fetch(url); if (r.status < 500) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer at ${url} within ${ms / 1000}s`);
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vsc-e2e-'));
const dirs = Object.fromEntries(['user', 'ext', 'xdgc', 'xdgd'].map((d) => [d, path.join(root, d)]));
Object.values(dirs).forEach((d) => fs.mkdirSync(d, { recursive: true }));
fs.mkdirSync(path.join(dirs.user, 'User'), { recursive: true });
fs.writeFileSync(path.join(dirs.user, 'User', 'settings.json'), JSON.stringify({
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
}));

const port = await freePort();
const server = spawn(codeServerBin, [
  '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
  '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--ignore-last-opened',
  '--user-data-dir', dirs.user, '--extensions-dir', dirs.ext,
], {
  detached: true, // own process group, so cleanup can end all of it
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, XDG_CONFIG_HOME: dirs.xdgc, XDG_DATA_HOME: dirs.xdgd },
});
let serverLog = '';
server.stdout.on('data', (d) => { serverLog += d; });
server.stderr.on('data', (d) => { serverLog += d; });

let browser;
let lastSummary;

// Console messages arrive as printf-style arguments with %c colour directives; render them as text.
function formatConsole(args) {
  if (typeof args[0] !== 'string') return args.map(String).join(' ');
  const rest = args.slice(1);
  let i = 0;
  const head = args[0].replace(/%([csdifoO%])/g, (_, k) => {
    if (k === '%') return '%';
    const a = rest[i++];
    if (k === 'c') return '';
    if (k === 'd' || k === 'i') return String(Math.trunc(Number(a)));
    return typeof a === 'string' ? a : JSON.stringify(a);
  });
  const left = rest.slice(i);
  // The extension host forwards its own printf-style message as the next argument.
  const tail = typeof left[0] === 'string' && /%[sdifoOc]/.test(left[0])
    ? formatConsole(left)
    : left.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  return `${head.replace(/^\s*INFO\s*/, '')}${tail ? ' ' + tail : ''}`.trimEnd();
}
const cleanup = async () => {
  try { await browser?.close(); } catch { /* already gone */ }
  try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
  fs.rmSync(root, { recursive: true, force: true });
};

let exitCode = 1;
try {
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/healthz`, 60_000);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'], // playwright gives each launch a fresh profile
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const done = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (code) => resolve(code)));
  // Workbench chatter that says nothing about the extension under test.
  const noise = /open-vsx|gallery|Failed to load resource|marketplace|allow-scripts and allow-same-origin|service worker controller|Overwriting extension|web worker extension host|connection token|Creating a socket|builtin extensions cache|Service Worker\] registered|ChatSessionStore/i;
  page.on('console', async (msg) => {
    const args = await Promise.all(msg.args().map((a) => a.jsonValue().catch(() => '')));
    if (process.env.E2E_DEBUG) console.log(JSON.stringify(args));
    const text = formatConsole(args.length ? args : [msg.text()]);
    const summary = /(\d+) passed, (\d+) failed/.exec(text);
    if (summary) lastSummary = summary[0];
    if (!noise.test(text)) console.log(text);
  });
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${abs(p)}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(opt.extension)],
    ['extensionTestsPath', remote(opt.tests)],
  ]);
  await page.goto(`${base}/?folder=${encodeURIComponent(abs(opt.workspace))}&payload=${encodeURIComponent(payload)}`);
  const timeoutMs = Number(opt.timeout) * 1000;
  const timedOut = new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
  const result = await Promise.race([done, timedOut]);
  if (opt.screenshot) await page.screenshot({ path: opt.screenshot }).catch(() => {});
  if (result === 'timeout') {
    console.error(`extension tests did not finish within ${opt.timeout}s`);
  } else {
    exitCode = Number(result);
  }
} catch (err) {
  console.error(String(err?.stack || err));
  if (serverLog) console.error(serverLog.split('\n').slice(-20).join('\n'));
} finally {
  await cleanup();
}
// A summary line alone, so CI can read the count.
console.log(lastSummary ?? (exitCode === 0 ? 'suite passed (no summary line printed)' : '0 passed, 1 failed'));
process.exit(exitCode);
