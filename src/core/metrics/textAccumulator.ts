// Over 400 lines: the streaming pass over a generation's records, the merge of two parts of it, its state and its release once reduced, which share every field; the metrics computed from it live in textFinish.ts.
// `TextAccumulator`: the text metrics of one generation in a single streaming pass with
// bounded memory. Tokens are interned to ids (for speed) but every hash the metrics count is a
// function of the tokens' texts (TokenTable's words), n-grams are counted in typed-array sets
// (HyperLogLog past a cap), and the quadratic metrics run on samples chosen by a seeded hash
// of each record's position (line, and index among the outputs of that line). So what an
// accumulator holds depends on which records it saw, not on their order: accumulators of
// parts of a generation merge (`merge`, or `toState`/`fromState` across threads and machines)
// into the accumulator of the whole, and the metrics computed from it are the same numbers.
import { positionKey } from '../numeric/bottomK';
import { PrefixSample } from '../numeric/prefixSample';
import { encodeBase64, float64FromBase64, int32FromBase64, uint32FromBase64, uint8FromBase64 } from '../numeric/base64';
import { SelfBleuReferences, SELF_BLEU_EXACT_NGRAMS } from './selfBleu';
import { PromptSample, PROMPT_SAMPLE } from './perPrompt';
import { OutputSample, TEMPLATE_SAMPLE, TEMPLATE_SAMPLE_CHARS } from './templates';
import type { TaggedOutput } from './templates';
import { tagTexts } from './posTagger';
import { CompressionSample } from './compression';
import { TextCounter, truncate } from './textCounter';
import { SliceArena } from '../numeric/sliceArena';
import { packedFromState, packedToState, packTagged, unpackTagged, withOutputs } from './packedTagged';
import type { PackedTagged } from './packedTagged';
import type { OffThreadWork } from './offThreadWork';
import { follows, joinNeighbours } from './textRuns';
import type { Run } from './textRuns';
import { optionDifferences, resolveTextOptions } from './textState';
import type { DistinctState, OwnTextMetrics, PromptsState, RecordPoolState, ReducedTextState, ResolvedTextOptions, TextGroupResult, TextMetricOptions, TextState, TextTableSizes } from './textState';

export type { TextTableSizes } from './textState';
import { DistinctCounter } from '../numeric/hyperLogLog';
import { fmix32, join53, LANE_HI, LANE_LO, lowBits, mixWord, rotl } from '../numeric/hash53';
import { TokenTable } from './tokenTable';
import type { TypeList } from './tokenTable';
import { scanTokens } from './tokenize';
import type { ReaderBatch, ReaderVocabulary, TokenScratch } from './tokenize';
import type { DistinctCounterState } from '../numeric/hyperLogLog';
import { grownF64 as growF64, grownI32 as growI32 } from '../numeric/grow';

const SELF_BLEU_N = 3;

/**
 * Budgets of the quadratic metrics' samples: 4 MiB of token ids (Self-BLEU's finish then
 * builds n-gram tables of up to ~40 MiB, about a second), 32 MiB of shingle hashes. With
 * records of ~150 tokens neither budget binds at the default sample sizes.
 */
const SELF_BLEU_TOKEN_BUDGET = 1_000_000;
const NEAR_DUPLICATE_SHINGLE_BUDGET = 4_000_000;

/** Seeds of the position hashes, one per sample, so that the samples are independent. */
export const SAMPLE_SEEDS = { compression: 0, bleuPool: 1, shinglePool: 2, hypotheses: 3, textVendi: 5, templates: 6, prompts: 8 } as const;

export { isWhitespaceCode } from './tokenize';

/** The id Self-BLEU tells a record apart by: 32 bits of its Self-BLEU sampling key (a hash of its position). */
export function recordId(bleuKey: number): number {
  return lowBits(bleuKey) | 0;
}

/** A record of the Self-BLEU pool or the near-duplicate sample: its data's place in the arena, its text's hash and its position. */
export interface PoolEntry {
  start: number;
  size: number;
  text: number;
  line: number;
  index: number;
  /** Data waiting to be copied into the arena (after a merge). */
  pending?: Int32Array | Float64Array;
}

/** Streaming text metrics of one generation. */
export class TextAccumulator {
  /** @internal */ readonly o: ResolvedTextOptions;
  /** @internal */ recordCount = 0;
  /** @internal */ tokenCount = 0;

  // Vocabulary: token → id in order of first occurrence, with counts by id.
  /** @internal */ vocab: TokenTable = new TokenTable();
  /** @internal Counts by id: doubles while records come, 32-bit once reduced when every count fits (see release). */
  typeCounts: Float64Array | Uint32Array = new Float64Array(1024);

  // Joined-text n-grams of order 2..4 (order 1 is the vocabulary). The flag marks n-grams
  // inside one record, so the same table also gives distinct_2 and distinct_3.
  /** @internal */ bigrams: DistinctCounter;
  /** @internal */ trigrams: DistinctCounter;
  /** @internal */ fourgrams: DistinctCounter;
  private w1 = 0; // the last three token ids of the current run, w3 the newest
  private w2 = 0;
  private w3 = 0;
  /** @internal */ withinBigrams = 0;
  /** @internal */ withinTrigrams = 0;
  /** Runs of neighbouring records before the current one (textRuns.ts). */
  private runs: Run[] = [];
  /** The run the last record belongs to; its tail is in w1..w3. */
  private current: Run | undefined;
  private lastLine = NaN;
  private onLine = 0;

  /** @internal */ texts: TextCounter;
  /** @internal */ compression: CompressionSample;
  /** @internal */ bleuPool: PrefixSample<PoolEntry>;
  /** @internal Outputs of a sample of prompts, when outputs come with their prompt. */ prompts: PromptSample | undefined;
  /** @internal Every record as a Self-BLEU reference, exact until its cap (see selfBleu.ts). */ references: SelfBleuReferences;
  /** @internal */ shinglePool: PrefixSample<PoolEntry>;
  /** @internal */ bleuIds = new SliceArena<Int32Array>((n) => new Int32Array(n));
  /** @internal */ shingleHashes = new SliceArena<Float64Array>((n) => new Float64Array(n));
  /**
   * @internal Set by `reduceTextAccumulator` (textFinish.ts): the metrics that do not depend on
   * the baseline, computed once the generation's records were all read; what they were
   * computed from is let go (`release`), and the accumulator takes no more records.
   */
  reduction: OwnTextMetrics | undefined;
  /**
   * @internal Set by `reduceTextAccumulator` when the baseline was known as the generation was
   * reduced: its whole result against that baseline (`source`, the baseline's accumulator), so
   * that it keeps nothing else (`releaseFinished`).
   */
  early: { source: TextAccumulator; result: TextGroupResult } | undefined;
  private releasedSizes: TextTableSizes | undefined;
  /** @internal Outputs tagged for the syntactic templates (templates.ts); their tags once tagged below. */ templateSample: OutputSample;
  private tagged: { output: TaggedOutput; text: string; line: number; tags: number }[] | undefined;
  /** The tagged sample of a reduced accumulator, packed (`packTagged`). */
  private packed: PackedTagged | undefined;
  /** By the reading thread's id: this generation's id + 1 (0: not seen yet), for `addTokenized`; ids of `readerVocabulary` at `readerVersion`. */
  private readerIds: Int32Array | undefined;
  private readerVocabulary: ReaderVocabulary | undefined;
  private readerVersion = -1;
  /** @internal Set while the template sample is tagged on another thread (`release`); cleared once `packed` holds it. */
  tagging: Promise<void> | undefined;

  // Scratch for the record being added.
  private readonly scratch: TokenScratch = { ids: new Int32Array(0), key: 0 };
  private keepShingles = false;
  private ids: Int32Array = new Int32Array(256);
  private shingles: Float64Array = new Float64Array(256);

  /**
   * `sizes`: the table sizes of a generation read before (`tableSizes`), so that tables that
   * will grow as large start at that size instead of doubling their way there. It changes
   * nothing in the results, only the time spent growing.
   */
  constructor(options: TextMetricOptions = {}, sizes?: TextTableSizes) {
    this.o = resolveTextOptions(options);
    const cap = this.o.distinctSetCap;
    const at = (n: number | undefined) => Math.max(1024, Math.min(n ?? 0, cap));
    this.bigrams = new DistinctCounter(cap, at(sizes?.bigrams));
    this.trigrams = new DistinctCounter(cap, at(sizes?.trigrams));
    this.fourgrams = new DistinctCounter(cap, at(sizes?.fourgrams));
    if (sizes) {
      this.vocab = new TokenTable(at(sizes.vocabulary));
      this.typeCounts = new Float64Array(at(sizes.vocabulary));
    }
    this.texts = new TextCounter(cap, this.o.mergeable);
    const seed = this.o.seed;
    this.compression = new CompressionSample(this.o.compressionSampleBytes, seed + SAMPLE_SEEDS.compression);
    this.bleuPool = new PrefixSample<PoolEntry>(this.o.selfBleuReferencePool, SELF_BLEU_TOKEN_BUDGET, (e) => e.size);
    this.shinglePool = new PrefixSample<PoolEntry>(Math.max(this.o.nearDuplicateSample, this.o.nearDuplicateExact), NEAR_DUPLICATE_SHINGLE_BUDGET, (e) => e.size);
    // The tables' counts are the vocabulary and the streaming sets' n-grams inside records
    // (the same keys), so the references can wait to see whether they pass their cap.
    this.references = new SelfBleuReferences(SELF_BLEU_N, SELF_BLEU_EXACT_NGRAMS, this.vocab, sizes?.references, (n) => this.distinctWithin(n));
    this.templateSample = new OutputSample(seed + SAMPLE_SEEDS.templates);
  }

  /**
   * Distinct n-grams of order `n` (1 to 3) inside records, as Self-BLEU's tables key them
   * (`localCounts`: the tokens' words rotated by distance from the end, as `token` keys the
   * streaming sets), or NaN once the set counting them is a sketch. Order 1 counts types by
   * their text, the tables by their 53-bit key: they differ only if two types share a key.
   */
  private distinctWithin(n: number): number {
    if (n === 1) return this.vocab.size;
    const set = n === 2 ? this.bigrams : this.trigrams;
    return set.exact ? set.flaggedSize : NaN;
  }

  /** The sizes its tables grew to (kept through `release`): a hint for the next generation's accumulator. */
  tableSizes(): TextTableSizes {
    return this.releasedSizes ?? { vocabulary: this.vocab.size, bigrams: this.bigrams.sizeHint, trigrams: this.trigrams.sizeHint, fourgrams: this.fourgrams.sizeHint, references: this.references.sizes() };
  }

  get records(): number {
    return this.recordCount;
  }

  /** Word types seen. */
  get vocabularySize(): number {
    return this.vocab.size;
  }

  get tokens(): number {
    return this.tokenCount;
  }

  /**
   * Adds one output: `line` is its line, `index` its place among the outputs of that line
   * (by default counted from consecutive calls with the same line); `prompt` (a hash of the
   * prompt or request it answers) puts it in the per-prompt sample.
   */
  add(text: string, line: number, prompt?: number, index?: number): void {
    this.checkOpen();
    const out = this.scratch;
    out.ids = this.ids;
    const len = scanTokens(this.vocab, text, this.o.lowercase, out);
    this.ids = out.ids;
    this.take(text, line, prompt, index, len, out.key);
  }

  /**
   * Adds one output tokenized on the reading thread (tokenize.ts), text `k` of `from`: its ids
   * there are mapped to this accumulator's, each type interned from the mirror the first time
   * this generation sees it, which gives the same table, ids and key as `add` of its text.
   */
  addTokenized(text: string, from: ReaderBatch, k: number, line: number, prompt?: number, index?: number): void {
    this.checkOpen();
    const vocabulary = from.vocabulary;
    const batch = from.texts;
    let map = this.readerIds;
    if (map === undefined || this.readerVersion !== vocabulary.version || this.readerVocabulary !== vocabulary) {
      map = this.readerIds = new Int32Array(Math.max(1024, vocabulary.size));
      this.readerVocabulary = vocabulary;
      this.readerVersion = vocabulary.version;
    } else if (map.length < vocabulary.size) map = this.readerIds = growI32(map, vocabulary.size);
    const first = k === 0 ? 0 : batch.ends[k - 1]!;
    const len = batch.ends[k]! - first;
    if (len > this.ids.length) this.ids = growI32(this.ids, len);
    const ids = this.ids;
    const theirs = batch.ids;
    const vocab = this.vocab;
    let types: TypeList | undefined;
    for (let j = 0; j < len; j++) {
      const g = theirs[first + j]!;
      let id = map[g]! - 1;
      if (id < 0) {
        id = vocab.internFrom((types ??= vocabulary.types), g);
        map[g] = id + 1;
      }
      ids[j] = id;
    }
    this.take(text, line, prompt, index, len, batch.keys[k]!);
  }

  private checkOpen(): void {
    if (this.reduction) throw new Error('TextAccumulator.add: the accumulator was reduced; it takes no more records');
  }

  /** The rest of adding a record whose `len` token ids are in `this.ids`, `textKey` its key. */
  private take(text: string, line: number, prompt: number | undefined, index: number | undefined, len: number, textKey: number): void {
    const at = index ?? (line === this.lastLine ? this.onLine + 1 : 0);
    this.lastLine = line;
    this.onLine = at;
    this.recordCount++;
    const seed = this.o.seed;
    this.compression.add(text, line, at);
    this.templateSample.add(text, line, at);
    // The samples decide from the position alone, before the record is read, so shingles
    // are only kept for records that enter the sample.
    const bleuKey = positionKey(seed + SAMPLE_SEEDS.bleuPool, line, at);
    const keepBleu = this.bleuPool.admits(bleuKey);
    const shingleKey = positionKey(seed + SAMPLE_SEEDS.shinglePool, line, at);
    this.keepShingles = this.shinglePool.admits(shingleKey);

    let run = this.current;
    if (run === undefined || (this.o.mergeable && !follows(run.lastLine, run.lastIndex, line, at))) run = this.startRun(line, at);

    if (len > this.shingles.length) this.shingles = growF64(this.shingles, len);
    const vocab = this.vocab;
    if (vocab.size > this.typeCounts.length) this.typeCounts = growF64(this.typeCounts as Float64Array, vocab.size);
    const counts = this.typeCounts;
    const tokenIds = this.ids;
    const before = run.tokens;
    for (let j = 0; j < len; j++) {
      const id = tokenIds[j]!;
      counts[id]!++;
      this.token(id, j, before);
    }
    if (run.tokens < 3) for (let j = 0; j < len && run.head.length < 6; j++) run.head.push(vocab.laneHi[this.ids[j]!]!, vocab.laneLo[this.ids[j]!]!);
    run.tokens += len;
    run.lastLine = line;
    run.lastIndex = at;
    this.tokenCount += len;
    const ids = this.ids.subarray(0, len);
    this.references.add(ids, recordId(bleuKey));
    if (len >= 2) this.withinBigrams += len - 1;
    if (len >= 3) this.withinTrigrams += len - 2;
    this.texts.add(textKey, line, text);
    if (prompt !== undefined) (this.prompts ??= new PromptSample(seed + SAMPLE_SEEDS.prompts, PROMPT_SAMPLE)).add(prompt, ids, textKey, line, at);

    // The entry goes into the sample before its slice is copied, so that the arena's
    // compaction already leaves out the item it pushes out.
    if (keepBleu) {
      const entry: PoolEntry = { start: -1, size: len, text: textKey, line, index: at };
      if (this.bleuPool.offer(bleuKey, entry)) entry.start = this.bleuIds.append(ids, this.bleuPool.items());
    } else this.bleuPool.seen++;
    if (this.keepShingles) {
      const shingles = this.recordShingles(len);
      const entry: PoolEntry = { start: -1, size: shingles.length, text: textKey, line, index: at };
      if (this.shinglePool.offer(shingleKey, entry)) entry.start = this.shingleHashes.append(shingles, this.shinglePool.items());
    } else this.shinglePool.seen++;
  }

  /**
   * @internal Lets go of everything but what the baseline-dependent metrics need (the
   * vocabulary with its counts, the per-prompt sample and the tagged template sample),
   * once `reduction` holds the rest. With `work` that can tag elsewhere, the template sample
   * is tagged there: `tagging` is set until its answer is packed, and pushed to `work.later`.
   */
  release(work?: OffThreadWork): void {
    this.releasedSizes = this.tableSizes();
    // Tagged now, and packed; a tagged output's text is only shown cut (an example of its template).
    const items = this.templateSample.items();
    if (work?.tagTexts && !this.tagged && items.length > 0) {
      const outputs = items.map((item) => ({ text: truncate(item.text), line: item.line }));
      this.tagging = work.tagTexts(items.map((item) => item.text)).then((tags) => {
        this.packed = withOutputs(tags, outputs);
        this.tagging = undefined;
      });
      work.later.push(this.tagging);
    } else this.packed = packTagged(this.taggedSample().map((t) => ({ ...t, text: truncate(t.text) })));
    this.tagged = undefined;
    this.templateSample = new OutputSample(this.o.seed + SAMPLE_SEEDS.templates);
    const cap = this.o.distinctSetCap;
    this.references = new SelfBleuReferences(SELF_BLEU_N, 0);
    this.bigrams = new DistinctCounter(cap, 16);
    this.trigrams = new DistinctCounter(cap, 16);
    this.fourgrams = new DistinctCounter(cap, 16);
    this.texts = new TextCounter(cap, this.o.mergeable);
    this.compression = new CompressionSample(this.o.compressionSampleBytes, this.o.seed + SAMPLE_SEEDS.compression);
    this.bleuPool = new PrefixSample<PoolEntry>(this.o.selfBleuReferencePool, SELF_BLEU_TOKEN_BUDGET, (e) => e.size);
    this.shinglePool = new PrefixSample<PoolEntry>(Math.max(this.o.nearDuplicateSample, this.o.nearDuplicateExact), NEAR_DUPLICATE_SHINGLE_BUDGET, (e) => e.size);
    this.bleuIds = new SliceArena<Int32Array>((n) => new Int32Array(n), 0);
    this.shingleHashes = new SliceArena<Float64Array>((n) => new Float64Array(n), 0);
    this.runs = [];
    this.readerIds = undefined;
    this.readerVocabulary = undefined;
    this.ids = new Int32Array(16);
    this.shingles = new Float64Array(16);
    this.typeCounts = narrowCounts(this.typeCounts.subarray(0, this.vocab.size));
    this.vocab.trim();
  }

  /**
   * @internal Once `early` holds the generation's result: lets go of what finishing against
   * the baseline would have read (the vocabulary and its counts, the tagged sample, the
   * per-prompt sample), which a reduced generation otherwise keeps until the report is
   * finished: about 1 MB a generation of 50,000 word types.
   */
  releaseFinished(): void {
    this.vocab = new TokenTable(1);
    this.vocab.trim();
    this.typeCounts = new Uint32Array(0);
    this.packed = undefined;
    this.prompts = undefined;
  }

  /** Closes the current run and opens one at (line, index). */
  private startRun(line: number, index: number): Run {
    if (this.current) this.runs.push(this.closed(this.current));
    this.current = { firstLine: line, firstIndex: index, lastLine: line, lastIndex: index, tokens: 0, head: [], tail: [] };
    return this.current;
  }

  /** A copy of the current run with its tail (the words of its last ≤ 3 tokens). */
  private closed(run: Run): Run {
    const th = this.vocab.laneHi;
    const tl = this.vocab.laneLo;
    const last = [this.w1, this.w2, this.w3].slice(3 - Math.min(3, run.tokens));
    const tail: number[] = [];
    for (const id of last) tail.push(th[id]!, tl[id]!);
    return { ...run, head: run.head.slice(), tail };
  }

  /** @internal Every run, the current one closed, for a state, a merge or the metrics. */
  allRuns(): Run[] {
    return this.current ? [...this.runs, this.closed(this.current)] : this.runs.slice();
  }

  /**
   * Feeds one token of the joined text; `pos` is its index inside its record, `before` the
   * tokens of its run before the record. N-gram lanes are XORs of the tokens' words rotated
   * by distance from the end (see `TokenTable`); XORs of independent hash words are
   * themselves uniform, so they serve as table slots and HyperLogLog bits without a
   * finalizer. Each order has its own set, so orders need no separating constant.
   */
  private token(id: number, pos: number, before: number): void {
    const seen = before + pos; // tokens of the run before this one
    const th = this.vocab.laneHi;
    const tl = this.vocab.laneLo;
    let hi = th[id]!;
    let lo = tl[id]!;
    if (seen >= 1) {
      const w3 = this.w3;
      hi ^= rotl(th[w3]!, 5);
      lo ^= rotl(tl[w3]!, 5);
      this.bigrams.add(hi, lo, pos >= 1);
      if (seen >= 2) {
        const w2 = this.w2;
        hi ^= rotl(th[w2]!, 10);
        lo ^= rotl(tl[w2]!, 10);
        this.trigrams.add(hi, lo, pos >= 2);
        if (pos >= 2 && this.keepShingles) this.shingles[pos - 2] = join53(hi, lo);
        if (seen >= 3) {
          const w1 = this.w1;
          this.fourgrams.add(hi ^ rotl(th[w1]!, 15), lo ^ rotl(tl[w1]!, 15), false);
        }
      }
    }
    this.w1 = this.w2;
    this.w2 = this.w3;
    this.w3 = id;
  }

  /**
   * The record's shingle hashes (see `shingleSet` for short records), unsorted: most
   * records offered to the sample are pushed out later, so sorting waits for `finish`.
   * A short record's one shingle is its whole token sequence, keyed apart from 3-grams.
   */
  private recordShingles(len: number): Float64Array {
    if (len >= 3) return this.shingles.subarray(0, len - 2);
    const th = this.vocab.laneHi;
    const tl = this.vocab.laneLo;
    let a = LANE_HI ^ len;
    let b = LANE_LO ^ len;
    for (let k = 0; k < len; k++) {
      a = mixWord(a, th[this.ids[k]!]!);
      b = mixWord(b, tl[this.ids[k]!]!);
    }
    this.shingles[0] = join53(fmix32(a ^ 0x5348), fmix32(b ^ 0x5348));
    return this.shingles.subarray(0, 1);
  }

  /**
   * The template sample, tagged on first use (tagging is the costly part: about 1 s per
   * million tokens), in sampling-key order. The tagger sees the texts as written, whatever
   * `lowercase` says: case is part of what it reads.
   */
  taggedSample(): { output: TaggedOutput; text: string; line: number; tags: number }[] {
    if (this.packed) return unpackTagged(this.packed);
    if (this.tagging) throw new Error('TextAccumulator.taggedSample: the sample is being tagged on another thread (await `tagging` first)');
    const items = this.templateSample.items();
    const outputs = this.tagged ? [] : tagTexts(items.map((item) => item.text));
    this.tagged ??= items.map((item, i) => {
      const output = outputs[i]!;
      let tags = 0;
      for (const s of output.sentences) tags += s.tags.length;
      return { output, text: item.text, line: item.line, tags };
    });
    return this.tagged;
  }

  /**
   * Adds the records of another accumulator of the same generation: another part of its
   * input, with the same options (both `mergeable`). Parts may merge in any order; each
   * record must be in exactly one of them. The result is what one pass over both gives.
   */
  merge(other: TextAccumulator): void {
    if (other === this) throw new Error('TextAccumulator.merge: cannot merge an accumulator into itself');
    if (this.reduction || other.reduction) throw new Error('TextAccumulator.merge: a reduced accumulator cannot merge');
    const diff = optionDifferences(this.o, other.o);
    if (diff.length > 0) throw new Error(`TextAccumulator.merge: the accumulators were made with different options (${diff.join(', ')})`);
    if (!this.o.mergeable) throw new Error('TextAccumulator.merge: the accumulators were not made with the option mergeable: true (what merging needs was not kept)');
    const map = new Int32Array(other.vocab.size);
    const texts = other.vocab.tokens();
    for (let id = 0; id < map.length; id++) {
      const mine = this.vocab.internString(texts[id]!);
      map[id] = mine;
      if (mine >= this.typeCounts.length) this.typeCounts = growF64(this.typeCounts as Float64Array, mine + 1);
      this.typeCounts[mine] += other.typeCounts[id]!;
    }
    const remap = (ids: Int32Array) => Int32Array.from(ids, (id) => map[id]!);
    this.recordCount += other.recordCount;
    this.tokenCount += other.tokenCount;
    this.withinBigrams += other.withinBigrams;
    this.withinTrigrams += other.withinTrigrams;
    this.bigrams.merge(other.bigrams);
    this.trigrams.merge(other.trigrams);
    this.fourgrams.merge(other.fourgrams);
    this.joinRuns([...this.allRuns(), ...other.allRuns()]);
    this.texts.merge(other.texts);
    this.compression.merge(other.compression);
    this.bleuPool.merge(other.bleuPool, (e) => ({ ...e, start: -1, pending: remap(other.bleuIds.view(e.start, e.size)) }));
    this.settle(this.bleuPool, this.bleuIds);
    this.shinglePool.merge(other.shinglePool, (e) => ({ ...e, start: -1, pending: other.shingleHashes.view(e.start, e.size).slice() }));
    this.settle(this.shinglePool, this.shingleHashes);
    if (other.prompts) (this.prompts ??= new PromptSample(this.o.seed + SAMPLE_SEEDS.prompts, PROMPT_SAMPLE)).merge(other.prompts, remap);
    this.references.merge(other.references);
    this.templateSample.merge(other.templateSample);
    this.tagged = undefined;
    this.lastLine = NaN;
  }

  /** Replaces the runs, joining those known to meet (their n-grams go into the sets); no run is current afterwards. */
  private joinRuns(runs: Run[]): void {
    const sets = [this.bigrams, this.trigrams, this.fourgrams];
    this.runs = joinNeighbours(runs, (order, key) => sets[order - 2]!.addKey(key, false));
    this.current = undefined;
  }

  /** Copies merged entries' data into the arena. */
  private settle<A extends Int32Array | Float64Array>(pool: PrefixSample<PoolEntry>, arena: SliceArena<A>): void {
    for (const e of pool.items()) {
      if (e.start >= 0) continue;
      const data = e.pending as A;
      e.pending = undefined;
      e.start = arena.append(data, pool.items());
    }
  }

  /** The types in id order and their counts, as both kinds of state hold them. */
  private vocabularyState(): { vocabulary: string[]; typeCounts: string } {
    const vocabulary: string[] = [];
    for (const t of this.vocab.tokens()) vocabulary.push(t);
    const counts = this.typeCounts.subarray(0, this.vocab.size);
    return { vocabulary, typeCounts: encodeBase64(counts instanceof Float64Array ? counts : Float64Array.from(counts)) };
  }

  /** Everything the accumulator holds, as plain data (see `TextState`). */
  toState(): TextState {
    if (this.reduction) throw new Error('TextAccumulator.toState: the accumulator was reduced; what a state holds was let go');
    const distinct = (c: DistinctCounter): DistinctState => {
      const s = c.toState();
      return s.keys ? { keys: encodeBase64(s.keys) } : { all: encodeBase64(s.all!), flagged: encodeBase64(s.flagged!) };
    };
    const pool = <A extends Int32Array | Float64Array>(p: PrefixSample<PoolEntry>, arena: SliceArena<A>, make: (n: number) => A): RecordPoolState => {
      const entries = p.entries().map(([, e]) => e);
      let total = 0;
      for (const e of entries) total += e.size;
      const data = make(total);
      let at = 0;
      for (const e of entries) {
        data.set(arena.view(e.start, e.size), at);
        at += e.size;
      }
      return { seen: p.seen, cut: p.cut, records: entries.map((e) => [e.line, e.index, e.text, e.size]), data: encodeBase64(data) };
    };
    const texts = this.texts.toState();
    const refs = this.references.toState();
    return {
      options: { ...this.o },
      records: this.recordCount,
      tokens: this.tokenCount,
      withinBigrams: this.withinBigrams,
      withinTrigrams: this.withinTrigrams,
      ...this.vocabularyState(),
      bigrams: distinct(this.bigrams),
      trigrams: distinct(this.trigrams),
      fourgrams: distinct(this.fourgrams),
      runs: this.allRuns().map((r) => ({ ...r, head: r.head.slice(), tail: r.tail.slice() })),
      texts: { keys: encodeBase64(texts.keys), counts: encodeBase64(texts.counts), lines: encodeBase64(texts.lines), texts: texts.texts, ...(texts.hll ? { hll: encodeBase64(texts.hll) } : {}) },
      compression: this.compression.toState(),
      bleuPool: pool(this.bleuPool, this.bleuIds, (n) => new Int32Array(n)),
      shinglePool: pool(this.shinglePool, this.shingleHashes, (n) => new Float64Array(n)),
      references: { lengths: refs.lengths, records: refs.records, ...(refs.tables ? { tables: refs.tables.map((t) => encodeBase64(t)) } : {}) },
      ...(this.prompts ? { prompts: promptsToState(this.prompts) } : {}),
      templates: this.templateSample.toState(),
    };
  }

  /** What a reduced accumulator keeps, as plain data (see `ReducedTextState`). */
  toReducedState(): ReducedTextState {
    if (this.early) throw new Error('TextAccumulator.toReducedState: the accumulator was finished against its baseline; what a state holds was let go');
    if (!this.reduction || !this.packed) throw new Error('TextAccumulator.toReducedState: the accumulator was not reduced');
    return {
      reduced: true,
      options: { ...this.o },
      records: this.recordCount,
      tokens: this.tokenCount,
      withinBigrams: this.withinBigrams,
      withinTrigrams: this.withinTrigrams,
      reduction: this.reduction,
      ...this.vocabularyState(),
      ...(this.prompts ? { prompts: promptsToState(this.prompts) } : {}),
      tagged: packedToState(this.packed),
      sizes: this.tableSizes(),
    };
  }

  /** A reduced accumulator holding what `state` says, made with `options` (which must be the state's). */
  static fromReducedState(state: ReducedTextState, options: TextMetricOptions): TextAccumulator {
    // A reduced accumulator merges with nothing, so whether it was made mergeable does not matter.
    const acc = new TextAccumulator({ ...options, mergeable: state.options.mergeable });
    const diff = optionDifferences(resolveTextOptions(state.options), acc.o);
    if (diff.length > 0) throw new Error(`TextAccumulator.fromReducedState: the state was made with other options (${diff.join(', ')})`);
    for (const t of state.vocabulary) acc.vocab.internString(t);
    if (acc.vocab.size !== state.vocabulary.length) throw new Error('TextAccumulator.fromReducedState: the vocabulary repeats a type');
    acc.typeCounts = narrowCounts(float64FromBase64(state.typeCounts, state.vocabulary.length));
    acc.recordCount = state.records;
    acc.tokenCount = state.tokens;
    acc.withinBigrams = state.withinBigrams;
    acc.withinTrigrams = state.withinTrigrams;
    if (state.prompts) acc.prompts = promptsFromState(state.prompts, acc.o.seed);
    acc.packed = packedFromState(state.tagged);
    acc.reduction = state.reduction;
    acc.releasedSizes = state.sizes;
    acc.vocab.trim();
    return acc;
  }

  /** An accumulator holding what `state` says, made with `options` (which must be the state's). */
  static fromState(state: TextState, options: TextMetricOptions): TextAccumulator {
    const acc = new TextAccumulator(options);
    const diff = optionDifferences(resolveTextOptions(state.options), acc.o);
    if (diff.length > 0) throw new Error(`TextAccumulator.fromState: the state was made with other options (${diff.join(', ')})`);
    for (const t of state.vocabulary) acc.vocab.internString(t);
    if (acc.vocab.size !== state.vocabulary.length) throw new Error('TextAccumulator.fromState: the vocabulary repeats a type');
    const counts = float64FromBase64(state.typeCounts);
    acc.typeCounts = growF64(new Float64Array(1024), counts.length);
    acc.typeCounts.set(counts);
    acc.recordCount = state.records;
    acc.tokenCount = state.tokens;
    acc.withinBigrams = state.withinBigrams;
    acc.withinTrigrams = state.withinTrigrams;
    const cap = acc.o.distinctSetCap;
    const distinct = (d: DistinctState): DistinctCounter => {
      const s: DistinctCounterState = d.keys !== undefined ? { keys: float64FromBase64(d.keys) } : { all: uint8FromBase64(d.all ?? ''), flagged: uint8FromBase64(d.flagged ?? '') };
      return DistinctCounter.fromState(s, cap);
    };
    acc.bigrams = distinct(state.bigrams);
    acc.trigrams = distinct(state.trigrams);
    acc.fourgrams = distinct(state.fourgrams);
    acc.runs = state.runs.map((r) => ({ ...r, head: r.head.slice(), tail: r.tail.slice() }));
    const t = state.texts;
    acc.texts = TextCounter.fromState(
      { keys: float64FromBase64(t.keys), counts: uint32FromBase64(t.counts), lines: float64FromBase64(t.lines), texts: t.texts, ...(t.hll !== undefined ? { hll: uint8FromBase64(t.hll) } : {}) },
      cap,
      acc.o.mergeable,
    );
    const seed = acc.o.seed;
    acc.compression = CompressionSample.fromState(state.compression, acc.o.compressionSampleBytes, seed + SAMPLE_SEEDS.compression);
    acc.bleuPool = restorePool(state.bleuPool, acc.bleuPool, acc.bleuIds, int32FromBase64(state.bleuPool.data), seed + SAMPLE_SEEDS.bleuPool);
    acc.shinglePool = restorePool(state.shinglePool, acc.shinglePool, acc.shingleHashes, float64FromBase64(state.shinglePool.data), seed + SAMPLE_SEEDS.shinglePool);
    const r = state.references;
    acc.references = SelfBleuReferences.fromState(
      { lengths: r.lengths, records: r.records, ...(r.tables ? { tables: r.tables.map((x) => int32FromBase64(x)) } : {}) },
      SELF_BLEU_N,
      SELF_BLEU_EXACT_NGRAMS,
      acc.vocab,
    );
    if (state.prompts) {
      const p = state.prompts;
      acc.prompts = promptsFromState(p, seed);
    }
    acc.templateSample = OutputSample.fromState(state.templates, seed + SAMPLE_SEEDS.templates, TEMPLATE_SAMPLE, TEMPLATE_SAMPLE_CHARS);
    return acc;
  }
}

function promptsToState(prompts: PromptSample): PromptsState {
  const { threshold, evicted, prompts: list } = prompts.toState((ids) => ids);
  return { threshold, evicted, prompts: list.map((p) => ({ prompt: p.prompt, outputs: p.outputs.map((o) => ({ ...o, ids: encodeBase64(o.ids) })) })) };
}

function promptsFromState(p: PromptsState, seed: number): PromptSample {
  return PromptSample.fromState({ threshold: p.threshold, evicted: p.evicted, prompts: p.prompts.map((q) => ({ prompt: q.prompt, outputs: q.outputs.map((o) => ({ ...o, ids: int32FromBase64(o.ids) })) })) }, seed + SAMPLE_SEEDS.prompts, PROMPT_SAMPLE);
}

/** A pool sample restored from its state: the data back into the arena, keys from the positions. */
function restorePool<A extends Int32Array | Float64Array>(state: RecordPoolState, empty: PrefixSample<PoolEntry>, arena: SliceArena<A>, data: A, seed: number): PrefixSample<PoolEntry> {
  let at = 0;
  const entries = state.records.map(([line, index, text, size]) => {
    const e: PoolEntry = { start: -1, size, text, line, index, pending: data.subarray(at, at + size) };
    at += size;
    return [positionKey(seed, line, index), e] as const;
  });
  if (at !== data.length) throw new Error('TextAccumulator.fromState: a sample\'s data does not match its records');
  const pool = PrefixSample.from(empty.capacity, empty.budget, (e: PoolEntry) => e.size, entries, state.seen, state.cut);
  for (const e of pool.items()) {
    const d = e.pending as A;
    e.pending = undefined;
    e.start = arena.append(d, pool.items());
  }
  return pool;
}

/**
 * A copy of `counts` as 32-bit integers when every one fits (half the bytes: a reduced
 * generation keeps its vocabulary's counts until the report is finished), else as they are.
 */
function narrowCounts(counts: Float64Array | Uint32Array): Float64Array | Uint32Array {
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (!(Number.isInteger(c) && c >= 0 && c <= 0xffffffff)) return counts.slice();
  }
  return Uint32Array.from(counts);
}
