// Typed arrays as base64 strings, for analysis states that travel as JSON: a Float64Array of
// 100,000 keys is 1.1 MB of base64 where its decimal digits would take about twice that. The
// bytes are the arrays' own (little-endian on every platform Node and browsers run on). No
// Buffer, no atob: the same code in the Node and the web builds.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

type Typed = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array | Uint16Array;

/** Base64 of the bytes of a typed array (or of part of one). */
export function encodeBase64(a: Typed): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const parts: string[] = [];
  const CHUNK = 3 * 4096;
  for (let s = 0; s < bytes.length; s += CHUNK) {
    const end = Math.min(bytes.length, s + CHUNK);
    const codes: number[] = [];
    let i = s;
    for (; i + 3 <= end; i += 3) {
      const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      codes.push(ALPHABET.charCodeAt(v >>> 18), ALPHABET.charCodeAt((v >>> 12) & 63), ALPHABET.charCodeAt((v >>> 6) & 63), ALPHABET.charCodeAt(v & 63));
    }
    if (i < end) {
      const v = (bytes[i]! << 16) | (i + 1 < end ? bytes[i + 1]! << 8 : 0);
      codes.push(ALPHABET.charCodeAt(v >>> 18), ALPHABET.charCodeAt((v >>> 12) & 63), i + 1 < end ? ALPHABET.charCodeAt((v >>> 6) & 63) : 61, 61);
    }
    parts.push(String.fromCharCode.apply(null, codes));
  }
  return parts.join('');
}

/** The bytes a base64 string spells; throws on a character outside the alphabet. */
export function decodeBase64(s: string): Uint8Array {
  let len = s.length;
  while (len > 0 && s.charCodeAt(len - 1) === 61) len--;
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    const d = c < 128 ? DECODE[c]! : -1;
    if (d < 0) throw new Error(`not base64: character ${JSON.stringify(s[i])} at ${i}`);
    acc = (acc << 6) | d;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 255;
    }
  }
  return out.subarray(0, o);
}

function aligned(s: string, width: number, length?: number): ArrayBuffer {
  const bytes = decodeBase64(s);
  if (bytes.length % width !== 0) throw new Error(`base64 of ${bytes.length} bytes is not an array of ${width}-byte numbers`);
  if (length !== undefined && bytes.length !== length * width) throw new Error(`base64 of ${bytes.length / width} numbers where ${length} were expected`);
  // A fresh buffer: typed arrays need their offset aligned to the element size.
  return bytes.slice().buffer;
}

/** The numbers of `encodeBase64` text; `length`, when given, is checked. */
export const float64FromBase64 = (s: string, length?: number): Float64Array => new Float64Array(aligned(s, 8, length));
export const float32FromBase64 = (s: string, length?: number): Float32Array => new Float32Array(aligned(s, 4, length));
export const int32FromBase64 = (s: string): Int32Array => new Int32Array(aligned(s, 4));
export const uint32FromBase64 = (s: string): Uint32Array => new Uint32Array(aligned(s, 4));
export const uint16FromBase64 = (s: string): Uint16Array => new Uint16Array(aligned(s, 2));
export const uint8FromBase64 = (s: string): Uint8Array => new Uint8Array(aligned(s, 1));
