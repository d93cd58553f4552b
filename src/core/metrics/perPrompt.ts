// Per-prompt diversity (Kirk et al., ICLR 2024, "Understanding the Effects of RLHF on LLM
// Generalisation and Diversity"): RLHF and self-training collapse the diversity of the k
// outputs for one prompt far more than the diversity across prompts. Measured on a sample of
// prompts chosen by a seeded hash of the prompt (bottom-k), so the sample does not depend on
// the order of the records, with all outputs of each sampled prompt (up to a cap).
//
// EAD, expectation-adjusted distinct n-grams (Liu et al., ACL 2022, "Rethinking and Refining
// the Distinct Metric"): distinct n-grams over their expectation for C n-grams drawn
// uniformly from a vocabulary of V: EAD = N / (V · (1 − ((V − 1)/V)^C)). Distinct-n falls as
// texts get longer even when they do not repeat; EAD does not. V is the baseline's vocabulary
// size (word types), the same for every generation so values compare; n = 1..3, averaged.
import { fmix32, lowBits, ngramHash53 } from './hashing';

/** Prompts kept per generation. */
export const PROMPT_SAMPLE = 1000;
/** Outputs kept per prompt. */
export const OUTPUTS_PER_PROMPT = 64;
/** Tokens kept over all sampled prompts. */
const TOKEN_BUDGET = 2_000_000;
const MAX_N = 3;

interface PromptEntry {
  hash: number;
  outputs: Int32Array[];
  texts: number[];
  tokens: number;
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

/** The outputs of a bottom-k sample of a generation's prompts. */
export class PromptSample {
  private readonly entries = new Map<number, PromptEntry>();
  private threshold = Infinity;
  private tokens = 0;
  private evicted = false;

  constructor(
    private readonly seed: number,
    private readonly k = PROMPT_SAMPLE,
  ) {}

  /** The sampling key of a prompt: a seeded mix of its hash. */
  private key(prompt: number): number {
    return fmix32(lowBits(prompt) ^ Math.imul(this.seed | 0, 0x9e3779b1)) >>> 0;
  }

  add(prompt: number, ids: Int32Array, text: number): void {
    const key = this.key(prompt);
    if (key > this.threshold) return;
    let e = this.entries.get(key);
    if (!e) {
      e = { hash: key, outputs: [], texts: [], tokens: 0 };
      this.entries.set(key, e);
      if (this.entries.size > this.k) this.evictLargest();
      if (!this.entries.has(key)) return;
    }
    if (e.outputs.length >= OUTPUTS_PER_PROMPT) return;
    e.outputs.push(ids.slice());
    e.texts.push(text);
    e.tokens += ids.length;
    this.tokens += ids.length;
    while (this.tokens > TOKEN_BUDGET && this.entries.size > 1) this.evictLargest();
  }

  private evictLargest(): void {
    let largest = -1;
    for (const key of this.entries.keys()) if (key > largest) largest = key;
    const e = this.entries.get(largest)!;
    this.tokens -= e.tokens;
    this.entries.delete(largest);
    this.threshold = Math.min(this.threshold, largest - 1);
    this.evicted = true;
  }

  /** Per-prompt metrics with vocabulary size `v` for EAD; undefined when no prompt has two outputs. */
  finish(v: number): PerPromptResult | undefined {
    let prompts = 0;
    let d2 = 0;
    let eadSum = 0;
    let identical = 0;
    // In hash order, so the result does not depend on the order the prompts came in.
    const keys = [...this.entries.keys()].sort((a, b) => a - b);
    for (const key of keys) {
      const e = this.entries.get(key)!;
      if (e.outputs.length < 2) continue;
      prompts++;
      const s = ngramStats(e.outputs, 2);
      d2 += s.total === 0 ? 0 : s.distinct / s.total;
      eadSum += meanEad(e.outputs, v);
      if (e.texts.every((t) => t === e.texts[0])) identical++;
    }
    if (prompts === 0) return undefined;
    return { prompts, distinct2: d2 / prompts, ead: eadSum / prompts, identicalShare: identical / prompts, sampled: this.evicted };
  }
}
