// Over 400 lines on purpose: one driver whose reading loop and per-generation finish share state.
// The analysis pipeline: read every input once as a stream, detect field roles on the first
// records, feed per-generation accumulators, then compute metrics, trends and findings.
// A record that parses but cannot be used (a bad vector, a group value that is no id) is
// malformed and not a record: it counts once, in `malformed` only (analysis/skipped.ts).
import { baseName, samePath, statFile } from './localDisk';
import type { AnalysisResult, GroupDetails } from '../shared/details';
import type { FieldRole, GroupReport, InputSummary, Location, Report } from '../shared/report';
import { formatBytes, SUPPORTED_DESCRIPTION } from '../shared/formats';
import { fieldRoles, readVector, DetectionError } from './detect';
import type { DetectedFields } from './detect';
import { compareGroupIds, groupIdsForFiles, naturalCompare } from './generations';
import { VectorRowBudget } from './analysis/budget';
import { chartThresholds, DEFAULT_SAMPLING, DEFAULT_THRESHOLDS } from './options';
import type { AnalyzeOptions, SamplingOptions } from './options';
import { formatFromPath, InputError, openInputRecords } from './readers/index';
import { makeProjector } from './analysis/project';
import type { Projected, ProjectedIssue, ProjectionSpec } from './analysis/project';
import { locateIssueColumns, vectorProblem } from './analysis/skipped';
import type { IssueToLocate } from './analysis/skipped';
import { projectOffThread, sampleOffThread } from './analysis/offThread';
import { detectCollection } from './analysis/collections';
import { RollingTracker } from './analysis/rolling';
import { HashSet53, lowBits } from './metrics/hashing';
import type { RecordIssue, SourceRecord } from './readers/index';
import { buildTextBaseline, finishTextMetrics, TextAccumulator, tokenize } from './metrics/text';
import type { TextGroupResult } from './metrics/text';
import { finishVectorMetrics, projectVectors, VectorAccumulator } from './metrics/vectors';
import { finishLabelMetrics, LabelAccumulator } from './metrics/labels';
import type { LabelGroupResult } from './metrics/labels';
import { buildValueBaseline, finishValueMetrics, sharedHistogramEdges, ValueAccumulator } from './metrics/values';
import { computeTrends } from './metrics/trends';
import { applyRules } from './rules';
import { verdicts } from './rules/verdict';
import type { GroupEvidence } from './rules';
import { VERSION } from './version';

export interface AnalyzeInput {
  /** File system path to read. */
  file: string;
  /** Path shown in the report: relative to the working directory or workspace folder. */
  display: string;
  /** Byte source for files that do not live on the local disk; defaults to reading `file`. */
  open?: () => AsyncIterable<Uint8Array>;
  /** Size in bytes, when already known. */
  bytes?: number;
}

export { InputError };

/** Malformed records kept with their text, for messages and diagnostics. */
export interface MalformedRecord extends RecordIssue {
  file: string;
}

interface GroupState {
  id: string;
  file: string;
  firstLine: number;
  records: number;
  /** Texts added: several per record when a record holds several outputs. */
  outputs: number;
  /** Hashes of the prompts (requests) the outputs answer, when the data says which. */
  prompts?: HashSet53;
  text?: TextAccumulator;
  vectors?: VectorAccumulator;
  labels?: LabelAccumulator;
  values?: ValueAccumulator;
}

const MAX_MALFORMED_LINES = 100;
/** Records per batch on this thread. */
const DETECT_BATCH = 256;
/** Input read for detection at most, however few records that is. */
const DETECT_MAX_BYTES = 16 * 1024 * 1024;
/** Local files at least this large are read on a second thread when `readerThread` is given (default). */
const OFF_THREAD_MIN_BYTES = 8 * 1024 * 1024;
const MAX_ISSUES_KEPT = 100;

/** The result, the malformed records found, and every field seen while detecting roles. */
export type AnalyzeOutcome = AnalysisResult & { issues: MalformedRecord[]; fieldNames: string[] };

export async function analyzeFiles(inputs: readonly AnalyzeInput[], options: AnalyzeOptions = {}): Promise<AnalyzeOutcome> {
  if (inputs.length === 0) throw new InputError('no input files were given');
  const sampling: SamplingOptions = { ...DEFAULT_SAMPLING, ...options.sampling };
  const thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const seed = options.seed ?? 42;
  const ordered = [...inputs].sort((a, b) => naturalCompare(a.display, b.display));
  const multipleFiles = ordered.length > 1;
  const fileGroupIds = groupIdsForFiles(ordered.map((i) => i.display));

  // Stat every input at once but report the first failure in the order files are analyzed, so
  // the message names the same file from run to run.
  const stats = await Promise.allSettled(ordered.map(async (input) => input.bytes ?? (input.open ? 0 : (await statOrThrow(input)).size)));
  const failed = stats.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  const sizes = stats.map((s) => (s as PromiseFulfilledResult<number>).value);
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  if (options.maxFileBytes && options.maxFileBytes > 0) {
    ordered.forEach((input, i) => {
      if (sizes[i]! > options.maxFileBytes!) {
        throw new InputError(
          `${input.display} is ${formatBytes(sizes[i]!)}, more than the ${formatBytes(options.maxFileBytes!)} limit; raise the limit (setting collapseLens.maxFileSizeMB, or --max-file-size) to analyze it`,
          undefined, undefined, input.display,
        );
      }
    });
  }

  const groups = new Map<string, GroupState>();
  const vectorBudget = new VectorRowBudget();
  const inputSummaries: InputSummary[] = [];
  const issues: MalformedRecord[] = [];
  let detected: DetectedFields | undefined;
  /** JSON documents with several arrays of records: the one analyzed (e.g. `samples`). */
  let collection: string | undefined;
  let rolling: RollingTracker | undefined;
  let bytesBefore = 0;
  let recordsSoFar = 0;

  const newGroup = (id: string, file: string, line: number): GroupState => {
    const g: GroupState = { id, file, firstLine: line, records: 0, outputs: 0 };
    const d = detected!;
    if (d.roles.text) g.text = new TextAccumulator({ lowercase: options.lowercase ?? false, seed, selfBleuHypotheses: sampling.selfBleuHypotheses, nearDuplicateExact: sampling.nearDuplicateExact });
    if (d.roles.vector) {
      const reservoir = vectorBudget.take(sampling.vectorReservoir);
      g.vectors = new VectorAccumulator({ seed, exactPairwiseLimit: Math.min(sampling.pairwiseExact, reservoir), sampledPairs: sampling.pairwisePairs, reservoir });
    }
    if (d.roles.label || d.roles.prediction) g.labels = new LabelAccumulator();
    if (d.roles.value) g.values = new ValueAccumulator({ seed, reservoir: sampling.valueReservoir });
    groups.set(id, g);
    return g;
  };

  for (let fi = 0; fi < ordered.length; fi++) {
    const input = ordered[fi]!;
    const kind = formatFromPath(input.file) ?? formatFromPath(input.display);
    if (!kind) {
      throw new InputError(
        `${input.display} has an unknown file type; Collapse Lens reads ${SUPPORTED_DESCRIPTION}`,
        undefined, undefined, input.display,
      );
    }
    const summary: InputSummary = { file: input.display, format: kind.format, compressed: kind.compressed, bytes: sizes[fi]!, records: 0, malformed: 0 };
    const malformedLines: number[] = [];
    /** Kept issues of this file whose column is the column of a value in a JSON Lines line. */
    const toLocate: IssueToLocate[] = [];
    let pending: SourceRecord[] = [];

    let project: ((rec: SourceRecord) => Projected | undefined) | undefined;
    const projection = (): ProjectionSpec => {
      const d = detected!;
      const paths: ProjectionSpec['paths'] = {};
      for (const [role, p] of Object.entries(d.paths)) if (p) paths[role as FieldRole] = p.source;
      const spec: ProjectionSpec = { paths, fileIndex: fi };
      if (d.columnVector) spec.columnVector = d.columnVector;
      if (d.variant) spec.variant = d.variant;
      if (collection !== undefined) spec.collection = collection;
      return spec;
    };
    const consume = (records: readonly Projected[]) => {
      let taken = 0;
      for (const rec of records) {
        if (rec.malformed) {
          skip(rec.line, rec.malformed);
          continue;
        }
        const gid = multipleFiles || rec.group === undefined ? fileGroupIds[fi]! : rec.group;
        const existing = groups.get(gid);
        if (rec.vectors && detected!.roles.vector) {
          // Checked before anything of the record is counted: a record is taken whole or skipped.
          const bad = vectorProblem(rec.vectors, existing?.vectors?.dimension);
          if (bad) {
            const field = detected!.columnVector ? undefined : detected!.paths.vector?.source;
            skip(rec.line, { ...bad, message: `${detected!.roles.vector}: ${bad.message}`, ...(field !== undefined ? { field } : {}) });
            continue;
          }
        }
        const g = existing ?? newGroup(gid, input.display, rec.line);
        g.records++;
        taken++;
        let tokens: string[] | undefined;
        if (g.text && rec.texts) {
          for (const t of rec.texts) {
            g.text.add(t, rec.line, rec.prompt);
            if (tokens === undefined && rolling?.tracking) tokens = tokenize(t, options.lowercase ?? false);
          }
          g.outputs += rec.texts.length;
          if (rec.prompt !== undefined) (g.prompts ??= new HashSet53(256)).addKey(rec.prompt, lowBits(rec.prompt), false);
        }
        // Checked above, so every row is taken.
        if (g.vectors && rec.vectors) for (const v of rec.vectors) g.vectors.add(v, rec.line);
        let output: string | undefined;
        let reference: string | undefined;
        if (g.labels) {
          output = detected!.roles.prediction ? rec.prediction : rec.label;
          reference = detected!.roles.prediction ? rec.label : undefined;
          if (output !== undefined) g.labels.add(output, reference, rec.line);
        }
        if (g.values && rec.value !== undefined) g.values.add(rec.value, rec.line);
        rolling?.add(rec.line, tokens, output, reference);
      }
      summary.records += taken;
      recordsSoFar += taken;
    };
    const consumeRecords = (records: readonly SourceRecord[]) => {
      project ??= makeProjector(projection());
      const out: Projected[] = [];
      for (const r of records) {
        const p = project(r);
        if (p) out.push(p);
      }
      consume(out);
    };

    /** This file's first issue, kept for its message even when earlier files filled `issues`. */
    let firstIssue: RecordIssue | undefined;
    const noteIssue = (issue: RecordIssue): MalformedRecord | undefined => {
      summary.malformed++;
      if (malformedLines.length < MAX_MALFORMED_LINES) malformedLines.push(issue.line);
      if (issues.length >= MAX_ISSUES_KEPT) {
        firstIssue ??= issue;
        return undefined;
      }
      const kept: MalformedRecord = { ...issue, file: input.display };
      issues.push(kept);
      firstIssue ??= kept;
      return kept;
    };
    /** A record that parsed but cannot be used: malformed, at column 1 until its value is located. */
    const skip = (line: number, at: ProjectedIssue) => {
      const kept = noteIssue({ line, column: 1, message: at.message });
      if (kept && at.field !== undefined && kind.format === 'jsonl') toLocate.push({ issue: kept, at });
    };

    const detectNow = () => {
      try {
        const chosen = detectCollection(pending, options.fields ?? {}, multipleFiles);
        detected = chosen.detected;
        if (chosen.collection !== undefined) {
          collection = chosen.collection;
          pending = pending.filter((r) => r.collection === collection);
        }
      } catch (e) {
        if (e instanceof DetectionError) throw new InputError(`${input.display}: ${e.message}`, undefined, undefined, input.display);
        throw e;
      }
      const r = detected.roles;
      const firstVector = r.vector ? pending.map((x) => readVector(x.value, detected!)).find((v) => v !== undefined) : undefined;
      if (firstVector) vectorBudget.dimension = firstVector.length;
      if (!r.text && !r.vector && !r.label && !r.prediction && !r.value) {
        const inputOnly = detected.reasons.text?.startsWith('no model output found');
        throw new InputError(
          inputOnly
            ? `${input.display} has no model outputs: ${detected.reasons.text!.replace(/^no model output found; /, '')} (a file of requests or a dataset without responses?); to analyze that text anyway, name it with --text-field or in the "fields" of collapselens.json`
            : `${input.display} has no field Collapse Lens can analyze (paths found: ${detected.fields.slice(0, 40).join(', ') || 'none'}); name one with --text-field, --label-field, --value-field or --vector-field (a path such as choices[*].message.content), or in the "fields" of collapselens.json${detected.closest ? `; the longest text is at ${detected.closest} (--text-field '${detected.closest}')` : ''}`,
          pending[0]?.line, undefined, input.display,
        );
      }
      if (!multipleFiles && !r.group) {
        rolling = new RollingTracker(options.rollingWindow ?? 100, r.text ? 'distinct_1' : 'simpson_diversity');
      }
    };

    const limit = options.maxFileBytes && options.maxFileBytes > 0 ? { maxDecompressedBytes: options.maxFileBytes } : {};
    const readOptions = { format: kind.format, compressed: kind.compressed, ...limit, ...(options.signal ? { signal: options.signal } : {}) };
    const progress = (bytes: number) =>
      options.onProgress?.({ file: input.display, fileIndex: fi, files: ordered.length, bytes: bytesBefore + bytes, totalBytes, records: recordsSoFar });
    try {
      // Small batches until the fields are known: a sample of wide records (long embeddings) is
      // large, and detection stops at DETECT_MAX_BYTES of input whatever the record count.
      const script = options.readerThread;
      const stall = options.readerStallMs ? { stallMs: options.readerStallMs } : {};
      // Parquet is decoded by a third-party decoder: with a reading thread, none of it runs on
      // this one, so a decoder stuck on a corrupt page is stopped (offThread.ts) instead of hanging.
      const parquetOffThread = kind.format === 'parquet' && script !== undefined && !input.open;
      const reader = (parquetOffThread ? emptyRecords() : openInputRecords(input, { ...readOptions, batchSize: DETECT_BATCH }))[Symbol.asyncIterator]();
      let eof = false;
      // Detection reads the first records here; their issues count only if this thread goes on reading.
      const early: RecordIssue[] = [];
      if (!detected && parquetOffThread) {
        const sample = await sampleOffThread(script, { file: input.file, format: kind.format, compressed: kind.compressed, ...limit, ...stall }, sampling.detectRecords, options.signal);
        pending.push(...sample.records);
        early.push(...sample.issues);
        if (pending.length > 0) detectNow();
        if (sample.eof && pending.length === 0) for (const issue of early) noteIssue(issue);
      } else if (!detected) {
        while (pending.length < sampling.detectRecords) {
          const next = await reader.next();
          if (next.done) {
            eof = true;
            break;
          }
          pending.push(...next.value.records);
          early.push(...next.value.issues);
          if (pending.length > 0 && next.value.bytes >= DETECT_MAX_BYTES) break;
        }
        if (pending.length > 0) detectNow();
      }
      if (detected && script && !input.open && (parquetOffThread || (!eof && sizes[fi]! >= (options.readerThreadMinBytes ?? OFF_THREAD_MIN_BYTES)))) {
        // A large local file: read, parse and project it on a second thread, from its start.
        await reader.return?.(undefined);
        pending = [];
        for await (const batch of projectOffThread(script, { file: input.file, format: kind.format, compressed: kind.compressed, ...limit, ...stall, spec: projection() }, options.signal)) {
          for (const issue of batch.issues) noteIssue(issue);
          consume(batch.records);
          progress(batch.bytes);
        }
      } else {
        for (const issue of early) noteIssue(issue);
        if (pending.length > 0) consumeRecords(pending);
        pending = [];
        while (!eof) {
          const next = await reader.next();
          if (next.done) break;
          for (const issue of next.value.issues) noteIssue(issue);
          if (detected) consumeRecords(next.value.records);
          progress(next.value.bytes);
        }
      }
    } catch (e) {
      if (e instanceof InputError && !e.file) throw new InputError(`${input.display} ${e.message}`, e.line, e.column, input.display);
      throw e;
    }
    if (toLocate.length) await locateIssueColumns(input, toLocate, options.signal);

    if (summary.records === 0) {
      const first = firstIssue;
      throw new InputError(
        summary.malformed > 0
          ? `${input.display}: none of its ${summary.malformed} records could be read (line ${first!.line}, column ${first!.column}: ${first!.message})`
          : kind.format === 'csv' || kind.format === 'tsv'
            ? `${input.display} has a header but no data rows`
            : `${input.display} has no records`,
        first?.line, first?.column, input.display,
      );
    }
    if (malformedLines.length) summary.malformedLines = malformedLines;
    inputSummaries.push(summary);
    bytesBefore += sizes[fi]!;
  }

  const d = detected!;
  const states = [...groups.values()];
  if (!multipleFiles && d.roles.group) {
    const cmp = compareGroupIds(states.map((g) => g.id));
    states.sort((a, b) => cmp(a.id, b.id));
  }
  const baselineIndex = findBaseline(states, options.baseline, ordered);
  const base = states[baselineIndex]!;

  const textBase = firstWith(states, base, (g) => g.text);
  const textBaseline = textBase ? buildTextBaseline(textBase) : undefined;
  const valueBase = firstWith(states, base, (g) => (g.values && g.values.records > 0 ? g.values : undefined));
  const valueBaseline = valueBase ? buildValueBaseline(valueBase) : undefined;
  const labelBase = firstWith(states, base, (g) => (g.labels && g.labels.records > 0 ? g.labels : undefined));
  const edges = valueBaseline ? sharedHistogramEdges(states.flatMap((g) => (g.values && g.values.records > 0 ? [g.values] : []))) : [];

  const groupReports: GroupReport[] = [];
  const detailGroups: GroupDetails[] = [];
  const evidence: GroupEvidence[] = [];
  for (const g of states) {
    const metrics: Record<string, number> = {};
    const sampled: Record<string, number> = {};
    const detail: GroupDetails = { id: g.id, file: g.file };
    let text: TextGroupResult | undefined;
    let labels: LabelGroupResult | undefined;
    if (g.text && textBaseline && g.text.records > 0) {
      text = finishTextMetrics(g.text, textBaseline);
      Object.assign(metrics, text.metrics);
      Object.assign(sampled, text.sampled);
      detail.rankFrequency = text.rankFrequency;
      detail.topOutputs = text.topOutputs;
    }
    if (g.vectors && g.vectors.records > 0) {
      const v = finishVectorMetrics(g.vectors);
      Object.assign(metrics, v.metrics);
      Object.assign(sampled, v.sampled);
    }
    if (g.labels && labelBase && g.labels.records > 0) {
      labels = finishLabelMetrics(g.labels, labelBase);
      Object.assign(metrics, labels.metrics);
      detail.labelCounts = labels.counts.map((c) => ({ label: c.label, count: c.count }));
    }
    if (g.values && valueBaseline && g.values.records > 0) {
      const v = finishValueMetrics(g.values, valueBaseline, edges);
      Object.assign(metrics, v.metrics);
      Object.assign(sampled, v.sampled);
      detail.values = v.distribution;
    }
    const report: GroupReport = { id: g.id, records: g.records, location: { file: g.file, line: g.firstLine }, metrics: finiteOnly(metrics) };
    if (g.text && (g.outputs !== g.records || g.prompts)) report.outputs = g.outputs;
    if (g.prompts) report.prompts = g.prompts.size;
    if (Object.keys(sampled).length) report.sampled = sampled;
    if (text?.standardErrors) report.standardErrors = text.standardErrors;
    if (text?.templates?.length) {
      report.templates = text.templates.map((t) => ({ pattern: t.pattern, count: t.count, share: t.share, example: { match: t.example.match, text: t.example.text, location: { file: g.file, line: t.example.line } } }));
    }
    groupReports.push(report);
    detailGroups.push(detail);
    evidence.push({ group: report, text, labels, file: g.file });
  }

  const trends = computeTrends(groupReports, thresholds.trendMinGenerations);
  const findings = applyRules({
    groups: evidence,
    baselineIndex,
    trends,
    thresholds,
    inputs: inputSummaries,
    issues,
    fields: d.roles,
    disabled: new Set(options.disabledRules ?? []),
    severities: options.severities ?? {},
    mode: options.findingMode ?? 'event',
  });

  const report: Report = {
    schemaVersion: 1,
    tool: { name: 'collapse-lens', version: VERSION },
    inputs: inputSummaries,
    fields: fieldRoles(d),
    fieldReasons: { ...d.reasons },
    ...(collection ? { collection } : {}),
    baseline: base.id,
    groups: groupReports,
    trends,
    findings,
  };
  report.verdicts = verdicts(report);
  const details: AnalysisResult['details'] = { groups: detailGroups, thresholds: chartThresholds(thresholds) };
  if (valueBaseline) details.valueBounds = { p01: valueBaseline.p01, p99: valueBaseline.p99 };
  const vectorStates = states.filter((g) => g.vectors && g.vectors.records > 0);
  if (vectorStates.length) {
    const projection = projectVectors(vectorStates.map((g) => g.vectors!), vectorStates.map((g) => g.id));
    if (projection) details.projection = projection;
  }
  if (rolling) {
    const series = rolling.finish();
    if (series.points.length >= 2) details.rolling = series;
  }
  return { report, details, issues, fieldNames: d.fields };
}

/** No records: the reader of a file read on another thread. */
async function* emptyRecords(): AsyncGenerator<never> {}

function finiteOnly(metrics: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) if (Number.isFinite(v)) out[k] = v;
  return out;
}

function firstWith<T>(states: GroupState[], base: GroupState, pick: (g: GroupState) => T | undefined): T | undefined {
  return pick(base) ?? states.map(pick).find((x) => x !== undefined);
}

async function statOrThrow(input: AnalyzeInput) {
  try {
    const s = await statFile(input.file);
    if (s.isDirectory()) throw new InputError(`${input.display} is a folder; name the files inside it`, undefined, undefined, input.display);
    return s;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${input.display} does not exist` : `${input.display} cannot be read (${code ?? String(e)})`, undefined, undefined, input.display);
  }
}

function findBaseline(states: GroupState[], wanted: string | undefined, inputs: readonly AnalyzeInput[]): number {
  if (wanted === undefined || wanted === '') return 0;
  let i = states.findIndex((g) => g.id === wanted || g.file === wanted);
  if (i < 0) {
    const byPath = inputs.find((x) => x.file === wanted || samePath(x.file, wanted) || baseName(x.display) === wanted);
    if (byPath) i = states.findIndex((g) => g.file === byPath.display);
  }
  if (i < 0) {
    throw new InputError(`the baseline "${wanted}" is not one of the generations (${states.map((g) => g.id).slice(0, 20).join(', ')})`);
  }
  return i;
}

export type { Location };
