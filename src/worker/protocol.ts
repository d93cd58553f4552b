// Messages between the extension host and the analysis worker (`dist/worker.js`), as one
// discriminated union per direction. Both sides import this file (the host through client.ts).
import type { AnalysisResult } from '../shared/details';
import type { AnalyzeOptions, AnalyzeProgress } from '../core/options';
import type { ParamValue, Scenario, ScenarioExpectation, ScenarioFormat } from '../core/scenarios/types';

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
  /**
   * A folder of the extension's storage where the state of each file read is kept, so a file
   * unchanged since is not read again (desktop only; without it every file is read).
   */
  stateFolder?: string;
  /** The bound of that folder in bytes: the least recently used states go past it. */
  stateFolderMaxBytes?: number;
}

/** Which files of a job were read, and which were unchanged since a run that stored their state. */
export interface JobReading {
  read: string[];
  reused: string[];
  /** Threads the files could be read on at once (collapseLens.analysisThreads, or the default; 1 without the analysis threads' script). */
  threads: number;
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

/** The sample scenarios, for the quick pick (the host does not bundle the simulations). */
export interface ListScenariosRequest {
  kind: 'listScenarios';
}

/**
 * Simulates one scenario. A `params` value given as a string is parsed as on the command
 * line (`'0.5'`, `'yes'`); numbers and booleans are checked as they are.
 */
export interface RunScenarioRequest {
  kind: 'runScenario';
  name: string;
  seed: number;
  generations?: number;
  format: ScenarioFormat;
  params: Record<string, ParamValue>;
}

export type HostToWorkerMessage = StartAnalysisRequest | CancelAnalysisRequest | ListFieldsRequest | ListScenariosRequest | RunScenarioRequest;

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
  reading: JobReading;
}

/** Sent before a job reads its files: how many of them are unchanged (their stored state is used). */
export interface DidPlanJobNotification {
  kind: 'plan';
  job: number;
  files: number;
  reused: number;
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

/** A scenario without its `run`, plus the generation limit every scenario shares. */
export type ScenarioInfo = Omit<Scenario, 'run'> & { maxGenerations: number };

export interface DidListScenariosResponse {
  kind: 'scenarios';
  scenarios: ScenarioInfo[];
}

/** A file of a generated scenario, UTF-8 encoded in the worker (its buffer is transferred). */
export interface GeneratedFile {
  name: string;
  bytes: Uint8Array;
}

export interface GeneratedScenario {
  /** The generation files in order, then README.md. */
  files: GeneratedFile[];
  expected: ScenarioExpectation;
  /** Parameters after defaults were applied. */
  params: Record<string, ParamValue>;
  generations: number;
}

/** `error.input` marks options the scenario refused (the message is for the user). */
export interface DidRunScenarioResponse {
  kind: 'scenario';
  result?: GeneratedScenario;
  error?: WorkerError;
}

export type WorkerToHostMessage =
  | DidProgressNotification
  | DidPlanJobNotification
  | DidFinishJobNotification
  | DidFailJobNotification
  | DidFinishRunNotification
  | DidListFieldsResponse
  | DidListScenariosResponse
  | DidRunScenarioResponse;
