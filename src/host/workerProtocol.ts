// Messages between the extension host and the analysis worker (`dist/worker.js`), as one
// discriminated union per direction. Both sides import this file; it must not import vscode.
import type { AnalysisResult } from '../shared/details';
import type { AnalyzeOptions, AnalyzeProgress } from '../core/options';

/** One file to read. `bytes` is set for files the worker cannot open itself (virtual file systems). */
export interface WorkerInput {
  file: string;
  display: string;
  bytes?: Uint8Array;
}

/**
 * One call of `analyzeFiles`: a single file, or several files as generations, with the options
 * of the workspace folder they belong to (folders of a multi-root workspace may differ).
 */
export interface AnalysisJob {
  inputs: WorkerInput[];
  options: WorkerAnalyzeOptions;
}

/** The options that survive structured cloning (no signal, no callback). */
export type WorkerAnalyzeOptions = Omit<AnalyzeOptions, 'signal' | 'onProgress'>;

/** A malformed record as the engine reports it (1-based line and column). */
export interface WorkerIssue {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** An error that crossed the thread boundary; `input` marks the engine's InputError. */
export interface WorkerError {
  message: string;
  input: boolean;
  file?: string;
  line?: number;
  column?: number;
  stack?: string;
}

export interface StartAnalysisRequest {
  kind: 'start';
  jobs: AnalysisJob[];
}

export interface CancelAnalysisRequest {
  kind: 'cancel';
}

/** Field names seen in the first records of a file, for the "use another field" quick pick. */
export interface ListFieldsRequest {
  kind: 'listFields';
  input: WorkerInput;
  sampleRecords: number;
}

export type HostToWorkerMessage = StartAnalysisRequest | CancelAnalysisRequest | ListFieldsRequest;

export interface DidProgressNotification {
  kind: 'progress';
  job: number;
  progress: AnalyzeProgress;
}

export interface DidFinishJobNotification {
  kind: 'result';
  job: number;
  result: AnalysisResult;
  issues: WorkerIssue[];
}

export interface DidFailJobNotification {
  kind: 'error';
  job: number;
  error: WorkerError;
}

/** Sent once after the last job, or after a cancel took effect. */
export interface DidFinishRunNotification {
  kind: 'done';
  cancelled: boolean;
}

export interface DidListFieldsResponse {
  kind: 'fields';
  fields: string[];
  error?: WorkerError;
}

export type WorkerToHostMessage =
  | DidProgressNotification
  | DidFinishJobNotification
  | DidFailJobNotification
  | DidFinishRunNotification
  | DidListFieldsResponse;
