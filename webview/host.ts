// The page's way out: inside VS Code every action is a message to the panel; in the
// standalone HTML file there is no host, so exports become downloads and state lives in memory.
import type { ExportKind, ReportPayload, WebviewCommand } from '../src/shared/protocol';

export interface PageState {
  payload?: ReportPayload;
  /** Chart ids whose data table is open. */
  openTables: string[];
  showAllFindings: boolean;
  scrollY: number;
}

export interface Host {
  readonly standalone: boolean;
  post(command: WebviewCommand): void;
  loadState(): PageState | undefined;
  saveState(state: PageState): void;
  /** `data`: SVG text, a PNG data URL, or JSON text. */
  exportData(kind: ExportKind, name: string, data?: string, chartId?: string): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  // Defined by VS Code in webviews only; callable once per page.
  var acquireVsCodeApi: (() => VsCodeApi) | undefined;
}

class WebviewHost implements Host {
  readonly standalone = false;
  constructor(private readonly api: VsCodeApi) {}
  post(command: WebviewCommand): void {
    this.api.postMessage(command);
  }
  loadState(): PageState | undefined {
    const s = this.api.getState() as PageState | undefined;
    return s && Array.isArray(s.openTables) ? s : undefined;
  }
  saveState(state: PageState): void {
    this.api.setState(state);
  }
  exportData(kind: ExportKind, _name: string, data?: string, chartId?: string): void {
    this.post({ method: 'export', params: { kind, ...(chartId ? { chartId } : {}), ...(data !== undefined ? { data } : {}) } });
  }
}

class StandaloneHost implements Host {
  readonly standalone = true;
  private state: PageState | undefined;
  post(): void {
    // Nothing listens: opening files and changing the baseline need the extension.
  }
  loadState(): PageState | undefined {
    return this.state;
  }
  saveState(state: PageState): void {
    this.state = state;
  }
  exportData(kind: ExportKind, name: string, data?: string): void {
    if (data === undefined) return;
    const url = kind === 'png' ? data : URL.createObjectURL(new Blob([data], { type: kind === 'svg' ? 'image/svg+xml' : 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.rel = 'noopener';
    document.body.appendChild(a);
    a.click();
    a.remove();
    if (kind !== 'png') window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

export function createHost(): Host {
  return typeof globalThis.acquireVsCodeApi === 'function' ? new WebviewHost(globalThis.acquireVsCodeApi()) : new StandaloneHost();
}
