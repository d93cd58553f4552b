// One compiled chart on the page: parsed with the theme config and the expression
// interpreter (no `eval`, so the page CSP needs no 'unsafe-eval'), drawn as SVG.
import type { Config } from 'vega';
import { Handler } from 'vega-tooltip';
import { type CompiledChart, decodeTooltip } from '../src/shared/protocol';
import type { Location } from '../src/shared/report';
import { View, expressionInterpreter, parse } from './vega-runtime';

let tooltip: Handler | undefined;

/** One tooltip element for the page, styled by report.css (the default style is an inline `<style>` the CSP blocks). */
function tooltipHandler(): Handler {
  tooltip ??= new Handler({ theme: 'collapse-lens', disableDefaultStyle: true, offsetX: 12, offsetY: 12, maxDepth: 1 });
  return tooltip;
}

const significant = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });
const integer = new Intl.NumberFormat('en-US');
const percent = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** The tooltip of the item under the pointer, built from its datum now rather than at render. */
function tooltipContent(value: unknown, item: { datum?: unknown } | null | undefined): unknown {
  const fields = decodeTooltip(value);
  if (!fields) return value;
  const datum = (item?.datum ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const f of fields) {
    const v = datum[f.field];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'number') out[f.title] = String(v);
    else if (f.format === 'percent') out[f.title] = percent.format(v);
    else if (f.format === 'number' || !Number.isInteger(v)) out[f.title] = significant.format(v);
    else out[f.title] = integer.format(v);
  }
  return out;
}

/** A mark's datum points at a record when it carries a file and a 1-based line. */
function locationOf(datum: unknown): Location | undefined {
  if (!datum || typeof datum !== 'object') return undefined;
  const d = datum as { file?: unknown; line?: unknown };
  return typeof d.file === 'string' && d.file !== '' && typeof d.line === 'number' && d.line > 0 ? { file: d.file, line: d.line } : undefined;
}

export class ChartView {
  private view: View | undefined;

  constructor(
    readonly chart: CompiledChart,
    private readonly container: HTMLElement,
    private readonly onOpen?: (location: Location) => void,
  ) {}

  /** Draws (or redraws) the chart; the previous drawing stays until the new one is ready. */
  async render(config: Config): Promise<void> {
    const runtime = parse(this.chart.spec, config, { ast: true });
    const target = document.createElement('div');
    const view = new View(runtime, { expr: expressionInterpreter, renderer: 'svg', container: target, hover: true });
    const show = tooltipHandler().call;
    view.tooltip((handler, event, item, value) => show(handler, event, item, tooltipContent(value, item)));
    const onOpen = this.onOpen;
    if (onOpen) {
      view.addEventListener('click', (_event, item) => {
        const location = locationOf(item?.datum);
        if (location) onOpen(location);
      });
    }
    try {
      await view.runAsync();
    } catch (error) {
      view.finalize();
      throw error;
    }
    this.view?.finalize();
    this.view = view;
    this.container.replaceChildren(target);
  }

  async toSVG(): Promise<string> {
    if (!this.view) throw new Error(`chart ${this.chart.id} is not rendered`);
    return this.view.toSVG();
  }

  /** PNG at twice the size, as a data URL. */
  async toPNG(): Promise<string> {
    if (!this.view) throw new Error(`chart ${this.chart.id} is not rendered`);
    return this.view.toImageURL('png', 2);
  }

  dispose(): void {
    this.view?.finalize();
    this.view = undefined;
    this.container.replaceChildren();
  }
}
