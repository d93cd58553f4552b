// The extension as users get it: `npm run package` builds the .vsix, code-server installs it
// with --install-extension into a fresh extensions folder, and the workbench opens with no
// extension under development, so everything below runs from the installed package:
// the .vsix holds what the extension loads and nothing else; right-click a data file →
// Analyze File → the finding in the Problems panel; the editor title's icons; Open Report
// draws its charts; a collapselens.json with mistakes gets the schema's diagnostics.
//
// node out/test/e2e/ui-installed.js [--code-server DIR] --workspace PATH [--out DIR] [--vsix FILE]
// Without --vsix it runs `npm run package` into a temp folder. Screenshots: installed-*.png.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assert, runFlow, workbenchOptions } from './workbench';

const { opt, codeServerBin, workspace } = workbenchOptions();
const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const extensionId = `${manifest.publisher}.${manifest.name}`.toLowerCase();

/** Every file under dir, relative, with forward slashes. */
function filesUnder(dir: string, base = dir, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, base, out);
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}

void runFlow({ out: opt.out, failPrefix: 'installed-fail-' }, async (flow) => {
  const { shot, step } = flow;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-vsix-'));
  flow.defer(() => fs.rmSync(tmp, { recursive: true, force: true }));
  let vsix = opt.vsix && path.resolve(opt.vsix);

  await step('npm run package builds the .vsix offline, with no dependency folder', async () => {
    if (vsix) return;
    const file = path.join(tmp, `${manifest.name}-${manifest.version}.vsix`);
    const started = Date.now();
    const r = spawnSync('npm', ['run', 'package', '--', '--out', file], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert(r.status === 0 && fs.existsSync(file), `npm run package failed (${r.status}):\n${(r.stdout + r.stderr).split('\n').slice(-15).join('\n')}`);
    vsix = file;
    console.log(`     ${path.basename(file)}: ${(fs.statSync(file).size / 1024).toFixed(0)} KB, packaged in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  const server = await flow.startCodeServer(codeServerBin, { prefix: 'collapse-lens-installed-', install: vsix ? [vsix] : [] });
  const installed = path.join(server.extensionsDir, `${extensionId}-${manifest.version}`);

  await step('the installed package holds what the extension loads, and nothing else', async () => {
    assert(fs.existsSync(installed), `code-server did not install ${extensionId} into ${path.basename(installed)}`);
    const files = filesUnder(installed);
    const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    const local = (p: string) => p.replace(/^\.\//, '');
    // What the extension loads: its main, the threads and the report bundles it starts by
    // path, the report's stylesheet and the icons, the schema that jsonValidation names.
    const needed: string[] = [
      local(pkg.main),
      'dist/worker.js', 'dist/reader-thread.js', 'dist/pair-thread.js', 'dist/report.js', 'dist/webview.js',
      'media/report.css', pkg.icon,
      ...pkg.contributes.jsonValidation.map((j: { url: string }) => local(j.url)),
      // The web extension and the analysis worker it starts.
      ...(pkg.browser ? [local(pkg.browser), 'dist/web/worker.js'] : []),
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

  // No extension under development: only the installed one runs.
  const wb = await flow.openWorkbench({ port: server.port, workspace });
  const { page, explorerRow, menuItem, statusItem, problemRows } = wb;
  const titleAction = (title: string) => page.locator(`.editor-group-container.active .editor-actions .action-label[aria-label*="${title}"]`).first();

  await explorerRow('repeated.jsonl').waitFor({ timeout: 30_000 });

  await step('right-click a JSONL file → Analyze File: the installed extension puts the finding in the Problems panel', async () => {
    // The extension activates a moment after the workbench: retry the menu until it offers the command.
    for (const end = Date.now() + 60_000; ;) {
      await explorerRow('repeated.jsonl').click({ button: 'right' });
      if (await menuItem('Analyze File').waitFor({ timeout: 2_000 }).then(() => true, () => false)) break;
      await page.keyboard.press('Escape');
      assert(Date.now() < end, 'the explorer menu never offered Analyze File');
    }
    await wb.choose('Analyze File');
    await statusItem().filter({ hasText: '1 finding' }).waitFor({ timeout: 30_000 });
    await wb.openProblems();
    await problemRows().filter({ hasText: '50% of 10 outputs are exact duplicates' }).first().waitFor({ timeout: 15_000 });
    assert(/repeated-outputs/.test(await wb.problemsText()), 'the rule id is not shown');
    await shot('installed-1-problems.png');
  });

  await step('the editor title of a data file shows Analyze File and Open Report; Open Report draws the charts', async () => {
    await explorerRow('repeated.jsonl').click();
    await wb.activeTab('repeated.jsonl').waitFor({ timeout: 10_000 });
    await titleAction('Analyze File').waitFor({ timeout: 10_000 });
    await titleAction('Open Report').waitFor({ timeout: 10_000 });
    await shot('installed-2-editor-title.png');
    await titleAction('Open Report').click();
    await wb.activeTab('Collapse Lens:').waitFor({ timeout: 15_000 });
    await wb.reportDrawn();
    const charts = await wb.reportCharts();
    assert(charts.length >= 1, 'the report drew no chart');
    for (const c of charts) assert(c.marks > 0, `${c.id}: no marks`);
    console.log(`     ${charts.length} charts: ${charts.map((c) => `${c.id} (${c.marks} marks)`).join(', ')}`);
    await shot('installed-3-report.png');
  });

  await step('a collapselens.json with mistakes: the schema in the package underlines them', async () => {
    fs.writeFileSync(path.join(workspace, 'collapselens.json'), '{\n  "thresholds": { "dropWarning": 2 },\n  "disabledRules": ["no-such-rule"]\n}\n');
    await explorerRow('collapselens.json').waitFor({ timeout: 15_000 });
    await explorerRow('collapselens.json').click();
    await wb.activeTab('collapselens.json').waitFor({ timeout: 10_000 });
    await wb.openProblems();
    const filter = wb.problemsFilter();
    await filter.fill('collapselens.json');
    await problemRows().filter({ hasText: /maximum of 1/ }).first().waitFor({ timeout: 30_000 });
    await problemRows().filter({ hasText: /no-such-rule|Value is not accepted/ }).first().waitFor({ timeout: 5_000 });
    await shot('installed-4-schema.png');
    await filter.fill('');
  });
});
