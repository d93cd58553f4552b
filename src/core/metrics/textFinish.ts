// The text metrics of a generation from its accumulator (textAccumulator.ts), and what other
// generations need from the baseline. Every choice here depends on the records' texts and
// positions only (samples by position keys, sums in an order fixed by the data), so an
// accumulator merged from parts gives the same numbers as one pass over the whole.
import { positionKey } from '../numeric/bottomK';
import { selfBleuOnPool } from './selfBleu';
import { ead } from './perPrompt';
import { TEXT_VENDI_SAMPLE, textVendi } from './textVendi';
import { analyzeTemplates, POS_DIVERSITY_TAGS } from './templates';
import { nearDuplicateFlags, packShingles, sortedUnique } from './nearDuplicates';
import { junctionKeys } from './textRuns';
import { truncate } from './textCounter';
import { recordId, SAMPLE_SEEDS } from './textAccumulator';
import type { PoolEntry, TextAccumulator } from './textAccumulator';
import { entropyBits } from '../numeric/stats';
import type { OwnTextMetrics, TextGroupResult } from './textState';
import type { OffThreadWork } from './offThreadWork';

export type { OwnTextMetrics, TextGroupResult, TextTemplate } from './textState';

const NEAR_DUPLICATE_THRESHOLD = 0.8;
const SELF_BLEU_N = 3;
const TOP_OUTPUTS = 10;
const RANK_FREQUENCY_POINTS = 200;
const RARE_MASS_DENOMINATOR = 10; // rare vocabulary: the lowest 1/10 of the baseline's token mass

/** What other groups need from the baseline generation. */
export interface TextBaseline {
  /**
   * The baseline's rarest types holding 10% of its token mass, with a weight each: frequency
   * classes (types with the same count) taken rarest first while they fit under the 10% line
   * (weight 1), and the class the line falls in with the fraction of its mass that fits, the
   * same weight for each of its types. No type of a class is preferred to another (the share
   * does not depend on a hash), and the baseline's own share is exactly 10%.
   */
  rareTypes: Map<string, number>;
  /** The baseline's vocabulary size (word types): V of EAD, the same for every generation. */
  vocabulary: number;
  /** Tokens in the baseline (rare_token_share is left out when 0). */
  tokens: number;
  /**
   * Outputs in the baseline's template sample and the tags in them: every generation's
   * templates are measured on at most as many outputs, and its `pos_ngram_diversity` on at
   * most as many tags (and at most 20,000). Absent: each generation on its own sample.
   */
  templateSample?: { outputs: number; tags: number };
}

/** The baseline's rare vocabulary with each type's weight (see `TextBaseline.rareTypes`), in order of count, then text. */
export function rareTypes(acc: TextAccumulator): Map<string, number> {
  const total = acc.tokenCount;
  // Frequency classes, rarest first: every type of a class counts the same.
  const byCount = new Map<number, number[]>();
  for (let id = 0; id < acc.vocab.size; id++) {
    const c = acc.typeCounts[id]!;
    let list = byCount.get(c);
    if (!list) byCount.set(c, (list = []));
    list.push(id);
  }
  const rare = new Map<string, number>();
  let texts: string[] | undefined;
  const limit = total / RARE_MASS_DENOMINATOR;
  let cumulative = 0;
  for (const count of [...byCount.keys()].sort((a, b) => a - b)) {
    const members = byCount.get(count)!;
    const mass = count * members.length;
    // A whole class fits under the 10% line; the class the line falls in counts by the
    // fraction of it that fits, the same for each of its types.
    const weight = cumulative + mass <= limit ? 1 : (limit - cumulative) / mass;
    if (weight > 0) for (const t of members.map((id) => (texts ??= acc.vocab.tokens())[id]!).sort()) rare.set(t, weight);
    cumulative += mass;
    if (cumulative >= limit) break;
  }
  return rare;
}

export function buildTextBaseline(baseline: TextAccumulator): TextBaseline {
  const tagged = baseline.taggedSample();
  let tags = 0;
  for (const t of tagged) tags += t.tags;
  const built: TextBaseline = { rareTypes: rareTypes(baseline), tokens: baseline.tokens, vocabulary: baseline.vocabularySize, templateSample: { outputs: tagged.length, tags } };
  baselineSources.set(built, baseline);
  return built;
}

/** The accumulator each baseline was built from: a generation finished early was finished against one. */
const baselineSources = new WeakMap<TextBaseline, TextAccumulator>();

/** The baselines reduced generations were finished against (built once per baseline accumulator). */
const earlyBaselines = new WeakMap<TextAccumulator, TextBaseline>();

/** The order of the text metrics in a report (and of their sample sizes). */
const METRIC_ORDER = [
  'distinct_1', 'distinct_2', 'distinct_3', 'ngram_diversity', 'compression_ratio', 'duplicate_rate', 'near_duplicate_rate', 'self_bleu',
  'ead', 'per_prompt_distinct_2', 'per_prompt_ead', 'identical_prompt_share', 'text_vendi', 'template_rate', 'pos_ngram_diversity',
  'token_entropy', 'vocabulary_size', 'rare_token_share', 'mean_length',
];

function inOrder(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of METRIC_ORDER) {
    if (k in a) out[k] = a[k]!;
    else if (k in b) out[k] = b[k]!;
  }
  return out;
}

/**
 * Reduces a generation whose records were all read to what finishing it still needs: its
 * own metrics are computed now (`ownTextMetrics`), and the tables and samples they came
 * from are let go, so that a long input holds one generation's tables at a time. The
 * metrics are the same as finishing the whole accumulator gives. Not for accumulators that
 * will merge or be stored.
 *
 * With `baseline` (the baseline generation's accumulator, already reduced) the generation is
 * finished against it now, and keeps its result only: memory then does not grow with the
 * number of generations. `finishTextMetrics` gives that result back, and refuses a baseline
 * built from another accumulator (the reading is redone when the baseline moves; builder.ts).
 * With `work`, part of the finishing may run on another thread (see `ownTextMetrics` and
 * `TextAccumulator.release`); its promises in `work.later` settle once the metrics are whole.
 */
export function reduceTextAccumulator(acc: TextAccumulator, baseline?: TextAccumulator, work?: OffThreadWork): void {
  if (acc.reduction) return;
  acc.reduction = ownTextMetrics(acc, work);
  acc.release(work);
  // The baseline is known (and reduced itself): finish now and keep the result alone; once
  // both template samples are tagged, when another thread tags them.
  if (baseline && baseline !== acc && baseline.reduction && !baseline.early) {
    const finish = () => {
      let built = earlyBaselines.get(baseline);
      if (!built) earlyBaselines.set(baseline, (built = buildTextBaseline(baseline)));
      acc.early = { source: baseline, result: finishTextMetrics(acc, built) };
      acc.releaseFinished();
    };
    const tagging = [acc.tagging, baseline.tagging].filter((t) => t !== undefined);
    if (tagging.length === 0) finish();
    else work!.later.push(Promise.all(tagging).then(finish));
  }
}

/** Every metric of the group; reads the accumulated state (or what `reduce` kept of it) and changes nothing. */
export function finishTextMetrics(acc: TextAccumulator, baseline: TextBaseline): TextGroupResult {
  if (acc.early) {
    if (baselineSources.get(baseline) !== acc.early.source) throw new Error('finishTextMetrics: the generation was finished against another baseline');
    return acc.early.result;
  }
  const own = acc.reduction ?? ownTextMetrics(acc);
  const metrics: Record<string, number> = {};
  const sampled: Record<string, number> = {};
  const result: TextGroupResult = { metrics, sampled, topOutputs: own.topOutputs, rankFrequency: own.rankFrequency };
  if (own.mostRepeatedLine !== undefined) result.mostRepeatedLine = own.mostRepeatedLine;
  if (own.standardErrors) result.standardErrors = { ...own.standardErrors };
  const records = acc.recordCount;
  const tokens = acc.tokenCount;
  if (records === 0) return result;
  const vocabulary = acc.vocab.size;

  // EAD across all outputs (n = 1..3, within records), V the baseline's vocabulary.
  const v = baseline.vocabulary;
  if (tokens > 0 && v > 0) {
    metrics.ead = (ead(vocabulary, tokens, v) + ead(own.withinDistinct2, acc.withinBigrams, v) + ead(own.withinDistinct3, acc.withinTrigrams, v)) / 3;
  }
  const perPrompt = acc.prompts?.finish(v);
  if (perPrompt) {
    metrics.per_prompt_distinct_2 = perPrompt.distinct2;
    metrics.per_prompt_ead = perPrompt.ead;
    metrics.identical_prompt_share = perPrompt.identicalShare;
    if (perPrompt.sampled) for (const k of ['per_prompt_distinct_2', 'per_prompt_ead', 'identical_prompt_share']) sampled[k] = perPrompt.prompts;
  }

  // Syntactic templates on the tagged sample, cut to the baseline's sample so that every
  // generation is measured on as many outputs and tags as the baseline (both metrics fall
  // or rise with the amount of text alone).
  {
    const all = acc.taggedSample();
    const same = baseline.templateSample;
    const used = same && same.outputs > 0 ? all.slice(0, same.outputs) : all;
    const tagLimit = Math.min(POS_DIVERSITY_TAGS, same && same.tags > 0 ? same.tags : Infinity);
    const t = analyzeTemplates(used.map((u) => u.output), { tagLimit, exampleRank: used.map((u) => u.line) });
    let tagged = 0;
    for (const u of used) tagged += u.tags;
    if (Number.isFinite(t.templateRate)) {
      metrics.template_rate = t.templateRate;
      if (used.length < records) sampled.template_rate = used.length;
    }
    if (Number.isFinite(t.posNgramDiversity)) {
      metrics.pos_ngram_diversity = t.posNgramDiversity;
      if (used.length < records || t.tags < tagged) sampled.pos_ngram_diversity = t.tags;
    }
    result.templates = t.templates.map((s) => {
      const u = used[s.example.output]!;
      return { pattern: s.pattern, count: s.count, share: s.share, example: { match: s.example.match ?? '', text: truncate(u.text), line: u.line } };
    });
  }

  if (tokens > 0 && baseline.tokens > 0) {
    // Token counts are integers, so their sums per weight are exact whatever the order.
    const byWeight = new Map<number, number>();
    const texts = acc.vocab.tokens();
    for (let id = 0; id < vocabulary; id++) {
      const w = baseline.rareTypes.get(texts[id]!);
      if (w !== undefined) byWeight.set(w, (byWeight.get(w) ?? 0) + acc.typeCounts[id]!);
    }
    let rare = 0;
    for (const w of [...byWeight.keys()].sort((a, b) => a - b)) rare += w * byWeight.get(w)!;
    metrics.rare_token_share = rare / tokens;
  }
  result.metrics = inOrder(own.metrics, metrics);
  result.sampled = inOrder(own.sampled, sampled);
  return result;
}

/**
 * The metrics of the group that the baseline plays no part in (see `OwnTextMetrics`). With
 * `work` that can compress or join elsewhere, compression_ratio's two gzip passes at level 9
 * (about 90 ms for a 1 MiB sample) and the near-duplicate join run there, and each metric is
 * NaN until its promise in `work.later` settles; it then writes its value into these metrics
 * and into the result of the generation finished early, if it was.
 */
export function ownTextMetrics(acc: TextAccumulator, work?: OffThreadWork): OwnTextMetrics {
  const metrics: Record<string, number> = {};
  const sampled: Record<string, number> = {};
  const records = acc.recordCount;
  const tokens = acc.tokenCount;
  const o = acc.o;
  const top = acc.texts.top(TOP_OUTPUTS);
  const own: OwnTextMetrics = { metrics, sampled, topOutputs: top, rankFrequency: [], withinDistinct2: 0, withinDistinct3: 0 };
  if (top.length > 0) own.mostRepeatedLine = top[0]!.line;
  if (records === 0) return own;

  // The joined text's n-grams across runs of records not yet known to meet (parts merged).
  const [j2, j3, j4] = junctionKeys(acc.allRuns());
  const bigrams = acc.bigrams.countsWith(j2);
  const trigrams = acc.trigrams.countsWith(j3);
  const fourgrams = acc.fourgrams.countsWith(j4);

  const vocabulary = acc.vocab.size;
  const within2 = acc.withinBigrams;
  const within3 = acc.withinTrigrams;
  own.withinDistinct2 = Math.min(bigrams.flaggedSize, within2);
  own.withinDistinct3 = Math.min(trigrams.flaggedSize, within3);
  metrics.distinct_1 = tokens === 0 ? 0 : vocabulary / tokens;
  // An estimate can exceed the number of n-grams it counts; the ratio cannot exceed 1.
  metrics.distinct_2 = within2 === 0 ? 0 : own.withinDistinct2 / within2;
  metrics.distinct_3 = within3 === 0 ? 0 : own.withinDistinct3 / within3;
  // When a set has moved to HyperLogLog the metric is an estimate over every n-gram; the
  // sample size reported is that total n-gram count.
  if (!bigrams.exact) sampled.distinct_2 = within2;
  if (!trigrams.exact) sampled.distinct_3 = within3;

  let diversity = tokens === 0 ? 0 : vocabulary / tokens;
  const joined = [bigrams, trigrams, fourgrams];
  let joinedTotal = tokens;
  let joinedExact = true;
  for (let k = 0; k < joined.length; k++) {
    const total = tokens - (k + 1);
    if (total <= 0) continue;
    diversity += Math.min(joined[k]!.size, total) / total;
    joinedTotal += total;
    if (!joined[k]!.exact) joinedExact = false;
  }
  metrics.ngram_diversity = diversity;
  if (!joinedExact) sampled.ngram_diversity = joinedTotal;

  // A metric computed on another thread: a placeholder holds its place (the order of a
  // report's metrics) until its value is written here and into the early result, if any.
  const later = (key: string, value: Promise<number>) => {
    metrics[key] = NaN;
    work!.later.push(
      value.then((v) => {
        metrics[key] = v;
        if (acc.early) acc.early.result.metrics[key] = v;
      }),
    );
  };

  if (acc.compression.totalBytes > 0) {
    if (work?.gzipFileSize) {
      const compression = acc.compression.ratioLater(work.gzipFileSize);
      later('compression_ratio', compression.ratio);
      if (acc.compression.sampled) sampled.compression_ratio = compression.bytes; // sample size in bytes
    } else {
      const compression = acc.compression.ratio();
      metrics.compression_ratio = compression.ratio;
      if (acc.compression.sampled) sampled.compression_ratio = compression.bytes;
    }
  }

  metrics.duplicate_rate = 1 - Math.min(acc.texts.distinct, records) / records;
  if (!acc.texts.exact) sampled.duplicate_rate = records;

  // Exact on every record up to nearDuplicateExact records (the sample holds them all);
  // above, on the nearDuplicateSample records of the smallest keys.
  let pool = acc.shinglePool.entries().map(([, e]) => e);
  if (acc.shinglePool.sampled && pool.length > o.nearDuplicateSample) pool = pool.slice(0, o.nearDuplicateSample);
  // A sample only sees partners inside the sample, which undercounts: with a fraction f
  // of the records kept, a record with one near-duplicate finds it with probability f.
  // Exact repeats are known for the whole group (the text table), so a sampled record
  // whose text occurs again anywhere counts; only non-identical partners outside the
  // sample are missed, and the sampled rate is a lower bound.
  const repeated = acc.shinglePool.sampled ? Uint8Array.from(pool, (e) => (acc.texts.count(e.text) >= 2 ? 1 : 0)) : undefined;
  const rate = (flags: Uint8Array) => {
    let flagged = 0;
    for (let i = 0; i < flags.length; i++) flagged += flags[i]! | (repeated?.[i] ?? 0);
    return flagged / pool.length;
  };
  const shingles = pool.map((e) => acc.shingleHashes.view(e.start, e.size));
  if (work?.nearDuplicateFlags) later('near_duplicate_rate', work.nearDuplicateFlags(packShingles(shingles), NEAR_DUPLICATE_THRESHOLD).then(rate));
  else metrics.near_duplicate_rate = rate(nearDuplicateFlags(shingles.map(sortedUnique), NEAR_DUPLICATE_THRESHOLD));
  if (acc.shinglePool.sampled) sampled.near_duplicate_rate = pool.length;

  // The pool in line order: its references in Texygen's order when it holds every record.
  const bleuPool = acc.bleuPool.entries().map(([, e]) => e).sort((a, b) => a.line - b.line || a.index - b.index);
  const bleu = selfBleu(acc, bleuPool);
  if (bleu) {
    metrics.self_bleu = bleu.value;
    if (bleu.sampled) sampled.self_bleu = bleu.hypotheses;
    if (bleu.se !== undefined) own.standardErrors = { self_bleu: bleu.se };
  }

  // Text Vendi (n-gram kernel) on the records of the Self-BLEU pool with the smallest keys of a hash of their own.
  {
    const picked = smallest(bleuPool, o.seed + SAMPLE_SEEDS.textVendi, TEXT_VENDI_SAMPLE);
    const texts = picked.map((e) => Array.from(acc.bleuIds.view(e.start, e.size), (id) => acc.vocab.token(id)));
    const vendi = textVendi(texts);
    if (Number.isFinite(vendi)) {
      metrics.text_vendi = vendi;
      if (picked.length < records) sampled.text_vendi = picked.length;
    }
  }

  // Sums over the types in an order fixed by the data (ascending counts), not by the ids.
  const sortedCounts = Float64Array.from(acc.typeCounts.subarray(0, vocabulary)).sort();
  if (tokens > 0) metrics.token_entropy = entropyBits(sortedCounts, tokens);
  metrics.vocabulary_size = vocabulary;
  metrics.mean_length = tokens / records;
  own.rankFrequency = rankFrequency(sortedCounts);
  return own;
}

/** The `k` entries with the smallest position keys under `seed`, in that order. */
function smallest(entries: readonly PoolEntry[], seed: number, k: number): PoolEntry[] {
  const keyed = entries.map((e) => ({ e, key: positionKey(seed, e.line, e.index) }));
  keyed.sort((a, b) => a.key - b.key);
  return keyed.slice(0, k).map((x) => x.e);
}

function selfBleu(acc: TextAccumulator, pool: PoolEntry[]): { value: number; sampled: boolean; hypotheses: number; se?: number } | undefined {
  const r = pool.length;
  if (r < 2) return undefined;
  const o = acc.o;
  // The hypotheses scored in line order, as Texygen's loop goes over the records.
  const hyps = smallest(pool, o.seed + SAMPLE_SEEDS.hypotheses, o.selfBleuHypotheses).sort((a, b) => a.line - b.line || a.index - b.index);
  const records = acc.recordCount;
  if (acc.references.exact) {
    // References are every record; hypotheses a uniform sample of them when the generation
    // is larger than the sample (its standard error, with the finite-population correction).
    const id = (e: PoolEntry) => recordId(positionKey(o.seed + SAMPLE_SEEDS.bleuPool, e.line, e.index));
    const { mean, scores } = acc.references.score(hyps.map((e) => ({ ids: acc.bleuIds.view(e.start, e.size), index: id(e) })));
    const k = hyps.length;
    const sampled = k < records;
    if (!sampled || k < 2) return { value: mean, sampled, hypotheses: k };
    let ss = 0;
    for (const x of scores) ss += (x - mean) * (x - mean);
    const se = Math.sqrt(ss / (k - 1) / k) * Math.sqrt(1 - k / records);
    return { value: mean, sampled, hypotheses: k, se };
  }
  // Past the exact references' cap: against the reference pool (a sample). A hypothesis whose
  // text occurs again in the group has an identical reference, so its BLEU is exactly 1
  // whichever references the pool kept; the others are scored against the pool only, which
  // gives lower BLEU than all records would (fewer references, fewer matches).
  const index = new Map(pool.map((e, i) => [e, i]));
  const h = hyps.map((e) => index.get(e)!);
  const repeated = acc.bleuPool.sampled ? Uint8Array.from(pool, (e) => (acc.texts.count(e.text) >= 2 ? 1 : 0)) : undefined;
  const value = selfBleuOnPool(pool.map((e) => acc.bleuIds.view(e.start, e.size)), h, SELF_BLEU_N, repeated, acc.vocab);
  return { value, sampled: acc.bleuPool.sampled || h.length < r, hypotheses: h.length };
}


/** Ranks 1..V with their frequencies (from the counts in ascending order), thinned to about 200 log-spaced ranks (always 1 and V). */
function rankFrequency(ascending: Float64Array): { rank: number; frequency: number }[] {
  const v = ascending.length;
  if (v === 0) return [];
  const ranks: number[] = [];
  if (v <= RANK_FREQUENCY_POINTS) for (let r = 1; r <= v; r++) ranks.push(r);
  else {
    const step = Math.log(v) / (RANK_FREQUENCY_POINTS - 1);
    let last = 0;
    for (let k = 0; k < RANK_FREQUENCY_POINTS; k++) {
      const r = k === RANK_FREQUENCY_POINTS - 1 ? v : Math.max(1, Math.round(Math.exp(k * step)));
      if (r > last) ranks.push(r);
      last = Math.max(last, r);
    }
  }
  return ranks.map((rank) => ({ rank, frequency: ascending[v - rank]! }));
}
