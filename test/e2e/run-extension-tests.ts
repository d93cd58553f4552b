// Runs the extension's Mocha suite inside a real VS Code extension host (code-server, the same
// workbench and Node extension host as the desktop app), driven by headless Chromium, on a
// machine that cannot download VS Code. Exits with the suite's exit code.
//
// node out/test/e2e/run-extension-tests.js [--code-server DIR] --extension PATH --tests SUITE_INDEX_JS
//                                          --workspace PATH [--screenshot FILE] [--timeout SECONDS]
// DIR defaults to .vscode-test/code-server (test/e2e/install-code-server.sh puts it there).
// The suite may write into the workspace: pass a copy (scripts/test-host.mjs makes one).
import type { Browser, Page } from 'playwright-core';
import { openWorkbench, startCodeServer, workbenchOptions } from './workbench';

const { opt, codeServerBin, workspace } = workbenchOptions();
const tests = opt.tests;
if (!tests) {
  console.error('missing --tests');
  process.exit(2);
}

// Console messages arrive as printf-style arguments with %c colour directives; render them as text.
function formatConsole(args: unknown[]): string {
  if (typeof args[0] !== 'string') return args.map(String).join(' ');
  const rest = args.slice(1);
  let i = 0;
  const head = args[0].replace(/%([csdifoO%])/g, (_, k: string) => {
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

// Workbench chatter that says nothing about the extension under test.
const noise = /open-vsx|gallery|Failed to load resource|marketplace|allow-scripts and allow-same-origin|service worker controller|Overwriting extension|web worker extension host|connection token|Creating a socket|builtin extensions cache|Service Worker\] registered|ChatSessionStore/i;

async function main(suite: string): Promise<number> {
  const server = await startCodeServer(codeServerBin, { prefix: 'vsc-e2e-' });
  let browser: Browser | undefined;
  let lastSummary: string | undefined;
  let exitCode = 1;
  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => { finish = resolve; });
  /** The suite's output: the workbench calls codeAutomationExit when it ends; its lines come as console messages. */
  const listen = async (page: Page) => {
    await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
    page.on('console', async (msg) => {
      const args = await Promise.all(msg.args().map((a) => a.jsonValue().catch(() => '')));
      if (process.env.E2E_DEBUG) console.log(JSON.stringify(args));
      const text = formatConsole(args.length ? args : [msg.text()]);
      const summary = /(\d+) passed, (\d+) failed/.exec(text);
      if (summary) lastSummary = summary[0];
      if (!noise.test(text)) console.log(text);
    });
  };
  try {
    const opened = await openWorkbench({ port: server.port, extension: opt.extension, tests: suite, workspace, beforeLoad: listen });
    browser = opened.browser;
    const timedOut = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), Number(opt.timeout) * 1000).unref());
    const result = await Promise.race([done, timedOut]);
    if (opt.screenshot) await opened.page.screenshot({ path: opt.screenshot }).catch(() => {});
    if (result === 'timeout') console.error(`extension tests did not finish within ${opt.timeout}s`);
    else exitCode = Number(result);
  } catch (err) {
    console.error(String((err as Error | undefined)?.stack ?? err));
    const log = server.log();
    if (log) console.error(log.split('\n').slice(-20).join('\n'));
  } finally {
    await browser?.close().catch(() => {});
    server.stop();
  }
  // A summary line alone, so CI can read the count.
  console.log(lastSummary ?? (exitCode === 0 ? 'suite passed (no summary line printed)' : '0 passed, 1 failed'));
  return exitCode;
}

void main(tests).then((code) => process.exit(code));
