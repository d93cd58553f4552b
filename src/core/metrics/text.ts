// Text metrics of METRICS.md ("Tokens" and "Text"), in two layers:
//
// 1. Reference functions on small inputs (`distinctN`, `sentenceBleu`, …), here. They follow
//    the published implementations step by step and are what the tests and the docs
//    quote: cshaib/diversity for ngram_diversity and compression_ratio, NLTK's
//    `sentence_bleu` with `SmoothingFunction().method1` for BLEU, Texygen's `SelfBleu`.
// 2. `TextAccumulator` (textAccumulator.ts, finished by textFinish.ts), which computes the
//    same numbers for one generation in a single streaming pass with bounded memory, and
//    whose state merges across parts of the input (threads, files, machines) into exactly
//    the state of the whole. On groups below the caps it gives exactly the reference
//    functions' values (the tests check this).
//
// Reference functions return NaN where the metric is not defined (no records, no tokens,
// fewer than two records for Self-BLEU); the accumulator leaves such keys out.
import { utf8Bytes } from '../bytes';
import { bleuFromPrecisions } from './selfBleu';
import { referenceGzipFileSize } from './compression';
import { entropyBits } from '../numeric/stats';

export { TextAccumulator, isWhitespaceCode } from './textAccumulator';
export { buildTextBaseline, finishTextMetrics, reduceTextAccumulator } from './textFinish';
export type { TextBaseline, TextGroupResult, TextTemplate } from './textFinish';
export type { OffThreadWork } from './offThreadWork';
export type { ReducedTextState, TextMetricOptions, TextState } from './textState';
export { nearDuplicateFlags } from './nearDuplicates';

const WHITESPACE_RUN = /\s+/u;

/** A record's tokens: split on runs of Unicode whitespace, empty strings dropped. */
export function tokenize(text: string, lowercase = false): string[] {
  const source = lowercase ? text.toLowerCase() : text;
  return source.split(WHITESPACE_RUN).filter((t) => t.length > 0);
}

// JSON of the token slice: unambiguous for any token content, which is all a reference
// implementation needs (the accumulator hashes ids instead).
function ngramKey(tokens: readonly string[], start: number, n: number): string {
  return JSON.stringify(tokens.slice(start, start + n));
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const k = ngramKey(tokens, i, n);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

/** Unique n-grams / total n-grams over the records; n-grams never cross records. 0 when there are none. */
export function distinctN(records: string[][], n: number): number {
  const seen = new Set<string>();
  let total = 0;
  for (const tokens of records) {
    for (let i = 0; i + n <= tokens.length; i++) {
      seen.add(ngramKey(tokens, i, n));
      total++;
    }
  }
  return total === 0 ? 0 : seen.size / total;
}

/**
 * `diversity.ngram_diversity_score`: the texts joined with one space (so n-grams cross
 * record boundaries), Σ_{n=1..maxN} unique / total n-grams. The reference splits the
 * joined string on single spaces; we split on whitespace runs as METRICS.md's tokens do,
 * which is the same on text without doubled or non-space whitespace. An order with no
 * n-grams adds 0 (the reference divides by zero there).
 */
export function ngramDiversityScore(texts: string[], maxN = 4): number {
  const tokens = tokenize(texts.join(' '));
  let score = 0;
  for (let n = 1; n <= maxN; n++) score += distinctN([tokens], n);
  return score;
}

/** UTF-8 bytes of the texts joined with one space / size of its gzip (level 9) file, as `diversity.compression_ratio`. */
export function compressionRatio(texts: string[]): number {
  const bytes = utf8Bytes(texts.join(' '));
  return bytes.length / referenceGzipFileSize(bytes);
}

/** 1 − distinct record texts / records (exact string equality). */
export function duplicateRate(texts: string[]): number {
  if (texts.length === 0) return NaN;
  return 1 - new Set(texts).size / texts.length;
}

// Word 3-gram shingles. A record with fewer than 3 tokens has one shingle, its whole token
// sequence (the empty sequence for an empty record): it can only be a near-duplicate of an
// identical short record, and identical short records are near-duplicates of each other.
function shingleSet(tokens: readonly string[]): Set<string> {
  if (tokens.length < 3) return new Set([JSON.stringify(tokens)]);
  const out = new Set<string>();
  for (let i = 0; i + 3 <= tokens.length; i++) out.add(ngramKey(tokens, i, 3));
  return out;
}

/** Share of records that have another record with Jaccard similarity ≥ threshold on word 3-gram shingles (exact, pairwise). */
export function nearDuplicateRate(records: string[][], threshold = 0.8): number {
  const n = records.length;
  if (n === 0) return NaN;
  const sets = records.map(shingleSet);
  const flagged = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (flagged[i] && flagged[j]) continue;
      const a = sets[i]!;
      const b = sets[j]!;
      let inter = 0;
      for (const s of a) if (b.has(s)) inter++;
      if (inter / (a.size + b.size - inter) >= threshold) flagged[i] = flagged[j] = 1;
    }
  }
  let count = 0;
  for (let i = 0; i < n; i++) count += flagged[i]!;
  return count / n;
}

/** NLTK's `closest_ref_length`: the reference length closest to the hypothesis length, ties to the shorter. */
function closestRefLength(refLengths: readonly number[], hypLen: number): number {
  let best = refLengths[0]!;
  for (const r of refLengths) {
    const d = Math.abs(r - hypLen);
    const bd = Math.abs(best - hypLen);
    if (d < bd || (d === bd && r < best)) best = r;
  }
  return best;
}


/**
 * `nltk.translate.bleu_score.sentence_bleu(references, hypothesis, weights=(1/maxN,)*maxN,
 * smoothing_function=SmoothingFunction().method1)`. Throws when there is no reference
 * (NLTK fails there too).
 */
export function sentenceBleu(references: string[][], hypothesis: string[], maxN = 4): number {
  if (references.length === 0) throw new RangeError('sentenceBleu needs at least one reference');
  const numerators = new Float64Array(maxN);
  const denominators = new Float64Array(maxN);
  for (let n = 1; n <= maxN; n++) {
    const counts = hypothesis.length >= n ? ngramCounts(hypothesis, n) : new Map<string, number>();
    const maxRef = new Map<string, number>();
    for (const ref of references) {
      const rc = ref.length >= n ? ngramCounts(ref, n) : new Map<string, number>();
      for (const g of counts.keys()) maxRef.set(g, Math.max(maxRef.get(g) ?? 0, rc.get(g) ?? 0));
    }
    let num = 0;
    let total = 0;
    for (const [g, c] of counts) {
      num += Math.min(c, maxRef.get(g)!);
      total += c;
    }
    numerators[n - 1] = num;
    denominators[n - 1] = Math.max(1, total);
  }
  const closest = closestRefLength(references.map((r) => r.length), hypothesis.length);
  return bleuFromPrecisions(numerators, denominators, hypothesis.length, closest, maxN);
}

/** Texygen's Self-BLEU: mean over records of BLEU-maxN against all other records. NaN below two records. */
export function selfBleu(records: string[][], maxN = 3): number {
  if (records.length < 2) return NaN;
  let sum = 0;
  for (let i = 0; i < records.length; i++) {
    const others = records.slice(0, i).concat(records.slice(i + 1));
    sum += sentenceBleu(others, records[i]!, maxN);
  }
  return sum / records.length;
}

/** Shannon entropy in bits of the unigram distribution. NaN without tokens. */
export function tokenEntropy(records: string[][]): number {
  const counts = new Map<string, number>();
  let total = 0;
  for (const tokens of records) {
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    total += tokens.length;
  }
  if (total === 0) return NaN;
  return entropyBits(counts.values(), total);
}

