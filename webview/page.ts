// The report page: composes the components (webview/components/: header, findings, one
// section per chart, syntactic templates, data tables, export), holds the page state the host saves, and draws
// the charts through the render queue. A new part of the page is a component function that
// returns its element, added to the list in `show`.
import type { HostNotification, ReportPayload } from '../src/shared/protocol';
import type { Location } from '../src/shared/report';
import { showFailure } from './components/alert';
import type { OpenLocation } from './components/buttons';
import { chartContents, chartSection, noChartsNote, type ChartEntry } from './components/chartSection';
import { exportReport, exportStatus, reportExportButtons } from './components/export';
import { findingsSection } from './components/findings';
import { reportHeader } from './components/header';
import { templatesSection, TEMPLATES_ID, TEMPLATES_TITLE } from './components/templates';
import { append, h } from './dom';
import type { Host, PageState } from './host';
import { themeConfig } from './theme';

export const RENDER_MEASURE = 'collapse-lens:render';

/** Lets the browser paint and handle input before the next chart. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => window.setTimeout(resolve, 0));
}

export class ReportPage {
  private payload: ReportPayload | undefined;
  private entries: ChartEntry[] = [];
  private payloadKey = '';
  private state: PageState;
  private renderRun = 0;
  /** A finding to bring into view once the report is shown (the focus came before the report). */
  private pendingFocus: number | undefined;
  /** Lists every finding when only the preview is shown. */
  private showAllFindings: (() => void) | undefined;
  private readonly status: HTMLElement;
  private readonly alert: HTMLElement;
  private readonly content: HTMLElement;
  /** Opens a record in the editor; undefined in the standalone file. */
  private readonly open: OpenLocation | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: Host,
    saved?: PageState,
  ) {
    this.state = saved ?? { openTables: [], showAllFindings: false, scrollY: 0 };
    this.open = host.standalone ? undefined : (location: Location) => host.post({ method: 'location/open', params: location });
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
        showFailure(this.alert, undefined);
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
        showFailure(this.alert, message.params.message, message.params.location, this.open);
        break;
      case 'export/didFinish':
        this.status.textContent = exportStatus(message.params);
        break;
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
    if (!find()) this.showAllFindings?.();
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
    this.entries = payload.charts.map((chart) =>
      chartSection(chart, {
        tableOpen: this.state.openTables.includes(chart.id),
        onTableToggle: (open) => this.setTableOpen(chart.id, open),
        save: (kind, name, data, chartId) => this.host.exportData(kind, name, data, chartId),
        onExportError: (message) => {
          this.status.textContent = message;
        },
        onOpen: this.open,
      }),
    );
    const findings = findingsSection(payload.result.report.findings, {
      showAll: this.state.showAllFindings,
      onShowAll: () => this.save({ showAllFindings: true }),
      onOpen: this.open,
    });
    this.showAllFindings = findings.showAll;
    const header = reportHeader(payload, {
      actions: reportExportButtons({ html: !this.host.standalone, onExport: (kind) => exportReport(this.host, payload, kind) }),
      onBaselineChange: this.host.standalone ? undefined : (groupId) => this.changeBaseline(groupId),
    });
    const templates = templatesSection(payload.result.report, {
      onOpen: this.open,
      tableOpen: this.state.openTables.includes(TEMPLATES_ID),
      onTableToggle: (open) => this.setTableOpen(TEMPLATES_ID, open),
    });
    // The templates follow the text metrics' chart, which draws their rate and diversity.
    const sections: { id: string; title: string; href?: string; element: HTMLElement }[] = payload.charts.map((c, i) => ({ ...c, element: this.entries[i]!.section }));
    if (templates) {
      const text = sections.findIndex((s) => s.id === 'metrics-text');
      sections.splice(text < 0 ? sections.length : text + 1, 0, { id: TEMPLATES_ID, title: TEMPLATES_TITLE, href: `#${TEMPLATES_ID}`, element: templates });
    }
    this.content.replaceChildren();
    append(this.content, [header, findings.element, chartContents(sections), ...sections.map((s) => s.element)]);
    if (payload.charts.length === 0) this.content.appendChild(noChartsNote());
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

  private changeBaseline(groupId: string): void {
    this.setBusy(true, `Re-analyzing against ${groupId}…`);
    this.host.post({ method: 'baseline/change', params: { groupId } });
  }

  private setTableOpen(chartId: string, open: boolean): void {
    const ids = new Set(this.state.openTables);
    if (open) ids.add(chartId);
    else ids.delete(chartId);
    this.save({ openTables: [...ids] });
  }

  private save(patch: Partial<PageState>): void {
    this.state = { ...this.state, ...patch };
    this.host.saveState(this.state);
  }

  private disposeViews(): void {
    for (const e of this.entries) e.view.dispose();
    this.entries = [];
  }
}
