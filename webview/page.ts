// The report page: header (inputs, baseline, malformed records), findings that jump to their
// record, then every chart with its export buttons and a data table as text alternative.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { SEVERITIES, type Finding, type Location, type Severity } from '../src/shared/report';
import type { ChartTable, CompiledChart, HostNotification, ReportPayload } from '../src/shared/protocol';
import { ChartView } from './charts';
import { append, h, severityIcon } from './dom';
import type { Host, PageState } from './host';
import { themeConfig } from './theme';

/** Findings shown before "Show all": a long list would push the charts out of sight. */
const FINDINGS_PREVIEW = 8;
const SEVERITY_WORDS: Record<Severity, [string, string]> = { error: ['error', 'errors'], warning: ['warning', 'warnings'], info: ['note', 'notes'] };

export const RENDER_MEASURE = 'collapse-lens:render';

const numberFormat = new Intl.NumberFormat('en-US');
interface ChartEntry {
  section: HTMLElement;
  body: HTMLElement;
  view: ChartView;
}

/** Lets the browser paint and handle input before the next chart. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => window.setTimeout(resolve, 0));
}

const fmt = (n: number) => numberFormat.format(n);
const where = (l: Location) => `${l.file}:${l.line}`;

export class ReportPage {
  private payload: ReportPayload | undefined;
  private entries: ChartEntry[] = [];
  private payloadKey = '';
  private state: PageState;
  private renderRun = 0;
  /** A finding to bring into view once the report is shown (the focus came before the report). */
  private pendingFocus: number | undefined;
  /** Lists every finding when only the preview is shown. */
  private expandFindings: (() => void) | undefined;
  private readonly status: HTMLElement;
  private readonly alert: HTMLElement;
  private readonly content: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: Host,
    saved?: PageState,
  ) {
    this.state = saved ?? { openTables: [], showAllFindings: false, scrollY: 0 };
    this.status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
    this.alert = h('div', { class: 'alert', role: 'alert', hidden: true });
    this.content = h('div', { class: 'content' });
    root.replaceChildren(this.alert, this.status, this.content);
    let timer: number | undefined;
    window.addEventListener('scroll', () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => this.save({ scrollY: Math.round(window.scrollY) }), 200);
    });
  }

  handle(message: HostNotification): void {
    switch (message.method) {
      case 'report/didChange': {
        this.setBusy(false);
        this.showAlert(undefined);
        // The page already shows the report embedded in its HTML or restored from state;
        // answering Ready with the same report must not draw everything twice.
        const key = JSON.stringify(message.params);
        if (key !== this.payloadKey) {
          this.payloadKey = key;
          void this.show(message.params);
        }
        break;
      }
      case 'busy/didChange':
        this.setBusy(message.params.busy, message.params.message);
        break;
      case 'report/didFail':
        this.setBusy(false);
        this.showAlert(message.params.message, message.params.location);
        break;
      case 'export/didFinish': {
        const p = message.params;
        this.status.textContent = p.error ? `Export failed: ${p.error}` : p.file ? `Saved ${p.kind.toUpperCase()} to ${p.file}` : '';
        break;
      }
      case 'finding/didFocus':
        this.focusFinding(message.params.index);
        break;
    }
  }

  /** Marks a finding and scrolls it into view, listing every finding when it is past the preview. */
  focusFinding(index: number): void {
    const count = this.payload?.result.report.findings.length;
    if (count === undefined) {
      this.pendingFocus = index;
      return;
    }
    if (!Number.isInteger(index) || index < 0 || index >= count) return;
    const find = () => this.content.querySelector<HTMLElement>(`.finding[data-index="${index}"]`);
    if (!find()) this.expandFindings?.();
    const item = find();
    if (!item) return;
    for (const el of this.content.querySelectorAll('.finding.focused')) el.classList.remove('focused');
    item.classList.add('focused');
    item.scrollIntoView({ block: 'center' });
    item.querySelector<HTMLElement>('.finding-main')?.focus({ preventScroll: true });
  }

  /** The page is going away (panel closed or hidden): stop drawing and release every Vega view. */
  dispose(): void {
    this.renderRun++;
    this.disposeViews();
  }

  /** Builds the page for a report and draws its charts; resolves when every chart is drawn. */
  async show(payload: ReportPayload): Promise<void> {
    const run = ++this.renderRun;
    performance.mark(`${RENDER_MEASURE}:start`);
    const restoreScroll = this.payload === undefined;
    this.payload = payload;
    this.payloadKey ||= JSON.stringify(payload);
    this.save({ payload });
    this.disposeViews();
    this.entries = payload.charts.map((chart) => this.chartSection(chart));
    this.content.replaceChildren();
    append(this.content, [this.header(payload), this.findings(payload), this.contents(payload.charts), ...this.entries.map((c) => c.section)]);
    if (payload.charts.length === 0) this.content.appendChild(h('p', { class: 'empty' }, 'No chart: the analysis found no field to plot.'));
    document.title = `Collapse Lens: ${payload.title}`;
    // Placeholders hold the layout, so a restored scroll position lands where it was.
    if (restoreScroll && this.state.scrollY > 0) window.scrollTo(0, this.state.scrollY);
    if (this.pendingFocus !== undefined) {
      this.focusFinding(this.pendingFocus);
      this.pendingFocus = undefined;
    }
    await this.draw(run);
  }

  /** Redraws the charts with the current theme (VS Code theme switch, OS dark mode). */
  async rethemeCharts(): Promise<void> {
    if (!this.payload) return;
    await this.draw(++this.renderRun);
  }

  /**
   * Draws every chart, those on screen first, in slices so the page paints and answers input
   * in between; a chart scrolled into view jumps the queue. Measures
   * `collapse-lens:render:first-screen` and `collapse-lens:render` (all charts).
   */
  private async draw(run: number): Promise<void> {
    this.root.dataset.render = 'pending';
    const t0 = performance.now();
    const config = themeConfig();
    const onScreen = (e: ChartEntry) => {
      const r = e.section.getBoundingClientRect();
      return r.bottom > 0 && r.top < window.innerHeight;
    };
    const queue = [...this.entries];
    let firstScreen = queue.filter(onScreen).length;
    const observer = new IntersectionObserver((seen) => {
      for (const s of seen) {
        const i = queue.findIndex((e) => e.section === s.target);
        if (s.isIntersecting && i > 0) queue.unshift(...queue.splice(i, 1));
      }
    });
    for (const e of queue) observer.observe(e.section);
    queue.sort((a, b) => Number(onScreen(b)) - Number(onScreen(a)));
    let lastYield = t0;
    try {
      if (firstScreen === 0) performance.measure(`${RENDER_MEASURE}:first-screen`, { start: t0 });
      while (queue.length > 0) {
        const e = queue.shift()!;
        if (run !== this.renderRun) return;
        const start = performance.now();
        try {
          await e.view.render(config);
          performance.measure(`${RENDER_MEASURE}:${e.view.chart.id}`, { start });
        } catch (error) {
          e.view.dispose();
          e.body.appendChild(h('p', { class: 'chart-error', role: 'alert' }, `This chart could not be drawn: ${error instanceof Error ? error.message : String(error)}`));
        }
        e.body.classList.remove('placeholder');
        e.body.style.minHeight = '';
        const screenDone = --firstScreen === 0;
        if (screenDone) performance.measure(`${RENDER_MEASURE}:first-screen`, { start: t0 });
        // Yield when the screen is complete and then every ~50 ms: often enough to paint and
        // answer input, rarely enough that relayouts of the growing page stay cheap.
        if (queue.length > 0 && (screenDone || performance.now() - lastYield > 50)) {
          await nextTask();
          lastYield = performance.now();
        }
      }
    } finally {
      observer.disconnect();
    }
    if (run !== this.renderRun) return;
    performance.measure(RENDER_MEASURE, { start: t0 });
    this.root.dataset.render = 'done';
  }

  setBusy(busy: boolean, message?: string): void {
    this.root.setAttribute('aria-busy', String(busy));
    this.root.classList.toggle('busy', busy);
    this.status.textContent = busy ? (message ?? 'Analyzing…') : '';
  }

  private showAlert(message: string | undefined, location?: Location): void {
    this.alert.hidden = message === undefined;
    this.alert.replaceChildren();
    if (message === undefined) return;
    append(this.alert, [severityIcon('error'), h('span', {}, message)]);
    if (location && !this.host.standalone) this.alert.appendChild(this.locationButton(location, where(location)));
  }

  private save(patch: Partial<PageState>): void {
    this.state = { ...this.state, ...patch };
    this.host.saveState(this.state);
  }

  private disposeViews(): void {
    for (const e of this.entries) e.view.dispose();
    this.entries = [];
  }

  // ---- header --------------------------------------------------------------------------

  private header(p: ReportPayload): HTMLElement {
    const report = p.result.report;
    const records = report.inputs.reduce((a, i) => a + i.records, 0);
    const malformed = report.inputs.filter((i) => i.malformed > 0);
    const malformedCount = malformed.reduce((a, i) => a + i.malformed, 0);
    const fields = Object.entries(report.fields).filter((e): e is [string, string] => typeof e[1] === 'string');
    const withOutputs = report.groups.filter((g) => g.outputs !== undefined);
    const outputs = withOutputs.length ? report.groups.reduce((a, g) => a + (g.outputs ?? 0), 0) : undefined;
    const prompts = report.groups.every((g) => g.prompts !== undefined) ? report.groups.reduce((a, g) => a + (g.prompts ?? 0), 0) : undefined;

    const actions = h('div', { class: 'actions' }, this.button('Export JSON', 'Export the report as JSON', () => this.exportReport('json')));
    if (!this.host.standalone) actions.appendChild(this.button('Export HTML', 'Export a standalone HTML report', () => this.exportReport('html')));

    const facts = h(
      'dl',
      { class: 'facts' },
      this.fact('Records', fmt(records)),
      this.fact('Generations', fmt(report.groups.length)),
      report.groups.length > 1 ? this.fact('Baseline', this.baselineControl(p), 'baseline-select') : false,
      this.fact(
        'Malformed records',
        malformedCount === 0
          ? '0'
          : h('span', { class: 'malformed' }, severityIcon('warning'), `${fmt(malformedCount)} in ${malformed.map((i) => `${i.file}${i.malformedLines?.length ? ` (line ${i.malformedLines.slice(0, 5).join(', ')}${i.malformedLines.length > 5 ? ', …' : ''})` : ''}`).join('; ')}`),
      ),
      outputs !== undefined && outputs !== records ? this.fact('Outputs', `${fmt(outputs)}${prompts ? ` for ${fmt(prompts)} prompts` : ''}`) : false,
      fields.length ? this.fact('Fields', this.fieldList(fields, report.fieldReasons ?? {}, report.collection)) : false,
    );
    const files = report.inputs.map((i) => i.file);
    return h(
      'header',
      { class: 'report-header' },
      h('div', { class: 'title-row' }, h('h1', {}, h('span', { class: 'product' }, 'Collapse Lens'), ' ', p.title), actions),
      report.verdicts?.length
        ? h(
            'ul',
            { class: 'verdicts', 'aria-label': 'Verdict per role' },
            report.verdicts.map((v) => h('li', { class: `verdict ${v.severity ?? 'held'}` }, v.severity ? severityIcon(v.severity) : h('span', { class: 'held-mark', 'aria-hidden': 'true' }, '✓'), h('span', {}, v.message))),
          )
        : false,
      facts,
      h(
        'details',
        { class: 'files' },
        h('summary', {}, files.length === 1 ? '1 input file' : `${fmt(files.length)} input files`),
        h('ul', {}, files.map((f, i) => h('li', {}, f, ` — ${fmt(report.inputs[i]!.records)} records`))),
      ),
    );
  }

  /** Each role's path, and why it was chosen ("the assistant turns of messages"). */
  private fieldList(fields: [string, string][], reasons: Record<string, string | undefined>, collection: string | undefined): HTMLElement {
    return h(
      'ul',
      { class: 'field-list' },
      fields.map(([role, path]) => h('li', {}, `${role}: `, h('code', {}, path), reasons[role] ? h('span', { class: 'why' }, ` — ${reasons[role]}`) : false)),
      collection ? h('li', {}, 'records: ', h('code', {}, collection)) : false,
    );
  }

  private fact(term: string, value: Node | string, id?: string): HTMLElement {
    return h('div', { class: 'fact' }, h('dt', {}, id ? h('label', { for: id }, term) : term), h('dd', {}, value));
  }

  private baselineControl(p: ReportPayload): Node {
    const report = p.result.report;
    const current = report.baseline ?? report.groups[0]!.id;
    if (!p.canChangeBaseline || this.host.standalone) return h('span', {}, current);
    const select = h(
      'vscode-single-select',
      { id: 'baseline-select', 'aria-label': 'Baseline generation' },
      report.groups.map((g) => h('vscode-option', { value: g.id, selected: g.id === current }, g.id)),
    );
    select.addEventListener('change', () => {
      const groupId = (select as unknown as { value: string }).value;
      if (groupId && groupId !== current) {
        this.setBusy(true, `Re-analyzing against ${groupId}…`);
        this.host.post({ method: 'baseline/change', params: { groupId } });
      }
    });
    return select;
  }

  private exportReport(kind: 'json' | 'html'): void {
    if (!this.payload) return;
    const data = kind === 'json' && this.host.standalone ? `${JSON.stringify(this.payload.result.report, null, 2)}\n` : undefined;
    this.host.exportData(kind, `${slug(this.payload.title)}.collapse-lens.json`, data);
  }

  // ---- findings ------------------------------------------------------------------------

  private findings(p: ReportPayload): HTMLElement {
    const all = p.result.report.findings;
    const counts = SEVERITIES.map((s) => [s, all.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
    const section = h(
      'section',
      { class: 'findings', 'aria-labelledby': 'findings-title' },
      h(
        'h2',
        { id: 'findings-title' },
        'Findings',
        h('span', { class: 'counts' }, counts.map(([s, n]) => h('span', { class: `count severity-${s}` }, severityIcon(s), `${n} ${SEVERITY_WORDS[s][n === 1 ? 0 : 1]}`))),
      ),
    );
    if (all.length === 0) {
      section.appendChild(h('p', { class: 'empty' }, 'No finding: no rule fired on these files.'));
      return section;
    }
    const list = h('ul', { class: 'finding-list' });
    const shown = this.state.showAllFindings ? all : all.slice(0, FINDINGS_PREVIEW);
    shown.forEach((f, i) => list.appendChild(this.finding(f, i)));
    section.appendChild(list);
    this.expandFindings = undefined;
    if (shown.length < all.length) {
      const expand = () => {
        this.expandFindings = undefined;
        this.save({ showAllFindings: true });
        list.replaceChildren(...all.map((f, i) => this.finding(f, i)));
        more.remove();
      };
      const more = this.button(`Show all ${fmt(all.length)} findings`, undefined, expand);
      this.expandFindings = expand;
      section.appendChild(more);
    }
    return section;
  }

  private finding(f: Finding, index: number): HTMLElement {
    const label = h(
      'span',
      { class: 'finding-text' },
      h('span', { class: 'message' }, f.message),
      h('span', { class: 'meta' }, h('span', { class: 'rule' }, f.rule), h('span', { class: 'where' }, where(f.location))),
    );
    const main = this.host.standalone
      ? h('div', { class: 'finding-main' }, severityIcon(f.severity), label)
      : h(
          'button',
          { type: 'button', class: 'finding-main', title: `Open ${where(f.location)}`, onclick: () => this.open(f.location) },
          severityIcon(f.severity),
          label,
        );
    const item = h('li', { class: `finding severity-${f.severity}`, 'data-index': index }, h('span', { class: 'visually-hidden' }, `${f.severity}: `), main);
    if (f.related?.length) {
      item.appendChild(
        h(
          'ul',
          { class: 'related' },
          f.related.map((r) => h('li', {}, this.host.standalone ? `${r.message} (${where(r.location)})` : this.locationButton(r.location, `${r.message} — ${where(r.location)}`))),
        ),
      );
    }
    return item;
  }

  private locationButton(location: Location, text: string): HTMLElement {
    return h('button', { type: 'button', class: 'link', onclick: () => this.open(location) }, text);
  }

  private open(location: Location): void {
    this.host.post({ method: 'location/open', params: location });
  }

  // ---- charts --------------------------------------------------------------------------

  private contents(charts: CompiledChart[]): HTMLElement | false {
    if (charts.length < 2) return false;
    return h(
      'nav',
      { class: 'toc', 'aria-label': 'Charts' },
      h('ul', {}, charts.map((c) => h('li', {}, h('a', { href: `#chart-${c.id}` }, c.title)))),
    );
  }

  private chartSection(chart: CompiledChart): ChartEntry {
    const body = h('div', { class: 'chart-body placeholder' });
    body.style.minHeight = `${chart.height}px`;
    const canvas = h('div', { class: 'chart-canvas' });
    body.appendChild(canvas);
    const view = new ChartView(chart, canvas, this.host.standalone ? undefined : (l) => this.open(l));
    const titleId = `chart-${chart.id}-title`;
    const table = h('details', { class: 'data-table' }, h('summary', {}, 'Data table'));
    let filled = false;
    const fill = () => {
      if (filled) return;
      filled = true;
      table.appendChild(this.table(chart.title, chart.table));
    };
    if (this.state.openTables.includes(chart.id)) {
      fill();
      table.open = true;
    }
    table.addEventListener('toggle', () => {
      if (table.open) fill();
      const open = new Set(this.state.openTables);
      if (table.open) open.add(chart.id);
      else open.delete(chart.id);
      this.save({ openTables: [...open] });
    });
    const exportAs = (kind: 'svg' | 'png') => async () => {
      try {
        const data = kind === 'svg' ? await view.toSVG() : await view.toPNG();
        this.host.exportData(kind, `${chart.id}.${kind}`, data, chart.id);
      } catch (error) {
        this.status.textContent = `Export failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    };
    const section = h(
      'section',
      { class: 'chart', id: `chart-${chart.id}`, 'aria-labelledby': titleId, 'data-chart': chart.id },
      h(
        'div',
        { class: 'chart-head' },
        h('h2', { id: titleId }, chart.title),
        h(
          'div',
          { class: 'chart-actions' },
          this.button('SVG', `Export ${chart.title} as SVG`, exportAs('svg')),
          this.button('PNG', `Export ${chart.title} as PNG`, exportAs('png')),
        ),
      ),
      h('p', { class: 'description' }, chart.description),
      body,
      table,
    );
    return { section, body, view };
  }

  private table(title: string, t: ChartTable): HTMLElement {
    const fileCol = t.columns.indexOf('File');
    const lineCol = t.columns.findIndex((c) => /line$/iu.test(c));
    const linkable = !this.host.standalone && fileCol >= 0 && lineCol >= 0;
    // Right-align a column of numbers, its header included.
    const numeric = t.columns.map((_, i) => t.rows.some((r) => typeof r[i] === 'number') && t.rows.every((r) => typeof r[i] === 'number' || r[i] === ''));
    return h(
      'div',
      { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': `${title} data` },
      h(
        'table',
        {},
        h('caption', { class: 'visually-hidden' }, title),
        h('thead', {}, h('tr', {}, t.columns.map((c, i) => h('th', { scope: 'col', class: numeric[i] ? 'num' : undefined }, c)))),
        h(
          'tbody',
          {},
          t.rows.map((row) =>
            h(
              'tr',
              {},
              row.map((cell, i) => {
                const num = typeof cell === 'number';
                const content: Node | string =
                  linkable && i === lineCol && typeof cell === 'number'
                    ? this.locationButton({ file: String(row[fileCol]), line: cell }, String(cell))
                    : num
                      ? fmtCell(cell)
                      : cell;
                return i === 0 ? h('th', { scope: 'row', class: num ? 'num' : undefined }, content) : h('td', { class: num ? 'num' : undefined }, content);
              }),
            ),
          ),
        ),
      ),
    );
  }

  private button(text: string, label: string | undefined, onClick: () => void): HTMLElement {
    const b = h('vscode-button', { secondary: true, 'aria-label': label }, text);
    b.addEventListener('click', onClick);
    return b;
  }
}

function fmtCell(n: number): string {
  return Number.isInteger(n) ? fmt(n) : String(n);
}

function slug(s: string): string {
  return s.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/gu, '') || 'report';
}
