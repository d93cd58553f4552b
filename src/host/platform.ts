// What the desktop extension host does with Node: the analysis runs in a worker_threads Worker
// on dist/worker.js, which reads local files from disk itself; the report renderer is its own
// bundle, loaded when a report first opens. platform.web.ts is the web build's counterpart
// (esbuild.js picks it for dist/web/); keep the two files' exports the same.
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { AnalysisWorker } from '../worker/client';

/** Vega-Lite compilation and the page HTML (src/core/reportRender.ts). */
export type ReportRenderer = typeof import('../core/reportRender');

/** Whether the analysis worker can open a `file:` URI by its path (else the host reads it). */
export const READS_LOCAL_FILES: boolean = true;

/** Where the analysis worker's script is, as `spawnAnalysisWorker` takes it. */
export function analysisWorkerLocation(extensionUri: vscode.Uri): string {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'worker.js').fsPath;
}

export function spawnAnalysisWorker(location: string): AnalysisWorker {
  return new Worker(location);
}

/** Vega-Lite and the page HTML, parsed the first time a report opens. */
export function loadReportRenderer(extensionUri: vscode.Uri): ReportRenderer {
  // A path esbuild does not follow: dist/report.js is its own bundle.
  return require(vscode.Uri.joinPath(extensionUri, 'dist', 'report.js').fsPath) as ReportRenderer;
}

/** The bytes of base64 text (already checked to be base64). */
export function base64Bytes(base64: string): Uint8Array {
  return Buffer.from(base64, 'base64');
}
