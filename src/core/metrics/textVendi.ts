// The Vendi score of texts under an n-gram kernel (Friedman & Dieng 2023 score text this way
// as well as with embeddings): each text becomes its word 1- and 2-gram counts, hashed with
// signs into D buckets (feature hashing, Weinberger et al. 2009) and scaled to unit length;
// the kernel is the cosine. Users without embeddings get a measure that sees texts built
// from the same phrases as alike even when no two are identical, which distinct-n misses.
//
// Computed through the D × D matrix Σ φφᵀ / n, whose non-zero eigenvalues are those of the
// n × n kernel K/n, so the cost is linear in records and the sum merges across shards; on a
// seeded sample of at most TEXT_VENDI_SAMPLE records of the generation.
import { symmetricEigen } from '../linalg';
import { fmix32, hashString53, join53, LANE_HI, LANE_LO, lowBits, mixWord } from '../numeric/hash53';

export const TEXT_VENDI_BUCKETS = 256;
export const TEXT_VENDI_SAMPLE = 1000;

/** Sparse unit feature vector of one text (its tokens): bucket indices and values. */
export function textFeatures(tokens: readonly string[], buckets = TEXT_VENDI_BUCKETS): { index: Int32Array; value: Float64Array } {
  // Signed counts per bucket (integers, so the order they add up in does not matter).
  const counts = new Float64Array(buckets);
  const seen = new Uint8Array(buckets);
  const touched: number[] = [];
  const add = (h: number) => {
    const bucket = lowBits(h) % buckets;
    if (!seen[bucket]) {
      seen[bucket] = 1;
      touched.push(bucket);
    }
    counts[bucket] += Math.floor(h / 4294967296) & 1 ? 1 : -1;
  };
  for (let i = 0; i < tokens.length; i++) {
    add(hashString53(tokens[i]!));
    // the bigram is the string `${previous}\u0000${token}`, hashed without building it
    if (i > 0) add(hashJoined53(tokens[i - 1]!, tokens[i]!));
  }
  let norm = 0;
  for (const b of touched) norm += counts[b]! * counts[b]!;
  const nonZero = touched.filter((b) => counts[b] !== 0).sort((a, b) => a - b);
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return { index: Int32Array.from(nonZero), value: Float64Array.from(nonZero, (b) => counts[b]! * scale) };
}

/** `hashString53(a + '\u0000' + b)`, without the string. */
function hashJoined53(a: string, b: string): number {
  let ha = LANE_HI;
  let hb = LANE_LO;
  const n = a.length + 1 + b.length;
  // code units taken two at a time, as hashString53 does; `low` holds the first of a pair
  let low = -1;
  const take = (c: number) => {
    if (low < 0) {
      low = c;
      return;
    }
    const w = low | (c << 16);
    ha = mixWord(ha, w);
    hb = mixWord(hb, w);
    low = -1;
  };
  for (let k = 0; k < a.length; k++) take(a.charCodeAt(k));
  take(0);
  for (let k = 0; k < b.length; k++) take(b.charCodeAt(k));
  if (low >= 0) {
    ha = mixWord(ha, low);
    hb = mixWord(hb, low);
  }
  return join53(fmix32(ha ^ n), fmix32(hb ^ n));
}

/** Vendi score (q = 1) of the texts: exp of the entropy of the eigenvalues of K/n. NaN without a non-empty text. */
export function textVendi(texts: readonly (readonly string[])[], buckets = TEXT_VENDI_BUCKETS): number {
  const gram = new Float64Array(buckets * buckets);
  let n = 0;
  for (const t of texts) {
    const f = textFeatures(t, buckets);
    if (f.index.length === 0) continue;
    n++;
    // The upper triangle (indices ascend); the lower one is the same products in the same order.
    for (let a = 0; a < f.index.length; a++) {
      const ia = f.index[a]! * buckets;
      const va = f.value[a]!;
      for (let b = a; b < f.index.length; b++) gram[ia + f.index[b]!] += va * f.value[b]!;
    }
  }
  if (n === 0) return NaN;
  for (let i = 0; i < buckets; i++) {
    for (let j = i; j < buckets; j++) {
      const x = gram[i * buckets + j]! / n;
      gram[i * buckets + j] = x;
      gram[j * buckets + i] = x;
    }
  }
  const { values } = symmetricEigen(gram, buckets);
  let entropy = 0;
  for (const l of values) if (l > 1e-12) entropy -= l * Math.log(l);
  return Math.exp(entropy);
}
