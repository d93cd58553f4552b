// The report panel through the real workbench (code-server + headless Chromium): analyze the
// generations fixture → "Open Report" on the notification → inside the webview every chart drew
// marks, no CSP violation; a finding opens its record; a quick fix opens the report at its
// finding; light and dark themes; a new baseline; export through the save dialog; the panel
// restored after a window reload. Screenshots (report-*.png) go to --out.
//
// node out/test/e2e/ui-report.js [--code-server DIR] --extension PATH --workspace PATH [--out DIR]
// The flow writes into the workspace: pass a copy (scripts/test-host.mjs makes one).
import fs from 'node:fs';
import path from 'node:path';
import { assert, runFlow, workbenchOptions } from './workbench';

const { opt, codeServerBin, workspace } = workbenchOptions();

void runFlow({ out: opt.out, failPrefix: 'report-fail-' }, async (flow) => {
  const { shot, step } = flow;
  const { port } = await flow.startCodeServer(codeServerBin, {
    prefix: 'collapse-lens-ui-report-',
    settings: { 'workbench.colorTheme': 'Default Light Modern', 'window.autoDetectColorScheme': false },
  });
  /** Console lines that say the page's CSP refused something, from any frame. */
  const cspViolations: string[] = [];
  const noCspViolation = () => assert(cspViolations.length === 0, `CSP violations: ${cspViolations.join(' | ')}`);
  const wb = await flow.openWorkbench({
    port,
    extension: opt.extension,
    workspace,
    beforeLoad: (p) => p.on('console', (msg) => {
      const text = msg.text();
      if (/Refused to|Content Security Policy/i.test(text)) cspViolations.push(`${msg.location()?.url ?? ''}: ${text}`);
    }),
  });
  const { page, explorerRow, toast, report, reportDrawn: rendered, reportCharts: marksPerChart, runCommand, pick } = wb;
  const reportTab = () => page.locator('.tabs-container .tab', { hasText: 'Collapse Lens: generations' });
  const statusItem = () => wb.statusItem(/\d+ findings?$|no collapse/);
  const app = () => report().locator('#app');
  const renders = () => app().evaluate(() => performance.getEntriesByName('collapse-lens:render').length);
  const chartBackground = () => report().locator('.chart-canvas svg.marks').first().evaluate((svg) => getComputedStyle(svg).backgroundColor);
  const baselineShown = () => report().locator('.report-header vscode-single-select').evaluate((s) => (s as HTMLSelectElement).value);
  const openReport = () => toast(/\d+ findings in 3 generations/).locator('.monaco-button', { hasText: 'Open Report' });

  await explorerRow('generations').waitFor({ timeout: 30_000 });

  await step('analyze three generations; the notification offers Open Report', async () => {
    await wb.waitForCommands();
    await page.keyboard.press('Escape');
    await explorerRow('generations').click();
    await explorerRow('gen1.jsonl').waitFor({ timeout: 10_000 });
    await wb.analyzeGenerations(['gen1.jsonl', 'gen10.jsonl', 'gen2.jsonl']);
    await openReport().waitFor({ timeout: 30_000 });
    await shot('report-0-notification.png');
  });

  await step('Open Report: the panel opens beside, every chart draws marks, no CSP violation', async () => {
    const started = Date.now();
    await openReport().click();
    await reportTab().waitFor({ timeout: 15_000 });
    await rendered();
    const shown = Date.now() - started;
    const charts = await marksPerChart();
    assert(charts.length >= 3, `charts: ${charts.map((c) => c.id).join(', ')}`);
    for (const c of charts) assert(c.svg === 1 && c.marks > 0, `${c.id}: ${c.svg} svg, ${c.marks} marks`);
    const heading = await report().locator('h1').innerText();
    assert(/generations/.test(heading), `heading: ${heading}`);
    noCspViolation();
    console.log(`     ${charts.length} charts (${charts.map((c) => c.id).join(', ')}) drawn ${shown} ms after the click`);
    await shot('report-1-light.png');
  });

  await step('clicking a finding opens its record in the first column at its line', async () => {
    // The repeated outputs of gen10: the next step's quick fix sits on that record.
    const first = report().locator('.finding', { hasText: 'exact duplicates' }).locator('.finding-main').first();
    const where = await first.locator('.where').innerText(); // e.g. generations/gen10.jsonl:1
    const [, file, line] = /^(.*):(\d+)$/.exec(where) ?? [];
    assert(file && line, `finding location: ${where}`);
    await first.click();
    await wb.activeTab(file.split('/').pop()!).first().waitFor({ timeout: 10_000 });
    await page.locator('.statusbar-item', { hasText: new RegExp(`^Ln ${line}, Col \\d+`) }).waitFor({ timeout: 10_000 });
    await shot('report-2-open-record.png');
  });

  await step('a quick fix opens the report at its finding, marked and in view', async () => {
    await page.locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning').first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Control+.');
    // The last finding of the list, past the page's preview of eight: the page lists them all.
    const rows = page.locator('.action-widget .monaco-list-row');
    await rows.filter({ hasText: 'Open the Collapse Lens report at this repeated-outputs finding' }).first().waitFor({ timeout: 15_000 });
    // Group headers are rows too, but the arrow keys skip them.
    const actions = await rows.evaluateAll((els) => els.filter((e) => !e.classList.contains('group-header')).map((e) => e.textContent ?? ''));
    const index = actions.findIndex((t) => t.includes('at this repeated-outputs finding'));
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const focused = report().locator('.finding.focused');
    await focused.waitFor({ timeout: 15_000 });
    const rule = await focused.locator('.rule').innerText();
    assert(rule === 'repeated-outputs', `focused finding: ${rule}`);
    const inView = await focused.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    });
    assert(inView, 'the focused finding is scrolled into view');
    await shot('report-3-quick-fix-focus.png');
  });

  await step('the status bar item reveals the report', async () => {
    await page.locator('.tabs-container .tab', { hasText: /\.jsonl$/ }).first().click();
    await statusItem().click();
    await wb.activeTab('Collapse Lens: generations').waitFor({ timeout: 10_000 });
    await rendered();
  });

  /**
   * Preferences: Color Theme, as a user picks one ("Light Modern" is "Default Light Modern" in
   * settings); waits until the page wears it (`bodyClass`) and the charts are drawn again.
   */
  const setTheme = async (label: string, bodyClass: string) => {
    const before = await renders();
    await runCommand('Preferences: Color Theme');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Modern' }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.type(label);
    // The row reads "Dark Modern" then its settings name, "Default Dark Modern".
    await pick((text) => text.trim().startsWith(label) && text.includes(`Default ${label}`));
    await report().locator(`body.${bodyClass}`).waitFor({ timeout: 20_000 });
    for (let end = Date.now() + 20_000; (await renders()) <= before; ) {
      assert(Date.now() < end, `the charts were not redrawn for ${label}`);
      await page.waitForTimeout(100);
    }
    await rendered();
  };

  await step('themes: the charts follow Default Dark Modern and back to Default Light Modern', async () => {
    const light = await chartBackground();
    await setTheme('Dark Modern', 'vscode-dark');
    const dark = await chartBackground();
    // Dark Modern's editor background, #1f1f1f (Light Modern's is white).
    assert(light === 'rgb(255, 255, 255)' && dark === 'rgb(31, 31, 31)', `chart background: light ${light}, dark ${dark}`);
    noCspViolation();
    await shot('report-4-dark.png');
    await setTheme('Light Modern', 'vscode-light');
    assert((await chartBackground()) === light, 'back to the light background');
  });

  await step('a new baseline: the page is busy, then shows the report against it', async () => {
    await app().evaluate(() => {
      const select = document.querySelector('.report-header vscode-single-select') as HTMLSelectElement;
      select.value = 'gen2';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await report().locator('#app[aria-busy="false"]').waitFor({ timeout: 30_000 });
    for (let end = Date.now() + 15_000; ; ) {
      const value = await baselineShown();
      if (value === 'gen2') break;
      assert(Date.now() < end, `baseline shown: ${value}`);
      await page.waitForTimeout(100);
    }
    await rendered();
    for (const c of await marksPerChart()) assert(c.marks > 0, `${c.id}: no marks after the new baseline`);
  });

  await step('Export JSON: the save dialog, then the file and a message with Open and Reveal', async () => {
    await report().locator('vscode-button', { hasText: 'Export JSON' }).click();
    // The web workbench asks for the path in its own quick input, filled with the default.
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 10_000 });
    let value = '';
    for (const end = Date.now() + 10_000; !value.endsWith('.json') && Date.now() < end; await page.waitForTimeout(100)) value = await input.inputValue();
    assert(value.endsWith('generations/generations.collapse-lens.json'), `default path: ${value}`);
    await shot('report-5-export-dialog.png');
    await page.keyboard.press('Enter');
    const saved = toast(/saved the JSON report to generations\/generations\.collapse-lens\.json/);
    await saved.waitFor({ timeout: 15_000 });
    await saved.locator('.monaco-button', { hasText: 'Reveal' }).waitFor({ timeout: 5_000 });
    const file = path.join(workspace, 'generations', 'generations.collapse-lens.json');
    const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert(exported.schemaVersion === 1 && exported.baseline === 'gen2', `exported report: baseline ${exported.baseline}`);
    await app().locator('.status', { hasText: 'Saved JSON to generations/generations.collapse-lens.json' }).waitFor({ timeout: 5_000 });
  });

  await step('after a window reload the panel is restored and filled by a new analysis', async () => {
    // Through the workbench's own reload, which saves the window's state (the page's included) first.
    await runCommand('Developer: Reload Window');
    await page.waitForEvent('load', { timeout: 30_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await reportTab().waitFor({ timeout: 30_000 });
    await reportTab().click();
    await rendered();
    const charts = await marksPerChart();
    assert(charts.length >= 3 && charts.every((c) => c.marks > 0), 'charts drawn after the reload');
    // Analyzed again in the worker: the findings are back in the Problems panel, the baseline kept.
    await statusItem().filter({ hasText: /\d+ findings?/ }).waitFor({ timeout: 30_000 });
    const value = await baselineShown();
    assert(value === 'gen2', `baseline after the reload: ${value}`);
    noCspViolation();
  });

  await step('the report alone, for the docs', async () => {
    await reportTab().click();
    await runCommand('View: Close Editors in Other Groups');
    await runCommand('View: Toggle Primary Side Bar Visibility');
    await rendered();
    // Tall enough for the header, the findings and the first charts.
    await page.setViewportSize({ width: 1400, height: 1700 });
    await report().locator('h1').evaluate(() => window.scrollTo(0, 0));
    await rendered();
    await page.waitForTimeout(500);
    await shot('report-6-docs-light.png');
    await page.setViewportSize({ width: 1400, height: 900 });
  });
});
