#!/usr/bin/env node
// The report panel through the real workbench (code-server + headless Chromium): analyze the
// generations fixture → "Open Report" on the notification → inside the webview every chart drew
// marks, no CSP violation; a finding opens its record; a quick fix opens the report at its
// finding; light and dark themes; a new baseline; export through the save dialog; the panel
// restored after a window reload. Screenshots (report-*.png) go to --out.
//
// node test/e2e/ui-report.mjs [--code-server DIR] --extension PATH --workspace PATH [--out DIR]
// The flow writes into the workspace: pass a copy (scripts/test-host.mjs makes one).
import fs from 'node:fs';
import path from 'node:path';
import { openWorkbench, startCodeServer, stepRunner, workbenchOptions } from './workbench.mjs';

const { opt, codeServerBin, chromium, workspace } = workbenchOptions();
const { port, stop: stopServer } = await startCodeServer(codeServerBin, {
  prefix: 'collapse-lens-ui-report-',
  settings: { 'workbench.colorTheme': 'Default Light Modern', 'window.autoDetectColorScheme': false },
});

let browser;
let page;
const { counts, shot, step } = stepRunner(() => page, opt.out, 'report-fail-');
const assert = (ok, message) => {
  if (!ok) throw new Error(message);
};

/** Console lines that say the page's CSP refused something, from any frame. */
const cspViolations = [];

try {
  ({ browser, page } = await openWorkbench(chromium, {
    port,
    extension: opt.extension,
    workspace,
    beforeLoad: (p) => p.on('console', (msg) => {
      const text = msg.text();
      if (/Refused to|Content Security Policy/i.test(text)) cspViolations.push(`${msg.location()?.url ?? ''}: ${text}`);
    }),
  }));

  const explorerRow = (name) => page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"]`);
  const menuItem = (title) => page.locator('.context-view .action-label', { hasText: title });
  const choose = async (title) => {
    await menuItem(title).waitFor({ timeout: 10_000 });
    await page.waitForTimeout(300);
    await menuItem(title).click();
  };
  const toast = (text) => page.locator('.notification-toast', { hasText: text });
  const reportTab = () => page.locator('.tabs-container .tab', { hasText: 'Collapse Lens: generations' });
  const statusItem = () => page.locator('.statusbar-item', { hasText: /\d+ findings?$|no collapse/ });
  // The report page: the workbench's webview iframe, then the page's own frame inside it.
  const report = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  const app = () => report().locator('#app');
  const rendered = () => report().locator('#app[data-render="done"]').waitFor({ timeout: 30_000 });
  const renders = () => app().evaluate(() => performance.getEntriesByName('collapse-lens:render').length);
  const marksPerChart = () =>
    app().evaluate((el) =>
      [...el.querySelectorAll('section.chart')].map((s) => ({
        id: s.dataset.chart,
        svg: s.querySelectorAll('.chart-canvas svg.marks').length,
        marks: s.querySelectorAll('.chart-canvas g.role-mark path, .chart-canvas g.role-mark line, .chart-canvas g.role-mark rect, .chart-canvas g.role-mark text').length,
      })),
    );
  const chartBackground = () => report().locator('.chart-canvas svg.marks').first().evaluate((svg) => getComputedStyle(svg).backgroundColor);
  const focusWorkbench = () => page.locator('.monaco-workbench .part.statusbar').click({ position: { x: 5, y: 5 } });

  await explorerRow('generations').waitFor({ timeout: 30_000 });

  await step('analyze three generations; the notification offers Open Report', async () => {
    // The palette lists what is registered when it opens; the extension may load a moment later.
    const rows = page.locator('.quick-input-list .monaco-list-row');
    for (const end = Date.now() + 60_000; ; ) {
      await page.keyboard.press('Control+Shift+P');
      await page.keyboard.type('Collapse Lens');
      if (await rows.filter({ hasText: 'Analyze Workspace' }).first().waitFor({ timeout: 2_000 }).then(() => true, () => false)) break;
      await page.keyboard.press('Escape');
      if (Date.now() > end) throw new Error('Collapse Lens never appeared in the palette');
    }
    await page.keyboard.press('Escape');
    await explorerRow('generations').click();
    await explorerRow('gen1.jsonl').waitFor({ timeout: 10_000 });
    // A click opens the file, and the explorer may redraw while it reveals it: settle between clicks.
    let selected = 0;
    for (let attempt = 0; attempt < 3 && selected !== 3; attempt++) {
      for (const [name, modifiers] of [['gen1.jsonl', []], ['gen10.jsonl', ['Control']], ['gen2.jsonl', ['Control']]]) {
        await explorerRow(name).click({ modifiers });
        await page.waitForTimeout(300);
      }
      selected = await page.locator('.explorer-folders-view .monaco-list-row.selected').count();
    }
    assert(selected === 3, `${selected} files selected`);
    await explorerRow('gen2.jsonl').click({ button: 'right' });
    await choose('Analyze Selected Files as Generations');
    await toast(/\d+ findings in 3 generations/).locator('.monaco-button', { hasText: 'Open Report' }).waitFor({ timeout: 30_000 });
    await shot('report-0-notification.png');
  });

  await step('Open Report: the panel opens beside, every chart draws marks, no CSP violation', async () => {
    const started = Date.now();
    await toast(/\d+ findings in 3 generations/).locator('.monaco-button', { hasText: 'Open Report' }).click();
    await reportTab().waitFor({ timeout: 15_000 });
    await rendered();
    const shown = Date.now() - started;
    const charts = await marksPerChart();
    assert(charts.length >= 3, `charts: ${charts.map((c) => c.id).join(', ')}`);
    for (const c of charts) assert(c.svg === 1 && c.marks > 0, `${c.id}: ${c.svg} svg, ${c.marks} marks`);
    const heading = await report().locator('h1').innerText();
    assert(/generations/.test(heading), `heading: ${heading}`);
    assert(cspViolations.length === 0, `CSP violations: ${cspViolations.join(' | ')}`);
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
    const name = file.split('/').pop();
    await page.locator('.tabs-container .tab.active', { hasText: name }).first().waitFor({ timeout: 10_000 });
    await page.locator('.statusbar-item', { hasText: new RegExp(`^Ln ${line}, Col \\d+`) }).waitFor({ timeout: 10_000 });
    await shot('report-2-open-record.png');
  });

  await step('a quick fix opens the report at its finding, marked and in view', async () => {
    const squiggle = page.locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning').first();
    await squiggle.waitFor({ timeout: 15_000 });
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
    const inView = await report().locator('.finding.focused').evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    });
    assert(inView, 'the focused finding is scrolled into view');
    await shot('report-3-quick-fix-focus.png');
  });

  await step('the status bar item reveals the report', async () => {
    await page.locator('.tabs-container .tab', { hasText: /\.jsonl$/ }).first().click();
    await statusItem().click();
    await page.locator('.tabs-container .tab.active', { hasText: 'Collapse Lens: generations' }).waitFor({ timeout: 10_000 });
    await rendered();
  });

  /** Moves down the open quick pick to the first row `accept` takes, and picks it. */
  const pick = async (accept) => {
    const focused = page.locator('.quick-input-list .monaco-list-row.focused');
    const seen = [];
    for (let i = 0; i < 15; i++) {
      const text = await focused.first().innerText({ timeout: 5_000 }).catch(() => '');
      if (accept(text)) return page.keyboard.press('Enter');
      seen.push(JSON.stringify(text));
      await page.keyboard.press('ArrowDown');
    }
    throw new Error(`no such row in the quick pick (rows: ${[...new Set(seen)].join(', ')})`);
  };
  /** A command from the palette, by its title as the palette shows it. */
  const runCommand = async (title) => {
    await focusWorkbench();
    await page.keyboard.press('Control+Shift+P');
    await page.keyboard.type(title);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
    await pick((text) => text.split('\n')[0].trim() === title);
  };
  /** Preferences: Color Theme, as a user picks one ("Light Modern" is "Default Light Modern" in settings). */
  const setTheme = async (label) => {
    await runCommand('Preferences: Color Theme');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Modern' }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.type(label);
    // The row reads "Dark Modern" then its settings name, "Default Dark Modern".
    await pick((text) => text.trim().startsWith(label) && text.includes(`Default ${label}`));
  };

  await step('themes: the charts follow Default Dark Modern and back to Default Light Modern', async () => {
    const light = await chartBackground();
    let before = await renders();
    await setTheme('Dark Modern');
    await report().locator('body.vscode-dark').waitFor({ timeout: 20_000 });
    for (let end = Date.now() + 20_000; (await renders()) <= before; ) {
      if (Date.now() > end) throw new Error('the charts were not redrawn for the dark theme');
      await page.waitForTimeout(100);
    }
    await rendered();
    const dark = await chartBackground();
    // Dark Modern's editor background, #1f1f1f (Light Modern's is white).
    assert(light === 'rgb(255, 255, 255)' && dark === 'rgb(31, 31, 31)', `chart background: light ${light}, dark ${dark}`);
    assert(cspViolations.length === 0, `CSP violations: ${cspViolations.join(' | ')}`);
    await shot('report-4-dark.png');
    before = await renders();
    await setTheme('Light Modern');
    await report().locator('body.vscode-light').waitFor({ timeout: 20_000 });
    for (let end = Date.now() + 20_000; (await renders()) <= before; ) {
      if (Date.now() > end) throw new Error('the charts were not redrawn for the light theme');
      await page.waitForTimeout(100);
    }
    await rendered();
    assert((await chartBackground()) === light, 'back to the light background');
  });

  await step('a new baseline: the page is busy, then shows the report against it', async () => {
    await app().evaluate(() => {
      const select = document.querySelector('.report-header vscode-single-select');
      select.value = 'gen2';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await report().locator('#app[aria-busy="false"]').waitFor({ timeout: 30_000 });
    for (let end = Date.now() + 15_000; ; ) {
      const value = await report().locator('.report-header vscode-single-select').evaluate((s) => s.value);
      if (value === 'gen2') break;
      if (Date.now() > end) throw new Error(`baseline shown: ${value}`);
      await page.waitForTimeout(100);
    }
    await rendered();
    const charts = await marksPerChart();
    for (const c of charts) assert(c.marks > 0, `${c.id}: no marks after the new baseline`);
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
    const value = await report().locator('.report-header vscode-single-select').evaluate((s) => s.value);
    assert(value === 'gen2', `baseline after the reload: ${value}`);
    assert(cspViolations.length === 0, `CSP violations: ${cspViolations.join(' | ')}`);
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
} catch (e) {
  counts.failed++;
  console.log(`FAIL setup: ${String(e?.message ?? e).split('\n')[0]}`);
} finally {
  await browser?.close().catch(() => {});
  stopServer();
}
console.log(`${counts.passed} passed, ${counts.failed} failed`);
process.exit(counts.failed ? 1 : 0);
