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
import { hashString53, lowBits } from '../numeric/hash53';

export const TEXT_VENDI_BUCKETS = 256;
export const TEXT_VENDI_SAMPLE = 1000;

/** Sparse unit feature vector of one text (its tokens): bucket indices and values. */
export function textFeatures(tokens: readonly string[], buckets = TEXT_VENDI_BUCKETS): { index: Int32Array; value: Float64Array } {
  const acc = new Map<number, number>();
  const add = (gram: string) => {
    const h = hashString53(gram);
    const lo = lowBits(h);
    const bucket = lo % buckets;
    const sign = Math.floor(h / 4294967296) & 1 ? 1 : -1;
    acc.set(bucket, (acc.get(bucket) ?? 0) + sign);
  };
  for (let i = 0; i < tokens.length; i++) {
    add(tokens[i]!);
    if (i > 0) add(`${tokens[i - 1]!}\u0000${tokens[i]!}`);
  }
  let norm = 0;
  for (const v of acc.values()) norm += v * v;
  const entries = [...acc.entries()].filter(([, v]) => v !== 0).sort((a, b) => a[0] - b[0]);
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return { index: Int32Array.from(entries, (e) => e[0]), value: Float64Array.from(entries, (e) => e[1] * scale) };
}

/** Vendi score (q = 1) of the texts: exp of the entropy of the eigenvalues of K/n. NaN without a non-empty text. */
export function textVendi(texts: readonly (readonly string[])[], buckets = TEXT_VENDI_BUCKETS): number {
  const gram = new Float64Array(buckets * buckets);
  let n = 0;
  for (const t of texts) {
    const f = textFeatures(t, buckets);
    if (f.index.length === 0) continue;
    n++;
    for (let a = 0; a < f.index.length; a++) {
      const ia = f.index[a]! * buckets;
      const va = f.value[a]!;
      for (let b = 0; b < f.index.length; b++) gram[ia + f.index[b]!] += va * f.value[b]!;
    }
  }
  if (n === 0) return NaN;
  for (let i = 0; i < gram.length; i++) gram[i] /= n;
  const { values } = symmetricEigen(gram, buckets);
  let entropy = 0;
  for (const l of values) if (l > 1e-12) entropy -= l * Math.log(l);
  return Math.exp(entropy);
}
