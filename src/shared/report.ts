// The report model: what the engine produces, the CLI prints as JSON, and the host and the
// webview exchange. Mirrors schemas/report.schema.json (schemaVersion 1).

export type InputFormat = 'jsonl' | 'json' | 'csv' | 'tsv';
export type Severity = 'error' | 'warning' | 'info';
export type FieldRole = 'text' | 'vector' | 'label' | 'prediction' | 'value' | 'group';

export const FIELD_ROLES: readonly FieldRole[] = ['text', 'vector', 'label', 'prediction', 'value', 'group'];

export interface Location {
  file: string;
  line: number;
  column?: number;
}

export interface InputSummary {
  file: string;
  format: InputFormat;
  compressed?: boolean;
  bytes?: number;
  records: number;
  malformed: number;
  /** First lines that failed to parse (at most 100). */
  malformedLines?: number[];
}

export type FieldRoles = Partial<Record<FieldRole, string | null>>;

export interface GroupReport {
  id: string;
  records: number;
  location: Location;
  /** Metric key (METRICS.md) to value; a metric that cannot be computed is absent. */
  metrics: Record<string, number>;
  /** Metric key to sample size, for sampled metrics. */
  sampled?: Record<string, number>;
}

export interface Trend {
  metric: string;
  mannKendallS: number;
  pValue: number;
  theilSenSlope: number;
}

export interface RelatedLocation {
  message: string;
  location: Location;
}

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  group?: string;
  metric?: string;
  baseline?: number;
  value?: number;
  location: Location;
  related?: RelatedLocation[];
}

export interface Report {
  schemaVersion: 1;
  tool: { name: 'collapse-lens'; version: string };
  inputs: InputSummary[];
  fields: FieldRoles;
  baseline?: string;
  groups: GroupReport[];
  trends?: Trend[];
  findings: Finding[];
}
