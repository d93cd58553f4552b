// What the charts need beyond the JSON report: distributions and samples per generation.
// Built by the engine next to the report; the report schema stays as the contract says.
import type { Report } from './report';

export interface RankFrequencyPoint {
  rank: number;
  frequency: number;
}

export interface LabelCount {
  label: string;
  count: number;
}

export interface HistogramBin {
  x0: number;
  x1: number;
  count: number;
}

export interface ValueDistribution {
  /** Bins shared by every generation (same edges), so distributions can be compared. */
  histogram: HistogramBin[];
  p01: number;
  p50: number;
  p99: number;
}

export interface RepeatedOutput {
  text: string;
  count: number;
  /** Line of the first occurrence. */
  line: number;
}

export interface GroupDetails {
  id: string;
  /** File that holds this generation (relative path as reported). */
  file: string;
  rankFrequency?: RankFrequencyPoint[];
  labelCounts?: LabelCount[];
  values?: ValueDistribution;
  topOutputs?: RepeatedOutput[];
}

export interface ProjectionPoint {
  group: string;
  line: number;
  x: number;
  y: number;
}

export interface Projection {
  points: ProjectionPoint[];
  /** Share of variance explained by the two components. */
  explained: [number, number];
}

export interface RollingPoint {
  /** 0-based record index in the stream. */
  index: number;
  line: number;
  diversity?: number;
  accuracy?: number;
}

export interface RollingSeries {
  window: number;
  /** Name of the diversity measure plotted (e.g. `distinct_1`, `top_share`). */
  diversityMetric: string;
  points: RollingPoint[];
}

/** The warning/error lines a chart shades, per metric key; a drop is relative to the baseline. */
export interface ChartThresholds {
  dropWarning: number;
  dropError: number;
  dominantShare: number;
  pairwiseDistance: number;
  accuracy: number;
}

export interface AnalysisDetails {
  groups: GroupDetails[];
  /** Baseline's 1st and 99th percentiles of the value role. */
  valueBounds?: { p01: number; p99: number };
  projection?: Projection;
  rolling?: RollingSeries;
  thresholds: ChartThresholds;
}

export interface AnalysisResult {
  report: Report;
  details: AnalysisDetails;
}

