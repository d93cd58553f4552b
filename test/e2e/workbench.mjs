// Shared start of the UI flows: command-line options, and a code-server of its own (fresh user
// data, extensions and XDG folders in a temp dir, its own process group) for the workbench.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

/** --code-server, --extension, --workspace (required), --out, --vsix; exits 2 when something is missing. */
export function workbenchOptions() {
  const { values: opt } = parseArgs({
    options: {
      'code-server': { type: 'string', default: '.vscode-test/code-server' },
      extension: { type: 'string', default: '.' },
      workspace: { type: 'string' },
      out: { type: 'string', default: 'test-results/screens' },
      vsix: { type: 'string' },
    },
  });
  if (!opt.workspace) {
    console.error('missing --workspace (a copy of test/fixtures/workspace)');
    process.exit(2);
  }
  const codeServerBin = path.join(path.resolve(opt['code-server']), 'node_modules', '.bin', 'code-server');
  if (!fs.existsSync(codeServerBin)) {
    console.error(`no code-server in ${opt['code-server']}; install it with: bash test/e2e/install-code-server.sh`);
    process.exit(2);
  }
  // playwright-core comes from the project that runs the flow (its devDependencies).
  const { chromium } = createRequire(path.join(process.cwd(), 'package.json'))('playwright-core');
  fs.mkdirSync(opt.out, { recursive: true });
  return { opt, codeServerBin, chromium, workspace: path.resolve(opt.workspace) };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Workbench settings for a quiet, offline test run. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
};

/**
 * Starts code-server on a free loopback port, after installing the `install` .vsix files into
 * its fresh extensions folder as a user would (`--install-extension`). Returns the port, the temp
 * root, the path of the user settings file, the extensions folder, and stop() which ends the
 * server's process group and removes the root.
 */
export async function startCodeServer(codeServerBin, { prefix = 'collapse-lens-ui-', settings = {}, install = [] } = {}) {
  const port = await freePort();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const settingsFile = path.join(root, 'user', 'User', 'settings.json');
  const extensionsDir = path.join(root, 'ext');
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.writeFileSync(settingsFile, JSON.stringify({ ...QUIET_SETTINGS, ...settings }));
  const dirs = ['--user-data-dir', path.join(root, 'user'), '--extensions-dir', extensionsDir];
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(root, 'c'), XDG_DATA_HOME: path.join(root, 'd') };
  for (const vsix of install) {
    const r = spawnSync(codeServerBin, [...dirs, '--install-extension', path.resolve(vsix)], { env, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0 || !/successfully installed/.test(r.stdout)) {
      fs.rmSync(root, { recursive: true, force: true });
      throw new Error(`code-server --install-extension ${vsix} failed: ${(r.stdout + r.stderr).trim().split('\n').slice(-5).join(' | ')}`);
    }
  }
  const server = spawn(codeServerBin, [
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--ignore-last-opened', ...dirs,
  ], { detached: true, stdio: 'ignore', env });
  const stop = () => {
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
    fs.rmSync(root, { recursive: true, force: true });
  };
  return { port, root, settingsFile, extensionsDir, server, stop };
}

/**
 * Named steps that keep going after a failure: each prints `ok` or `FAIL` with its time, and a
 * failed one leaves a screenshot `<failPrefix><n>.png`. `counts` gives the closing line.
 */
export function stepRunner(getPage, outDir, failPrefix) {
  const counts = { passed: 0, failed: 0 };
  const shot = async (name) => getPage().screenshot({ path: path.join(outDir, name) });
  const step = async (name, fn) => {
    const started = Date.now();
    try {
      await fn();
      counts.passed++;
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (e) {
      counts.failed++;
      console.log(`FAIL ${name}: ${String(e?.message ?? e).split('\n').slice(0, 12).join('\n     ')}`);
      await shot(`${failPrefix}${counts.passed + counts.failed}.png`).catch(() => {});
    }
  };
  return { counts, shot, step };
}

/**
 * Waits for code-server, launches headless Chromium (Debian's, with the flags an offline
 * machine needs) and opens the workspace with the extension under development loaded; with
 * no `extension`, only the installed extensions run. `beforeLoad(page)` runs before
 * navigation, e.g. to collect console messages.
 */
export async function openWorkbench(chromium, { port, extension, workspace, beforeLoad }) {
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    try { await fetch(`${base}/healthz`); break; } catch { await new Promise((r) => setTimeout(r, 250)); }
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  beforeLoad?.(page);
  const payload = extension ? `&payload=${encodeURIComponent(JSON.stringify([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${path.resolve(extension)}`]]))}` : '';
  await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}${payload}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  return { browser, page };
}
