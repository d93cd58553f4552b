// 53-bit hashes for the streaming metrics, carried as two 32-bit Murmur3-style lanes: `hi`
// (21 bits) and `lo` (32 bits), so the hot loops never convert between floats and integers,
// joined into one exact double, hi * 2^32 + lo, where they are stored (hashTables.ts) or
// sorted. 53 bits keep collisions negligible for the sizes counted (4 million distinct keys:
// about 1e-3 expected colliding pairs).

const TWO_32 = 4294967296;

/** Seeds of the two lanes. Any fixed, different odd constants will do. */
export const LANE_HI = 0x2545f491;
export const LANE_LO = 0x9e3779b9 | 0;

/** Murmur3's 32-bit finalizer: full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Murmur3's body step: folds one 32-bit word into the running state. */
export function mixWord(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Rotate left, for position-dependent tabulation hashing. */
export function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** Joins the two lanes into an exact double in [1, 2^53); 0 is kept free as "empty slot". */
export function join53(hi: number, lo: number): number {
  const key = (hi & 0x1fffff) * TWO_32 + (lo >>> 0);
  return key === 0 ? 1 : key;
}

/** 53-bit hash of a string's UTF-16 code units (used for record texts and token types). */
export function hashString53(s: string): number {
  let a = LANE_HI;
  let b = LANE_LO;
  const n = s.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const w = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
    a = mixWord(a, w);
    b = mixWord(b, w);
  }
  if (i < n) {
    const w = s.charCodeAt(i);
    a = mixWord(a, w);
    b = mixWord(b, w);
  }
  return join53(fmix32(a ^ n), fmix32(b ^ n));
}

/**
 * Low 32 bits of a key made by `join53` (its table slot). `>>> 0` takes an integer modulo 2^32
 * (ToUint32), the same as `key % 2^32` for keys below 2^53, without a floating-point remainder
 * (about ten times faster).
 */
export function lowBits(key: number): number {
  return key >>> 0;
}

/** High 21 bits of a key made by `join53`. */
export function highBits(key: number): number {
  return Math.floor(key / TWO_32);
}

