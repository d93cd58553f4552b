// What a user does, through the real workbench (code-server + headless Chromium): right-click a
// file in the Explorer → Analyze File → the finding in the Problems panel and the status bar;
// the quick fixes on the squiggle; generations from a multi-selection; cancelling a long run
// from its notification; a bad file's message; Run Sample Scenario… from the palette, its
// options and the question before an existing folder is reused; the walkthrough, opened from
// Welcome: Open Walkthrough… and from Collapse Lens: Get Started, whose pictures are taken here
// (into --out/walkthrough/, copied to media/walkthrough/ by scripts/walkthrough-images.mjs).
// A screenshot per step goes to --out.
//
// node out/test/e2e/ui-flows.js [--code-server DIR] --extension PATH --workspace PATH [--out DIR]
// The flow writes a large generated file into the workspace: pass a copy (scripts/test-host.mjs).
import fs from 'node:fs';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { assert, runFlow, workbenchOptions } from './workbench';

const { opt, codeServerBin, workspace } = workbenchOptions();

// A file large enough that its analysis runs for a few seconds, to cancel it from the notification.
function writeLargeFile(file: string, records: number) {
  const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon'.split(' ');
  const fd = fs.openSync(file, 'w');
  let chunk = '';
  for (let i = 0; i < records; i++) {
    const text = Array.from({ length: 24 }, (_, j) => words[(i * 7 + j * 13 + (i >> 3)) % words.length]).join(' ');
    chunk += `{"id":${i},"output":"${text} ${i}","score":${(i % 997) / 997}}\n`;
    if (chunk.length > 1 << 20) { fs.writeSync(fd, chunk); chunk = ''; }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

void runFlow({ out: opt.out, failPrefix: 'fail-' }, async (flow) => {
  const { shot, step } = flow;
  writeLargeFile(path.join(workspace, 'large.jsonl'), 500_000);
  const { port } = await flow.startCodeServer(codeServerBin, { prefix: 'collapse-lens-ui-' });
  const wb = await flow.openWorkbench({ port, extension: opt.extension, workspace });
  const { page, explorerRow, menuItem, choose, statusItem, problemRows, problemsText, problemsFilter, quickRows, runCommand } = wb;

  // The walkthrough's pictures are taken here, in this workbench, and copied into
  // media/walkthrough/ by `node scripts/walkthrough-images.mjs` (trimmed to the part they show).
  const walkthroughShots = path.join(opt.out, 'walkthrough');
  fs.mkdirSync(walkthroughShots, { recursive: true });
  const box = async (part: Locator) => {
    const b = await part.boundingBox();
    assert(b, `not visible: ${part}`);
    return b;
  };
  /** A screenshot of the union of the boxes, with a margin, inside the page. */
  const shotOf = async (name: string, boxes: Array<{ x: number; y: number; width: number; height: number }>, margin = 8) => {
    const x = Math.max(0, Math.min(...boxes.map((r) => r.x)) - margin);
    const y = Math.max(0, Math.min(...boxes.map((r) => r.y)) - margin);
    const viewport = page.viewportSize()!;
    const right = Math.min(viewport.width, Math.max(...boxes.map((r) => r.x + r.width)) + margin);
    const bottom = Math.min(viewport.height, Math.max(...boxes.map((r) => r.y + r.height)) + margin);
    await page.screenshot({ path: path.join(walkthroughShots, name), clip: { x, y, width: right - x, height: bottom - y } });
  };

  await explorerRow('repeated.jsonl').waitFor({ timeout: 30_000 });

  await step('the palette lists the commands (the extension is loaded)', async () => {
    const rows = await wb.waitForCommands();
    await rows.filter({ hasText: 'Analyze Selected Files as Generations' }).first().waitFor({ timeout: 5_000 });
    // Analyze File needs a data file in the editor; Clear and Open Report need results.
    assert(!(await rows.filter({ hasText: 'Clear Findings' }).count()), 'Clear Findings shows before any result');
    await shot('0-palette.png');
    await page.keyboard.press('Escape');
  });

  await step('right-click a JSONL file: the menu offers Analyze File', async () => {
    await explorerRow('repeated.jsonl').click({ button: 'right' });
    await menuItem('Analyze File').waitFor({ timeout: 10_000 });
    assert(!(await menuItem('Analyze Selected Files as Generations').count()), 'generations offered on a single file');
    await shot('1-explorer-menu.png');
  });

  await step('Analyze File: the status bar counts the finding', async () => {
    await choose('Analyze File');
    await statusItem().filter({ hasText: '1 finding' }).waitFor({ timeout: 30_000 });
    await shot('2-status-bar.png');
  });

  await step('the Problems panel lists the finding with its rule and line', async () => {
    await wb.openProblems();
    await problemRows().filter({ hasText: '50% of 10 outputs are exact duplicates' }).first().waitFor({ timeout: 15_000 });
    const text = await problemsText();
    assert(/repeated-outputs/.test(text), 'the rule id is not shown');
    assert(/Collapse Lens/.test(text), 'the source is not shown');
    await shot('3-problems.png');
  });

  await step('clicking the problem opens the record, the value underlined; Ctrl+. lists the quick fixes', async () => {
    await problemRows().filter({ hasText: '50% of 10 outputs' }).first().click();
    await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 15_000 });
    // The cursor inside the underlined value, so the editor's own quick-fix menu opens.
    await page.locator('.monaco-editor .view-line').first().click({ position: { x: 500, y: 8 } });
    await page.keyboard.press('Control+.');
    await page.getByText('Raise collapseLens.rules.duplicateRate', { exact: false }).first().waitFor({ timeout: 15_000 });
    await page.getByText('Use another field for the text role', { exact: false }).first().waitFor({ timeout: 5_000 });
    await shot('4-quick-fixes.png');
    await page.keyboard.press('Escape');
  });

  await step('a multi-selection offers Analyze Selected Files as Generations; gen10 shows the drop', async () => {
    await explorerRow('generations').click();
    await explorerRow('gen1.jsonl').waitFor({ timeout: 10_000 });
    await wb.analyzeGenerations(['gen1.jsonl', 'gen10.jsonl', 'gen2.jsonl']);
    await wb.openProblems();
    await problemRows().filter({ hasText: /Text diversity collapsed below the baseline by generation gen\d+: / }).first().waitFor({ timeout: 30_000 });
    await shot('5-generations.png');
  });

  await step('an OpenAI Batch output, as the API writes it: three generations, the collapse found with no setting', async () => {
    await explorerRow('layouts').click();
    await explorerRow('openai-batch-output').click();
    await explorerRow('gen-1.jsonl').waitFor({ timeout: 10_000 });
    await wb.analyzeGenerations(['gen-1.jsonl', 'gen-2.jsonl', 'gen-3.jsonl'], 'Shift');
    await wb.openProblems();
    // Only this comparison's findings: the Problems filter on the generation's name.
    const filter = problemsFilter();
    await filter.fill('by generation gen-');
    await problemRows().filter({ hasText: /Text diversity collapsed below the baseline by generation gen-\d: / }).first().waitFor({ timeout: 30_000 });
    await filter.fill('');
    assert(!/chat\.completion|gpt-4o|succeeded/.test(await problemsText()), 'a finding on metadata');
    await filter.fill('gen-3.jsonl');
    await shot('5b-openai-batch-output.png');
    await filter.fill('');
    await explorerRow('layouts').click(); // folds the folder again
  });

  await step('a long analysis shows its progress and stops on Cancel', async () => {
    await explorerRow('notes.txt').click(); // ends the multi-selection
    await wb.explorerMenu('large.jsonl', 'Analyze File');
    // The progress notification (not the Open Report one the generations left).
    const toast = wb.toast(/large\.jsonl — /);
    await toast.locator('text=/large\\.jsonl — [1-9]\\d*%/').waitFor({ timeout: 30_000 });
    await statusItem().filter({ hasText: /analyzing \d+%/ }).waitFor({ timeout: 5_000 });
    await shot('6-progress.png');
    await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await statusItem().filter({ hasText: /finding/ }).waitFor({ timeout: 5_000 });
    if (await toast.count()) await toast.first().waitFor({ state: 'detached', timeout: 5_000 });
  });

  await step('an empty file: the message says so', async () => {
    await wb.explorerMenu('empty.jsonl', 'Analyze File');
    await wb.toast(/empty\.jsonl.*empty/).waitFor({ timeout: 15_000 });
    // The run is over: its progress notification closes, the message stays.
    await wb.toast('Cancel').waitFor({ state: 'detached', timeout: 5_000 });
    await page.waitForTimeout(300);
    await shot('7-empty-file.png');
  });

  await step('the status bar item opens the report panel', async () => {
    await statusItem().click();
    const tab = wb.activeTab('Collapse Lens:');
    await tab.waitFor({ timeout: 15_000 });
    // test/e2e/ui-report.ts checks what the page draws; here: it drew.
    await wb.reportDrawn();
    await shot('8-open-report.png');
    await tab.locator('.tab-actions .action-label').first().click();
    await tab.waitFor({ state: 'detached', timeout: 5_000 });
  });

  const runScenarioFromPalette = async () => {
    await wb.focusWorkbench();
    await page.keyboard.press('Control+Shift+P');
    await page.keyboard.type('Run Sample Scenario');
    await quickRows().filter({ hasText: 'Run Sample Scenario' }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await quickRows().filter({ hasText: 'gaussian-refit' }).first().waitFor({ timeout: 15_000 });
  };
  /** In the scenario's list of options: opens `option`'s input. */
  const openOption = async (scenario: string, option: string) => {
    await page.keyboard.type(option);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: `${scenario}: ${option}` }).waitFor({ timeout: 5_000 });
  };
  const optionsShown = () => quickRows().filter({ hasText: 'Run with these options' }).first().waitFor({ timeout: 5_000 });

  await step('Run Sample Scenario…: the palette lists the twelve scenarios with their sources', async () => {
    await runScenarioFromPalette();
    await quickRows().filter({ hasText: 'Shumailov' }).first().waitFor({ timeout: 5_000 });
    await shot('9-scenario-pick.png');
    await page.locator('.quick-input-widget').screenshot({ path: path.join(walkthroughShots, 'scenario.png') });
  });

  await step('pick one, Enter runs it with the defaults: files in the explorer, findings in the Problems panel', async () => {
    await page.keyboard.type('biased-decisions');
    await quickRows().filter({ hasText: 'EthicalAI' }).first().waitFor({ timeout: 5_000 });
    await page.keyboard.press('Enter');
    await optionsShown();
    await quickRows().filter({ hasText: 'final-share' }).first().waitFor({ timeout: 5_000 });
    await shot('10-scenario-options.png');
    await page.keyboard.press('Enter');
    await wb.toast(/biased-decisions: \d+ findings in 10 generations, as expected/).waitFor({ timeout: 30_000 });
    await explorerRow('biased-decisions-seed42').waitFor({ timeout: 10_000 });
    await page.locator('.markers-panel').waitFor({ state: 'visible', timeout: 10_000 });
    await problemRows().filter({ hasText: /is \d+% of 100 records in generation gen-0\d/ }).first().waitFor({ timeout: 10_000 });
    assert(/dominant-output/.test(await problemsText()), 'no dominant-output finding in the Problems panel');
    await shot('11-scenario-problems.png');
  });

  await step('again with a changed parameter: the existing folder is not overwritten without asking', async () => {
    await runScenarioFromPalette();
    // The last scenario run is the active one.
    await page.keyboard.press('Enter');
    await optionsShown();
    await openOption('biased-decisions', 'final-share');
    await page.keyboard.type('2');
    await page.locator('.quick-input-message', { hasText: /must be between 0 and 1 \(got 2\)/ }).waitFor({ timeout: 5_000 });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('0.75');
    await page.keyboard.press('Enter');
    await quickRows().filter({ hasText: '0.75 (default 0.9)' }).first().waitFor({ timeout: 5_000 });
    await shot('12-scenario-changed-option.png');
    await page.keyboard.press('Enter');
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'biased-decisions-seed42 already exists' });
    await dialog.waitFor({ timeout: 10_000 });
    await dialog.locator('.monaco-button', { hasText: 'Replace Files' }).waitFor({ timeout: 5_000 });
    await shot('13-scenario-exists.png');
    await dialog.locator('.monaco-button', { hasText: 'Write to biased-decisions-seed42-2' }).click();
    await explorerRow('biased-decisions-seed42-2').waitFor({ timeout: 30_000 });
    await wb.toast(/biased-decisions: \d+ findings.*seed42-2/).waitFor({ timeout: 30_000 });
    await shot('14-scenario-second-run.png');
  });

  await step('a long simulation stops on Cancel and leaves no folder behind', async () => {
    await runScenarioFromPalette();
    await page.keyboard.type('ngram-self');
    await page.keyboard.press('Enter');
    await optionsShown();
    for (const [option, value] of [['sentences', '1600'], ['generations', '200']] as const) {
      await openOption('ngram-self-training', option);
      await page.keyboard.press('Control+A');
      await page.keyboard.type(value);
      await page.keyboard.press('Enter');
      await optionsShown();
    }
    await page.keyboard.press('Enter');
    const toast = wb.toast('simulating 200 generations');
    await toast.waitFor({ timeout: 10_000 });
    await page.waitForTimeout(300); // the toast fades in
    await shot('15-scenario-simulating.png');
    const started = Date.now();
    await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await toast.waitFor({ state: 'detached', timeout: 5_000 });
    console.log(`     (the simulation stopped ${Date.now() - started} ms after Cancel)`);
    await page.waitForTimeout(500);
    assert(!(await explorerRow('ngram-self-training-seed42').count()), 'a cancelled scenario left its folder');
    assert(!fs.existsSync(path.join(workspace, 'collapse-lens-scenarios', 'ngram-self-training-seed42')), 'a cancelled scenario left files');
  });

  await step('the walkthrough pictures: Analyze File, the Problems panel, the report (the scenario list: above)', async () => {
    await runCommand('Notifications: Clear All Notifications');
    // A smaller window: the walkthrough shows its pictures in about half of the editor's width.
    const viewport = page.viewportSize()!;
    await page.setViewportSize({ width: 1000, height: 760 });
    // The Explorer's menu on a data file (the scenario folders folded, so the generations show).
    await runCommand('View: Hide Panel');
    await runCommand('Collapse Folders in Explorer');
    await explorerRow('generations').click();
    await explorerRow('gen10.jsonl').waitFor({ timeout: 10_000 });
    await explorerRow('gen10.jsonl').click({ button: 'right' });
    await menuItem('Analyze File').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(300);
    const sidebar = await box(page.locator('.part.sidebar'));
    await shotOf('analyze.png', [{ x: sidebar.x, y: sidebar.y, width: 1, height: 1 }, await box(page.locator('.context-view .monaco-menu').first()), await box(explorerRow('gen10.jsonl'))], 0);
    await page.keyboard.press('Escape');
    // The report of the three generations, alone in the editor area, the width of the window.
    await explorerRow('gen10.jsonl').click();
    await wb.activeTab('gen10.jsonl').waitFor({ timeout: 10_000 });
    await runCommand('Collapse Lens: Open Report');
    const tab = wb.activeTab('Collapse Lens: generations');
    await tab.waitFor({ timeout: 15_000 });
    await runCommand('View: Close Editors in Other Groups');
    await runCommand('View: Close Primary Side Bar');
    const report = wb.report();
    await wb.reportDrawn();
    await page.waitForTimeout(800); // the charts resize to the wider group
    // The first chart at the top of the page, drawn (charts draw as they scroll into view).
    await report.locator('.chart-canvas').first().evaluate((canvas) => (canvas.closest('section') ?? canvas).scrollIntoView({ block: 'start' }));
    await report.locator('.chart-canvas svg.marks').first().waitFor({ timeout: 15_000 });
    await page.mouse.move(5, 700); // no tooltip in the picture
    await page.waitForTimeout(800);
    const editor = await box(page.locator('.part.editor'));
    await shotOf('report.png', [{ ...editor, height: Math.min(editor.height, 538) }], 0);
    await tab.locator('.tab-actions .action-label').first().click();
    // The Problems panel: the collapse of gen1 → gen2 → gen10 only.
    await wb.openProblems();
    const filter = problemsFilter();
    await filter.fill('**/generations/**');
    await problemRows().filter({ hasText: /Text diversity collapsed below the baseline by generation gen2: / }).first().waitFor({ timeout: 10_000 });
    const maximize = page.locator('.part.panel .action-label[aria-label^="Maximize Panel Size"]').first();
    if (await maximize.count()) await maximize.click();
    await page.waitForTimeout(500);
    const panel = await box(page.locator('.part.panel'));
    await shotOf('problems.png', [{ ...panel, height: Math.min(panel.height, 400) }], 0);
    const restore = page.locator('.part.panel .action-label[aria-label^="Restore Panel Size"]').first();
    if (await restore.count()) await restore.click();
    await filter.fill('');
    await page.setViewportSize(viewport);
    for (const name of ['scenario.png', 'analyze.png', 'problems.png', 'report.png']) {
      const bytes = fs.statSync(path.join(walkthroughShots, name)).size;
      assert(bytes <= 150 * 1024, `${name} is ${bytes} bytes; the walkthrough's pictures stay under 150 KB`);
    }
  });

  const walkthrough = () => page.locator('.gettingStartedContainer');
  await step('Welcome: Open Walkthrough… lists Get Started with Collapse Lens; it opens on its steps, pictures from this workbench', async () => {
    // The walkthrough takes the window's width (the side bar closed above unless that step failed).
    if (await page.locator('.part.sidebar').isVisible()) await runCommand('View: Close Primary Side Bar');
    if (await page.locator('.part.panel').isVisible()) await runCommand('View: Hide Panel');
    await runCommand('Welcome: Open Walkthrough');
    const item = quickRows().filter({ hasText: 'Get Started with Collapse Lens' }).first();
    await item.waitFor({ timeout: 15_000 });
    await item.click();
    await walkthrough().getByText('Watch a model collapse').first().waitFor({ timeout: 15_000 });
    for (const title of ['See the findings in the Problems panel', 'Open the report', 'Analyze your own files', 'Set your thresholds in collapselens.json']) {
      await walkthrough().getByText(title).first().waitFor({ timeout: 5_000 });
    }
    await walkthrough().getByText('See the findings in the Problems panel').first().click();
    const image = walkthrough().getByAltText(/^The Problems panel with Collapse Lens findings/).first();
    await image.waitFor({ timeout: 10_000 });
    await page.waitForFunction((img) => img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0, await image.elementHandle(), { timeout: 10_000 });
    await walkthrough().getByRole('button', { name: 'Show the Problems Panel' }).first().waitFor({ timeout: 5_000 });
    await page.waitForTimeout(500); // the step's expansion animates
    await shot('16-walkthrough.png');
  });

  await step('Collapse Lens: Get Started opens the walkthrough; its last step writes collapselens.json with the defaults', async () => {
    await runCommand('View: Close All Editors');
    await walkthrough().waitFor({ state: 'detached', timeout: 5_000 });
    await runCommand('Collapse Lens: Get Started');
    await walkthrough().getByText('Watch a model collapse').first().waitFor({ timeout: 15_000 });
    await walkthrough().getByText('Set your thresholds in collapselens.json').first().click();
    const button = walkthrough().getByRole('button', { name: 'Open collapselens.json' }).first();
    await button.waitFor({ timeout: 10_000 });
    // The step's markdown (media/walkthrough/thresholds.md) in its webview.
    await wb.report().getByText('Put it at the root of the folder').first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(500);
    await shot('17-walkthrough-thresholds.png');
    await button.click();
    await wb.activeTab('collapselens.json').waitFor({ timeout: 15_000 });
    await page.locator('.monaco-editor .view-lines', { hasText: '"dropWarning": 0.2' }).first().waitFor({ timeout: 10_000 });
    const written = JSON.parse(fs.readFileSync(path.join(workspace, 'collapselens.json'), 'utf8'));
    assert(written.thresholds?.dropError === 0.5 && Array.isArray(written.disabledRules), `unexpected collapselens.json: ${JSON.stringify(written)}`);
    await shot('18-collapselens-json.png');
  });
});
