// Typed arrays as base64 text, for states that travel as JSON (partial results, worker
// messages): the bytes of the array in little-endian order, so a Float64Array comes back bit
// for bit (NaN payloads and −0 included), in Node and in a browser's Web Worker alike (no
// Buffer, no atob).

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

// Every platform Node and browsers run on is little-endian; the check keeps a big-endian one
// from writing states no other machine reads the same way.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Standard base64 (with padding) of the bytes. */
export function bytesToBase64(bytes: Uint8Array): string {
  const out: string[] = [];
  let chunk = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    chunk += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + ALPHABET[(v >>> 6) & 63]! + ALPHABET[v & 63]!;
    if (chunk.length >= 8192) {
      out.push(chunk);
      chunk = '';
    }
  }
  if (i < n) {
    const b1 = i + 1 < n ? bytes[i + 1]! : 0;
    const v = (bytes[i]! << 16) | (b1 << 8);
    chunk += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + (i + 1 < n ? ALPHABET[(v >>> 6) & 63]! : '=') + '=';
  }
  out.push(chunk);
  return out.join('');
}

/** The bytes of standard base64 text; throws on any other character or a wrong length. */
export function base64ToBytes(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new Error(`base64: length ${text.length} is not a multiple of 4`);
  let pad = 0;
  if (text.endsWith('==')) pad = 2;
  else if (text.endsWith('=')) pad = 1;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const c0 = sextet(text, i);
    const c1 = sextet(text, i + 1);
    const c2 = last && pad === 2 ? 0 : sextet(text, i + 2);
    const c3 = last && pad >= 1 ? 0 : sextet(text, i + 3);
    const v = (c0 << 18) | (c1 << 12) | (c2 << 6) | c3;
    out[o++] = v >>> 16;
    if (o < out.length) out[o++] = (v >>> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}

function sextet(text: string, i: number): number {
  const c = text.charCodeAt(i);
  const v = c < 128 ? DECODE[c]! : -1;
  if (v < 0) throw new Error(`base64: unexpected character at ${i}`);
  return v;
}

/** A Float64Array as base64 of its bytes. */
export function float64ToBase64(values: Float64Array): string {
  checkEndian();
  return bytesToBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/** A Float64Array from `float64ToBase64` text; `length`, when given, is checked. */
export function base64ToFloat64(text: string, length?: number): Float64Array {
  checkEndian();
  const bytes = base64ToBytes(text);
  if (bytes.length % 8 !== 0) throw new Error(`base64: ${bytes.length} bytes are not a whole number of doubles`);
  const out = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
  if (length !== undefined && out.length !== length) throw new Error(`base64: expected ${length} doubles, found ${out.length}`);
  return out;
}

/** A Float32Array as base64 of its bytes. */
export function float32ToBase64(values: Float32Array): string {
  checkEndian();
  return bytesToBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/** A Float32Array from `float32ToBase64` text; `length`, when given, is checked. */
export function base64ToFloat32(text: string, length?: number): Float32Array {
  checkEndian();
  const bytes = base64ToBytes(text);
  if (bytes.length % 4 !== 0) throw new Error(`base64: ${bytes.length} bytes are not a whole number of floats`);
  const out = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  if (length !== undefined && out.length !== length) throw new Error(`base64: expected ${length} floats, found ${out.length}`);
  return out;
}

function checkEndian(): void {
  if (!LITTLE_ENDIAN) throw new Error('typed arrays as base64 need a little-endian platform');
}
