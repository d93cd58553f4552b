// Fuzz inputs as JSON, for fixtures: byte arrays become {"$bytes": base64}, -0, NaN, ±Infinity
// and undefined become {"$number": "…"} / {"$undefined": true}, and an object key that starts
// with "$" gets one more "$" so a real key can never read as a tag. Everything else (strings
// with lone surrogates included: JSON.stringify escapes them) is plain JSON.

export function encode(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (value === undefined) return { $undefined: true };
  if (typeof value === 'number') {
    if (Object.is(value, -0)) return { $number: '-0' };
    if (!Number.isFinite(value)) return { $number: String(value) };
    return value;
  }
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      Object.defineProperty(out, k.startsWith('$') ? '$' + k : k, {
        value: encode((value as Record<string, unknown>)[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

export function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1) {
      if (keys[0] === '$bytes' && typeof o.$bytes === 'string') return new Uint8Array(Buffer.from(o.$bytes, 'base64'));
      if (keys[0] === '$undefined') return undefined;
      if (keys[0] === '$number' && typeof o.$number === 'string') return Number(o.$number);
      if (keys[0] === '$bigint' && typeof o.$bigint === 'string') return BigInt(o.$bigint);
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      Object.defineProperty(out, k.startsWith('$') ? k.slice(1) : k, { value: decode(o[k]), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** A short, readable rendering of an input for messages: bytes as a JSON string of their text. */
export function preview(value: unknown, max = 1500): string {
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Uint8Array) return `<${v.length} bytes> ${JSON.stringify(bytesPreview(v))}`;
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    return v;
  });
  return text.length > max ? text.slice(0, max) + `… (${text.length} chars)` : text;
}

/** Bytes as text: valid UTF-8 as is, anything else as \xNN. */
export function bytesPreview(b: Uint8Array, max = 600): string {
  let out = '';
  const s = Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, max));
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    const size = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (size === 1 && (c >= 0x20 || c === 0x0a || c === 0x09) && c !== 0x7f) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    if (size > 1 && i + size <= s.length) {
      const ch = s.subarray(i, i + size).toString('utf8');
      if (!ch.includes('\ufffd') && Buffer.from(ch, 'utf8').equals(s.subarray(i, i + size))) {
        out += ch;
        i += size;
        continue;
      }
    }
    out += `\\x${c.toString(16).padStart(2, '0')}`;
    i++;
  }
  return b.byteLength > max ? out + `… (+${b.byteLength - max} bytes)` : out;
}
