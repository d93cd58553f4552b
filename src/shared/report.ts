// The report model: what the engine produces, the CLI prints as JSON, and the host and the
// webview exchange. Mirrors schemas/report.schema.json (schemaVersion 1).

export type InputFormat = 'jsonl' | 'json' | 'csv' | 'tsv' | 'parquet';
export type Severity = 'error' | 'warning' | 'info';

/** Every severity, most severe first. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** How severe: info 0, warning 1, error 2. The one order of severities (sorting, `--fail-on`). */
export const SEVERITY_ORDER: Record<Severity, number> = { info: 0, warning: 1, error: 2 };
export type FieldRole = 'text' | 'vector' | 'label' | 'prediction' | 'value' | 'group' | 'prompt';

export const FIELD_ROLES: readonly FieldRole[] = ['text', 'vector', 'label', 'prediction', 'value', 'group', 'prompt'];

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
  /** Texts analyzed, when a record may hold several outputs (`choices[*]`, `outputs[*]`). */
  outputs?: number;
  /** Distinct prompts (requests) the outputs answer, when the data says which. */
  prompts?: number;
  location: Location;
  /** Metric key (METRICS.md) to value; a metric that cannot be computed is absent. */
  metrics: Record<string, number>;
  /** Metric key to sample size, for sampled metrics. */
  sampled?: Record<string, number>;
  /** Metric key to the standard error of its estimate, for metrics averaged over a sample (self_bleu). */
  standardErrors?: Record<string, number>;
  /** Text role: the syntactic templates (of the 100 most frequent POS 4-grams) held by the most outputs tagged, most first; up to 5. */
  templates?: SyntacticTemplate[];
}

/** A syntactic template of a generation (docs/METRICS.md, `template_rate`). */
export interface SyntacticTemplate {
  /** Universal POS tags, space-separated ("DET ADJ NOUN VERB"). */
  pattern: string;
  /** Occurrences in the outputs tagged. */
  count: number;
  /** Share of the outputs tagged that hold it. */
  share: number;
  /** One output that holds it: the words the pattern matched, the output (cut to 200 characters), and where it is. */
  example: { match: string; text: string; location: Location };
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

/** One line per role: what happened to it, from its findings (or that it held). */
export interface Verdict {
  role: 'text' | 'vectors' | 'labels' | 'values';
  /** The most severe finding's severity; absent when the role held. */
  severity?: Severity;
  message: string;
}

export interface Report {
  schemaVersion: 1;
  tool: { name: 'collapse-lens'; version: string };
  inputs: InputSummary[];
  fields: FieldRoles;
  /** Why each role's path was chosen, e.g. "the assistant turns of messages". */
  fieldReasons?: Partial<Record<FieldRole, string>>;
  /** JSON: the array of records analyzed, when the document holds several (e.g. `samples`). */
  collection?: string;
  baseline?: string;
  groups: GroupReport[];
  trends?: Trend[];
  findings: Finding[];
  verdicts?: Verdict[];
}
