// The text role's analysis state as plain data (`TextAccumulator.toState`/`fromState`), the
// options a state is built with, and the result a generation finishes to (`TextGroupResult`).
// Large numeric arrays travel as base64 strings of typed arrays (numeric/base64.ts);
// everything else is numbers, strings, arrays and objects, so a state survives
// `JSON.parse(JSON.stringify(state))` unchanged.
import { DEFAULT_SEED } from '../random';
import type { CompressionState } from './compression';
import type { OutputSampleState } from './templates';
import type { Run } from './textRuns';
import type { PackedTaggedState } from './packedTagged';

export interface TextMetricOptions {
  /** Fold tokens to lower case (METRICS.md: off by default). Record texts, for duplicates and compression, stay as written. */
  lowercase?: boolean;
  seed?: number;
  /** Self-BLEU hypotheses: all records up to this many, else a seeded sample of this size. Default 500 (Texygen). */
  selfBleuHypotheses?: number;
  /**
   * Self-BLEU references past the exact references' cap: all records up to this many, else a
   * seeded sample of this size (which the hypotheses are drawn from). Default 5000. The pool
   * also keeps to 1M tokens, leaving out the records of the largest sampling keys.
   */
  selfBleuReferencePool?: number;
  /**
   * Near-duplicates are exact on at least this many records. Default 2000. The similarity
   * join used is exact, so in fact it is exact on every group that fits the sample below.
   */
  nearDuplicateExact?: number;
  /**
   * Near-duplicates on a seeded sample of this many records when the group is larger.
   * Default 10,000, and at most 4M shingles (long records shrink the sample).
   */
  nearDuplicateSample?: number;
  /** Compression on whole chunks of 128 consecutive lines, chosen by a seeded hash of their number, that fit this many bytes when the joined text is larger. Default 1 MiB. */
  compressionSampleBytes?: number;
  /**
   * Distinct keys an exact n-gram or record-text set may hold before it switches to
   * HyperLogLog (standard error 0.8%). Default 2^18 = 262,144, a 4 MiB table (the record
   * texts' table: 10 MiB). Exact counting past the CPU caches costs a cache miss per
   * n-gram: on 50 MB of Zipf text one pass ran at ~10 MB/s with a 2^22 cap, ~39 MB/s with
   * this default and ~50 MB/s all in HyperLogLog; and one accumulator per generation is
   * alive during a pass, so every set counts several times over.
   */
  distinctSetCap?: number;
  /**
   * Keep what merging with accumulators of other parts of the generation needs (`merge`):
   * the text of every distinct output (cut to 200 characters; a text seen once in each of
   * two parts is a repeat after they merge) and the records' runs of consecutive lines.
   * About 200–400 bytes per distinct output more. Off by default: one pass over the whole
   * input needs neither. The results do not depend on it.
   */
  mergeable?: boolean;
}

/** Options with their defaults filled in. */
export interface ResolvedTextOptions {
  lowercase: boolean;
  seed: number;
  selfBleuHypotheses: number;
  selfBleuReferencePool: number;
  nearDuplicateExact: number;
  nearDuplicateSample: number;
  compressionSampleBytes: number;
  distinctSetCap: number;
  mergeable: boolean;
}

export function resolveTextOptions(o: TextMetricOptions): ResolvedTextOptions {
  const pos = (v: number | undefined, d: number) => (v !== undefined && Number.isFinite(v) && v >= 1 ? Math.floor(v) : d);
  return {
    lowercase: o.lowercase ?? false,
    seed: o.seed ?? DEFAULT_SEED,
    selfBleuHypotheses: pos(o.selfBleuHypotheses, 500),
    selfBleuReferencePool: pos(o.selfBleuReferencePool, 5000),
    nearDuplicateExact: pos(o.nearDuplicateExact, 2000),
    nearDuplicateSample: pos(o.nearDuplicateSample, 10000),
    compressionSampleBytes: pos(o.compressionSampleBytes, 1024 * 1024),
    distinctSetCap: pos(o.distinctSetCap, 1 << 18),
    mergeable: o.mergeable ?? false,
  };
}

/** The options that differ between two resolved sets, as "name: a ≠ b" (empty when equal). */
export function optionDifferences(a: ResolvedTextOptions, b: ResolvedTextOptions): string[] {
  const out: string[] = [];
  for (const k of Object.keys(a) as (keyof ResolvedTextOptions)[]) if (a[k] !== b[k]) out.push(`${k}: ${String(a[k])} ≠ ${String(b[k])}`);
  return out;
}

/** A distinct-n-gram counter: its keys while exact (base64 of a Float64Array, negative = seen within a record), else its two HyperLogLog sketches (base64 of their registers). */
export interface DistinctState {
  keys?: string;
  all?: string;
  flagged?: string;
}

/** A sample of records with variable-length data (token ids, shingle hashes): per record [line, index on the line, text hash, length], and the data back to back. */
export interface RecordPoolState {
  seen: number;
  /** Sampling keys from this one on were left out for good (null: none). */
  cut: number | null;
  records: [number, number, number, number][];
  /** Base64 of the records' data in the order of `records` (Int32Array of token ids, or Float64Array of shingle hashes). */
  data: string;
}

/**
 * Everything a `TextAccumulator` holds for one generation, as plain JSON-serialisable data
 * (the envelope that carries it says which version of the engine wrote it). Token ids in the
 * state index `vocabulary`; hashes are 53-bit integers, exact as JSON numbers.
 */
export interface TextState {
  /** The options it was built with; states merge only with states of the same options. */
  options: ResolvedTextOptions;
  records: number;
  tokens: number;
  /** Within-record bigrams and trigrams (positions, not distinct). */
  withinBigrams: number;
  withinTrigrams: number;
  /** Word types; a type's id in this state is its index here. */
  vocabulary: string[];
  /** Base64 of a Float64Array: the occurrences of each type. */
  typeCounts: string;
  /** Joined-text n-grams of orders 2, 3 and 4. */
  bigrams: DistinctState;
  trigrams: DistinctState;
  fourgrams: DistinctState;
  /** Runs of neighbouring records whose joins are not known yet (see textRuns.ts). */
  runs: Run[];
  /** Record texts: keys, counts and first lines (base64 of Float64Array, Uint32Array, Float64Array), the texts known, the sketch past the cap. */
  texts: { keys: string; counts: string; lines: string; texts: [number, string][]; hll?: string };
  compression: CompressionState;
  /** The Self-BLEU pool (token ids). */
  bleuPool: RecordPoolState;
  /** The near-duplicate sample (unsorted shingle hashes). */
  shinglePool: RecordPoolState;
  /** Self-BLEU references: [length, records] pairs, and per order the top-two table (base64 of Int32Array, five numbers an n-gram) while exact. */
  references: { lengths: [number, number][]; records: number; tables?: string[] };
  /** The per-prompt sample (token ids as base64 of Int32Array). */
  prompts?: { threshold: number | null; evicted: boolean; prompts: { prompt: number; outputs: { line: number; index: number; ids: string; text: number }[] }[] };
  /** The outputs kept for the syntactic templates. */
  templates: OutputSampleState;
}

/**
 * The metrics of a generation that do not depend on the baseline, and what those that do
 * need: everything an accumulator keeps once it is reduced (`reduceTextAccumulator`, textFinish.ts).
 */
export interface OwnTextMetrics {
  metrics: Record<string, number>;
  sampled: Record<string, number>;
  standardErrors?: Record<string, number>;
  topOutputs: { text: string; count: number; line: number }[];
  mostRepeatedLine?: number;
  rankFrequency: { rank: number; frequency: number }[];
  /** Distinct within-record bigrams and trigrams (at most their totals), for EAD. */
  withinDistinct2: number;
  withinDistinct3: number;
}

/** The sizes an accumulator's tables grew to (see `TextAccumulator.tableSizes`). */
export interface TextTableSizes {
  vocabulary: number;
  bigrams: number;
  trigrams: number;
  fourgrams: number;
  references: number[];
}

/** The per-prompt sample as plain data (token ids as base64 of an Int32Array). */
export type PromptsState = NonNullable<TextState['prompts']>;

/**
 * What a reduced accumulator keeps (`reduceTextAccumulator`), as plain data: a generation read
 * and reduced on an analysis thread travels to the thread that finishes it this way. Not a
 * stored form (`partial` never reduces): it cannot merge.
 */
export interface ReducedTextState {
  reduced: true;
  options: ResolvedTextOptions;
  records: number;
  tokens: number;
  withinBigrams: number;
  withinTrigrams: number;
  reduction: OwnTextMetrics;
  vocabulary: string[];
  typeCounts: string;
  prompts?: PromptsState;
  tagged: PackedTaggedState;
  sizes: TextTableSizes;
}

/** A syntactic template of a generation (templates.ts), with an output that holds it. */
export interface TextTemplate {
  /** Universal POS tags, space-separated ("DET ADJ NOUN VERB"). */
  pattern: string;
  /** Occurrences in the outputs tagged. */
  count: number;
  /** Share of the outputs tagged that hold it. */
  share: number;
  /** The words it matched (the tagger's tokens, space-separated), the output (cut to 200 characters) and the output's line. */
  example: { match: string; text: string; line: number };
}

export interface TextGroupResult {
  /**
   * distinct_1, distinct_2, distinct_3, ngram_diversity, compression_ratio, duplicate_rate,
   * near_duplicate_rate, self_bleu, token_entropy, vocabulary_size, rare_token_share,
   * mean_length, template_rate, pos_ngram_diversity…; a key is absent when the metric is
   * not defined for the group (no records; self_bleu below two records; token_entropy and
   * rare_token_share without tokens; compression_ratio on an empty joined text;
   * pos_ngram_diversity without tags).
   */
  metrics: Record<string, number>;
  /**
   * Sample size of each metric computed on a sample or estimate: self_bleu → hypotheses
   * scored; near_duplicate_rate → records in the sample; compression_ratio → bytes
   * compressed; distinct_2 / distinct_3 / ngram_diversity / duplicate_rate (HyperLogLog
   * past the set cap) → the n-grams or records counted; template_rate → outputs tagged;
   * pos_ngram_diversity → tags.
   */
  sampled: Record<string, number>;
  /** Standard error of a metric computed on a sample of hypotheses (self_bleu). */
  standardErrors?: Record<string, number>;
  /** Most repeated exact record texts (count ≥ 2), up to 10, most frequent first, ties by first line; text cut to 200 characters. */
  topOutputs: { text: string; count: number; line: number }[];
  /** Token rank–frequency (rank 1 the most frequent), ~200 log-spaced ranks including 1 and the last. */
  rankFrequency: { rank: number; frequency: number }[];
  /** First line of the most repeated text, for related information. */
  mostRepeatedLine?: number;
  /** The syntactic templates held by the most outputs (up to 5), most first. */
  templates?: TextTemplate[];
}
