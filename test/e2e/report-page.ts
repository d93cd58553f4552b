// Browser check of the report page, from the built bundle (dist/webview.js, media/report.css;
// build them first with `node esbuild.js`). Writes standalone HTML reports from the fixtures,
// opens them in headless Chromium and checks: every chart drew marks, no CSP violation, no
// console error, the 100-generation × 20-metric report renders in under 500 ms; then runs the
// webview page against a fake VS Code API to check the messages it sends. Screenshots (light,
// dark) go to --out (test-results/screens/).
//   CHROMIUM_PATH=/path/to/chromium node out/test/e2e/report-page.js [--out DIR]
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { renderReportHtml, renderStandaloneHtml } from '../../src/core/html';
import type { AnalysisResult } from '../../src/shared/details';
import type { WebviewCommand } from '../../src/shared/protocol';
import type { PageState } from '../../webview/host';
import { syntheticResult } from '../fixtures/analysis/synthetic';
import { assert, chartMarks, launchChromium, runFlow } from './workbench';

// What the page's init script records, and the fake VS Code API's messages and state.
declare global {
  var __csp: string[];
  var __posted: WebviewCommand[];
  var __state: PageState | undefined;
}

const { values: opt } = parseArgs({ options: { out: { type: 'string', default: 'test-results/screens' } } });
const script = resolve('dist', 'webview.js');
const style = resolve('media', 'report.css');
const screens = resolve(opt.out);
const RENDER_BUDGET_MS = 500;

if (!existsSync(script) || !existsSync(style)) {
  console.error('dist/webview.js or media/report.css is missing: run `node esbuild.js` first.');
  process.exit(1);
}

const assets = { script: readFileSync(script, 'utf8'), style: readFileSync(style, 'utf8') };
const fixture = (name: string): AnalysisResult => JSON.parse(readFileSync(resolve('test', 'fixtures', 'analysis', `${name}.json`), 'utf8'));
const pages = {
  sample: { result: fixture('sample-result'), title: 'runs (6 generations)', file: '' },
  stream: { result: fixture('sample-stream'), title: 'monitor/stream.jsonl', file: '' },
  large: { result: syntheticResult({ generations: 100, metrics: 20 }), title: '100 generations × 20 metrics', file: '' },
};

const DARK_VARIABLES = {
  '--vscode-editor-foreground': '#cccccc',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-editorWidget-border': '#454545',
  '--vscode-editorWidget-background': '#202020',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-charts-orange': '#d18616',
  '--vscode-editorError-foreground': '#f14c4c',
  '--vscode-editorWarning-foreground': '#cca700',
  '--vscode-editorInfo-foreground': '#3794ff',
  '--vscode-textLink-foreground': '#4daafc',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-list-hoverBackground': '#2a2d2e',
  '--vscode-badge-background': '#616161',
  '--vscode-badge-foreground': '#f8f8f8',
  '--vscode-font-family': 'system-ui, "Ubuntu", "Segoe UI", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-button-secondaryHoverBackground': '#3c3c3c',
  '--vscode-button-border': '#ffffff12',
  '--vscode-foreground': '#cccccc',
};

interface Problems { console: string[]; errors: string[]; csp: string[]; requests: string[] }

async function clean(page: Page, problems: Problems, what: string) {
  problems.csp.push(...(await page.evaluate(() => window.__csp)));
  assert(problems.csp.length === 0, `${what}: CSP violations: ${problems.csp.join('; ')}`);
  assert(problems.console.length === 0, `${what}: console errors: ${problems.console.join('; ')}`);
  assert(problems.errors.length === 0, `${what}: page errors: ${problems.errors.join('; ')}`);
  assert(problems.requests.length === 0, `${what}: network requests: ${problems.requests.join('; ')}`);
}

const marksPerChart = (page: Page) => page.locator('body').evaluate(chartMarks);

async function setDarkTheme(page: Page) {
  await page.evaluate((vars) => {
    for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
    document.getElementById('app')!.dataset.render = 'pending';
    document.body.classList.add('vscode-dark');
  }, DARK_VARIABLES);
  await page.waitForSelector('#app[data-render="done"]', { timeout: 30_000 });
}

/**
 * The render's wall time (performance.now around it) and the main thread's CPU time over the
 * same window, from the Chrome trace `open` wrote: the CPU time does not depend on what else
 * the machine runs.
 */
async function renderCost(page: Page, traceFile: string) {
  interface TraceEvent { name: string; cat: string; ph: string; ts: number; dur?: number; tdur?: number; pid: number; tid: number }
  const trace = JSON.parse(readFileSync(traceFile, 'utf8'));
  const events: TraceEvent[] = Array.isArray(trace) ? trace : trace.traceEvents;
  const marks = events.filter((e) => e.name === 'collapse-lens:render' && /user_timing/u.test(e.cat));
  const begin = marks.find((e) => e.ph === 'b' || e.ph === 'B');
  const end = marks.find((e) => e.ph === 'e' || e.ph === 'E');
  assert(begin && end, 'render measure in the trace');
  // The renderer main thread: the one with the most task time.
  const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.dur);
  const busy = new Map<string, number>();
  for (const e of tasks) busy.set(`${e.pid}:${e.tid}`, (busy.get(`${e.pid}:${e.tid}`) ?? 0) + e.dur!);
  const main = [...busy.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  let cpu = 0;
  for (const e of tasks) {
    if (`${e.pid}:${e.tid}` !== main) continue;
    const overlap = Math.min(e.ts + e.dur!, end.ts) - Math.max(e.ts, begin.ts);
    if (overlap > 0) cpu += ((e.tdur ?? e.dur!) * overlap) / e.dur!;
  }
  const wall = await page.evaluate(() => performance.getEntriesByName('collapse-lens:render')[0]!.duration);
  return { wall, cpu: cpu / 1000 };
}

void runFlow({ out: screens }, async (flow) => {
  const check = flow.step;
  const work = mkdtempSync(join(tmpdir(), 'collapse-lens-e2e-'));
  flow.defer(() => rmSync(work, { recursive: true, force: true }));
  for (const [name, p] of Object.entries(pages)) {
    p.file = join(work, `${name}.html`);
    writeFileSync(p.file, renderStandaloneHtml(p.result, assets, { title: p.title }));
  }
  mkdirSync(screens, { recursive: true });
  const browser = await launchChromium();
  flow.defer(() => browser.close());

  /**
   * A page that records console errors, uncaught exceptions, CSP violations and requests;
   * `fakeVsCode` gives it a VS Code API that keeps what it is sent; `traceFile`: a Chrome trace
   * around the load (see renderCost).
   */
  async function open(url: string, { fakeVsCode = false, state, traceFile }: { fakeVsCode?: boolean; state?: PageState; traceFile?: string } = {}) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, acceptDownloads: true });
    const page = await context.newPage();
    const problems: Problems = { console: [], errors: [], csp: [], requests: [] };
    page.on('console', (m) => m.type() === 'error' && problems.console.push(m.text()));
    page.on('pageerror', (e) => problems.errors.push(e.message));
    page.on('request', (r) => !/^(file|data|blob):/u.test(r.url()) && problems.requests.push(r.url()));
    await page.addInitScript(
      ({ fakeVsCode, state }) => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective}: ${e.blockedURI}`));
        if (fakeVsCode) {
          window.__posted = [];
          window.__state = state;
          window.acquireVsCodeApi = () => ({
            postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
            getState: () => window.__state,
            setState: (s) => {
              window.__state = JSON.parse(JSON.stringify(s));
            },
          });
        }
      },
      { fakeVsCode, state },
    );
    if (traceFile) await browser.startTracing(page, { path: traceFile, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'] });
    await page.goto(url);
    await page.waitForSelector('#app[data-render="done"]', { timeout: 30_000 });
    if (traceFile) await browser.stopTracing();
    return { page, context, problems };
  }

  for (const name of ['sample', 'stream'] as const) {
    await check(`standalone ${name}: every chart draws marks, no CSP violation, no console error, offline`, async () => {
      const { page, context, problems } = await open(pathToFileURL(pages[name].file).href);
      const charts = await marksPerChart(page);
      const expected = name === 'sample' ? 9 : 2;
      assert(charts.length === expected, `expected ${expected} charts, got ${charts.length}`);
      for (const c of charts) assert(c.svg === 1 && c.marks > 0, `${c.id}: ${c.svg} svg, ${c.marks} marks`);
      await page.screenshot({ path: join(screens, `report-${name}-light.png`), fullPage: true });
      if (name === 'sample') await page.locator('section.templates').screenshot({ path: join(screens, 'report-templates-light.png') });
      await setDarkTheme(page);
      const dark = await page.$eval('.chart-canvas svg.marks', (svg) => getComputedStyle(svg).backgroundColor);
      assert(dark === 'rgb(31, 31, 31)', `dark background not applied to the chart: ${dark}`);
      await page.screenshot({ path: join(screens, `report-${name}-dark.png`), fullPage: true });
      if (name === 'sample') await page.locator('section.templates').screenshot({ path: join(screens, 'report-templates-dark.png') });
      await clean(page, problems, name);
      await context.close();
    });
  }

  await check('standalone: header, findings, tables, tooltips, downloads without a host', async () => {
    const { page, context, problems } = await open(pathToFileURL(pages.sample.file).href);
    const text = (await page.textContent('.report-header')) ?? '';
    assert(text.includes('1,200') && text.includes('Malformed records') && text.includes('runs/gen2.jsonl (line 57, 118)'), `header: ${text}`);
    assert((await page.$$('.report-header vscode-single-select')).length === 0, 'no baseline picker without a host');
    const templates = await page.$$eval('section.templates .template-example', (els) => els.map((e) => `${e.tagName} ${e.querySelector('mark')?.textContent}`));
    assert(templates.length === 10 && templates.every((t) => t.startsWith('DIV ')) && templates[5] === 'DIV The answer depends on', `templates: ${templates}`);
    await page.focus('#templates-compare');
    for (const key of ['Enter', 'ArrowUp', 'ArrowUp', 'Enter']) await page.keyboard.press(key);
    await page.waitForSelector('section.templates .template-panel[data-generation="gen3"]', { timeout: 5000 });
    const total = pages.sample.result.report.findings.length;
    assert((await page.$$eval('.finding', (els) => els.length)) === 8, 'first findings listed');
    await page.click(`vscode-button:has-text("Show all ${total} findings")`);
    const findings = await page.$$eval('.finding', (els) => els.length);
    assert(findings === total, `findings listed: ${findings}`);
    await page.click('section[data-chart="top-outputs"] summary');
    await page.waitForSelector('section[data-chart="top-outputs"] tbody tr');
    const rows = await page.$$eval('section[data-chart="top-outputs"] tbody tr', (r) => r.length);
    assert(rows === 12, `data table rows: ${rows}`);
    await page.locator('section[data-chart="top-outputs"] g.role-mark path').first().hover();
    await page.waitForSelector('#vg-tooltip-element.visible', { timeout: 5000 });
    const tip = (await page.textContent('#vg-tooltip-element')) ?? '';
    assert(tip.includes('The answer depends on several factors, and it is important to consider all of them.'), `tooltip: ${tip}`);
    /** Clicks an export button and reads the file it downloads. */
    const download = async (button: string) => {
      const file = page.waitForEvent('download');
      await page.click(button);
      const got = await file;
      return { name: got.suggestedFilename(), bytes: readFileSync(await got.path()) };
    };
    const svg = await download('section[data-chart="label-shares"] vscode-button[aria-label$="as SVG"]');
    assert(svg.name === 'label-shares.svg', svg.name);
    const svgText = svg.bytes.toString('utf8');
    assert(svgText.startsWith('<svg') && svgText.includes('role-mark'), 'downloaded SVG');
    const png = await download('section[data-chart="projection"] vscode-button[aria-label$="as PNG"]');
    assert(png.bytes.subarray(1, 4).toString() === 'PNG' && png.bytes.length > 5000, `downloaded PNG, ${png.bytes.length} bytes`);
    await clean(page, problems, 'interactions');
    await context.close();
  });

  // The render budget is a benchmark figure (npm run bench sets COLLAPSE_LENS_RENDER_BUDGET=1);
  // in the test suite the time is printed, not asserted, since it depends on the machine's load.
  const enforceBudget = process.env.COLLAPSE_LENS_RENDER_BUDGET === '1';
  await check(`100 generations × 20 metrics: every chart renders${enforceBudget ? ` in under ${RENDER_BUDGET_MS} ms` : ' (time measured)'}`, async () => {
    // Best of three fresh loads for the wall and the CPU time (see renderCost).
    const wall: number[] = [];
    const cpu: number[] = [];
    const firstScreen: number[] = [];
    let kept: Awaited<ReturnType<typeof open>> | undefined;
    for (let i = 0; i < 3; i++) {
      const traceFile = join(work, `trace-${i}.json`);
      const run = await open(pathToFileURL(pages.large.file).href, { traceFile });
      const cost = await renderCost(run.page, traceFile);
      wall.push(cost.wall);
      cpu.push(cost.cpu);
      firstScreen.push(await run.page.evaluate(() => performance.getEntriesByName('collapse-lens:render:first-screen')[0]!.duration));
      if (kept) await run.context.close();
      else kept = run;
    }
    const { page, context, problems } = kept!;
    const charts = await marksPerChart(page);
    assert(charts.length === 9, `charts: ${charts.length}`);
    for (const c of charts) assert(c.marks > 0, `${c.id}: no marks`);
    // Redraws on a theme change, warm.
    for (let i = 0; i < 3; i++) {
      await page.evaluate((i) => {
        document.getElementById('app')!.dataset.render = 'pending';
        document.documentElement.style.setProperty('--vscode-charts-blue', `#1a85f${i}`);
      }, i);
      await page.waitForSelector('#app[data-render="done"]');
    }
    const redraws = await page.evaluate(() => performance.getEntriesByName('collapse-lens:render').slice(1).map((m) => Math.round(m.duration)));
    const ms = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
    console.log(
      `  render of all ${charts.length} charts on first load: wall ${ms(wall)} ms (best ${Math.min(...wall).toFixed(0)}), main-thread CPU ${ms(cpu)} ms (best ${Math.min(...cpu).toFixed(0)}); ` +
        `first screen ${Math.min(...firstScreen).toFixed(0)} ms; redraw on theme change ${redraws.join(', ')} ms; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`,
    );
    await page.screenshot({ path: join(screens, 'report-large-light.png'), fullPage: false });
    if (enforceBudget) assert(Math.min(...cpu) < RENDER_BUDGET_MS, `best first render used ${Math.min(...cpu).toFixed(0)} ms of main-thread CPU`);
    await clean(page, problems, 'large');
    await context.close();
  });

  await check('webview page: CSP by nonce, Ready, open location by mouse and keyboard, baseline, exports, state restore', async () => {
    const nonce = 'dGVzdC1ub25jZS0xMjM0NTY3OA';
    const html = renderReportHtml({
      result: pages.sample.result,
      title: pages.sample.title,
      scriptUri: pathToFileURL(script).href,
      styleUri: pathToFileURL(style).href,
      cspSource: 'file:',
      nonce,
      mode: 'webview',
      canChangeBaseline: true,
    });
    const file = join(work, 'webview.html');
    writeFileSync(file, html);
    const { page, context, problems } = await open(pathToFileURL(file).href, { fakeVsCode: true });
    const posted = () => page.evaluate(() => window.__posted);
    const opened = async () => (await posted()).flatMap((m) => (m.method === 'location/open' ? [m.params] : []));
    assert((await posted()).some((m) => m.method === 'webview/ready' && m.params.restored === false), 'ReadyCommand');
    await page.click('.finding:first-child .finding-main');
    const first = pages.sample.result.report.findings[0]!;
    assert((await opened()).some((l) => l.file === first.location?.file && l.line === first.location?.line), 'OpenLocationCommand by click');
    await page.focus('.finding:nth-child(2) .finding-main');
    await page.keyboard.press('Enter');
    assert((await opened()).length === 2, `OpenLocationCommand by keyboard: ${(await opened()).length}`);
    await page.focus('section.templates button.template-example');
    await page.keyboard.press('Enter');
    const example = pages.sample.result.report.groups[0]!.templates![0]!.example.location;
    assert((await opened()).some((l) => l.file === example.file && l.line === example.line), 'a template example opens its record');
    // A quick fix's "open the report at this finding", at one past the preview: listed, marked, in view.
    const last = pages.sample.result.report.findings.length - 1;
    await page.evaluate((index) => window.postMessage({ method: 'finding/didFocus', params: { index } }, '*'), last);
    await page.waitForSelector(`.finding.focused[data-index="${last}"]`, { timeout: 5000 });
    const inView = await page.$eval('.finding.focused', (el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight && document.activeElement === el.querySelector('.finding-main');
    });
    assert(inView, 'focused finding scrolled into view and its button focused');
    const focusable = await page.$$eval('vscode-button, vscode-single-select, button, summary, a[href]', (els) => els.filter((e) => (e as HTMLElement).tabIndex >= 0).length);
    assert(focusable > 20, `keyboard-reachable controls: ${focusable}`);
    await page.evaluate(() => {
      const select = document.querySelector('.report-header vscode-single-select') as HTMLSelectElement;
      select.value = 'gen3';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    assert((await posted()).some((m) => m.method === 'baseline/change' && m.params.groupId === 'gen3'), 'ChangeBaselineCommand');
    assert((await page.getAttribute('#app', 'aria-busy')) === 'true', 'busy while re-analyzing');
    await page.click('section[data-chart="rank-frequency"] vscode-button[aria-label$="as SVG"]');
    await page.click('section[data-chart="rank-frequency"] vscode-button[aria-label$="as PNG"]');
    await page.click('.actions vscode-button[aria-label^="Export a standalone HTML"]');
    await page.waitForFunction(() => window.__posted.filter((m) => m.method === 'export').length === 3);
    const exports = (await posted()).flatMap((m) => (m.method === 'export' ? [m.params] : []));
    const byKind = Object.fromEntries(exports.map((e) => [e.kind, e]));
    assert(byKind.svg?.chartId === 'rank-frequency' && byKind.svg.data?.startsWith('<svg'), 'ExportCommand svg');
    assert(byKind.png?.data?.startsWith('data:image/png;base64,'), 'ExportCommand png');
    assert(byKind.html && byKind.html.data === undefined, 'ExportCommand html');
    // The host answers a baseline change with a new report.
    const other: AnalysisResult = JSON.parse(JSON.stringify(pages.sample.result));
    other.report.baseline = 'gen3';
    const payload = await page.evaluate(() => JSON.parse(document.getElementById('collapse-lens-payload')!.textContent!));
    await page.evaluate((p) => {
      document.getElementById('app')!.dataset.render = 'pending';
      window.postMessage({ method: 'report/didChange', params: p }, '*');
    }, { ...payload, result: other, title: 'rebased' });
    await page.waitForSelector('#app[data-render="done"]');
    assert((await page.getAttribute('#app', 'aria-busy')) === 'false', 'not busy after the new report');
    assert((await page.textContent('h1'))?.includes('rebased'), 'new report shown');
    await page.click('section[data-chart="projection"] summary');
    await page.waitForFunction(() => window.__state?.openTables.includes('projection'));
    const state = await page.evaluate(() => window.__state);
    assert(state?.payload?.title === 'rebased' && state.openTables.includes('projection'), 'state saved');
    await page.screenshot({ path: join(screens, 'report-webview-light.png'), fullPage: false });
    await clean(page, problems, 'webview');
    await context.close();

    // Reload: the page restores from the saved state and tells the host so.
    const restored = await open(pathToFileURL(file).href, { fakeVsCode: true, state });
    assert((await restored.page.textContent('h1'))?.includes('rebased'), 'restored report');
    assert((await restored.page.$$eval('section[data-chart="projection"] details[open] tbody tr', (r) => r.length)) > 0, 'restored open table');
    assert((await restored.page.evaluate(() => window.__posted)).some((m) => m.method === 'webview/ready' && m.params.restored === true), 'Ready(restored)');
    await clean(restored.page, restored.problems, 'restored');
    await restored.context.close();
  });

  console.log(`screenshots: ${screens}`);
});
