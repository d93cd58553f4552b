#!/usr/bin/env node
// The extension as users get it: `npm run package` builds the .vsix, code-server installs it
// with --install-extension into a fresh extensions folder, and the workbench opens with no
// extension under development, so everything below runs from the installed package:
// the .vsix holds what the extension loads and nothing else; right-click a data file →
// Analyze File → the finding in the Problems panel; the editor title's icons; Open Report
// draws its charts; a collapselens.json with mistakes gets the schema's diagnostics.
//
// node test/e2e/ui-installed.mjs [--code-server DIR] --workspace PATH [--out DIR] [--vsix FILE]
// Without --vsix it runs `npm run package` into a temp folder. Screenshots: installed-*.png.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openWorkbench, startCodeServer, stepRunner, workbenchOptions } from './workbench.mjs';

const { opt, codeServerBin, chromium, workspace } = workbenchOptions();
const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const extensionId = `${manifest.publisher}.${manifest.name}`.toLowerCase();

let page;
let browser;
let server;
const { counts, shot, step } = stepRunner(() => page, opt.out, 'installed-fail-');
const assert = (ok, message) => {
  if (!ok) throw new Error(message);
};
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-vsix-'));
let vsix = opt.vsix && path.resolve(opt.vsix);
let installed;

/** Every file under dir, relative, with forward slashes. */
function filesUnder(dir, base = dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, base, out);
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}

try {
  await step('npm run package builds the .vsix offline, with no dependency folder', async () => {
    if (vsix) return;
    vsix = path.join(tmp, `${manifest.name}-${manifest.version}.vsix`);
    const started = Date.now();
    const r = spawnSync('npm', ['run', 'package', '--', '--out', vsix], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert(r.status === 0 && fs.existsSync(vsix), `npm run package failed (${r.status}):\n${(r.stdout + r.stderr).split('\n').slice(-15).join('\n')}`);
    console.log(`     ${path.basename(vsix)}: ${(fs.statSync(vsix).size / 1024).toFixed(0)} KB, packaged in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  server = await startCodeServer(codeServerBin, { prefix: 'collapse-lens-installed-', install: vsix ? [vsix] : [] });
  installed = path.join(server.extensionsDir, `${extensionId}-${manifest.version}`);

  await step('the installed package holds what the extension loads, and nothing else', async () => {
    assert(fs.existsSync(installed), `code-server did not install ${extensionId} into ${path.basename(installed)}`);
    const files = filesUnder(installed);
    const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    // What the extension loads: its main, the threads and the report bundles it starts by
    // path, the report's stylesheet and the icons, the schema that jsonValidation names.
    const needed = [
      pkg.main.replace(/^\.\//, ''),
      'dist/worker.js', 'dist/reader-thread.js', 'dist/report.js', 'dist/webview.js',
      'media/report.css', pkg.icon,
      ...pkg.contributes.jsonValidation.map((j) => j.url.replace(/^\.\//, '')),
      // The web extension and the analysis worker it starts.
      ...(pkg.browser ? [pkg.browser.replace(/^\.\//, ''), 'dist/web/worker.js'] : []),
    ];
    for (const f of needed) assert(files.includes(f) || files.includes(`${f}.js`), `missing from the package: ${f}`);
    const unwanted = files.filter((f) =>
      /^(src|test|webview|out|bench|corpus|examples|docs|scripts|node_modules|\.vscode-test|test-results|demo-output)\//.test(f)
      || /\.(map|ts|tsbuildinfo|vsix|tgz)$/.test(f)
      || ['dist/cli.js', 'schemas/report.schema.json', 'schemas/sarif-2.1.0.json', 'package-lock.json', 'tsconfig.json', 'esbuild.js'].includes(f)
      // The web extension's bundles are loaded only through package.json "browser".
      || (f.startsWith('dist/web/') && !pkg.browser));
    assert(unwanted.length === 0, `in the package but not loaded by the extension: ${unwanted.join(', ')}`);
    assert(!pkg.dependencies || Object.keys(pkg.dependencies).length === 0, `runtime dependencies: ${Object.keys(pkg.dependencies ?? {}).join(', ')}`);
    console.log(`     ${files.length} files: ${files.join(', ')}`);
  });

  ({ browser, page } = await openWorkbench(chromium, { port: server.port, workspace }));
  const explorerRow = (name) => page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"]`);
  const menuItem = (title) => page.locator('.context-view .action-label', { hasText: title });
  const statusItem = () => page.locator('.statusbar-item', { hasText: /Collapse Lens: analyzing|finding|no collapse/ });
  const problemRows = () => page.locator('.markers-panel .monaco-list-row');
  const focusWorkbench = () => page.locator('.monaco-workbench .part.statusbar').click({ position: { x: 5, y: 5 } });
  const titleAction = (title) => page.locator(`.editor-group-container.active .editor-actions .action-label[aria-label*="${title}"]`);
  const report = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

  await explorerRow('repeated.jsonl').waitFor({ timeout: 30_000 });

  await step('right-click a JSONL file → Analyze File: the installed extension puts the finding in the Problems panel', async () => {
    // The extension activates a moment after the workbench: retry the menu until it offers the command.
    for (const end = Date.now() + 60_000; ;) {
      await explorerRow('repeated.jsonl').click({ button: 'right' });
      if (await menuItem('Analyze File').waitFor({ timeout: 2_000 }).then(() => true, () => false)) break;
      await page.keyboard.press('Escape');
      assert(Date.now() < end, 'the explorer menu never offered Analyze File');
    }
    await page.waitForTimeout(300); // a click right after the menu opens is taken as the right-click's release
    await menuItem('Analyze File').click();
    await statusItem().filter({ hasText: '1 finding' }).waitFor({ timeout: 30_000 });
    await focusWorkbench();
    await page.keyboard.press('Control+Shift+M');
    await problemRows().filter({ hasText: '50% of 10 outputs are exact duplicates' }).first().waitFor({ timeout: 15_000 });
    const text = await page.locator('.markers-panel').innerText();
    assert(/repeated-outputs/.test(text), 'the rule id is not shown');
    await shot('installed-1-problems.png');
  });

  await step('the editor title of a data file shows Analyze File and Open Report; Open Report draws the charts', async () => {
    await explorerRow('repeated.jsonl').click();
    await page.locator('.tabs-container .tab.active', { hasText: 'repeated.jsonl' }).waitFor({ timeout: 10_000 });
    await titleAction('Analyze File').first().waitFor({ timeout: 10_000 });
    await titleAction('Open Report').first().waitFor({ timeout: 10_000 });
    await shot('installed-2-editor-title.png');
    await titleAction('Open Report').first().click();
    await page.locator('.tabs-container .tab.active', { hasText: 'Collapse Lens:' }).waitFor({ timeout: 15_000 });
    await report().locator('#app[data-render="done"]').waitFor({ timeout: 30_000 });
    const charts = await report().locator('#app').evaluate((el) =>
      [...el.querySelectorAll('section.chart')].map((s) => ({
        id: s.dataset.chart,
        marks: s.querySelectorAll('.chart-canvas g.role-mark path, .chart-canvas g.role-mark line, .chart-canvas g.role-mark rect, .chart-canvas g.role-mark text').length,
      })));
    assert(charts.length >= 1, 'the report drew no chart');
    for (const c of charts) assert(c.marks > 0, `${c.id}: no marks`);
    console.log(`     ${charts.length} charts: ${charts.map((c) => `${c.id} (${c.marks} marks)`).join(', ')}`);
    await shot('installed-3-report.png');
  });

  await step('a collapselens.json with mistakes: the schema in the package underlines them', async () => {
    fs.writeFileSync(path.join(workspace, 'collapselens.json'), '{\n  "thresholds": { "dropWarning": 2 },\n  "disabledRules": ["no-such-rule"]\n}\n');
    await explorerRow('collapselens.json').waitFor({ timeout: 15_000 });
    await explorerRow('collapselens.json').click();
    await page.locator('.tabs-container .tab.active', { hasText: 'collapselens.json' }).waitFor({ timeout: 10_000 });
    await focusWorkbench();
    await page.keyboard.press('Control+Shift+M');
    const filter = page.getByPlaceholder(/^Filter \(e\.g\./).first();
    await filter.fill('collapselens.json');
    await problemRows().filter({ hasText: /maximum of 1/ }).first().waitFor({ timeout: 30_000 });
    await problemRows().filter({ hasText: /no-such-rule|Value is not accepted/ }).first().waitFor({ timeout: 5_000 });
    await shot('installed-4-schema.png');
    await filter.fill('');
  });
} catch (e) {
  counts.failed++;
  console.log(`FAIL setup: ${String(e?.message ?? e).split('\n')[0]}`);
} finally {
  await browser?.close().catch(() => {});
  server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`${counts.passed} passed, ${counts.failed} failed`);
process.exit(counts.failed ? 1 : 0);
