// Analysis options: thresholds, field overrides, sampling. One shape for the CLI flags,
// `collapselens.json`, and the extension's settings.
import type { FieldRole, Severity } from '../shared/report';
import type { ChartThresholds } from '../shared/details';

export interface RuleThresholds {
  /** diversity-drop: relative fall below the baseline for a warning (0.2 = 20%). */
  dropWarning: number;
  /** diversity-drop: relative fall below the baseline for an error. */
  dropError: number;
  /** diversity-trend: Mann-Kendall p-value below which a monotone fall is reported. */
  trendPValue: number;
  /** diversity-trend: minimum number of generations. */
  trendMinGenerations: number;
  /**
   * diversity-trend: the Theil-Sen change over the whole series must reach this share of the
   * metric's level, so a tiny but steady drift among many metrics is not reported.
   */
  trendMinChange: number;
  /** pairwise-distance-collapse: mean pairwise Euclidean distance below this is an error. */
  pairwiseDistance: number;
  /** dominant-output: share of one label/decision/text above this is a warning. */
  dominantShare: number;
  /** repeated-outputs: exact-duplicate text rate above this is a warning. */
  duplicateRate: number;
  /** tail-loss: tail share below this fraction of the baseline's is a warning. */
  tailLossRatio: number;
  /**
   * tail-loss: the loss must also be unlikely by chance: P(X ≤ observed) under the baseline's
   * tail share (binomial) below this. Small generations cannot show a lost 2% tail.
   */
  tailLossPValue: number;
  /** accuracy-below-threshold: accuracy below this is a warning. */
  accuracy: number;
  /** distribution-drift: two-sample KS p-value against the baseline below this… */
  driftPValue: number;
  /** distribution-drift: …and a Wasserstein distance of at least this many baseline standard deviations. */
  driftEffect: number;
}

export const DEFAULT_THRESHOLDS: Readonly<RuleThresholds> = Object.freeze({
  dropWarning: 0.2,
  dropError: 0.5,
  trendPValue: 0.05,
  trendMinGenerations: 4,
  trendMinChange: 0.1,
  pairwiseDistance: 0.1,
  dominantShare: 0.6,
  duplicateRate: 0.3,
  tailLossRatio: 0.25,
  tailLossPValue: 0.01,
  accuracy: 0.7,
  driftPValue: 0.01,
  driftEffect: 0.35,
});

/** The values a threshold may take, in JSON Schema's words (minimum, exclusiveMinimum, maximum, integer). */
export interface ThresholdRange {
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  integer?: boolean;
}

const SHARE: ThresholdRange = { minimum: 0, maximum: 1 };

/**
 * One list of ranges for `collapselens.json` (parseThresholds), its JSON schema and the
 * `collapseLens.rules.*` settings; a unit test holds the schema and package.json to it.
 */
export const THRESHOLD_RANGES: Readonly<Record<keyof RuleThresholds, ThresholdRange>> = Object.freeze({
  dropWarning: SHARE,
  dropError: SHARE,
  trendPValue: SHARE,
  trendMinGenerations: { minimum: 3, integer: true },
  trendMinChange: SHARE,
  pairwiseDistance: { minimum: 0 },
  dominantShare: SHARE,
  duplicateRate: SHARE,
  tailLossRatio: SHARE,
  tailLossPValue: SHARE,
  accuracy: SHARE,
  driftPValue: { exclusiveMinimum: 0, maximum: 1 },
  driftEffect: { minimum: 0 },
});

export type FieldOverrides = Partial<Record<FieldRole, string>>;

export interface SamplingOptions {
  /** Records read to detect field roles. */
  detectRecords: number;
  selfBleuHypotheses: number;
  nearDuplicateExact: number;
  pairwiseExact: number;
  pairwisePairs: number;
  vectorReservoir: number;
  valueReservoir: number;
}

export const DEFAULT_SAMPLING: Readonly<SamplingOptions> = Object.freeze({
  detectRecords: 1000,
  selfBleuHypotheses: 500,
  nearDuplicateExact: 2000,
  pairwiseExact: 5000,
  pairwisePairs: 2_000_000,
  vectorReservoir: 5000,
  valueReservoir: 1_000_000,
});

export interface AnalyzeOptions {
  fields?: FieldOverrides;
  /** Baseline generation: a file as given, or a group id. Default: the first generation. */
  baseline?: string;
  thresholds?: Partial<RuleThresholds>;
  /** Rule ids that are not applied. */
  disabledRules?: string[];
  /** `event` (default): one finding per rule and role for one collapse; `metric`: one per metric and generation. */
  findingMode?: 'event' | 'metric';
  /** Severity overrides per rule id. */
  severities?: Record<string, Severity>;
  lowercase?: boolean;
  seed?: number;
  sampling?: Partial<SamplingOptions>;
  /** Files larger than this are refused with a message (bytes; 0 = no limit). */
  maxFileBytes?: number;
  /** Window for the single-stream rolling view. */
  rollingWindow?: number;
  signal?: AbortSignal;
  onProgress?: (progress: AnalyzeProgress) => void;
  /**
   * Path of the reading-thread script (`dist/reader-thread.js`): large local files are then
   * read, parsed and projected on a second thread while this one computes the metrics.
   * Without it everything runs on the calling thread.
   */
  readerThread?: string;
  /** Smallest local file read on the second thread (bytes; default 8 MiB). */
  readerThreadMinBytes?: number;
  /** The reading thread is stopped when it sends nothing for this long (ms; default 60 s). */
  readerStallMs?: number;
  /**
   * Threads that read inputs (`--jobs`): several files, and ranges of a large JSON Lines file
   * (parallel.ts `rangePlan`), are read on up to this many analysis threads (`analysisThread`)
   * and merged; the report is the same for any number. Default 1.
   */
  jobs?: number;
  /** Path of the analysis-thread script (`dist/analysis-thread.js`), needed for `jobs` > 1. */
  analysisThread?: string;
}

export interface AnalyzeProgress {
  file: string;
  fileIndex: number;
  files: number;
  bytes: number;
  totalBytes: number;
  records: number;
}

export function chartThresholds(t: RuleThresholds): ChartThresholds {
  return {
    dropWarning: t.dropWarning,
    dropError: t.dropError,
    dominantShare: t.dominantShare,
    pairwiseDistance: t.pairwiseDistance,
    accuracy: t.accuracy,
  };
}
