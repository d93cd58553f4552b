// The web build (package.json "browser": dist/web/extension.js) in the browser's web worker
// extension host, as vscode.dev runs it: code-server serves the workbench and the files, and the
// extension is a copy whose manifest has no "main", so no Node extension host can run it (the
// workbench puts an extension with only a "browser" entry in the web worker host). Through the
// workbench: the commands are there, Analyze File on a JSONL file and on a gzip file of two
// members shows the findings in the Problems panel, the report opens, and a file over the size
// limit gets the browser's message. Screenshots go to --out.
//
// node out/test/e2e/web-extension.js [--code-server DIR] [--extension PATH] --workspace PATH [--out DIR]
// The flow writes into the workspace: pass a copy (test/workspace.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { assert, runFlow, workbenchOptions } from './workbench';

const { opt, codeServerBin, workspace } = workbenchOptions();
const source = path.resolve(opt.extension);

/** What vscode.dev loads of the extension: the manifest without "main", the web bundles, the page, the media. */
function webOnlyCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-web-ext-'));
  const manifest = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8'));
  if (!manifest.browser) throw new Error('package.json has no "browser" entry');
  delete manifest.main;
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  for (const item of ['dist/web', 'dist/webview.js', 'media', 'l10n', 'package.nls.json', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
    const from = path.join(source, item);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dir, item), { recursive: true });
  }
  for (const bundle of ['dist/web/extension.js', 'dist/web/worker.js', 'dist/webview.js']) {
    if (!fs.existsSync(path.join(dir, bundle))) throw new Error(`${bundle} is missing: run node esbuild.js first`);
  }
  return dir;
}

// A gzip file of two members, as gzip.open(…, 'ab') writes a file appended to twice: the browser's
// own DecompressionStream would refuse it; the web build reads both.
const repeated = fs.readFileSync(path.join(workspace, 'repeated.jsonl'));
const half = repeated.indexOf(0x0a, repeated.length >> 1) + 1;
fs.writeFileSync(path.join(workspace, 'appended.jsonl.gz'), Buffer.concat([zlib.gzipSync(repeated.subarray(0, half)), zlib.gzipSync(repeated.subarray(half))]));

// A size limit of 1.5 KB, so that one fixture is over it: repeated.jsonl (0.9 KB) and the gzip
// file are analyzed, healthy.jsonl (2 KB) is refused (the 256 MB cap is too large to write here).
const SIZE_LIMIT_MB = 1.5 / 1024;

void runFlow({ out: opt.out, failPrefix: 'web-fail-', label: 'web' }, async (flow) => {
  const { shot, step } = flow;
  const extension = webOnlyCopy();
  flow.defer(() => fs.rmSync(extension, { recursive: true, force: true }));
  const { port } = await flow.startCodeServer(codeServerBin, { prefix: 'collapse-lens-web-', settings: { 'collapseLens.maxFileSizeMB': SIZE_LIMIT_MB } });
  /** What the extension hosts print in the page's console: errors of ours fail the report's step (the size limit's message is logged as one). */
  const hostErrors: string[] = [];
  const wb = await flow.openWorkbench({
    port,
    extension,
    workspace,
    beforeLoad: (p) =>
      p.on('console', (m) => {
        if (m.type() === 'error' && /collapse[- ]lens/i.test(m.text())) hostErrors.push(m.text().slice(0, 300));
      }),
  });
  const { page, explorerRow, statusItem, problemRows } = wb;
  /** Right-click → Analyze File, until the status bar counts `findings`; then the Problems panel. */
  const analyzeFile = async (name: string, findings: string) => {
    await wb.explorerMenu(name, 'Analyze File');
    await statusItem().filter({ hasText: findings }).waitFor({ timeout: 60_000 });
    await wb.openProblems();
  };

  await explorerRow('repeated.jsonl').waitFor({ timeout: 30_000 });

  await step('the web extension loads in the web worker extension host: the palette lists its commands', async () => {
    await wb.waitForCommands();
    await page.keyboard.press('Escape');
    // The commands are registered by activate(), which only the "browser" entry has here.
    assert(page.frames().some((f) => /webWorkerExtensionHostIframe/.test(f.url())), 'no web worker extension host in the page');
  });

  await step('Analyze File on a JSONL file: the finding in the Problems panel', async () => {
    await analyzeFile('repeated.jsonl', '1 finding');
    await problemRows().filter({ hasText: '50% of 10 outputs are exact duplicates' }).first().waitFor({ timeout: 15_000 });
    assert(/repeated-outputs/.test(await wb.problemsText()), 'the rule id is not shown');
    await shot('web-1-problems.png');
  });

  await step('Analyze File on a gzip file of two members: the same finding, on that file', async () => {
    await analyzeFile('appended.jsonl.gz', '2 findings');
    const filter = wb.problemsFilter();
    await filter.fill('appended.jsonl.gz');
    await problemRows().filter({ hasText: '50% of 10 outputs are exact duplicates' }).first().waitFor({ timeout: 15_000 });
    await shot('web-2-gzip.png');
    await filter.fill('');
  });

  await step('the status bar item opens the report, drawn in its webview', async () => {
    await statusItem().click();
    await wb.activeTab('Collapse Lens:').waitFor({ timeout: 15_000 });
    await wb.reportDrawn();
    await page.waitForTimeout(500);
    await shot('web-3-report.png');
    assert(hostErrors.length === 0, `errors in the console: ${hostErrors.join(' | ')}`);
  });

  await step('a file over the size limit: a message that says files are read into memory in a browser', async () => {
    await wb.explorerMenu('healthy.jsonl', 'Analyze File');
    await wb.toast(/healthy\.jsonl is 2\.0 KB; in a browser, files are read into memory, up to 1\.5 KB/).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(600); // the notification slides in
    await shot('web-4-size-limit.png');
  });
});
