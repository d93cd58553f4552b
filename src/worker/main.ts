// The analysis worker: runs the engine off the extension host thread. One worker per run;
// the host posts `start`, then possibly `cancel`, and terminates the worker after `done`.
// No vscode import here: this file is bundled on its own into dist/worker.js (a worker thread),
// and into dist/web/worker.js (a Web Worker); port.ts is where the two differ.
import { usePairThread } from '../core/numeric/pairThreads';
import { analysisThreadScript, defaultThreads, hostPort, pairThreadScript, readerThreadScript, setThreads } from './port';
import { analyzeFiles, InputError } from '../core/analyze';
import { analyzeIncrementally } from '../core/analysis/incremental';
import { partialCache } from './cache';
import type { AnalyzeInput, AnalyzeOutcome } from '../core/analyze';
import type { AnalyzeProgress } from '../core/options';
import { detectFields } from '../core/detect';
import { formatFromPath, openInputRecords } from '../core/readers/index';
import { getScenario, SCENARIOS } from '../core/scenarios/index';
import type { ParamValue } from '../core/scenarios/index';
import { MAX_GENERATIONS, resolveScenarioOptions, scenarioOptionMessage, ScenarioOptionError } from '../core/scenarios/options';
import { scenarioFiles } from '../core/scenarios/readme';
import type {
  GeneratedFile,
  HostToWorkerMessage,
  JobReading,
  ListFieldsRequest,
  RunScenarioRequest,
  ScenarioInfo,
  StartAnalysisRequest,
  WorkerError,
  WorkerInput,
  WorkerToHostMessage,
} from './protocol';

const port = hostPort();
// The vector metrics' pair pass takes a second thread where its bundle is beside this one.
usePairThread(pairThreadScript());

const abort = new AbortController();
const post = (message: WorkerToHostMessage, transfer: ArrayBuffer[] = []) => port.post(message, transfer);

port.onMessage((message: HostToWorkerMessage) => {
  switch (message.kind) {
    case 'start':
      void runJobs(message);
      break;
    case 'cancel':
      abort.abort();
      break;
    case 'listFields':
      void listFields(message);
      break;
    case 'listScenarios':
      post({ kind: 'scenarios', scenarios: SCENARIOS.map(scenarioInfo) });
      break;
    case 'runScenario':
      runScenario(message);
      break;
  }
});

function toAnalyzeInput(input: WorkerInput): AnalyzeInput {
  const bytes = input.bytes;
  if (!bytes) return { file: input.file, display: input.display };
  return {
    file: input.file,
    display: input.display,
    bytes: bytes.byteLength,
    open: async function* () {
      yield bytes;
    },
  };
}

function serializeError(e: unknown): WorkerError {
  if (e instanceof InputError) {
    const x = e as InputError & { file?: string };
    return { message: x.message, input: true, file: x.file, line: x.line, column: x.column };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { message: err.message, input: false, stack: err.stack };
}

/** The stored states' folder holds at most this much unless the host says otherwise. */
const DEFAULT_STATE_FOLDER_BYTES = 200 * 1024 * 1024;

async function runJobs(request: StartAnalysisRequest): Promise<void> {
  const states = partialCache(request.stateFolder, request.stateFolderMaxBytes ?? DEFAULT_STATE_FOLDER_BYTES);
  for (let job = 0; job < request.jobs.length; job++) {
    if (abort.signal.aborted) break;
    // Progress arrives per record batch; a few updates a second are enough for a progress bar.
    let lastProgress = 0;
    try {
      const { inputs, options } = request.jobs[job]!;
      const readerThread = readerThreadScript();
      const analysisThread = analysisThreadScript();
      const analyzeInputs = inputs.map(toAnalyzeInput);
      // collapseLens.analysisThreads, or every core past two (parallel.ts `defaultJobs`): a
      // large JSON Lines, CSV, TSV or Parquet file read whole is cut where its generation changes, and the files of
      // a set that changed are read several at once, each thread alone.
      const threads = options.jobs ?? defaultThreads();
      const analyzeOptions = {
        ...options,
        ...(readerThread ? { readerThread } : {}),
        ...(analysisThread && threads > 1 ? { jobs: threads, analysisThread } : { jobs: 1 }),
        signal: abort.signal,
        onProgress: (progress: AnalyzeProgress) => {
          const now = Date.now();
          if (now - lastProgress < 100) return;
          lastProgress = now;
          post({ kind: 'progress', job, progress });
        },
      };
      let outcome: AnalyzeOutcome;
      let reading: JobReading;
      if (states) {
        // The files of a set that changed are read on the analysis threads, several at once.
        const fileThreads = inputs.length > 1 ? await setThreads(options.jobs, inputs.flatMap((i) => (i.file && !i.bytes ? [i.file] : []))) : 1;
        const pool = analysisThread && fileThreads > 1 ? states.fileReader(analysisThread, fileThreads, abort.signal) : undefined;
        try {
          const r = await analyzeIncrementally(analyzeInputs, {
            ...analyzeOptions,
            cache: states.cache,
            identify: states.identify,
            ...(pool ? { readFile: pool.read } : {}),
            onPlan: (plan) => post({ kind: 'plan', job, ...plan }),
          });
          outcome = r.outcome;
          // A set's files are read a file per thread; a single file, in parts when it is large.
          reading = { read: r.read, reused: r.reused, threads: inputs.length > 1 ? (pool ? fileThreads : 1) : analyzeOptions.jobs };
        } finally {
          await pool?.close();
        }
      } else {
        outcome = await analyzeFiles(analyzeInputs, analyzeOptions);
        reading = { read: inputs.map((i) => i.display), reused: [], threads: analyzeOptions.jobs };
      }
      if (abort.signal.aborted) break;
      const { issues, ...result } = outcome;
      post({
        kind: 'result',
        job,
        result,
        issues: issues.map((i) => ({ file: i.file, line: i.line, column: i.column, message: i.message })),
        reading,
      });
    } catch (e) {
      if (abort.signal.aborted) break;
      post({ kind: 'error', job, error: serializeError(e) });
    }
  }
  await states?.cache.prune().catch(() => undefined);
  post({ kind: 'done', cancelled: abort.signal.aborted });
}

async function listFields(request: ListFieldsRequest): Promise<void> {
  try {
    const input = toAnalyzeInput(request.input);
    const kind = formatFromPath(input.file) ?? formatFromPath(input.display);
    if (!kind) throw new InputError(`${input.display}: unknown file type`);
    const sample: Record<string, unknown>[] = [];
    for await (const batch of openInputRecords(input, { format: kind.format, compressed: kind.compressed, signal: abort.signal })) {
      for (const r of batch.records) sample.push(r.value);
      if (sample.length >= request.sampleRecords) break;
    }
    post({ kind: 'fields', fields: sample.length ? detectFields(sample, {}, { multipleFiles: false }).fields : [] });
  } catch (e) {
    post({ kind: 'fields', fields: [], error: serializeError(e) });
  }
}

function scenarioInfo({ run: _run, ...info }: (typeof SCENARIOS)[number]): ScenarioInfo {
  return { ...info, maxGenerations: MAX_GENERATIONS };
}

function runScenario(request: RunScenarioRequest): void {
  try {
    const scenario = getScenario(request.name);
    if (!scenario) {
      throw new ScenarioOptionError([`unknown scenario '${request.name}' (known: ${SCENARIOS.map((s) => s.name).join(', ')})`]);
    }
    // Strings are parsed as the CLI parses its flags; typed values are checked as they are.
    const paramStrings: Record<string, string> = {};
    const params: Record<string, ParamValue> = {};
    for (const [key, value] of Object.entries(request.params)) {
      if (typeof value === 'string') paramStrings[key] = value;
      else params[key] = value;
    }
    const resolved = resolveScenarioOptions(scenario, { seed: request.seed, generations: request.generations, format: request.format, paramStrings, params });
    if (!resolved.ok) throw new ScenarioOptionError(resolved.problems.map(scenarioOptionMessage));
    const result = scenario.run(resolved.options);
    const encoder = new TextEncoder();
    const files: GeneratedFile[] = scenarioFiles(result, { scenario: scenario.name, title: scenario.title, ...resolved.options }).map((f) => ({
      name: f.name,
      bytes: encoder.encode(f.content),
    }));
    post({ kind: 'scenario', result: { files, expected: result.expected, params: result.params, generations: result.generations } }, files.map((f) => f.bytes.buffer as ArrayBuffer));
  } catch (e) {
    const error = e instanceof ScenarioOptionError ? { message: e.message, input: true } : serializeError(e);
    post({ kind: 'scenario', error });
  }
}
