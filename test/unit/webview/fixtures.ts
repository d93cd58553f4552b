// Report payloads for the page's tests, built from the analysis fixtures as the host builds
// them, and a host that records what the page asks of it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReportPayload } from '../../../src/core/charts';
import type { AnalysisResult } from '../../../src/shared/details';
import type { ExportKind, ReportPayload, WebviewCommand } from '../../../src/shared/protocol';
import type { Finding } from '../../../src/shared/report';
import type { Host, PageState } from '../../../webview/host';
import { syntheticResult } from '../../fixtures/analysis/synthetic';
import { repoRoot } from '../support';

function fixture(name: 'sample-result' | 'sample-stream'): AnalysisResult {
  return JSON.parse(readFileSync(join(repoRoot(), 'test', 'fixtures', 'analysis', `${name}.json`), 'utf8')) as AnalysisResult;
}

const cache = new Map<string, ReportPayload>();
function cached(key: string, build: () => ReportPayload): ReportPayload {
  if (!cache.has(key)) cache.set(key, build());
  // A copy each time: a test may change its payload.
  return structuredClone(cache.get(key)!);
}

/** Six generations with text, embeddings, labels and values; 13 errors and 16 warnings. */
export function samplePayload(options: { canChangeBaseline?: boolean } = {}): ReportPayload {
  const p = cached('sample', () => buildReportPayload(fixture('sample-result'), 'runs (6 generations)'));
  p.canChangeBaseline = options.canChangeBaseline ?? false;
  return p;
}

/** One file of labels and predictions read as a stream; one warning. */
export function streamPayload(): ReportPayload {
  return cached('stream', () => buildReportPayload(fixture('sample-stream'), 'monitor/stream.jsonl'));
}

/** The synthetic collapse of test/fixtures/analysis/synthetic.ts. */
export function syntheticPayload(generations: number, metrics?: number): ReportPayload {
  return cached(`synthetic-${generations}-${metrics}`, () => buildReportPayload(syntheticResult({ generations, metrics }), `${generations} generations`));
}

export function finding(severity: Finding['severity'], n: number, related = 0): Finding {
  return {
    rule: `rule-${severity}`,
    severity,
    message: `${severity} ${n}`,
    location: { file: `runs/gen${n}.jsonl`, line: n + 1 },
    ...(related ? { related: Array.from({ length: related }, (_, i) => ({ message: `seen before ${i}`, location: { file: 'runs/gen0.jsonl', line: i + 1 } })) } : {}),
  };
}

export interface Export {
  kind: ExportKind;
  name: string;
  data?: string;
  chartId?: string;
}

/** A host that keeps every message, saved state and export. */
export class RecordingHost implements Host {
  readonly posted: WebviewCommand[] = [];
  readonly exports: Export[] = [];
  state: PageState | undefined;
  constructor(readonly standalone = false) {}
  post(command: WebviewCommand): void {
    this.posted.push(command);
  }
  loadState(): PageState | undefined {
    return this.state;
  }
  saveState(state: PageState): void {
    this.state = state;
  }
  exportData(kind: ExportKind, name: string, data?: string, chartId?: string): void {
    this.exports.push({ kind, name, ...(data !== undefined ? { data } : {}), ...(chartId ? { chartId } : {}) });
  }
}
