// Arbitraries of the fuzz layer: input files (random bytes, generated JSON/CSV text, mutated
// fixtures, gzip and corrupt gzip, Parquet), field paths (token soup and well-formed paths in
// every spelling), JSON values for path evaluation, and CLI command lines.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { repoRoot } from '../unit/support';

export type TextFormat = 'jsonl' | 'json' | 'csv' | 'tsv';
export type Format = TextFormat | 'parquet';
export const TEXT_FORMATS: readonly TextFormat[] = ['jsonl', 'json', 'csv', 'tsv'];

// ---------------------------------------------------------------------------------------------
// Seed files: the valid fixtures that mutations start from

export interface SeedFile {
  /** Path under the repository. */
  name: string;
  format: Format;
  bytes: Uint8Array;
}

const SEED_DIRS = ['test/fixtures/layouts', 'test/fixtures/readers'];
/** The only CSV of any size in the repository, so CSV mutations have more than a few lines to work on. */
const EXTRA_SEEDS = ['examples/classifier-eval.csv'];

function formatOf(name: string): Format | undefined {
  const m = /\.(jsonl|ndjson|json|csv|tsv|parquet)$/i.exec(name);
  if (!m) return undefined;
  const ext = m[1]!.toLowerCase();
  return ext === 'ndjson' ? 'jsonl' : (ext as Format);
}

let seedCache: SeedFile[] | undefined;
export function seedFiles(): SeedFile[] {
  if (seedCache) return seedCache;
  const root = repoRoot();
  const out: SeedFile[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name !== 'layout.json' && e.name !== 'texts.json' && formatOf(e.name)) out.push({ name: rel, format: formatOf(e.name)!, bytes: fs.readFileSync(path.join(root, rel)) });
    }
  };
  for (const d of SEED_DIRS) walk(d);
  for (const f of EXTRA_SEEDS) if (fs.existsSync(path.join(root, f))) out.push({ name: f, format: formatOf(f)!, bytes: fs.readFileSync(path.join(root, f)) });
  // Smallest first: fast-check shrinks an index toward 0, so a shrunk case starts from a small file.
  seedCache = out.sort((a, b) => a.bytes.length - b.bytes.length || (a.name < b.name ? -1 : 1));
  return seedCache;
}

export const seedsOf = (formats: readonly Format[]) => seedFiles().filter((s) => formats.includes(s.format));

// ---------------------------------------------------------------------------------------------
// Text pieces shared by the generators

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const bytes = (...xs: number[]) => new Uint8Array(xs);
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

/** Keys that matter to detection, path evaluation and prototype safety. */
export const KEYS = [
  'text', 'output', 'completion', 'response', 'content', 'role', 'messages', 'choices', 'message', 'label', 'prediction',
  'score', 'embedding', 'generation', 'id', 'prompt', 'a', 'b', '__proto__', 'constructor', 'prototype', 'toString',
  'hasOwnProperty', 'valueOf', 'length', '0', '1', '-1', 'x.y', 'a b', '', '$', '@', '*', "it's", 'é', '😀', 'a-b', '\u2028',
];

/** Words for texts the analysis can tokenize (and repeat, so that rules fire). */
const WORDS = ['the', 'cat', 'sat', 'on', 'mat', 'model', 'collapse', 'same', 'answer', 'is', 'a', 'dog', 'ran', 'far', 'away', 'yes', 'no', '42', 'é', '😀', '\u2028'];

export const numberText = fc.oneof(
  fc.constantFrom(
    '0', '-0', '1', '-1', '3.14', '1e3', '1E-7', '1e999', '-1e999', '1e-999', '123456789012345678901234567890', '9007199254740993',
    '5e-324', '1.7976931348623157e308', '0.' + '0'.repeat(40) + '1', '1' + '0'.repeat(400), '-0.0', '2e+2',
  ),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
);

/** String literals as JSON text, escapes and lone surrogates included. */
export const stringText = fc.oneof(
  { arbitrary: fc.constantFrom(...WORDS, ...KEYS).map((s) => JSON.stringify(s)), weight: 3 },
  { arbitrary: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 12 }).map((w) => JSON.stringify(w.join(' '))), weight: 4 },
  {
    arbitrary: fc.constantFrom(
      '"\\ud800"', '"\\udc00x"', '"\\udbff\\udfff"', '"a\\u0000b"', '"\\u2028\\u2029"', '"\\"\\\\\\/\\b\\f\\n\\r\\t"', '"\\uD83D\\uDE00"',
      '"\\ud800\\ud800"', '""', '"NaN"', '"Infinity"', '"\\u00e9"',
    ),
    weight: 2,
  },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map((s) => JSON.stringify(s)), weight: 2 },
  { arbitrary: fc.string({ unit: fc.nat({ max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 8 }).map((s) => JSON.stringify(s)), weight: 1 },
);

export const keyText = fc.oneof({ arbitrary: fc.constantFrom(...KEYS), weight: 5 }, { arbitrary: fc.string({ maxLength: 6 }), weight: 1 }).map((k) => JSON.stringify(k));

/** Any JSON value as text, with duplicate keys, `__proto__` members, huge numbers and odd strings. */
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 6 },
    { arbitrary: fc.oneof(numberText, stringText, fc.constantFrom('true', 'false', 'null')), weight: 6 },
    { arbitrary: tie('array'), weight: 2 },
    { arbitrary: tie('object'), weight: 3 },
  ),
  array: fc.array(tie('value'), { maxLength: 5 }).map((xs) => `[${xs.join(',')}]`),
  object: fc.array(fc.tuple(keyText, tie('value')), { maxLength: 6 }).map((es) => `{${es.map(([k, v]) => `${k}:${v}`).join(',')}}`),
})).value;

/** A JSON object as text: a record whose fields the analysis can use, plus noise. */
export const recordText = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom('"text"', '"output"', '"completion"', '"label"', '"prediction"', '"score"', '"generation"', '"prompt"', '"messages"', '"embedding"'), fc.nat(3)), { maxLength: 4 }),
    fc.array(fc.tuple(keyText, jsonText), { maxLength: 3 }),
    fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 10 }),
    fc.nat(5),
  )
  .map(([known, noise, words, n]) => {
    const members = known.map(([k, variant]) => {
      if (k === '"score"') return `${k}:${[n / 4, -n, '1e999', '"0.5"'][variant]}`;
      if (k === '"generation"') return `${k}:${[n % 3, `"gen${n % 3}"`, 'null', '[1]'][variant]}`;
      if (k === '"label"' || k === '"prediction"') return `${k}:${['"yes"', '"no"', n % 2, 'null'][variant]}`;
      if (k === '"messages"') return `${k}:[{"role":"user","content":"q ${n}"},{"role":"assistant","content":${JSON.stringify(words.join(' '))}}]`;
      if (k === '"embedding"') return `${k}:${['[0.1,0.2,0.3]', `[${n},${n},${n}]`, '[]', '[1,"x"]'][variant]}`;
      return `${k}:${JSON.stringify(words.slice(0, 1 + ((n + variant) % words.length)).join(' '))}`;
    });
    return `{${[...members, ...noise.map(([k, v]) => `${k}:${v}`)].join(',')}}`;
  });

const lineEnd = fc.constantFrom('\n', '\n', '\n', '\r\n', '\r', '\n\n');

/** JSON Lines text from records and junk lines. */
export const jsonlText = fc
  .tuple(fc.array(fc.oneof({ arbitrary: recordText, weight: 6 }, { arbitrary: jsonText, weight: 2 }, { arbitrary: fc.constantFrom('', '   ', '{', '}', '[]', 'null', '{"a":1}{"b":2}', '{"a":1', 'garbage'), weight: 1 }), { maxLength: 30 }), lineEnd, fc.boolean())
  .map(([lines, nl, trailing]) => lines.join(nl) + (trailing ? nl : ''));

/** A JSON document: an array of records, records under a key, or any JSON value. */
export const jsonDocText = fc.oneof(
  { arbitrary: fc.array(recordText, { maxLength: 25 }).map((rs) => `[${rs.join(',\n')}]`), weight: 4 },
  { arbitrary: fc.tuple(fc.constantFrom('samples', 'results', 'data', '__proto__', 'rows'), fc.array(recordText, { maxLength: 25 })).map(([k, rs]) => `{"meta":{"n":${rs.length}},"${k}":[\n${rs.join(',\n')}\n]}`), weight: 3 },
  { arbitrary: fc.array(fc.array(recordText, { maxLength: 4 }), { maxLength: 6 }).map((rss) => `[${rss.map((rs) => `[${rs.join(',')}]`).join(',\n')}]`), weight: 2 },
  { arbitrary: jsonText, weight: 1 },
);

const CELLS = ['', 'a', 'hello world', '1', '-2.5', '1e999', 'true', 'NaN', '"', 'a"b', 'a,b', 'a\tb', 'line\nbreak', 'cr\rhere', ' spaced ', '[1,2]', '{"a":1}', '\ud800', 'é', '😀', '__proto__', 'constructor', '0x1F', '007'];
const cell = fc.oneof({ arbitrary: fc.constantFrom(...CELLS), weight: 4 }, { arbitrary: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 8 }).map((w) => w.join(' ')), weight: 4 }, { arbitrary: fc.string({ maxLength: 8 }), weight: 1 });
const HEADERS = ['text', 'output', 'label', 'prediction', 'score', 'generation', 'id', 'x0', 'x1', '', '__proto__', 'constructor', 'text', 'a b'];

/** CSV or TSV text: a header, ragged rows, random quoting (some of it broken on purpose). */
export function delimitedText(delimiter: ',' | '\t'): fc.Arbitrary<string> {
  const quoted = (s: string, how: number) => (how === 0 ? s : how === 1 ? `"${s.replace(/"/g, '""')}"` : how === 2 ? `"${s}` : `"${s}"x`);
  const field = fc.tuple(cell, fc.oneof({ arbitrary: fc.constant(0), weight: 6 }, { arbitrary: fc.constant(1), weight: 6 }, { arbitrary: fc.constantFrom(2, 3), weight: 1 })).map(([c, how]) => quoted(c, /["\n\r,\t]/.test(c) && how === 0 ? 1 : how));
  // Rows as wide as the header, except ragged ones now and then (which the reader skips).
  return fc
    .tuple(
      fc.array(fc.constantFrom(...HEADERS), { minLength: 1, maxLength: 6 }),
      fc.array(fc.tuple(fc.array(field, { minLength: 8, maxLength: 8 }), fc.oneof({ arbitrary: fc.constant(0), weight: 8 }, { arbitrary: fc.integer({ min: -3, max: 3 }), weight: 1 })), { maxLength: 30 }),
      lineEnd,
      fc.boolean(),
    )
    .map(([header, rows, nl, trailing]) =>
      [header.join(delimiter), ...rows.map(([r, ragged]) => r.slice(0, Math.max(1, header.length + ragged)).join(delimiter))].join(nl) + (trailing ? nl : ''),
    );
}

// ---------------------------------------------------------------------------------------------
// Mutations of bytes

/** Byte sequences that are interesting to splice in: invalid UTF-8, NUL, deep nesting, huge numbers, keys. */
export const SPLICES: ReadonlyArray<Uint8Array> = [
  bytes(0), bytes(0xff), bytes(0xc3), bytes(0xe2, 0x82), bytes(0xc0, 0xaf), bytes(0xed, 0xa0, 0x80), bytes(0xed, 0xbf, 0xbf), bytes(0xf4, 0x90, 0x80, 0x80),
  bytes(0xf0, 0x9f, 0x98), bytes(0xef, 0xbb, 0xbf), bytes(0xfe, 0xff), bytes(0xff, 0xfe), bytes(0x1f, 0x8b), bytes(0x50, 0x41, 0x52, 0x31),
  utf8('{'), utf8('}'), utf8('['), utf8(']'), utf8('"'), utf8(','), utf8(':'), utf8('\n'), utf8('\r'), utf8('\r\n'), utf8('\t'), utf8('\\'), utf8('\u2028'), utf8(' '),
  utf8('['.repeat(3000)), utf8('{"a":'.repeat(2000)), utf8('['.repeat(200000)), utf8(']'.repeat(3000)),
  utf8('1e999999'), utf8('-1e400'), utf8('123456789012345678901234567890123456789'), utf8('0.' + '0'.repeat(400) + '1'), utf8('1'.repeat(400)), utf8('-'), utf8('NaN'), utf8('Infinity'),
  utf8('"__proto__":'), utf8('{"__proto__":{"text":1},"__proto__":2}'), utf8('"constructor":{"prototype":1},'), utf8('{"a":1,"a":2}'), utf8('"text":"x","text":"y",'),
  utf8('"\\ud800"'), utf8('"\\udc00x"'), utf8('"\\u0000"'), utf8('\\u'), utf8('"\\x"'),
  utf8('""'), utf8(',,,,'), utf8('\n"unclosed'), utf8('a,b,c,d,e,f,g\n'), utf8('\t\t\t'), utf8('"a""b"'), utf8('x'.repeat(70000)),
  utf8('\n{"text":"ok"}\n'), utf8('\n\n\n'),
];

export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'splice'; at: number; piece: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'duplicate'; at: number; length: number; to: number }
  | { kind: 'lines'; from: number; count: number }
  | { kind: 'rows'; from: number; count: number };

/** Positions are fractions of the length (in 1/65536), so a mutation means something on any input. */
const at = fc.nat({ max: 0xffff });
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at, bit: fc.nat(7) }),
  fc.record({ kind: fc.constant('set' as const), at, value: fc.nat(255) }),
  fc.record({ kind: fc.constant('truncate' as const), at }),
  fc.record({ kind: fc.constant('delete' as const), at, length: fc.nat(64) }),
  fc.record({ kind: fc.constant('splice' as const), at, piece: fc.nat(SPLICES.length - 1) }),
  fc.record({ kind: fc.constant('insert' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at, length: fc.nat(200), to: at }),
  fc.record({ kind: fc.constant('lines' as const), from: at, count: fc.nat(40) }),
  fc.record({ kind: fc.constant('rows' as const), from: at, count: fc.nat(40) }),
);

const pos = (f: number, n: number) => Math.min(n, Math.floor((f / 0x10000) * (n + 1)));

export function mutate(input: Uint8Array, m: Mutation): Uint8Array {
  const n = input.length;
  const b = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  switch (m.kind) {
    case 'flip': {
      if (n === 0) return input;
      const out = new Uint8Array(input);
      out[Math.min(n - 1, pos(m.at, n))]! ^= 1 << m.bit;
      return out;
    }
    case 'set': {
      if (n === 0) return bytes(m.value);
      const out = new Uint8Array(input);
      out[Math.min(n - 1, pos(m.at, n))] = m.value;
      return out;
    }
    case 'truncate':
      return input.subarray(0, pos(m.at, n));
    case 'delete': {
      const i = pos(m.at, n);
      return concat(b.subarray(0, i), b.subarray(Math.min(n, i + m.length)));
    }
    case 'splice':
    case 'insert': {
      const i = pos(m.at, n);
      return concat(b.subarray(0, i), m.kind === 'splice' ? SPLICES[m.piece]! : m.bytes, b.subarray(i));
    }
    case 'duplicate': {
      const i = pos(m.at, n);
      const piece = b.subarray(i, Math.min(n, i + m.length));
      const to = pos(m.to, n);
      return concat(b.subarray(0, to), piece, b.subarray(to));
    }
    case 'lines': {
      // Keep a window of `count + 1` lines: a big fixture becomes a small case.
      const lines = b.toString('latin1').split('\n');
      const from = Math.min(lines.length - 1, pos(m.from, lines.length - 1));
      return new Uint8Array(Buffer.from(lines.slice(from, from + m.count + 1).join('\n'), 'latin1'));
    }
    case 'rows': {
      // The same below a header line that stays (CSV, TSV).
      const lines = b.toString('latin1').split('\n');
      const from = 1 + Math.min(lines.length - 2, pos(m.from, lines.length - 2));
      return new Uint8Array(Buffer.from([lines[0], ...lines.slice(from, from + m.count + 1)].join('\n'), 'latin1'));
    }
  }
}

export const applyMutations = (input: Uint8Array, ms: readonly Mutation[]) => ms.reduce(mutate, input);

// ---------------------------------------------------------------------------------------------
// Input files

/** How an input's bytes were made; kept in the case so a fixture says where it came from. */
export type Origin =
  | { kind: 'random'; bytes: Uint8Array }
  | { kind: 'generated'; format: TextFormat; text: string; mutations: Mutation[] }
  | { kind: 'seed'; seed: string; mutations: Mutation[] }
  | { kind: 'parquet'; columns: Array<{ name: string; data: unknown[] }>; mutations: Mutation[] };

export interface Gzip {
  /** Mutations of the compressed bytes (corrupt, truncated gzip). */
  mutations: Mutation[];
}

export interface InputFile {
  /** The format the reader is told (usually the content's). */
  format: Format;
  origin: Origin;
  gzip: Gzip | null;
}

export function build(origin: Origin): Uint8Array {
  switch (origin.kind) {
    case 'random':
      return origin.bytes;
    case 'generated':
      return applyMutations(utf8(origin.text), origin.mutations);
    case 'seed': {
      const s = seedFiles().find((x) => x.name === origin.seed);
      if (!s) throw new Error(`seed file ${origin.seed} is gone; the fixture names it`);
      return applyMutations(s.bytes, origin.mutations);
    }
    case 'parquet':
      return applyMutations(writeParquet(origin.columns), origin.mutations);
  }
}

export function fileBytes(f: InputFile): Uint8Array {
  const raw = build(f.origin);
  if (!f.gzip || f.format === 'parquet') return raw;
  return applyMutations(new Uint8Array(gzipSync(raw)), f.gzip.mutations);
}

function writeParquet(columns: Array<{ name: string; data: unknown[] }>): Uint8Array {
  try {
    return new Uint8Array(parquetWriteBuffer({ columnData: columns } as never));
  } catch {
    // Columns hyparquet-writer refuses (mixed types): a valid one-column file instead.
    return new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'text', data: ['x'] }] } as never));
  }
}

const generatedText = (format: TextFormat): fc.Arbitrary<string> =>
  format === 'jsonl' ? jsonlText : format === 'json' ? jsonDocText : delimitedText(format === 'csv' ? ',' : '\t');

const mutations = (max: number) => fc.array(mutation, { maxLength: max });

/**
 * A fixture with mutations. `window`: first cut it to a window of its lines (JSON Lines) or of
 * its rows under the header (CSV, TSV), so the case is small; JSON and Parquet stay whole.
 */
function seedOrigin(formats: readonly Format[], maxMutations: number, window: boolean): fc.Arbitrary<Origin> {
  const seeds = seedsOf(formats);
  return fc.constantFrom(...seeds).chain((seed) => {
    const kind = !window ? undefined : seed.format === 'jsonl' ? ('lines' as const) : seed.format === 'csv' || seed.format === 'tsv' ? ('rows' as const) : undefined;
    const ms = kind
      ? fc.tuple(fc.record({ kind: fc.constant(kind), from: at, count: fc.nat(60) }), mutations(maxMutations)).map(([w, rest]) => [w as Mutation, ...rest])
      : mutations(maxMutations);
    return fc.record({ kind: fc.constant('seed' as const), seed: fc.constant(seed.name), mutations: ms });
  });
}

const parquetValue = fc.oneof(
  fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 }).map((w) => w.join(' ')),
  fc.string({ unit: fc.nat({ max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 6 }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);

const parquetOrigin = (maxMutations: number): fc.Arbitrary<Origin> => fc.record({
  kind: fc.constant('parquet' as const),
  columns: fc
    .tuple(fc.uniqueArray(fc.constantFrom(...KEYS.filter((k) => k !== '')), { minLength: 1, maxLength: 4 }), fc.nat(20), fc.array(fc.nat(5), { minLength: 4, maxLength: 4 }), fc.array(parquetValue, { minLength: 80, maxLength: 80 }))
    .map(([names, rows, kinds, pool]) =>
      names.map((name, c) => {
        // One type per column (strings, numbers or booleans), nulls anywhere.
        const kind = kinds[c]! % 3;
        const of = (v: unknown, i: number): unknown => (v === null ? null : kind === 0 ? String(v) : kind === 1 ? (typeof v === 'number' ? v : i) : Boolean(v));
        return { name, data: Array.from({ length: rows + 1 }, (_, i) => of(pool[(i * 7 + c) % pool.length], i)) };
      }),
    ),
  mutations: mutations(maxMutations),
});

/**
 * What the readers are fed. `fuzzy`: anything, weighted toward almost-valid files (random bytes,
 * up to four mutations, corrupt gzip). `analyzable`: files the analysis can mostly use (generated
 * records or a window of a fixture, at most one mutation, intact gzip).
 */
export function inputFile(mode: 'fuzzy' | 'analyzable' = 'fuzzy'): fc.Arbitrary<InputFile> {
  const heavy = mode === 'fuzzy';
  const gzip: fc.Arbitrary<Gzip | null> = heavy
    ? fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, { arbitrary: fc.record({ mutations: fc.constant([] as Mutation[]) }), weight: 2 }, { arbitrary: fc.record({ mutations: mutations(2) }), weight: 2 })
    : fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, { arbitrary: fc.record({ mutations: fc.constant([] as Mutation[]) }), weight: 1 });
  const text = fc.constantFrom(...TEXT_FORMATS).chain((format) =>
    fc.record({
      format: heavy ? fc.oneof({ arbitrary: fc.constant<Format>(format), weight: 9 }, { arbitrary: fc.constantFrom<Format>(...TEXT_FORMATS), weight: 1 }) : fc.constant<Format>(format),
      origin: fc.oneof(
        { arbitrary: fc.record({ kind: fc.constant('generated' as const), format: fc.constant(format), text: generatedText(format), mutations: heavy ? mutations(3) : fc.constant([] as Mutation[]) }), weight: 5 },
        { arbitrary: seedOrigin([format], heavy ? 4 : 0, !heavy), weight: 5 },
      ),
      gzip,
    }),
  );
  const random = fc.record({
    format: fc.constantFrom<Format>(...TEXT_FORMATS, 'parquet'),
    origin: fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
    gzip,
  });
  const parquet = fc.record({
    format: fc.constant<Format>('parquet'),
    origin: fc.oneof(seedOrigin(['parquet'], heavy ? 4 : 0, false), parquetOrigin(heavy ? 3 : 0)),
    gzip: fc.constant(null),
  });
  return heavy ? fc.oneof({ arbitrary: text, weight: 10 }, { arbitrary: parquet, weight: 3 }, { arbitrary: random, weight: 2 }) : fc.oneof({ arbitrary: text, weight: 10 }, { arbitrary: parquet, weight: 2 });
}

// ---------------------------------------------------------------------------------------------
// Field paths

const PATH_TOKENS = [
  '$', '@', '.', '..', '[', ']', '*', '?', '(', ')', '!', '==', '!=', '<', '<=', '>', '>=', '&&', '||', '&', '|', ',', ':', ' ', '\t', '\n',
  "'", '"', '\\', '\\u', 'd800', 'dc00', '0041', '\\n', "\\'", '-', '0', '1', '-1', '2', '007', '-0', '9007199254740993', '1e3', '1.5', '1e999',
  'true', 'false', 'null', 'length', 'a', 'b', 'role', 'content', 'text', '__proto__', 'constructor', 'é', '\u00a0', '\u2028', '\ufeff',
  '\ud800', '\udc00', '😀', 'x-y', '_', 'a b', 'count(', 'match(',
];

/** Token soup: mostly invalid paths, near valid ones. */
export const pathSoup = fc.array(fc.constantFrom(...PATH_TOKENS), { minLength: 1, maxLength: 12 }).map((ts) => ts.join(''));

const NAME_POOL = ['a', 'b', 'text', 'role', 'content', 'choices', 'message', '__proto__', 'constructor', 'x-y', 'é', '_1', 'length', 'a b', 'x.y', '', "it's", 'q"t', '0', '\u2028', '\ud800', 'back\\slash', ' lead', 'trail ', '\u00a0', '*'];
const name = fc.oneof({ arbitrary: fc.constantFrom(...NAME_POOL), weight: 6 }, { arbitrary: fc.string({ unit: 'binary', maxLength: 5 }), weight: 1 });
const isIdent = (s: string) => /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff-]*$/.test(s) && !/\s/u.test(s);

function quoteName(s: string, q: "'" | '"', style: number): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (c < 0x20 || (style === 1 && c > 0x7e)) out += ch.length === 2 ? [...Array(2)].map((_, i) => '\\u' + ch.charCodeAt(i).toString(16).padStart(4, '0')).join('') : '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return q + out + q;
}

const int = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(9007199254740991, -9007199254740991, 100));
const ws = fc.constantFrom('', '', '', ' ', '\t', '\n ');

const literal = fc.oneof(
  fc.constantFrom('true', 'false', 'null', '0', '-1', '1.5', '1e3', '-0', '2E-2'),
  fc.tuple(name, fc.constantFrom<"'" | '"'>("'", '"'), fc.nat(1)).map(([s, q, st]) => quoteName(s, q, st)),
);

const relQuery: fc.Arbitrary<string> = fc
  .array(fc.oneof(name.filter(isIdent).map((n) => '.' + n), name.map((n) => `[${quoteName(n, "'", 0)}]`), int.map((i) => `[${i}]`), fc.constant('[*]'), fc.constant('.*')), { maxLength: 3 })
  .map((ss) => '@' + ss.join(''));
const singularRel: fc.Arbitrary<string> = fc
  .array(fc.oneof(name.filter(isIdent).map((n) => '.' + n), name.map((n) => `['${n.replace(/[\\']/g, (c) => '\\' + c).replace(/[\u0000-\u001f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))}']`), int.map((i) => `[${i}]`)), { maxLength: 3 })
  .map((ss) => '@' + ss.join(''));

export const filterExpr: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.tuple(fc.oneof(singularRel, literal), ws, fc.constantFrom('==', '!=', '<', '<=', '>', '>='), ws, fc.oneof(singularRel, literal)).map((xs) => xs.join('')),
    relQuery,
    fc.tuple(tie('expr'), ws, fc.constantFrom('&&', '||'), ws, tie('expr')).map((xs) => xs.join('')),
    tie('expr').map((e) => `(${e})`),
    fc.oneof(relQuery, tie('expr').map((e) => `(${e})`)).map((e) => `!${e}`),
  ),
})).expr;

const segment = fc.oneof(
  { arbitrary: name.filter(isIdent).map((n) => '.' + n), weight: 4 },
  { arbitrary: fc.tuple(name, fc.constantFrom<"'" | '"'>("'", '"'), fc.nat(1)).map(([n, q, st]) => `[${quoteName(n, q, st)}]`), weight: 3 },
  { arbitrary: int.map((i) => `[${i}]`), weight: 2 },
  { arbitrary: fc.tuple(fc.option(int), fc.option(int), fc.option(int)).map(([a, b, c]) => `[${a ?? ''}:${b ?? ''}${c === null ? '' : ':' + c}]`), weight: 1 },
  { arbitrary: fc.constantFrom('[*]', '.*'), weight: 1 },
  { arbitrary: fc.tuple(ws, filterExpr, ws).map(([a, e, b]) => `[?${a}${e}${b}]`), weight: 2 },
);

/** Paths that parse, in the spellings users write: `$`-rooted or not, dotted, bracketed, filtered. */
export const wellFormedPath = fc
  .tuple(fc.constantFrom('$', '', ''), name.filter(isIdent), fc.array(segment, { maxLength: 5 }), fc.constantFrom('', ' ', '\n'))
  .map(([root, first, segs, pad]) => (root === '$' ? '$' : first) + segs.join('') + pad);

/** Any string a user could pass as a field path. */
export const anyPath: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: wellFormedPath, weight: 5 },
  { arbitrary: pathSoup, weight: 3 },
  { arbitrary: fc.tuple(wellFormedPath, fc.nat(), fc.constantFrom(...PATH_TOKENS)).map(([p, i, t]) => p.slice(0, i % (p.length + 1)) + t + p.slice(i % (p.length + 1))), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }), weight: 1 },
  { arbitrary: fc.string({ unit: fc.nat({ max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 10 }), weight: 1 },
  { arbitrary: fc.constantFrom(...NAME_POOL, 'choices[*].message.content', "messages[?@.role=='assistant'].content", 'messages[-1].content', 'response.body.choices[0].message.content'), weight: 1 },
);

/** A JSON value to evaluate paths on, built from the names paths use. */
export const pathJsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown; array: unknown; object: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 5 },
    fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(...NAME_POOL, 'assistant', 'user')),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...NAME_POOL, 'role', 'content'), fc.string({ maxLength: 3 })), tie('value')), { maxLength: 5 }).map((es) => {
    const o: Record<string, unknown> = {};
    // defineProperty: `__proto__` becomes an own key, as JSON.parse makes it.
    for (const [k, v] of es) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    return o;
  }),
})).value;

// ---------------------------------------------------------------------------------------------
// CLI command lines

export const FILE_NAMES: Record<Format, string[]> = {
  jsonl: ['gen1.jsonl', 'gen2.jsonl', 'gen10.jsonl', 'out.ndjson', 'a b.jsonl', 'é.jsonl'],
  json: ['gen1.json', 'gen2.json', 'data.json'],
  csv: ['gen1.csv', 'gen2.csv', 'eval.csv'],
  tsv: ['gen1.tsv', 'data.tsv'],
  parquet: ['gen1.parquet', 'gen2.parquet'],
};

export interface CliFile {
  name: string;
  file: InputFile;
}

export interface CliCase {
  files: CliFile[];
  /** Positional names that are not written: a missing file, a directory. */
  extraPositionals: string[];
  flags: string[][];
  /** collapselens.json in the working directory, when not null. */
  config: string | null;
}

const FIELD_FLAGS = ['--text-field', '--group-field', '--vector-field', '--label-field', '--prediction-field', '--value-field', '--prompt-field'] as const;
/** Paths that exist in the generated records and the fixtures. */
const PLAUSIBLE_PATHS = [
  'text', 'output', 'completion', 'label', 'prediction', 'score', 'generation', 'embedding', 'prompt', 'id',
  'messages[-1].content', "messages[?@.role=='assistant'].content", 'choices[*].message.content', 'choices[0].text',
  'response.body.choices[0].message.content', 'outputs[*].text', '$.text', "['text']", 'x0',
];

const pair = (flag: string, values: fc.Arbitrary<string>) => fc.tuple(fc.constant(flag), values).map(([f, v]): string[] => [f, v]);

/** Flags with values the CLI accepts (a path may still select nothing in the data). */
const goodFlag: fc.Arbitrary<string[]> = fc.oneof(
  { arbitrary: pair('--format', fc.constantFrom('json', 'sarif', 'text', 'html', 'json', 'sarif')), weight: 8 },
  { arbitrary: fc.tuple(fc.constantFrom(...FIELD_FLAGS), fc.constantFrom(...PLAUSIBLE_PATHS)).map(([f, v]): string[] => [f, v]), weight: 2 },
  { arbitrary: pair('--fail-on', fc.constantFrom('error', 'warning', 'info', 'never')), weight: 3 },
  { arbitrary: pair('--baseline', fc.constantFrom('gen1', 'gen2', 'gen1.jsonl', 'gen2.csv', 'data.json', 'gen1.parquet')), weight: 1 },
  { arbitrary: pair('--seed', fc.constantFrom('1', '42', '-3', '0', '123456789')), weight: 1 },
  { arbitrary: fc.constant(['--lowercase']).map((f): string[] => [...f]), weight: 1 },
  { arbitrary: pair('--max-file-size', fc.constantFrom('1', '100', '0.5')), weight: 1 },
  { arbitrary: pair('--out', fc.constantFrom('report.out', 'sub/dir/report.out', 'report.json')), weight: 2 },
);

/** Anything: random paths, bad values, unknown options, missing values. */
const anyFlag: fc.Arbitrary<string[]> = fc.oneof(
  { arbitrary: goodFlag, weight: 6 },
  { arbitrary: fc.tuple(fc.constantFrom(...FIELD_FLAGS), anyPath).map(([f, v]): string[] => [f, v]), weight: 4 },
  { arbitrary: pair('--format', fc.constantFrom('xml', '', 'JSON', '-')), weight: 1 },
  { arbitrary: pair('--fail-on', fc.constantFrom('fatal', '', 'ERROR')), weight: 1 },
  { arbitrary: pair('--baseline', fc.constantFrom('nope', '', '../x', 'gen1.jsonl.gz', '.')), weight: 1 },
  { arbitrary: pair('--seed', fc.constantFrom('1.5', 'x', '1e3', '9007199254740993', '', '-0', '0x10')), weight: 1 },
  { arbitrary: pair('--max-file-size', fc.constantFrom('0.0001', '0', '-1', 'abc', '1e9', 'Infinity', 'NaN', '1e-300')), weight: 1 },
  { arbitrary: pair('--out', fc.constantFrom('gen1.jsonl', '.', 'sub', 'gen1.csv', '-')), weight: 1 },
  { arbitrary: pair('--config', fc.constantFrom('missing.json', 'collapselens.json', '.')), weight: 1 },
  { arbitrary: fc.constantFrom(['--bogus'], ['-x'], ['--format'], ['--help'], ['--lowercase=yes'], ['--'], ['-'], ['--text-field']).map((f): string[] => [...f]), weight: 1 },
);

const CONFIGS = ['{}', '{"failOn":"warning"}', '{"fields":{"text":"output"}}', '{"rules":{"dropWarning":2}}', '{"fields":{"text":"a[["}}', 'not json', '[]', '{"__proto__":{"failOn":"never"}}', '{"seed":"x"}', '{"seed":7}', '{"failOn":"never","lowercase":true}'];

function caseOf(files: InputFile[], extra: string[], flags: string[][], eqForm: boolean, config: string | null): CliCase {
  const used = new Set<string>();
  const named: CliFile[] = files.map((file, i) => {
    const choices = FILE_NAMES[file.format];
    let n = choices[i % choices.length]!;
    if (file.gzip && file.format !== 'parquet') n += '.gz';
    while (used.has(n)) n = `g${i}-${n}`;
    used.add(n);
    return { name: n, file };
  });
  const flagArgs = flags.map((f): string[] => (eqForm && f.length === 2 ? [`${f[0]}=${f[1]}`] : [...f]));
  return { files: named, extraPositionals: extra, flags: flagArgs, config };
}

/** A run the analysis gets through most of the time: analyzable files, accepted flags. */
export const cleanCliCase: fc.Arbitrary<CliCase> = fc
  .tuple(
    fc.array(inputFile('analyzable'), { minLength: 1, maxLength: 3 }),
    fc.array(goodFlag, { maxLength: 4 }),
    fc.boolean(),
    fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, { arbitrary: fc.constantFrom('{}', '{"failOn":"warning"}', '{"seed":7}', '{"failOn":"never","lowercase":true}'), weight: 1 }),
  )
  .map(([files, flags, eqForm, config]) => caseOf(files, [], flags, eqForm, config));

/** Anything: broken files, missing files, folders, bad and unknown options, broken config. */
export const chaosCliCase: fc.Arbitrary<CliCase> = fc
  .tuple(
    fc.array(inputFile('fuzzy'), { minLength: 1, maxLength: 3 }),
    fc.oneof({ arbitrary: fc.constant([] as string[]), weight: 3 }, { arbitrary: fc.array(fc.constantFrom('missing.jsonl', 'sub', 'notes.txt', 'archive.gz'), { minLength: 1, maxLength: 1 }), weight: 1 }),
    fc.array(anyFlag, { maxLength: 5 }),
    fc.boolean(),
    fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, { arbitrary: fc.constantFrom(...CONFIGS), weight: 2 }, { arbitrary: jsonText, weight: 1 }),
  )
  .map(([files, extra, flags, eqForm, config]) => caseOf(files, extra, flags, eqForm, config));

export const cliCase: fc.Arbitrary<CliCase> = fc.oneof({ arbitrary: cleanCliCase, weight: 3 }, { arbitrary: chaosCliCase, weight: 2 });

export function cliArgs(c: CliCase): string[] {
  return ['analyze', ...c.files.map((f) => f.name), ...c.extraPositionals, ...c.flags.flat()];
}
