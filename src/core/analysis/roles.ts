// The roles an analysis measures, one accumulator each per generation: how a record feeds it,
// how the accumulators of two shards of the same generation merge, how it is stored in a
// partial result, and how its metrics are finished against the baseline generation. The
// driver (read.ts, builder.ts, finish.ts, partial.ts) goes through this list and never names a role, so a
// new role is one entry here and its accumulator in metrics/.
import type { GroupDetails, AnalysisResult } from '../../shared/details';
import type { DetectedFields } from '../detect';
import type { SamplingOptions } from '../options';
import { buildTextBaseline, finishTextMetrics, reduceTextAccumulator, TextAccumulator } from '../metrics/text';
import type { OffThreadWork, ReducedTextState, TextBaseline, TextGroupResult, TextState } from '../metrics/text';
import type { ReaderBatch } from '../metrics/tokenize';
import { finishVectorMetrics, projectVectors, VectorAccumulator } from '../metrics/vectors';
import type { VectorState } from '../metrics/vectors';
import { finishLabelMetrics, LabelAccumulator } from '../metrics/labels';
import type { LabelGroupResult, LabelState } from '../metrics/labels';
import { buildValueBaseline, finishValueMetrics, sharedHistogramEdges, ValueAccumulator } from '../metrics/values';
import type { ValueBaseline, ValueState } from '../metrics/values';
import type { Projected } from './project';

/** What every accumulator of one analysis is built from; two partial results merge only when theirs agree. */
export interface RoleContext {
  seed: number;
  lowercase: boolean;
  sampling: SamplingOptions;
  detected: DetectedFields;
  /** Rows the vector sample of a new generation keeps (analysis/budget.ts). */
  vectorReservoir: () => number;
  /** Keep what merging needs (a partial analysis to store or merge); a plain analysis keeps less. */
  mergeable: boolean;
}

/** The output of finishing one role for one generation. */
export interface RoleFinish {
  metrics: Record<string, number>;
  sampled: Record<string, number>;
  detail: Partial<GroupDetails>;
  text?: TextGroupResult;
  labels?: LabelGroupResult;
}

export interface RoleAnalyzer<A, S, Shared> {
  /** The key of the role in a generation's accumulators and in a partial result. */
  readonly key: RoleKey;
  /** Whether the detected fields give this role. */
  present(d: DetectedFields): boolean;
  /** A new accumulator; `previous` is the one of the generation created before (a size hint, never part of the result). */
  create(ctx: RoleContext, previous?: A): A;
  /** Feeds one projected record (already checked: a record is taken whole). */
  /** `tokens`: the texts of `rec`'s batch as the reading thread tokenized them (`rec.tokenized` says where its are). */
  add(acc: A, rec: Projected, ctx: RoleContext, tokens?: ReaderBatch): void;
  /** Records (or rows) the accumulator took; a generation with none is not finished for this role. */
  records(acc: A): number;
  merge(into: A, other: A): void;
  toState(acc: A): S;
  fromState(state: S, ctx: RoleContext): A;
  /** What finishing needs from the baseline (and from all generations), or undefined to finish nothing. */
  prepare(all: A[], baseline: A | undefined): Shared | undefined;
  finish(acc: A, shared: Shared): RoleFinish;
  /**
   * Optional: computes now what finishing can without the baseline and lets go of the rest,
   * for a generation whose records were all read (builder.ts); `finish` gives the same metrics
   * after it. Never called on accumulators that will merge or be stored. `baseline`: the
   * baseline generation's accumulator, when it is known and reduced already; a role may then
   * finish the generation now and keep only its result (`finish` must then get a baseline
   * prepared from that accumulator). `work`: what it may hand to another thread, and where it
   * leaves the promises of what it did (metrics are read once all of them have settled).
   */
  reduce?(acc: A, baseline: A | undefined, work: OffThreadWork): void;
  /** Details over all generations (the projection chart). */
  details?(all: { acc: A; id: string }[], shared: Shared | undefined): Partial<AnalysisResult['details']>;
}

export type RoleKey = 'text' | 'vectors' | 'labels' | 'values';

export interface RoleAccumulators {
  text?: TextAccumulator;
  vectors?: VectorAccumulator;
  labels?: LabelAccumulator;
  values?: ValueAccumulator;
}

/** The model's label of a record (the prediction when there is one) and the reference it is scored against. */
export function labelPair(rec: Projected, d: DetectedFields): { output: string | undefined; reference: string | undefined } {
  return d.roles.prediction ? { output: rec.prediction, reference: rec.label } : { output: rec.label, reference: undefined };
}

const text: RoleAnalyzer<TextAccumulator, TextState | ReducedTextState, TextBaseline> = {
  key: 'text',
  present: (d) => Boolean(d.roles.text),
  create: (ctx, previous) => new TextAccumulator(textOptions(ctx), previous?.tableSizes()),
  add(acc, rec, _ctx, tokens) {
    const texts = rec.texts;
    if (!texts) return;
    const k = rec.tokenized;
    if (tokens && k !== undefined) for (let j = 0; j < texts.length; j++) acc.addTokenized(texts[j]!, tokens, k + j, rec.line, rec.prompt);
    else for (const t of texts) acc.add(t, rec.line, rec.prompt);
  },
  records: (acc) => acc.records,
  merge: (into, other) => into.merge(other),
  toState: (acc) => (acc.reduction ? acc.toReducedState() : acc.toState()),
  fromState: (state, ctx) => ('reduced' in state ? TextAccumulator.fromReducedState(state, textOptions(ctx)) : TextAccumulator.fromState(state, textOptions(ctx))),
  prepare(all, baseline) {
    const base = baseline ?? all[0];
    return base ? buildTextBaseline(base) : undefined;
  },
  reduce: (acc, baseline, work) => reduceTextAccumulator(acc, baseline, work),
  finish(acc, baseline) {
    const result = finishTextMetrics(acc, baseline);
    return { metrics: result.metrics, sampled: result.sampled, detail: { rankFrequency: result.rankFrequency, topOutputs: result.topOutputs }, text: result };
  },
};

function textOptions(ctx: RoleContext) {
  return { lowercase: ctx.lowercase, seed: ctx.seed, selfBleuHypotheses: ctx.sampling.selfBleuHypotheses, nearDuplicateExact: ctx.sampling.nearDuplicateExact, mergeable: ctx.mergeable };
}

const vectors: RoleAnalyzer<VectorAccumulator, VectorState, true> = {
  key: 'vectors',
  present: (d) => Boolean(d.roles.vector),
  create(ctx) {
    const reservoir = ctx.vectorReservoir();
    return new VectorAccumulator(vectorOptions(ctx, reservoir));
  },
  add(acc, rec) {
    if (rec.vectors) for (const v of rec.vectors) acc.add(v, rec.line);
  },
  records: (acc) => acc.records,
  merge: (into, other) => into.merge(other),
  toState: (acc) => acc.toState(),
  fromState: (state, ctx) => VectorAccumulator.fromState(state, vectorOptions(ctx, ctx.sampling.vectorReservoir)),
  prepare: () => true,
  finish(acc) {
    const v = finishVectorMetrics(acc);
    return { metrics: v.metrics, sampled: v.sampled, detail: {} };
  },
  details(all) {
    const projection = projectVectors(all.map((g) => g.acc), all.map((g) => g.id));
    return projection ? { projection } : {};
  },
};

function vectorOptions(ctx: RoleContext, reservoir: number) {
  return { seed: ctx.seed, exactPairwiseLimit: Math.min(ctx.sampling.pairwiseExact, reservoir), sampledPairs: ctx.sampling.pairwisePairs, reservoir };
}

const labels: RoleAnalyzer<LabelAccumulator, LabelState, LabelAccumulator> = {
  key: 'labels',
  present: (d) => Boolean(d.roles.label || d.roles.prediction),
  create: () => new LabelAccumulator(),
  add(acc, rec, ctx) {
    const { output, reference } = labelPair(rec, ctx.detected);
    if (output !== undefined) acc.add(output, reference, rec.line);
  },
  records: (acc) => acc.records,
  merge: (into, other) => into.merge(other),
  toState: (acc) => acc.toState(),
  fromState: (state) => LabelAccumulator.fromState(state),
  prepare: (all, baseline) => (baseline && baseline.records > 0 ? baseline : all.find((a) => a.records > 0)),
  finish(acc, base) {
    const result = finishLabelMetrics(acc, base);
    return { metrics: result.metrics, sampled: {}, detail: { labelCounts: result.counts.map((c) => ({ label: c.label, count: c.count })) }, labels: result };
  },
};

interface ValueShared {
  baseline: ValueBaseline;
  edges: number[];
}

const values: RoleAnalyzer<ValueAccumulator, ValueState, ValueShared> = {
  key: 'values',
  present: (d) => Boolean(d.roles.value),
  create: (ctx) => new ValueAccumulator({ seed: ctx.seed, reservoir: ctx.sampling.valueReservoir }),
  add(acc, rec) {
    if (rec.value !== undefined) acc.add(rec.value, rec.line);
  },
  records: (acc) => acc.records,
  merge: (into, other) => into.merge(other),
  toState: (acc) => acc.toState(),
  fromState: (state, ctx) => ValueAccumulator.fromState(state, { seed: ctx.seed, reservoir: ctx.sampling.valueReservoir }),
  reduce: (acc) => acc.reduce(),
  prepare(all, baseline) {
    const base = baseline && baseline.records > 0 ? baseline : all.find((a) => a.records > 0);
    if (!base) return undefined;
    return { baseline: buildValueBaseline(base), edges: sharedHistogramEdges(all.filter((a) => a.records > 0)) };
  },
  finish(acc, shared) {
    const v = finishValueMetrics(acc, shared.baseline, shared.edges);
    return { metrics: v.metrics, sampled: v.sampled, detail: { values: v.distribution } };
  },
  details: (_all, shared) => (shared ? { valueBounds: { p01: shared.baseline.p01, p99: shared.baseline.p99 } } : {}),
};

/** Every role, in the order their metrics appear in a generation's report. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const ROLES: readonly RoleAnalyzer<any, any, any>[] = [text, vectors, labels, values];
