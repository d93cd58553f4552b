// Incremental re-analysis: each file of a set is read into a partial analysis of its own
// (partial.ts), stored under a key that names the file as it is on disk (path, size,
// modification time) and everything that changes what reading it gives (the options that
// reach the accumulators, the fields of the set's first file, whether the set has several
// files, the tool version). Analysing the set again reads only the files whose key has no
// stored state, merges every state and finishes the merge (finish.ts): the same report as
// one analysis of all the files. Where the states are kept is the caller's (PartialCache).
import type { RollingSeries } from '../../shared/details';
import { baselineDisplay } from '../analyze';
import type { AnalyzeOptions } from '../options';
import { naturalCompare } from '../generations';
import { VERSION } from '../version';
import { finishAnalysis } from './finish';
import type { AnalyzeOutcome } from './finish';
import { mergePartials, partialFromState, partialToState } from './partial';
import type { FieldsUsed, PartialAnalysis, PartialState } from './partial';
import { readInParallel } from './parallel';
import type { ParallelOptions } from './parallel';
import { partialSettings, readInputs } from './read';
import type { AnalyzeInput, ReadInputsOptions } from './read';
import type { RollingTracker } from './rolling';

/** What is stored for one file: its partial analysis, and the rolling view of a file analysed alone. */
export interface CachedRead {
  state: PartialState;
  /** The rolling view of one stream without generations (a partial state does not hold it). */
  rolling?: RollingSeries;
}

/** Where the states of files read before are kept; a key is a string of any length. */
export interface PartialCache {
  get(key: string): Promise<CachedRead | undefined>;
  set(key: string, value: CachedRead): Promise<void>;
}

/** What tells one version of a file from another. */
export interface FileIdentity {
  size: number;
  mtimeMs: number;
}

export interface IncrementalOptions extends AnalyzeOptions {
  cache: PartialCache;
  /**
   * The size and modification time of a local input, looked at before it is read; undefined
   * (or a rejection) when it has none, and then the set is read whole, as without a cache.
   */
  identify: (input: AnalyzeInput) => Promise<FileIdentity | undefined>;
  /** Written into the key, so a new version reads every file again (default: this build's). */
  tool?: string;
  /** Told once the stored states are looked up: how many of the set's files need no reading. */
  onPlan?: (plan: { files: number; reused: number }) => void;
  /**
   * Reads one file of a set into the stored form of its partial analysis, on another thread
   * (several are asked for at once), telling the bytes it reads as it goes; `options` hold
   * only what can be cloned. Default: read on this thread, one file after the other.
   */
  readFile?: (input: AnalyzeInput, options: ReadInputsOptions, onBytes: (bytes: number) => void) => Promise<PartialState>;
}

export interface IncrementalOutcome {
  outcome: AnalyzeOutcome;
  /** The files read (as reported), in analysis order. */
  read: string[];
  /** The files whose stored state was used instead of reading them. */
  reused: string[];
}

/**
 * A single file larger than this is analysed as a plain analysis, which lets go of each
 * generation once its records are read (read.ts), and its state is not stored: a state keeps
 * every generation's tables whole, which for such a file would hold much of the store and of
 * the memory. Sets of files are stored file by file whatever their size.
 */
export const STORE_MAX_FILE_BYTES = 128 * 1024 * 1024;

/**
 * Analyses `inputs` (several files are generations, as analyzeFiles does) reading only the
 * files that have no stored state under their key, and stores the state of every file read.
 */
export async function analyzeIncrementally(inputs: readonly AnalyzeInput[], options: IncrementalOptions): Promise<IncrementalOutcome> {
  const { cache, identify, tool = VERSION, onPlan, readFile, ...analyze } = options;
  const ordered = [...inputs].sort((a, b) => naturalCompare(a.display, b.display));
  const displays = ordered.map((i) => i.display);
  const finish = (partial: PartialAnalysis) => finishAnalysis(partial, { ...analyze, baseline: baselineDisplay(ordered, analyze.baseline) });
  // Looked at before reading: a file that changes while it is read is stored under the old
  // identity, which is then never asked for again.
  const ids = ordered.length && ordered.every((i) => !i.open) ? await Promise.all(ordered.map((i) => identify(i).catch(() => undefined))) : [];
  if (ordered.length === 0 || ids.length !== ordered.length || ids.some((id) => id === undefined)) {
    onPlan?.({ files: ordered.length, reused: 0 });
    return { outcome: finish(await readWhole(ordered, analyze, false)), read: displays, reused: [] };
  }
  const multiple = ordered.length > 1;
  const sizes = ids.map((id) => id!.size);
  const common = fingerprint(analyze, tool, multiple);
  const keyOf = (i: number, fields: FieldsUsed | undefined) => canonical({ ...common, file: ordered[i]!.file, display: ordered[i]!.display, ...ids[i]!, fields: fields ? readingFields(fields) : null });

  if (!multiple && sizes[0]! > STORE_MAX_FILE_BYTES) {
    onPlan?.({ files: 1, reused: 0 });
    return { outcome: finish(await readWhole(ordered, analyze, false)), read: displays, reused: [] };
  }
  if (!multiple) {
    const key = keyOf(0, undefined);
    const stored = await lookUp(cache, key);
    onPlan?.({ files: 1, reused: stored ? 1 : 0 });
    if (stored) return { outcome: finish(stored), read: [], reused: displays };
    const partial = await readWhole(ordered, analyze);
    await store(cache, key, partial);
    return { outcome: finish(partial), read: displays, reused: [] };
  }

  // The first file's fields are every file's: detected on it (as for a set), or stored with it.
  const progress = progressTracker(analyze, ordered, sizes);
  const readOne = async (i: number, key: string, how: Pick<ReadInputsOptions, 'fieldsFrom' | 'acrossFiles'>): Promise<PartialAnalysis> => {
    const input = ordered[i]!;
    if (!readFile) {
      const partial = await readInputs([input], { ...analyze, ...how, mergeable: true, onProgress: progress.of(i) });
      await store(cache, key, partial);
      return partial;
    }
    const state = await readFile({ file: input.file, display: input.display }, { ...readingOptions(analyze), ...how }, (bytes) => progress.add(i, bytes));
    await cache.set(key, { state }).catch(() => undefined);
    return partialFromState(state);
  };
  const firstKey = keyOf(0, undefined);
  const parts: (PartialAnalysis | undefined)[] = new Array(ordered.length);
  parts[0] = await lookUp(cache, firstKey);
  const read = new Set<number>();
  if (!parts[0]) {
    // Read before the others are looked up: their keys hold its fields.
    parts[0] = await readOne(0, firstKey, { acrossFiles: true });
    read.add(0);
  } else {
    progress.add(0, sizes[0]!);
  }
  const fields = parts[0].fields;
  const keys = ordered.map((_, i) => (i === 0 ? firstKey : keyOf(i, fields)));
  await Promise.all(keys.map(async (key, i) => {
    if (i > 0) parts[i] = await lookUp(cache, key);
  }));
  const missing = keys.flatMap((_, i) => (i > 0 && !parts[i] ? [i] : []));
  onPlan?.({ files: ordered.length, reused: ordered.length - missing.length - read.size });
  for (let i = 1; i < ordered.length; i++) if (parts[i]) progress.add(i, sizes[i]!);
  if (readFile) {
    // On other threads, several at once.
    const settled = await Promise.allSettled(missing.map(async (i) => {
      parts[i] = await readOne(i, keys[i]!, { fieldsFrom: fields });
    }));
    // The first file in analysis order that could not be read, whichever failed first.
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } else {
    for (const i of missing) {
      analyze.signal?.throwIfAborted();
      parts[i] = await readOne(i, keys[i]!, { fieldsFrom: fields });
    }
  }
  missing.forEach((i) => read.add(i));
  const merged = mergePartials(parts as PartialAnalysis[]);
  return { outcome: finish(merged), read: displays.filter((_, i) => read.has(i)), reused: displays.filter((_, i) => !read.has(i)) };
}

/** The options of reading a file that another thread takes (nothing that cannot be cloned). */
function readingOptions(options: AnalyzeOptions): ReadInputsOptions {
  const o: ReadInputsOptions = { ...partialSettings(options), mergeable: true };
  if (options.fields) o.fields = options.fields;
  if (options.maxFileBytes) o.maxFileBytes = options.maxFileBytes;
  if (options.rollingWindow) o.rollingWindow = options.rollingWindow;
  return o;
}

/**
 * What of the first file's fields reading another file depends on: the roles and where they
 * are, not why detection chose them or which other paths it saw (the report takes those from
 * the first file's own state).
 */
function readingFields(f: FieldsUsed): Partial<FieldsUsed> {
  const { reasons: _reasons, names: _names, ...reading } = f;
  return reading;
}

/** Everything besides the file that changes what reading it gives. */
function fingerprint(options: AnalyzeOptions, tool: string, multiple: boolean): Record<string, unknown> {
  return {
    kind: 'collapse-lens/incremental',
    tool,
    settings: partialSettings(options),
    overrides: options.fields ?? {},
    maxFileBytes: options.maxFileBytes && options.maxFileBytes > 0 ? options.maxFileBytes : 0,
    rollingWindow: options.rollingWindow ?? 100,
    acrossFiles: multiple,
  };
}

/** JSON with the members of every object in the order of their names: equal values, equal text. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/**
 * A set read in one go, as analyzeFiles reads it, keeping what storing it needs (`mergeable`).
 * Only a plain reading uses several threads (`jobs`): a file whose state is kept would be cut
 * into even byte ranges, each thread holding its range's whole state (README, Threads).
 */
function readWhole(inputs: readonly AnalyzeInput[], options: AnalyzeOptions, mergeable = true): Promise<PartialAnalysis> {
  const { jobs, analysisThread } = options;
  const reading = { ...options, mergeable };
  // readInParallel hands `reading` to readInputs when it reads on this thread.
  return !mergeable && jobs !== undefined && jobs > 1 && analysisThread ? readInParallel(inputs, { ...reading, jobs, analysisThread } as ParallelOptions) : readInputs(inputs, reading);
}

/** A stored state, or nothing when there is none or it cannot be read back. */
async function lookUp(cache: PartialCache, key: string): Promise<PartialAnalysis | undefined> {
  try {
    const stored = await cache.get(key);
    if (!stored) return undefined;
    const partial = partialFromState(stored.state);
    if (stored.rolling) {
      const series = stored.rolling;
      // Finishing asks a rolling view only for its series.
      partial.rolling = { finish: () => series } as unknown as RollingTracker;
    }
    return partial;
  } catch {
    return undefined;
  }
}

/** Stores what reading a file gave; a state that cannot be stored is read again next time. */
async function store(cache: PartialCache, key: string, partial: PartialAnalysis): Promise<void> {
  let value: CachedRead;
  try {
    value = { state: partialToState(partial, VERSION) };
    if (partial.rolling) value.rolling = partial.rolling.finish();
  } catch {
    return;
  }
  await cache.set(key, value).catch(() => undefined);
}

/**
 * The progress of a set read one file at a time or several at once: the bytes of the files
 * read so far, stored ones counted as read.
 */
function progressTracker(options: AnalyzeOptions, ordered: readonly AnalyzeInput[], sizes: readonly number[]) {
  const report = options.onProgress;
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  let done = 0;
  const add = (index: number, bytes: number) => {
    done += bytes;
    report?.({ file: ordered[index]!.display, fileIndex: index, files: ordered.length, bytes: Math.min(done, totalBytes), totalBytes, records: 0 });
  };
  return {
    add,
    /** For readInputs, whose progress counts the bytes of its file so far. */
    of(index: number): ReadInputsOptions['onProgress'] {
      let last = 0;
      return (p) => {
        add(index, p.bytes - last);
        last = p.bytes;
      };
    },
  };
}
