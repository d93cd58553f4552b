// Per-prompt diversity (Kirk et al., ICLR 2024, "Understanding the Effects of RLHF on LLM
// Generalisation and Diversity"): RLHF and self-training collapse the diversity of the k
// outputs for one prompt far more than the diversity across prompts. Measured on a sample of
// prompts chosen by a seeded hash of the prompt (bottom-k), with each sampled prompt's
// outputs of the smallest positions (line, index on the line) up to a count and a token cap.
// Both depend on the data alone, not on the order or the split of the records: samples of
// parts of a generation merge (`merge`) into the sample of the whole.
//
// EAD, expectation-adjusted distinct n-grams (Liu et al., ACL 2022, "Rethinking and Refining
// the Distinct Metric"): distinct n-grams over their expectation for C n-grams drawn
// uniformly from a vocabulary of V: EAD = N / (V · (1 − ((V − 1)/V)^C)). Distinct-n falls as
// texts get longer even when they do not repeat; EAD does not. V is the baseline's vocabulary
// size (word types), the same for every generation so values compare; n = 1..3, averaged.
import { ngramHash53 } from './tokenTable';
import { positionKey } from '../numeric/bottomK';

/** Prompts kept per generation. */
export const PROMPT_SAMPLE = 1000;
/** Outputs kept per prompt. */
export const OUTPUTS_PER_PROMPT = 64;
/** Tokens kept per prompt (its first two outputs are kept whatever their length). */
export const TOKENS_PER_PROMPT = 4096;
const MAX_N = 3;

/** One output of a sampled prompt. */
export interface PromptOutput {
  line: number;
  index: number;
  ids: Int32Array;
  /** Hash of the output's text. */
  text: number;
}

interface PromptEntry {
  /** The prompt's hash. */
  prompt: number;
  /** Its sampling key. */
  key: number;
  /** By position. */
  outputs: PromptOutput[];
}

/** A PromptSample as plain data: per kept prompt, its hash and outputs; token ids as the caller encodes them. */
export interface PromptSampleState {
  threshold: number | null;
  evicted: boolean;
  prompts: { prompt: number; outputs: { line: number; index: number; ids: Int32Array; text: number }[] }[];
}

/**
 * EAD of n-grams: `distinct` n-grams out of `total`, vocabulary `v`. 0 without n-grams.
 * (1 − ((V−1)/V)^C) is computed as −expm1(C·log1p(−1/V)) so a large V keeps its precision.
 */
export function ead(distinct: number, total: number, v: number): number {
  if (total <= 0 || v <= 0) return 0;
  if (v === 1) return distinct;
  const expected = -v * Math.expm1(total * Math.log1p(-1 / v));
  return distinct / expected;
}

/** Distinct within-record n-grams of some records, and how many there are. */
function ngramStats(records: readonly Int32Array[], n: number): { distinct: number; total: number } {
  const seen = new Set<number>();
  let total = 0;
  for (const r of records) {
    for (let e = n; e <= r.length; e++) {
      seen.add(ngramHash53(r, e, n));
      total++;
    }
  }
  return { distinct: seen.size, total };
}

/** Mean over n = 1..3 of EAD on some records. */
export function meanEad(records: readonly Int32Array[], v: number): number {
  let sum = 0;
  for (let n = 1; n <= MAX_N; n++) {
    const s = ngramStats(records, n);
    sum += ead(s.distinct, s.total, v);
  }
  return sum / MAX_N;
}

export interface PerPromptResult {
  /** Prompts with at least two outputs in the sample. */
  prompts: number;
  /** Mean over those prompts of distinct-2 across the prompt's outputs. */
  distinct2: number;
  /** Mean over those prompts of EAD across the prompt's outputs. */
  ead: number;
  /** Share of those prompts whose outputs are all the same text. */
  identicalShare: number;
  /** Whether the prompts are a sample of the generation's. */
  sampled: boolean;
}

const before = (a: PromptOutput, b: PromptOutput) => a.line - b.line || a.index - b.index;

/**
 * The outputs of a bottom-k sample of a generation's prompts: the k prompts with the smallest
 * seeded hashes, each with its outputs of the smallest positions while they number at most 64
 * and hold at most `TOKENS_PER_PROMPT` tokens (the first two always).
 */
export class PromptSample {
  private readonly entries = new Map<number, PromptEntry>();
  private threshold = Infinity;
  private evicted = false;

  constructor(
    private readonly seed: number,
    private readonly k = PROMPT_SAMPLE,
  ) {}

  /** The sampling key of a prompt: a seeded hash of its hash. */
  private key(prompt: number): number {
    return positionKey(this.seed, prompt, 0x7072);
  }

  /** Adds the output at (line, index) of the prompt with this hash; `ids` is copied when kept. */
  add(prompt: number, ids: Int32Array, text: number, line = 0, index = 0): void {
    const key = this.key(prompt);
    if (key >= this.threshold) return;
    let e = this.entries.get(prompt);
    if (!e) {
      e = { prompt, key, outputs: [] };
      this.entries.set(prompt, e);
      if (this.entries.size > this.k) this.evictLargest();
      if (!this.entries.has(prompt)) return;
    }
    const out: PromptOutput = { line, index, ids, text };
    const o = e.outputs;
    // Outputs come in position order within one part of the input: append, else insert.
    if (o.length >= OUTPUTS_PER_PROMPT && before(out, o[o.length - 1]!) >= 0) return;
    out.ids = ids.slice();
    o.push(out);
    if (o.length > 1 && before(o[o.length - 2]!, out) > 0) o.sort(before);
    trimOutputs(o);
  }

  /** Adds the sample of another part of the generation (same seed and k). */
  merge(other: PromptSample, remap: (ids: Int32Array) => Int32Array): void {
    this.evicted ||= other.evicted;
    this.threshold = Math.min(this.threshold, other.threshold);
    for (const [prompt, oe] of other.entries) {
      if (oe.key >= this.threshold) continue;
      let e = this.entries.get(prompt);
      if (!e) this.entries.set(prompt, (e = { prompt, key: oe.key, outputs: [] }));
      for (const out of oe.outputs) e.outputs.push({ ...out, ids: remap(out.ids) });
      e.outputs.sort(before);
      trimOutputs(e.outputs);
    }
    while (this.entries.size > this.k) this.evictLargest();
    for (const [prompt, e] of this.entries) if (e.key >= this.threshold) this.entries.delete(prompt);
  }

  toState(encode: (ids: Int32Array) => Int32Array): PromptSampleState {
    const prompts = [...this.entries.values()]
      .sort((a, b) => a.key - b.key || a.prompt - b.prompt)
      .map((e) => ({ prompt: e.prompt, outputs: e.outputs.map((o) => ({ line: o.line, index: o.index, ids: encode(o.ids), text: o.text })) }));
    return { threshold: this.threshold === Infinity ? null : this.threshold, evicted: this.evicted, prompts };
  }

  static fromState(state: PromptSampleState, seed: number, k = PROMPT_SAMPLE): PromptSample {
    const s = new PromptSample(seed, k);
    s.threshold = state.threshold ?? Infinity;
    s.evicted = state.evicted;
    for (const p of state.prompts) s.entries.set(p.prompt, { prompt: p.prompt, key: s.key(p.prompt), outputs: p.outputs.map((o) => ({ ...o })) });
    return s;
  }

  private evictLargest(): void {
    let largest: PromptEntry | undefined;
    for (const e of this.entries.values()) if (!largest || e.key > largest.key || (e.key === largest.key && e.prompt > largest.prompt)) largest = e;
    this.entries.delete(largest!.prompt);
    this.threshold = Math.min(this.threshold, largest!.key);
    this.evicted = true;
  }

  /** Per-prompt metrics with vocabulary size `v` for EAD; undefined when no prompt has two outputs. */
  finish(v: number): PerPromptResult | undefined {
    let prompts = 0;
    let d2 = 0;
    let eadSum = 0;
    let identical = 0;
    // In hash order, so the result does not depend on the order the prompts came in.
    const entries = [...this.entries.values()].sort((a, b) => a.key - b.key || a.prompt - b.prompt);
    for (const e of entries) {
      if (e.outputs.length < 2) continue;
      prompts++;
      const records = e.outputs.map((o) => o.ids);
      const s = ngramStats(records, 2);
      d2 += s.total === 0 ? 0 : s.distinct / s.total;
      eadSum += meanEad(records, v);
      if (e.outputs.every((o) => o.text === e.outputs[0]!.text)) identical++;
    }
    if (prompts === 0) return undefined;
    return { prompts, distinct2: d2 / prompts, ead: eadSum / prompts, identicalShare: identical / prompts, sampled: this.evicted };
  }
}

/** Keeps the outputs of the smallest positions: at most 64, at most TOKENS_PER_PROMPT tokens, the first two always. */
function trimOutputs(o: PromptOutput[]): void {
  let tokens = 0;
  let keep = 0;
  while (keep < o.length && keep < OUTPUTS_PER_PROMPT) {
    tokens += o[keep]!.ids.length;
    if (keep >= 2 && tokens > TOKENS_PER_PROMPT) break;
    keep++;
  }
  o.length = keep;
}
