// port.ts for the web build: the analysis worker is a Web Worker (dist/web/worker.js),
// and reads every file from the bytes the host sends, on its own thread.
import type { HostPort } from './port';
import type { HostToWorkerMessage } from './protocol';

/** The worker's global scope, as much of it as this file uses (the project type-checks without the DOM library). */
declare const self: {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
};

export function hostPort(): HostPort {
  return {
    post: (message, transfer) => self.postMessage(message, transfer),
    onMessage: (listener) => self.addEventListener('message', (event) => listener(event.data as HostToWorkerMessage)),
  };
}

export function readerThreadScript(): string | undefined {
  return undefined;
}

export function analysisThreadScript(): string | undefined {
  return undefined;
}

export function pairThreadScript(): string | undefined {
  return undefined;
}

export function defaultThreads(): number {
  return 1;
}

export function setThreads(_requested: number | undefined, _files: readonly string[]): Promise<number> {
  return Promise.resolve(1);
}

// tsc checks the importers against port.ts only; this holds the two files' exports together.
({ hostPort, readerThreadScript, analysisThreadScript, pairThreadScript, defaultThreads, setThreads }) satisfies typeof import('./port');
