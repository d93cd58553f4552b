// The helpers every e2e flow shares: the command-line options, a code-server of its own (fresh
// user data, extensions and XDG folders in a temp dir, its own process group), headless
// Chromium, the workbench opened on a workspace, named steps with one closing count, and the
// workbench's parts as a user reaches them (Explorer and its menu, palette, Problems panel,
// status bar, notifications, the report's webview).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * The options of every host test: --code-server, --extension, --workspace (required), --out,
 * --vsix; run-extension-tests adds --tests, --screenshot, --timeout. Exits 2 when the workspace
 * or code-server is missing.
 */
export function workbenchOptions() {
  const { values: opt } = parseArgs({
    options: {
      'code-server': { type: 'string', default: '.vscode-test/code-server' },
      extension: { type: 'string', default: '.' },
      workspace: { type: 'string' },
      out: { type: 'string', default: 'test-results/screens' },
      vsix: { type: 'string' },
      tests: { type: 'string' },
      screenshot: { type: 'string' },
      timeout: { type: 'string', default: '300' },
    },
  });
  if (!opt.workspace) {
    console.error('missing --workspace (a copy of test/fixtures/workspace)');
    process.exit(2);
  }
  const codeServerBin = path.join(path.resolve(opt['code-server']), 'node_modules', '.bin', 'code-server');
  if (!fs.existsSync(codeServerBin)) {
    console.error(`no code-server in ${opt['code-server']}; install it with: bash test/e2e/install-code-server.sh ${opt['code-server']}`);
    process.exit(2);
  }
  fs.mkdirSync(opt.out, { recursive: true });
  return { opt, codeServerBin, workspace: path.resolve(opt.workspace) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Workbench settings for a quiet, offline test run. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
};

export interface CodeServer {
  port: number;
  /** The fresh extensions folder (where --install-extension put the `install` packages). */
  extensionsDir: string;
  /** The server's last output, for a failure's message. */
  log(): string;
  /** Ends the server's process group and removes its temp folder. */
  stop(): void;
}

/**
 * Starts code-server on a free loopback port, after installing the `install` .vsix files into
 * its fresh extensions folder as a user would (`--install-extension`).
 */
export async function startCodeServer(
  codeServerBin: string,
  { prefix = 'collapse-lens-ui-', settings = {}, install = [] }: { prefix?: string; settings?: Record<string, unknown>; install?: string[] } = {},
): Promise<CodeServer> {
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
  ], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env }); // its own process group, so stop() ends all of it
  let log = '';
  const keep = (d: Buffer) => { log = (log + d.toString()).slice(-20_000); };
  server.stdout.on('data', keep);
  server.stderr.on('data', keep);
  return {
    port,
    extensionsDir,
    log: () => log,
    stop: () => {
      try { process.kill(-server.pid!, 'SIGTERM'); } catch { /* already gone */ }
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

async function waitForServer(base: string, ms = 60_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { if ((await fetch(`${base}/healthz`)).status < 500) return; } catch { /* not up yet */ }
    await sleep(250);
  }
  throw new Error(`code-server did not answer at ${base} within ${ms / 1000} s`);
}

/** Debian's headless Chromium (or CHROMIUM_PATH), with the flags an offline machine needs; each launch has a fresh profile. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface OpenWorkbenchOptions {
  port: number;
  workspace: string;
  /** The extension under development; without it only the installed extensions run. */
  extension?: string;
  /** A Mocha suite's index.js for the extension host to run (run-extension-tests). */
  tests?: string;
  /** Runs before navigation, e.g. to collect console messages. */
  beforeLoad?: (page: Page) => unknown;
}

/** Waits for code-server, launches Chromium and opens the workspace in the workbench. */
export async function openWorkbench({ port, workspace, extension, tests, beforeLoad }: OpenWorkbenchOptions): Promise<{ browser: Browser; page: Page }> {
  const base = `http://127.0.0.1:${port}`;
  await waitForServer(base);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await beforeLoad?.(page);
    const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${path.resolve(p)}`;
    const payload = [
      ...(extension ? [['extensionDevelopmentPath', remote(extension)]] : []),
      ...(tests ? [['extensionTestsPath', remote(tests)]] : []),
    ];
    const query = payload.length ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : '';
    await page.goto(`${base}/?folder=${encodeURIComponent(path.resolve(workspace))}${query}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    return { browser, page };
  } catch (e) {
    await browser.close().catch(() => {});
    throw e;
  }
}

/**
 * A flow's named steps, which keep going after a failure: each prints `ok` or `FAIL` with its
 * time, and a failed one leaves a screenshot `<failPrefix><n>.png` of `page`. What `defer`
 * is given runs when the flow ends, last first.
 */
export class Flow {
  readonly counts = { passed: 0, failed: 0 };
  page: Page | undefined;
  private readonly deferred: Array<() => unknown> = [];

  constructor(readonly out: string, private readonly failPrefix?: string) {}

  defer(cleanup: () => unknown): void {
    this.deferred.push(cleanup);
  }

  // Arrow functions, so that a flow can take them apart: `const { shot, step } = flow`.
  readonly shot = async (name: string): Promise<void> => {
    if (!this.page) throw new Error(`no page to take ${name} of`);
    await this.page.screenshot({ path: path.join(this.out, name) });
  };

  readonly step = async (name: string, fn: () => Promise<unknown>): Promise<void> => {
    const started = Date.now();
    try {
      await fn();
      this.counts.passed++;
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (e) {
      this.counts.failed++;
      console.log(`FAIL ${name}: ${errorText(e).split('\n').slice(0, 12).join('\n     ')}`);
      if (this.failPrefix) await this.shot(`${this.failPrefix}${this.counts.passed + this.counts.failed}.png`).catch(() => {});
    }
  };

  async startCodeServer(codeServerBin: string, options?: Parameters<typeof startCodeServer>[1]): Promise<CodeServer> {
    const server = await startCodeServer(codeServerBin, options);
    this.defer(() => server.stop());
    return server;
  }

  /** Opens the workbench (see openWorkbench), its page the one failed steps are shot of. */
  async openWorkbench(options: OpenWorkbenchOptions): Promise<Workbench> {
    const { browser, page } = await openWorkbench(options);
    this.defer(() => browser.close());
    this.page = page;
    return workbench(page);
  }

  async end(): Promise<void> {
    for (const cleanup of this.deferred.reverse()) await Promise.resolve().then(cleanup).catch(() => {});
  }
}

const errorText = (e: unknown) => String((e as Error | undefined)?.message ?? e);

/**
 * Runs a flow, then its deferred cleanups, prints the closing `[label: ]N passed, N failed` line
 * that scripts/test.mjs reads and exits (1 on any failure). A throw outside a step counts as one
 * failed "setup".
 */
export async function runFlow(
  { out, failPrefix, label }: { out: string; failPrefix?: string; label?: string },
  body: (flow: Flow) => Promise<void>,
): Promise<never> {
  const flow = new Flow(out, failPrefix);
  try {
    await body(flow);
  } catch (e) {
    flow.counts.failed++;
    console.log(`FAIL setup: ${errorText(e).split('\n')[0]}`);
  } finally {
    await flow.end();
  }
  console.log(`${label ? `${label}: ` : ''}${flow.counts.passed} passed, ${flow.counts.failed} failed`);
  process.exit(flow.counts.failed ? 1 : 0);
}

export function assert(ok: unknown, message: string): asserts ok {
  if (!ok) throw new Error(message);
}

/**
 * Per chart of a report page below `root`: its id, its SVG canvases and the marks Vega drew
 * (graphical elements in its data-mark groups). Runs in the page: `locator.evaluate(chartMarks)`.
 */
export const chartMarks = (root: Element) =>
  [...root.querySelectorAll<HTMLElement>('section.chart')].map((s) => ({
    id: s.dataset.chart,
    svg: s.querySelectorAll('.chart-canvas svg.marks').length,
    marks: s.querySelectorAll('.chart-canvas g.role-mark path, .chart-canvas g.role-mark line, .chart-canvas g.role-mark rect, .chart-canvas g.role-mark text').length,
  }));

export type Workbench = ReturnType<typeof workbench>;

/** The workbench's parts on `page`, as a user reaches them. */
export function workbench(page: Page) {
  const explorerRow = (name: string) => page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"]`);
  const menuItem = (title: string) => page.locator('.context-view .action-label', { hasText: title });
  const focusWorkbench = () => page.locator('.monaco-workbench .part.statusbar').click({ position: { x: 5, y: 5 } });
  const quickRows = () => page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  /** The active webview's own page (the report panel, a walkthrough step's markdown): the workbench's iframe, then the page's frame inside it. */
  const report = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

  /** Chooses a command of the open context menu. */
  async function choose(title: string) {
    await menuItem(title).waitFor({ timeout: 10_000 });
    // Menus ignore a click that lands right after they open (it would be the opening right-click's release).
    await page.waitForTimeout(300);
    await menuItem(title).click();
  }

  /**
   * Selects the files in the Explorer: a click on the first, `modifier`+click on the others. A
   * click opens the file and the Explorer may redraw while it reveals it: settle between clicks,
   * and start again (three times at most) until they are all selected.
   */
  async function selectFiles(names: string[], modifier: 'Control' | 'Shift' = 'Control') {
    let selected = 0;
    for (let attempt = 0; attempt < 3 && selected !== names.length; attempt++) {
      for (const [i, name] of names.entries()) {
        await explorerRow(name).click({ modifiers: i === 0 ? [] : [modifier] });
        await page.waitForTimeout(300);
      }
      selected = await page.locator('.explorer-folders-view .monaco-list-row.selected').count();
    }
    assert(selected === names.length, `${selected} files selected, not ${names.length}`);
  }

  /** Moves down the open quick pick to the first row `accept` takes, and picks it. */
  async function pick(accept: (text: string) => boolean) {
    const focused = page.locator('.quick-input-list .monaco-list-row.focused');
    const seen: string[] = [];
    for (let i = 0; i < 15; i++) {
      const text = await focused.first().innerText({ timeout: 5_000 }).catch(() => '');
      if (accept(text)) return page.keyboard.press('Enter');
      seen.push(JSON.stringify(text));
      await page.keyboard.press('ArrowDown');
    }
    throw new Error(`no such row in the quick pick (rows: ${[...new Set(seen)].join(', ')})`);
  }

  return {
    page,
    explorerRow,
    menuItem,
    choose,
    selectFiles,
    focusWorkbench,
    quickRows,
    pick,
    report,
    /** Right-click a file in the Explorer and choose `title` in its menu. */
    async explorerMenu(name: string, title: string) {
      await explorerRow(name).click({ button: 'right' });
      await choose(title);
    },
    /** The selected files (see selectFiles) → right-click the last → Analyze Selected Files as Generations. */
    async analyzeGenerations(names: string[], modifier: 'Control' | 'Shift' = 'Control') {
      await selectFiles(names, modifier);
      await explorerRow(names[names.length - 1]!).click({ button: 'right' });
      await choose('Analyze Selected Files as Generations');
    },
    /**
     * Waits for the extension: the palette lists what is registered when it opens and the
     * extension may load a moment later, so it opens the palette on "Collapse Lens" until
     * Analyze Workspace is listed (a minute at most). The palette stays open.
     */
    async waitForCommands() {
      const rows = quickRows();
      for (const end = Date.now() + 60_000; ;) {
        await page.keyboard.press('Control+Shift+P');
        await page.keyboard.type('Collapse Lens');
        if (await rows.filter({ hasText: 'Analyze Workspace' }).first().waitFor({ timeout: 2_000 }).then(() => true, () => false)) return rows;
        await page.keyboard.press('Escape');
        assert(Date.now() < end, 'Collapse Lens: Analyze Workspace never appeared in the palette');
      }
    },
    /** A command from the palette, by its title as the palette shows it (its category and a trailing "..." may be left out). */
    async runCommand(title: string) {
      // The palette can miss the key press or the first letters while focus moves (a panel
      // closing, a notification): open it, wait for its input, and try again if the command
      // does not show.
      for (let attempt = 1; ; attempt++) {
        await focusWorkbench();
        await page.keyboard.press('Control+Shift+P');
        const opened = await page.locator('.quick-input-widget input').first().waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
        if (opened) {
          await page.keyboard.type(title);
          const found = await quickRows().filter({ hasText: title }).first().waitFor({ timeout: 10_000 }).then(() => true, () => false);
          if (found) break;
        }
        if (attempt === 3) throw new Error(`${title} never appeared in the command palette`);
        await page.keyboard.press('Escape');
      }
      await pick((text) => {
        const label = text.split('\n')[0]!.trim().replace(/(\.\.\.|…)$/, '');
        return label === title || label.endsWith(`: ${title}`);
      });
    },
    /** The status bar item; its text says what it is doing. */
    statusItem: (text: RegExp = /Collapse Lens: analyzing|finding|no collapse/) => page.locator('.statusbar-item', { hasText: text }),
    toast: (text: string | RegExp) => page.locator('.notification-toast', { hasText: text }),
    activeTab: (text: string | RegExp) => page.locator('.tabs-container .tab.active', { hasText: text }),
    async openProblems() {
      await focusWorkbench();
      await page.keyboard.press('Control+Shift+M');
    },
    problemRows: () => page.locator('.markers-panel .monaco-list-row'),
    problemsText: () => page.locator('.markers-panel').innerText(),
    problemsFilter: () => page.getByPlaceholder(/^Filter \(e\.g\./).first(),
    /** Waits until the report's webview has drawn its page. */
    reportDrawn: () => report().locator('#app[data-render="done"]').waitFor({ timeout: 30_000 }),
    reportCharts: () => report().locator('#app').evaluate(chartMarks),
  };
}
