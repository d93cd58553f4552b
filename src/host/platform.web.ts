// platform.ts for the web build (vscode.dev, github.dev, a browser workbench): the analysis runs
// in a Web Worker on dist/web/worker.js, every file reaches it as bytes read through VS Code's
// file system, and the report renderer is bundled in (there is no require of a file here).
import * as vscode from 'vscode';
import * as reportRenderer from '../core/reportRender';
import type { AnalysisWorker } from '../worker/client';
import type { HostToWorkerMessage, WorkerToHostMessage } from '../worker/protocol';
import type { ReportRenderer } from './platform';

/** The browser's Worker, as much of it as this file uses (the project type-checks without the DOM library). */
interface BrowserWorker {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'error' | 'messageerror', listener: (event: { message?: string; preventDefault(): void }) => void): void;
  terminate(): void;
}
declare const Worker: new (url: string, options?: { name?: string }) => BrowserWorker;

export const READS_LOCAL_FILES: boolean = false;

export function analysisWorkerLocation(extensionUri: vscode.Uri): string {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'web', 'worker.js').toString();
}

const scripts = new Map<string, Promise<string>>();

/**
 * A URL a Worker can start from. An extension served over http(s) (vscode.dev) gives its own
 * URL. One installed on a server (a remote workbench, `vscode-remote:`) has no URL a worker may
 * load (VS Code refuses such workers), so its script is read through VS Code's file system and
 * started from a blob: URL, made once.
 */
function scriptUrl(location: string): Promise<string> {
  let url = scripts.get(location);
  if (!url) {
    const uri = vscode.Uri.parse(location, true);
    url =
      uri.scheme === 'http' || uri.scheme === 'https'
        ? Promise.resolve(location)
        : Promise.resolve(vscode.workspace.fs.readFile(uri)).then((bytes) => URL.createObjectURL(new Blob([bytes], { type: 'text/javascript' })));
    scripts.set(location, url);
    url.catch(() => scripts.delete(location));
  }
  return url;
}

type Listeners = { message: ((m: WorkerToHostMessage) => void)[]; error: ((e: Error) => void)[]; exit: (() => void)[] };

/** A Web Worker behind the worker_threads-like surface src/worker/client.ts drives; messages wait until it has started. */
class WebAnalysisWorker implements AnalysisWorker {
  private worker: BrowserWorker | undefined;
  private readonly pending: [HostToWorkerMessage, ArrayBuffer[]][] = [];
  private readonly listeners: Listeners = { message: [], error: [], exit: [] };
  private stopped = false;

  constructor(location: string) {
    scriptUrl(location).then(
      (url) => {
        if (this.stopped) return;
        const worker = new Worker(url, { name: 'Collapse Lens analysis' });
        worker.addEventListener('message', (e) => this.listeners.message.forEach((l) => l(e.data as WorkerToHostMessage)));
        const fail = (e: { message?: string; preventDefault(): void }) => {
          e.preventDefault();
          this.emitError(new Error(e.message || 'the Collapse Lens analysis worker failed to start or crashed'));
        };
        worker.addEventListener('error', fail);
        worker.addEventListener('messageerror', fail);
        this.worker = worker;
        for (const [message, transfer] of this.pending.splice(0)) worker.postMessage(message, transfer);
      },
      (e: unknown) => this.emitError(new Error(`the Collapse Lens analysis worker cannot be loaded: ${(e as Error).message ?? String(e)}`)),
    );
  }

  private emitError(error: Error): void {
    if (!this.stopped) this.listeners.error.forEach((l) => l(error));
  }

  on(event: 'message', listener: (message: WorkerToHostMessage) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'exit', listener: () => void): this;
  on(event: keyof Listeners, listener: (arg: never) => void): this {
    (this.listeners[event] as ((arg: never) => void)[]).push(listener);
    return this;
  }

  postMessage(message: HostToWorkerMessage, transfer: ArrayBuffer[] = []): void {
    if (this.worker) this.worker.postMessage(message, transfer);
    else if (!this.stopped) this.pending.push([message, transfer]);
  }

  /** Stops the worker; 'exit' follows, as it does for a worker thread. */
  terminate(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.worker?.terminate();
    this.pending.length = 0;
    queueMicrotask(() => this.listeners.exit.forEach((l) => l()));
  }
}

export function spawnAnalysisWorker(location: string): AnalysisWorker {
  return new WebAnalysisWorker(location);
}

export function loadReportRenderer(_extensionUri: vscode.Uri): ReportRenderer {
  return reportRenderer;
}

export function base64Bytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// tsc checks the importers against platform.ts only; this holds the two files' exports together.
({ READS_LOCAL_FILES, analysisWorkerLocation, spawnAnalysisWorker, loadReportRenderer, base64Bytes }) satisfies typeof import('./platform');
