// Syntactic templates (Shaib, Elazar, Li & Wallace, EMNLP 2024, "Detection and Measurement
// of Syntactic Templates in Generated Text"): models repeat sequences of part-of-speech
// tags far more than people do, even when the words differ, so a generation written in one
// structure with new words keeps its distinct-n while its templates take over. Following
// the reference package cshaib/diversity (`extract_patterns`, `token_patterns`,
// `template_rate`, `ngram_diversity_score`):
// - templates are the k = 100 most frequent POS n-grams (n = 4) of the outputs themselves,
//   counted within sentences, ties in order of first occurrence;
// - `template_rate` is the share of outputs that contain at least one template;
// - `pos_ngram_diversity` is `ngram_diversity_score` (Σ_{n=1..4} unique / total n-grams of
//   the joined sequence) over the tag sequence instead of the words.
// Deviations (the tagset, tokenisation, matching tags rather than surface strings, equal
// sample sizes across generations) are listed in docs/METRICS.md.
//
// Everything here works on tag sequences, so it is tested on hand-tagged input; the
// tagger lives behind posTagger.ts. `OutputSample` picks the outputs to tag.
import { positionKey } from '../numeric/bottomK';
import { PrefixSample } from '../numeric/prefixSample';
import { detach } from './tokenTable';

/** Length of a template (the reference's README and the paper use 4-grams). */
export const TEMPLATE_N = 4;
/** Templates: this many most frequent POS n-grams (the reference's `top_n`). */
export const TEMPLATE_TOP_K = 100;
/** Templates listed per generation in the report. */
export const TEMPLATES_REPORTED = 5;
/** Outputs tagged per generation at most. */
export const TEMPLATE_SAMPLE = 1000;
/** Characters of the outputs kept for tagging per generation at most (about 200,000 tokens, 0.2–0.3 s of tagging). */
export const TEMPLATE_SAMPLE_CHARS = 1_000_000;
/** Tags `pos_ngram_diversity` is computed on at most, so that generations compare (see METRICS.md). */
export const POS_DIVERSITY_TAGS = 20_000;
/** Largest order of `pos_ngram_diversity`, as `ngram_diversity_score`'s default `num_n`. */
export const POS_DIVERSITY_MAX_N = 4;

/** One sentence: its tags, and the tokens they tag when known (for examples). */
export interface TaggedSentence {
  tags: readonly string[];
  tokens?: readonly string[];
}

/** One output as the tagger saw it. */
export interface TaggedOutput {
  sentences: readonly TaggedSentence[];
}

export interface PosPattern {
  /** The tags, space-separated ("DET ADJ NOUN VERB"). */
  pattern: string;
  /** Occurrences (within sentences). */
  count: number;
}

// N-grams of tags are coded as numbers: tags get ids 1..1023 in order of first sight, and
// an n-gram is its ids in base 1024 (exact in a double up to n = 5).
const ID_BITS = 10;
const ID_BASE = 1 << ID_BITS;

class TagCoder {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];

  id(tag: string): number {
    let id = this.ids.get(tag);
    if (id === undefined) {
      if (this.names.length + 1 >= ID_BASE) throw new RangeError(`more than ${ID_BASE - 1} distinct tags`);
      this.names.push(tag);
      id = this.names.length;
      this.ids.set(tag, id);
    }
    return id;
  }

  sequence(tags: readonly string[]): Int32Array {
    const out = new Int32Array(tags.length);
    for (let i = 0; i < tags.length; i++) out[i] = this.id(tags[i]!);
    return out;
  }

  pattern(code: number, n: number): string {
    const parts: string[] = new Array(n);
    for (let i = n - 1; i >= 0; i--) {
      parts[i] = this.names[(code % ID_BASE) - 1]!;
      code = Math.floor(code / ID_BASE);
    }
    return parts.join(' ');
  }
}

function checkOrder(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n * ID_BITS > 52) throw new RangeError(`n-gram order must be an integer from 1 to ${Math.floor(52 / ID_BITS)}`);
}

/** The code of the n-gram of `ids` ending before `end`. */
function code(ids: Int32Array, end: number, n: number): number {
  let c = 0;
  for (let i = end - n; i < end; i++) c = c * ID_BASE + ids[i]!;
  return c;
}

interface Coded {
  coder: TagCoder;
  /** Per output, per sentence, the tag ids. */
  outputs: Int32Array[][];
}

function encode(outputs: readonly TaggedOutput[]): Coded {
  const coder = new TagCoder();
  return { coder, outputs: outputs.map((o) => o.sentences.map((s) => coder.sequence(s.tags))) };
}

/** Counts of the n-grams within sentences, in order of first occurrence. */
function countNgrams(coded: Coded, n: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (const sentences of coded.outputs) {
    for (const ids of sentences) {
      for (let e = n; e <= ids.length; e++) {
        const c = code(ids, e, n);
        counts.set(c, (counts.get(c) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/** The most frequent codes, most frequent first, ties in order of first occurrence (a stable sort, as the reference's `sorted`). */
function topCodes(counts: Map<number, number>, k: number): [number, number][] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, k);
}

/**
 * The `k` most frequent POS n-grams within sentences (`token_patterns(joined_pos, n,
 * top_n)` of the reference): most frequent first, ties in order of first occurrence.
 */
export function topPosNgrams(outputs: readonly TaggedOutput[], n = TEMPLATE_N, k = TEMPLATE_TOP_K): PosPattern[] {
  checkOrder(n);
  const coded = encode(outputs);
  return topCodes(countNgrams(coded, n), k).map(([c, count]) => ({ pattern: coded.coder.pattern(c, n), count }));
}

/** Whether one output holds one of the coded templates inside a sentence. */
function holdsTemplate(sentences: Int32Array[], templates: ReadonlySet<number>, n: number): boolean {
  for (const ids of sentences) for (let e = n; e <= ids.length; e++) if (templates.has(code(ids, e, n))) return true;
  return false;
}

/**
 * Share of outputs that contain at least one of `templates` (patterns as `topPosNgrams`
 * gives them) inside a sentence. 0 without templates (as the reference), NaN without outputs.
 */
export function templateRate(outputs: readonly TaggedOutput[], templates: readonly string[], n = TEMPLATE_N): number {
  checkOrder(n);
  if (outputs.length === 0) return NaN;
  const coded = encode(outputs);
  const wanted = new Set<number>();
  for (const t of templates) {
    const tags = t.split(' ');
    if (tags.length !== n) continue;
    wanted.add(code(coded.coder.sequence(tags), n, n));
  }
  if (wanted.size === 0) return 0;
  let hits = 0;
  for (const sentences of coded.outputs) if (holdsTemplate(sentences, wanted, n)) hits++;
  return hits / outputs.length;
}

/** The outputs' tags one after another (sentences and outputs joined, as the reference joins the texts), at most `limit`. */
export function joinedTags(outputs: readonly TaggedOutput[], limit = Infinity): string[] {
  const out: string[] = [];
  for (const o of outputs) {
    for (const s of o.sentences) {
      for (const t of s.tags) {
        if (out.length >= limit) return out;
        out.push(t);
      }
    }
  }
  return out;
}

/**
 * `ngram_diversity_score` over a tag sequence: Σ_{n=1..maxN} unique / total n-grams of the
 * one sequence (n-grams cross sentences and outputs, as in the reference's joined text). An
 * order with no n-grams adds 0; NaN without tags.
 */
export function posNgramDiversity(tags: readonly string[], maxN = POS_DIVERSITY_MAX_N): number {
  checkOrder(maxN);
  if (tags.length === 0) return NaN;
  const ids = new TagCoder().sequence(tags);
  let score = 0;
  for (let n = 1; n <= maxN; n++) {
    const total = ids.length - n + 1;
    if (total <= 0) continue;
    const seen = new Set<number>();
    for (let e = n; e <= ids.length; e++) seen.add(code(ids, e, n));
    score += seen.size / total;
  }
  return score;
}

/** A template of a generation, with where to see it. */
export interface TemplateStat {
  pattern: string;
  /** Occurrences in the outputs analysed. */
  count: number;
  /** Outputs that contain it. */
  outputs: number;
  /** `outputs` / outputs analysed. */
  share: number;
  /** An output that contains it (index into the outputs given), and the tokens it matched when the tokens are known. */
  example: { output: number; match?: string };
}

export interface TemplateAnalysis {
  /** Outputs analysed. */
  outputs: number;
  /** NaN without outputs. */
  templateRate: number;
  /** NaN without tags. */
  posNgramDiversity: number;
  /** Tags `posNgramDiversity` was computed on. */
  tags: number;
  /** The templates held by the most outputs, most first (ties: more occurrences first, then the more frequent template). */
  templates: TemplateStat[];
}

export interface TemplateOptions {
  n?: number;
  k?: number;
  /** Templates listed (default 5): those held by the most outputs. */
  report?: number;
  /** `pos_ngram_diversity` on the first this many tags (default all). */
  tagLimit?: number;
  /** Per output, a rank: the example of a template is the output with the lowest rank holding it (default: the first). */
  exampleRank?: readonly number[];
}

/** Templates, `template_rate` and `pos_ngram_diversity` of one generation's tagged outputs. */
export function analyzeTemplates(outputs: readonly TaggedOutput[], options: TemplateOptions = {}): TemplateAnalysis {
  const n = options.n ?? TEMPLATE_N;
  const k = options.k ?? TEMPLATE_TOP_K;
  checkOrder(n);
  const coded = encode(outputs);
  const top = topCodes(countNgrams(coded, n), k);
  const stats = top.map(([c, count]) => ({ code: c, count, outputs: 0, example: -1, rank: Infinity, sentence: -1, end: -1 }));
  const byCode = new Map(stats.map((s) => [s.code, s]));
  let hits = 0;
  coded.outputs.forEach((sentences, o) => {
    let hit = false;
    const seen = new Set<number>();
    sentences.forEach((ids, si) => {
      for (let e = n; e <= ids.length; e++) {
        const c = code(ids, e, n);
        const s = byCode.get(c);
        if (!s) continue;
        hit = true;
        if (seen.has(c)) continue;
        seen.add(c);
        s.outputs++;
        const rank = options.exampleRank?.[o] ?? o;
        if (rank < s.rank) Object.assign(s, { example: o, rank, sentence: si, end: e });
      }
    });
    if (hit) hits++;
  });
  const tags = joinedTags(outputs, options.tagLimit ?? Infinity);
  return {
    outputs: outputs.length,
    templateRate: outputs.length === 0 ? NaN : hits / outputs.length,
    posNgramDiversity: posNgramDiversity(tags),
    tags: tags.length,
    // Listed by the outputs that hold them (what a reader asks first), then by occurrences.
    templates: [...stats].sort((a, b) => b.outputs - a.outputs || b.count - a.count).slice(0, options.report ?? TEMPLATES_REPORTED).map((s) => {
      const tokens = outputs[s.example]!.sentences[s.sentence]!.tokens;
      const match = tokens?.slice(s.end - n, s.end).join(' ');
      return {
        pattern: coded.coder.pattern(s.code, n),
        count: s.count,
        outputs: s.outputs,
        share: s.outputs / outputs.length,
        example: { output: s.example, ...(match !== undefined ? { match } : {}) },
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------
// Which outputs are tagged
// ---------------------------------------------------------------------------------------

/** An output kept for tagging. */
export interface SampledOutput {
  text: string;
  line: number;
  /** Its sampling key: the sample is the outputs with the smallest keys. */
  key: number;
}

/** An OutputSample as plain data: the kept outputs, what was offered and the budget's cut. */
export interface OutputSampleState {
  seen: number;
  cut: number | null;
  items: { text: string; line: number; index: number }[];
}

/**
 * A bottom-k sample of a generation's outputs by a seeded hash of their position (the line
 * and the output's index on that line), so which outputs are kept depends on the seed and
 * the data, not on how the input was cut into batches, threads or shards: up to `k` outputs
 * and `budget` characters, the smallest keys first (a `PrefixSample`; long outputs make it
 * smaller, still uniform). Samples of parts of a generation merge into the whole's.
 */
export class OutputSample {
  private sample: PrefixSample<SampledOutput & { index: number }>;
  private lastLine = -1;
  private onLine = 0;

  constructor(
    private readonly seed: number,
    k = TEMPLATE_SAMPLE,
    private readonly budget = TEMPLATE_SAMPLE_CHARS,
  ) {
    this.sample = new PrefixSample(Math.max(1, Math.floor(k)), budget, (out) => out.text.length);
  }

  /** Outputs offered. */
  get seen(): number {
    return this.sample.seen;
  }

  /** The sampling key of the output at this position. */
  key(line: number, index: number): number {
    return positionKey(this.seed, line, index);
  }

  /** Adds the output at `line` (its `index` among the outputs of that line; by default counted from the calls with the same line). */
  add(text: string, line: number, index?: number): void {
    this.onLine = line === this.lastLine ? this.onLine + 1 : 0;
    this.lastLine = line;
    const at = index ?? this.onLine;
    const key = this.key(line, at);
    const sample = this.sample;
    if (!sample.admits(key)) {
      sample.seen++;
      return;
    }
    const kept = text.length > this.budget ? text.slice(0, this.budget) : text;
    sample.offer(key, { text: detach(kept), line, key, index: at });
  }

  /** Adds the sample of another part of the generation (same seed, k and budget). */
  merge(other: OutputSample): void {
    this.sample.merge(other.sample);
  }

  toState(): OutputSampleState {
    return { seen: this.sample.seen, cut: this.sample.cut, items: this.sample.entries().map(([, o]) => ({ text: o.text, line: o.line, index: o.index })) };
  }

  static fromState(state: OutputSampleState, seed: number, k = TEMPLATE_SAMPLE, budget = TEMPLATE_SAMPLE_CHARS): OutputSample {
    const s = new OutputSample(seed, k, budget);
    const entries = state.items.map((o) => {
      const key = s.key(o.line, o.index);
      return [key, { ...o, key }] as const;
    });
    s.sample = PrefixSample.from(Math.max(1, Math.floor(k)), budget, (out) => out.text.length, entries, state.seen, state.cut);
    return s;
  }

  /** Whether some outputs were left out. */
  get sampled(): boolean {
    return this.sample.sampled;
  }

  /** The kept outputs, smallest key first. */
  items(): SampledOutput[] {
    return this.sample.entries().map(([, item]) => ({ text: item.text, line: item.line, key: item.key }));
  }
}
