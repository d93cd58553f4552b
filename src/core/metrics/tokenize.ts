// The text role's tokenizer (whitespace-separated tokens, interned to ids, with the text's
// hash folded into the same scan), and the two halves of tokenizing on the reading thread:
// `BatchTokenizer` there, one table for the whole file, and `ReaderVocabulary` here, which
// mirrors that table's types so an accumulator maps the thread's ids to its own.
import { fmix32, hashString53, join53, LANE_HI, LANE_LO, mixWord } from '../numeric/hash53';
import { grownI32 } from '../numeric/grow';
import { TOKEN_HASH_SEED, tokenHashStep, TokenTable } from './tokenTable';
import type { TypeList } from './tokenTable';

/** `/\s/u` as a predicate on one UTF-16 code unit (every whitespace character is in the BMP). */
export function isWhitespaceCode(c: number): boolean {
  if (c > 32 && c < 160) return false;
  return (
    c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** Where `scanTokens` writes: the ids (grown as needed) and the text's key. */
export interface TokenScratch {
  ids: Int32Array;
  key: number;
}

/**
 * Tokenizes one text into `vocab`'s ids (`out.ids[at .. at + count)`, interning new types)
 * and returns the count. `out.key` is the text's key: the sequence of token words and whitespace
 * code units (as negative words) spells the text, so its hash is folded into the scan; with
 * `lowercase` the tokens no longer spell the text, which is then hashed on its own.
 */
export function scanTokens(vocab: TokenTable, text: string, lowercase: boolean, out: TokenScratch, at = 0): number {
  const s = lowercase ? text.toLowerCase() : text;
  const n = s.length;
  let ids = out.ids;
  let ha = LANE_HI;
  let hb = LANE_LO;
  let len = 0;
  let i = 0;
  let th = vocab.laneHi;
  let tl = vocab.laneLo;
  let known = vocab.size;
  while (i < n) {
    let c = s.charCodeAt(i);
    if (isWhitespaceCode(c)) {
      ha = mixWord(ha, ~c);
      hb = mixWord(hb, ~c);
      i++;
      continue;
    }
    const start = i;
    let h = TOKEN_HASH_SEED;
    do {
      h = tokenHashStep(h, c);
      if (++i >= n) break;
      c = s.charCodeAt(i);
    } while (!isWhitespaceCode(c));
    const id = vocab.intern(s, start, i, h);
    if (id >= known) {
      // a new type: its words may live in grown arrays
      th = vocab.laneHi;
      tl = vocab.laneLo;
      known = vocab.size;
    }
    ha = mixWord(ha, th[id]!);
    hb = mixWord(hb, tl[id]!);
    if (at + len >= ids.length) ids = out.ids = grownI32(ids, at + len + 1);
    ids[at + len++] = id;
  }
  out.key = lowercase ? hashString53(text) : join53(fmix32(ha ^ n), fmix32(hb ^ len));
  return len;
}

/**
 * The texts of one batch, tokenized on the reading thread: every text's ids in that thread's
 * table, back to back in the order of the batch's records and of each record's texts, and
 * the types that table gained with the batch. Typed arrays, so the batch moves them whole.
 */
export interface TokenizedTexts {
  /** Which of the reading thread's tables the ids are of: it starts a new one past its cap. */
  table: number;
  ids: Int32Array;
  /** `ends[k]`: where text k's ids end in `ids` (text 0 starts at 0). */
  ends: Int32Array;
  /** Text k's key (`scanTokens`). */
  keys: Float64Array;
  /** The table's types from id `firstType` on, new with this batch. */
  firstType: number;
  types: TypeList;
}

/** The buffers of `TokenizedTexts` (to transfer with the batch). */
export function tokenizedBuffers(t: TokenizedTexts): ArrayBuffer[] {
  return [t.ids, t.ends, t.keys, t.types.chars, t.types.starts].map((a) => a.buffer as ArrayBuffer);
}

/**
 * Types one table of the reading thread holds at most before it starts another (and the
 * analysis thread's mirror with it): the table and its mirror hold every type of the file
 * seen so far, which a corpus of distinct tokens (identifiers, numbers) would grow without
 * bound. At the cap, about 30 MB on that thread and half that for the mirror.
 */
export const READER_TABLE_CAP = 1 << 20;

/** The reading thread's half: tokenizes each batch's texts with one table for the file. */
export class BatchTokenizer {
  private vocab = new TokenTable();
  private table = 0;
  /** The batch's ids as they are tokenized (kept from batch to batch; each batch sends a copy of its part). */
  private readonly out: TokenScratch = { ids: new Int32Array(1 << 16), key: 0 };

  constructor(private readonly lowercase: boolean, private readonly cap = READER_TABLE_CAP) {}

  /** The batch's texts, tokenized; each record with texts gets the index of its first text among them (`tokenized`). */
  tokenize(records: readonly { texts?: string[]; tokenized?: number }[]): TokenizedTexts {
    if (this.vocab.size > this.cap) {
      this.vocab = new TokenTable();
      this.table++;
    }
    const firstType = this.vocab.size;
    let texts = 0;
    for (const r of records) if (r.texts) texts += r.texts.length;
    const ends = new Int32Array(texts);
    const keys = new Float64Array(texts);
    let k = 0;
    let at = 0;
    const out = this.out;
    for (const r of records) {
      if (!r.texts) continue;
      r.tokenized = k;
      for (const t of r.texts) {
        at += scanTokens(this.vocab, t, this.lowercase, out, at);
        ends[k] = at;
        keys[k] = out.key;
        k++;
      }
    }
    return { table: this.table, ids: out.ids.slice(0, at), ends, keys, firstType, types: this.vocab.typesFrom(firstType) };
  }
}

/**
 * The analysis thread's half: a mirror of the reading thread's table (its types' characters
 * by id), fed by each batch, so that an accumulator interns a type in its own table the first
 * time its generation sees it and looks every later occurrence up by id.
 */
export class ReaderVocabulary {
  private chars: Uint16Array = new Uint16Array(1 << 16);
  private starts: Int32Array = new Int32Array(1 << 12);
  private count = 0;
  /** Changes whenever ids start over (a new table), so that maps of the old ids are dropped. */
  version = 0;
  private table = 0;

  /** Takes a batch's new types; the batch's ids are then ids of this mirror. */
  receive(t: TokenizedTexts): void {
    if (t.table !== this.table) {
      this.table = t.table;
      this.count = 0;
      this.version++;
    }
    if (t.firstType !== this.count) throw new Error(`ReaderVocabulary: types from ${t.firstType} arrived after ${this.count}`);
    const m = t.types.starts.length - 1;
    const n = this.count + m;
    if (n + 1 > this.starts.length) this.starts = grownI32(this.starts, n + 1);
    const base = this.starts[this.count]!;
    const used = base + t.types.chars.length;
    if (used > this.chars.length) {
      let cap = this.chars.length;
      while (cap < used) cap *= 2;
      const chars = new Uint16Array(cap);
      chars.set(this.chars.subarray(0, base));
      this.chars = chars;
    }
    this.chars.set(t.types.chars, base);
    for (let j = 1; j <= m; j++) this.starts[this.count + j] = base + t.types.starts[j]!;
    this.count = n;
  }

  get size(): number {
    return this.count;
  }

  /** The types as a `TypeList` (views, valid until the next batch). */
  get types(): TypeList {
    return { chars: this.chars, starts: this.starts };
  }
}

/** A tokenized batch as accumulators take it: its texts, and the mirror its ids are ids of (once it has `receive`d them). */
export interface ReaderBatch {
  vocabulary: ReaderVocabulary;
  texts: TokenizedTexts;
}
