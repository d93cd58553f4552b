// Over 400 lines: one grammar — lexer, parser, canonical printer and compiled evaluator — kept together so they cannot disagree.
// Field paths: the subset of RFC 9535 JSONPath accepted by every "field" option
// (`--text-field 'response.body.choices[0].message.content'`). User docs: docs/field-paths.md.
//
// Accepted:
// - optional leading `$` (`$` alone is the root); a first member or `*` without a dot (`response.body`);
// - `.name` (ASCII letters, digits, `_`, non-ASCII; `-` after the first character, a leniency
//   beyond RFC 9535 for keys like `gold-label`) and `.*`;
// - `['name']` / `["name"]` with RFC 9535 escapes (`\'` and `\"` are accepted in both quote styles);
// - `[i]` (negative counts from the end), slices `[start:end:step]`, `[*]`;
// - filters `[?expr]`: comparisons between literals and singular relative queries, existence tests
//   (any relative query, nested filters included), `!`, `&&`, `||`, parentheses.
// Rejected with a FieldPathError: `..`, unions, functions, `$` inside filters.
//
// Bare names: a text that does not start with `$`, `[` or `@` and has no `.`, `[` or `]` is one
// member name, so `generated text` selects the key "generated text".
//
// Whole-key rule (v0.1 compatibility, when options were bare record keys): unless the path is
// exactly one member named like its whole text, `select` and `first` first check whether the root
// is an object with an own key equal to the whole (trimmed) text; if so they select exactly that
// value. A CSV column literally named `response.text` therefore keeps working.
//
// Members are looked up as own properties only; member segments select nothing on arrays; index,
// slice apply to arrays only; wildcard and filter apply to arrays and plain objects (member values
// in property order, which is insertion order except that integer-like keys come first).

export type Segment =
  | { kind: 'member'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start?: number; end?: number; step?: number }
  | { kind: 'wildcard' }
  /** `source` is the canonical expression without `?`; `test` receives the candidate node (`@`). */
  | { kind: 'filter'; source: string; test: (node: unknown) => boolean };

export interface FieldPath {
  /** The text as given (trimmed). */
  readonly source: string;
  /** Normalized form: `$` dropped (the root alone is `$`), identifier-like members dotted, others bracketed with single quotes. */
  readonly canonical: string;
  /** True when no wildcard, slice or filter appears: selects at most one node. */
  readonly singular: boolean;
  readonly segments: readonly Segment[];
  /** Every node the path selects, in selection order, pushed onto `out` (created when absent), which is returned. */
  select(root: unknown, out?: unknown[]): unknown[];
  /** The first node selected, or undefined. */
  first(root: unknown): unknown;
}

export class FieldPathError extends Error {
  /** 0-based offset in the trimmed text. */
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.name = 'FieldPathError';
    this.position = position;
  }
}

const CACHE_SIZE = 256;
const cache = new Map<string, FieldPath>();

/** Compiles (and caches by text, the 256 most recent) a path. Throws FieldPathError. */
export function compileFieldPath(text: string): FieldPath {
  if (typeof text !== 'string') throw new FieldPathError('a field path must be a string', 0);
  const cached = cache.get(text);
  if (cached !== undefined) {
    cache.delete(text);
    cache.set(text, cached);
    return cached;
  }
  const source = text.trim();
  if (source === '') throw new FieldPathError('empty path', 0);
  const path = build(source, parse(source));
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(text, path);
  return path;
}

/** Appends a member to a canonical path: `a` + `b` → `a.b`; `a` + `content type` → `a['content type']`; '' + `x` → `x`. */
export function appendMember(path: string, name: string): string {
  const first = path === '' || path === '$';
  return (first ? '' : path) + memberCanon(name, first);
}

// ---------------------------------------------------------------------------------------------
// Evaluation

type Obj = Record<string, unknown>;
/** Returns true to stop (first-match mode, `out === null`). */
type Step = (node: unknown, out: unknown[] | null) => boolean;
type Getter = (node: unknown) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;
/** "Nothing": a missing member or index. */
const NONE: unique symbol = Symbol('nothing');

function isObj(n: unknown): n is Obj {
  return n !== null && typeof n === 'object' && !Array.isArray(n);
}

function build(source: string, segments: Segment[]): FieldPath {
  Object.freeze(segments);
  const singular = segments.every((s) => s.kind === 'member' || s.kind === 'index');
  const only = segments.length === 1 ? segments[0]! : undefined;
  const wholeKey = only !== undefined && only.kind === 'member' && only.name === source ? null : source;
  let select: (root: unknown, out?: unknown[]) => unknown[];
  let first: (root: unknown) => unknown;
  if (singular) {
    const get = singularGetter(segments);
    first = (root) => {
      if (wholeKey !== null && isObj(root) && hasOwn.call(root, wholeKey)) return root[wholeKey];
      const v = get(root);
      return v === NONE ? undefined : v;
    };
    select = (root, out = []) => {
      if (wholeKey !== null && isObj(root) && hasOwn.call(root, wholeKey)) out.push(root[wholeKey]);
      else {
        const v = get(root);
        if (v !== NONE) out.push(v);
      }
      return out;
    };
  } else {
    let hit: unknown;
    const chain = buildChain(segments, (n, out) => {
      if (out === null) {
        hit = n;
        return true;
      }
      out.push(n);
      return false;
    });
    first = (root) => {
      if (wholeKey !== null && isObj(root) && hasOwn.call(root, wholeKey)) return root[wholeKey];
      if (!chain(root, null)) return undefined;
      const h = hit;
      hit = undefined;
      return h;
    };
    select = (root, out = []) => {
      if (wholeKey !== null && isObj(root) && hasOwn.call(root, wholeKey)) out.push(root[wholeKey]);
      else chain(root, out);
      return out;
    };
  }
  return Object.freeze({ source, canonical: canonicalOf(segments), singular, segments, select, first });
}

/** A getter for a singular segment list: the node, or NONE. */
function singularGetter(segments: readonly Segment[]): Getter {
  let g: Getter | null = null;
  for (let i = segments.length - 1; i >= 0; i--) g = getterStep(segments[i]!, g);
  return g ?? ((n) => n);
}

function getterStep(s: Segment, next: Getter | null): Getter {
  if (s.kind === 'member') {
    const name = s.name;
    if (next === null) return (n) => (isObj(n) && hasOwn.call(n, name) ? n[name] : NONE);
    return (n) => (isObj(n) && hasOwn.call(n, name) ? next(n[name]) : NONE);
  }
  if (s.kind === 'index') {
    const index = s.index;
    return (n) => {
      if (!Array.isArray(n)) return NONE;
      const i = index < 0 ? n.length + index : index;
      if (i < 0 || i >= n.length) return NONE;
      return next === null ? n[i] : next(n[i]);
    };
  }
  throw new Error(`not a singular segment: ${s.kind}`);
}

function buildChain(segments: readonly Segment[], terminal: Step): Step {
  let next = terminal;
  for (let i = segments.length - 1; i >= 0; i--) next = makeStep(segments[i]!, next);
  return next;
}

function makeStep(s: Segment, next: Step): Step {
  switch (s.kind) {
    case 'member': {
      const name = s.name;
      return (n, out) => isObj(n) && hasOwn.call(n, name) && next(n[name], out);
    }
    case 'index': {
      const index = s.index;
      return (n, out) => {
        if (!Array.isArray(n)) return false;
        const i = index < 0 ? n.length + index : index;
        return i >= 0 && i < n.length && next(n[i], out);
      };
    }
    case 'slice':
      return sliceStep(s.start, s.end, s.step ?? 1, next);
    case 'wildcard':
      return (n, out) => {
        if (Array.isArray(n)) {
          for (let i = 0; i < n.length; i++) if (next(n[i], out)) return true;
        } else if (isObj(n)) {
          for (const k in n) if (hasOwn.call(n, k) && next(n[k], out)) return true;
        }
        return false;
      };
    case 'filter': {
      const test = s.test;
      return (n, out) => {
        if (Array.isArray(n)) {
          for (let i = 0; i < n.length; i++) {
            const v = n[i];
            if (test(v) && next(v, out)) return true;
          }
        } else if (isObj(n)) {
          for (const k in n) {
            if (!hasOwn.call(n, k)) continue;
            const v = n[k];
            if (test(v) && next(v, out)) return true;
          }
        }
        return false;
      };
    }
  }
}

/** RFC 9535 §2.3.4.2.2. */
function sliceStep(start: number | undefined, end: number | undefined, step: number, next: Step): Step {
  if (step === 0) return () => false;
  if (step > 0) {
    return (n, out) => {
      if (!Array.isArray(n)) return false;
      const len = n.length;
      const lo = start === undefined ? 0 : start < 0 ? Math.max(len + start, 0) : Math.min(start, len);
      const hi = end === undefined ? len : end < 0 ? Math.max(len + end, 0) : Math.min(end, len);
      for (let i = lo; i < hi; i += step) if (next(n[i], out)) return true;
      return false;
    };
  }
  return (n, out) => {
    if (!Array.isArray(n)) return false;
    const len = n.length;
    const hi = start === undefined ? len - 1 : clamp(start < 0 ? len + start : start, -1, len - 1);
    const lo = end === undefined ? -1 : clamp(end < 0 ? len + end : end, -1, len - 1);
    for (let i = hi; i > lo; i += step) if (next(n[i], out)) return true;
    return false;
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

// Comparisons, RFC 9535 §2.3.5.2.2: no coercion; ordering only between two numbers or two strings.

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const arr = Array.isArray(a);
  if (arr !== Array.isArray(b)) return false;
  if (arr) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!equal(x[i], y[i])) return false;
    return true;
  }
  const x = a as Obj;
  const y = b as Obj;
  let count = 0;
  for (const k in x) {
    if (!hasOwn.call(x, k)) continue;
    if (!hasOwn.call(y, k) || !equal(x[k], y[k])) return false;
    count++;
  }
  for (const k in y) if (hasOwn.call(y, k)) count--;
  return count === 0;
}

function less(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b) < 0;
  return false;
}

/** Orders strings by Unicode scalar value (JS `<` orders UTF-16 code units). */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

function comparison(op: CompareOp, l: Operand, r: Operand): (node: unknown) => boolean {
  // Literals are primitives, so equality with one is `===`.
  if ((op === '==' || op === '!=') && (l.kind === 'literal' || r.kind === 'literal')) {
    const q = l.kind === 'literal' ? r : l;
    const lit = l.kind === 'literal' ? l.value : (r as LiteralOperand).value;
    if (q.kind === 'literal') {
      const same = q.value === lit;
      return op === '==' ? () => same : () => !same;
    }
    const get = q.get;
    return op === '==' ? (n) => get(n) === lit : (n) => get(n) !== lit;
  }
  const gl = getterOf(l);
  const gr = getterOf(r);
  switch (op) {
    case '==':
      return (n) => equal(gl(n), gr(n));
    case '!=':
      return (n) => !equal(gl(n), gr(n));
    case '<':
      return (n) => less(gl(n), gr(n));
    case '>':
      return (n) => less(gr(n), gl(n));
    case '<=':
      return (n) => {
        const a = gl(n);
        const b = gr(n);
        return less(a, b) || equal(a, b);
      };
    case '>=':
      return (n) => {
        const a = gl(n);
        const b = gr(n);
        return less(b, a) || equal(a, b);
      };
  }
}

function getterOf(o: Operand): Getter {
  if (o.kind === 'query') return o.get;
  const v = o.value;
  return () => v;
}

// ---------------------------------------------------------------------------------------------
// Canonical form

const WHITESPACE = /\s/u;

/** Can be written as `.name` (and survives trimming). */
function isIdentifier(name: string): boolean {
  if (name.length === 0 || !isNameFirst(name.charCodeAt(0))) return false;
  for (let i = 1; i < name.length; i++) if (!isNameChar(name.charCodeAt(i))) return false;
  return !WHITESPACE.test(name);
}

function quote(s: string): string {
  let out = "'";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x27) out += "\\'";
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += s[i];
  }
  return out + "'";
}

function memberCanon(name: string, first: boolean): string {
  if (isIdentifier(name)) return first ? name : '.' + name;
  return `[${quote(name)}]`;
}

function segmentCanon(s: Segment, first: boolean): string {
  switch (s.kind) {
    case 'member':
      return memberCanon(s.name, first);
    case 'index':
      return `[${s.index}]`;
    case 'slice':
      return `[${s.start ?? ''}:${s.end ?? ''}${s.step === undefined ? '' : ':' + s.step}]`;
    case 'wildcard':
      return '[*]';
    case 'filter':
      return `[?${s.source}]`;
  }
}

function canonicalOf(segments: readonly Segment[]): string {
  if (segments.length === 0) return '$';
  let out = '';
  for (let i = 0; i < segments.length; i++) out += segmentCanon(segments[i]!, i === 0);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parsing

const DOLLAR = 0x24;
const AT = 0x40;
const DOT = 0x2e;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LPAREN = 0x28;
const RPAREN = 0x29;
const STAR = 0x2a;
const QUESTION = 0x3f;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const BANG = 0x21;
const EQUALS = 0x3d;
const LESS = 0x3c;
const GREATER = 0x3e;
const AMP = 0x26;
const PIPE = 0x7c;
const SQUOTE = 0x27;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
function isNameFirst(c: number): boolean {
  return isAlpha(c) || c === 0x5f || c >= 0x80;
}
function isNameChar(c: number): boolean {
  return isNameFirst(c) || isDigit(c) || c === MINUS;
}
function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

const WILDCARD: Segment = Object.freeze({ kind: 'wildcard' });

interface LiteralOperand {
  kind: 'literal';
  value: string | number | boolean | null;
  canon: string;
  at: number;
}
interface QueryOperand {
  kind: 'query';
  segments: Segment[];
  singular: boolean;
  get: Getter;
  canon: string;
  at: number;
}
type Operand = LiteralOperand | QueryOperand;

/** A filter expression; prec 1 = `||`, 2 = `&&`, 3 = atom. `isTest`: an existence test. */
interface Expr {
  canon: string;
  prec: number;
  test: (node: unknown) => boolean;
  isTest: boolean;
  /** A negation (`!x`): another `!` may go before it without parentheses. */
  isNot?: boolean;
}

function wrap(e: Expr, prec: number): string {
  return e.prec < prec ? `(${e.canon})` : e.canon;
}

function parse(source: string): Segment[] {
  const c0 = source.charCodeAt(0);
  if (c0 !== DOLLAR && c0 !== LBRACKET && c0 !== AT && !/[.[\]]/.test(source)) {
    return [Object.freeze({ kind: 'member', name: source })];
  }
  return new Parser(source).parsePath();
}

class Parser {
  private pos = 0;
  /** Open brackets and parentheses, for "unclosed" errors. */
  private readonly opens: { ch: string; at: number }[] = [];
  constructor(private readonly src: string) {}

  parsePath(): Segment[] {
    const segments: Segment[] = [];
    const c = this.code();
    if (c === DOLLAR) this.pos = 1;
    else if (c === AT) this.fail('unexpected "@"', 0, 'start with $ or a name; @ is only valid inside a filter [?...]');
    else if (c === STAR) {
      this.pos = 1;
      segments.push(WILDCARD);
    } else if (isNameFirst(c)) segments.push(member(this.readName()));
    else if (c !== LBRACKET) this.unexpected('expected $, a name or "["');
    this.parseSegments(segments, false);
    return segments;
  }

  // -- segments

  private parseSegments(segments: Segment[], relative: boolean): void {
    for (;;) {
      const save = this.pos;
      this.skipBlank();
      const c = this.code();
      if (c === DOT) segments.push(this.parseDot());
      else if (c === LBRACKET) segments.push(this.parseBracket());
      else if (relative || this.eof()) {
        this.pos = save;
        return;
      } else this.unexpected('expected "." or "["');
    }
  }

  private parseDot(): Segment {
    const at = this.pos++;
    const c = this.code();
    if (c === DOT) this.fail('recursive descent (..) is not supported', at);
    if (c === STAR) {
      this.pos++;
      return WILDCARD;
    }
    if (isNameFirst(c)) return member(this.readName());
    if (isDigit(c)) this.unexpected('expected a name or * after "." (write [0] for an index)');
    this.unexpected('expected a name or * after "."');
  }

  private parseBracket(): Segment {
    const open = this.pos++;
    this.opens.push({ ch: '[', at: open });
    this.skipBlank();
    const c = this.code();
    let seg: Segment;
    let expected = 'expected "]"';
    if (c === SQUOTE || c === DQUOTE) seg = member(this.readString());
    else if (c === STAR) {
      this.pos++;
      seg = WILDCARD;
    } else if (c === QUESTION) {
      this.pos++;
      this.skipBlank();
      const e = this.parseOr();
      seg = Object.freeze({ kind: 'filter', source: e.canon, test: e.test });
      expected = 'expected "]", "&&" or "||"';
    } else if (c === MINUS || c === COLON || isDigit(c)) seg = this.parseIndexOrSlice();
    else if (isNameFirst(c)) {
      const word = this.peekName();
      this.unexpected(`expected an index, a quoted name, * or a filter (quote names: [${quote(word)}])`);
    } else this.unexpected('expected an index, a quoted name, * or a filter');
    this.skipBlank();
    if (this.code() === COMMA) this.fail('unions ([a,b]) are not supported', this.pos);
    if (this.code() !== RBRACKET) this.unexpected(expected);
    this.pos++;
    this.opens.pop();
    return seg;
  }

  private parseIndexOrSlice(): Segment {
    const start = this.optionalInt();
    this.skipBlank();
    if (this.code() !== COLON) return Object.freeze({ kind: 'index', index: start! });
    this.pos++;
    this.skipBlank();
    const end = this.optionalInt();
    this.skipBlank();
    let step: number | undefined;
    if (this.code() === COLON) {
      this.pos++;
      this.skipBlank();
      step = this.optionalInt();
    }
    const s: { kind: 'slice'; start?: number; end?: number; step?: number } = { kind: 'slice' };
    if (start !== undefined) s.start = start;
    if (end !== undefined) s.end = end;
    if (step !== undefined) s.step = step;
    return Object.freeze(s);
  }

  private optionalInt(): number | undefined {
    const c = this.code();
    return c === MINUS || isDigit(c) ? this.readInt() : undefined;
  }

  /** RFC 9535 `int`: no leading zeros, no `-0`, within ±(2^53 − 1). */
  private readInt(): number {
    const at = this.pos;
    if (this.code() === MINUS) this.pos++;
    if (!isDigit(this.code())) this.unexpected('expected a digit');
    const d0 = this.pos;
    while (isDigit(this.code())) this.pos++;
    const text = this.src.slice(at, this.pos);
    if (this.src.charCodeAt(d0) === 0x30 && (this.pos - d0 > 1 || d0 > at)) {
      this.fail(`invalid index ${JSON.stringify(text)}`, at, 'no leading zeros or -0');
    }
    const v = Number(text);
    if (!Number.isSafeInteger(v)) this.fail(`index ${text} out of range`, at);
    return v;
  }

  // -- names and strings

  private readName(): string {
    const start = this.pos++;
    while (isNameChar(this.code())) this.pos++;
    return this.src.slice(start, this.pos);
  }

  private peekName(): string {
    let end = this.pos + 1;
    while (end < this.src.length && isNameChar(this.src.charCodeAt(end))) end++;
    return this.src.slice(this.pos, end);
  }

  private readString(): string {
    const s = this.src;
    const q = s.charCodeAt(this.pos);
    const open = this.pos++;
    let out = '';
    let chunk = this.pos;
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated string', open);
      const c = s.charCodeAt(this.pos);
      if (c === q) {
        out += s.slice(chunk, this.pos);
        this.pos++;
        return out;
      }
      if (c === BACKSLASH) {
        out += s.slice(chunk, this.pos);
        out += this.readEscape(open);
        chunk = this.pos;
      } else if (c < 0x20) {
        this.fail('unescaped control character in string', this.pos, 'write it as an escape such as \\n');
      } else this.pos++;
    }
  }

  private readEscape(open: number): string {
    const at = this.pos++;
    if (this.eof()) this.fail('unterminated string', open);
    const c = this.src.charCodeAt(this.pos++);
    switch (c) {
      case 0x62:
        return '\b';
      case 0x66:
        return '\f';
      case 0x6e:
        return '\n';
      case 0x72:
        return '\r';
      case 0x74:
        return '\t';
      case 0x2f:
        return '/';
      case BACKSLASH:
        return '\\';
      case SQUOTE:
        return "'";
      case DQUOTE:
        return '"';
      case 0x75: {
        const hi = this.readHex4(at);
        if (hi >= 0xdc00 && hi <= 0xdfff) this.fail('lone low surrogate in \\u escape', at);
        if (hi < 0xd800 || hi > 0xdbff) return String.fromCharCode(hi);
        if (this.code() !== BACKSLASH || this.src.charCodeAt(this.pos + 1) !== 0x75) {
          this.fail('high surrogate not followed by a low surrogate \\u escape', at);
        }
        this.pos += 2;
        const lo = this.readHex4(at);
        if (lo < 0xdc00 || lo > 0xdfff) this.fail('high surrogate not followed by a low surrogate \\u escape', at);
        return String.fromCharCode(hi, lo);
      }
      default:
        this.pos--;
        this.fail(`invalid escape "\\${String.fromCodePoint(this.src.codePointAt(this.pos)!)}"`, at);
    }
  }

  private readHex4(at: number): number {
    const text = this.src.slice(this.pos, this.pos + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(text)) this.fail('invalid \\u escape', at, 'expected 4 hex digits');
    this.pos += 4;
    return parseInt(text, 16);
  }

  // -- filter expressions

  private parseOr(): Expr {
    let left = this.parseAnd();
    for (;;) {
      const save = this.pos;
      this.skipBlank();
      if (!this.operator(PIPE, '||')) {
        this.pos = save;
        return left;
      }
      this.skipBlank();
      const right = this.parseAnd();
      const a = left.test;
      const b = right.test;
      left = { canon: `${wrap(left, 1)} || ${wrap(right, 1)}`, prec: 1, test: (n) => a(n) || b(n), isTest: false };
    }
  }

  private parseAnd(): Expr {
    let left = this.parseBasic();
    for (;;) {
      const save = this.pos;
      this.skipBlank();
      if (!this.operator(AMP, '&&')) {
        this.pos = save;
        return left;
      }
      this.skipBlank();
      const right = this.parseBasic();
      const a = left.test;
      const b = right.test;
      left = { canon: `${wrap(left, 2)} && ${wrap(right, 2)}`, prec: 2, test: (n) => a(n) && b(n), isTest: false };
    }
  }

  /** True (and consumed) at a doubled `&&`/`||`; a single `&`/`|` is an error. */
  private operator(c: number, op: string): boolean {
    if (this.code() !== c) return false;
    if (this.src.charCodeAt(this.pos + 1) !== c) this.unexpected(`use ${op}`);
    this.pos += 2;
    return true;
  }

  private parseBasic(): Expr {
    const c = this.code();
    if (c === BANG) return this.parseNot();
    if (c === LPAREN) return this.parseParen();
    const left = this.parseOperand();
    const save = this.pos;
    this.skipBlank();
    const op = this.compareOp();
    if (op === null) {
      this.pos = save;
      if (left.kind === 'literal') {
        this.fail('a literal alone is not a test', left.at, `compare it with a query, e.g. @.x == ${left.canon}`);
      }
      return existence(left);
    }
    this.skipBlank();
    if (this.eof()) this.unexpected(`expected a query or a literal after "${op}"`);
    const right = this.parseOperand();
    for (const o of [left, right]) {
      if (o.kind === 'query' && !o.singular) {
        this.fail('a query with a wildcard, slice or filter cannot be compared', o.at, 'compare one member or index');
      }
    }
    return { canon: `${left.canon} ${op} ${right.canon}`, prec: 3, test: comparison(op, left, right), isTest: false };
  }

  private parseNot(): Expr {
    const at = this.pos++;
    this.skipBlank();
    const c = this.code();
    let inner: Expr;
    if (c === LPAREN) inner = this.parseParen();
    else if (c === BANG) inner = this.parseNot();
    else if (c === AT || c === DOLLAR || isAlpha(c)) {
      const o = this.parseOperand();
      if (o.kind === 'literal') this.fail('"!" applies to a query or a parenthesized expression', at);
      const save = this.pos;
      this.skipBlank();
      if (this.compareOp() !== null) {
        this.fail('"!" applies to a test, not to a comparison', at, 'write !(a == b) or a != b');
      }
      this.pos = save;
      inner = existence(o);
    } else this.unexpected('expected a query or "(" after "!"');
    const t = inner.test;
    // `!` binds tighter than everything: only a test or another negation goes without parentheses.
    const canon = inner.isTest || inner.isNot ? '!' + inner.canon : `!(${inner.canon})`;
    return { canon, prec: 3, test: (n) => !t(n), isTest: false, isNot: true };
  }

  private parseParen(): Expr {
    const open = this.pos++;
    this.opens.push({ ch: '(', at: open });
    this.skipBlank();
    const inner = this.parseOr();
    this.skipBlank();
    if (this.code() === RBRACKET) this.fail('unclosed "("', open);
    if (this.code() !== RPAREN) this.unexpected('expected ")", "&&" or "||"');
    this.pos++;
    this.opens.pop();
    return inner;
  }

  private compareOp(): CompareOp | null {
    const c = this.code();
    const d = this.src.charCodeAt(this.pos + 1);
    let op: CompareOp | null = null;
    if (c === EQUALS) {
      if (d !== EQUALS) this.unexpected('use == to compare');
      op = '==';
    } else if (c === BANG && d === EQUALS) op = '!=';
    else if (c === LESS) op = d === EQUALS ? '<=' : '<';
    else if (c === GREATER) op = d === EQUALS ? '>=' : '>';
    if (op !== null) this.pos += op.length;
    return op;
  }

  private parseOperand(): Operand {
    const at = this.pos;
    const c = this.code();
    if (c === AT) {
      this.pos++;
      const segments: Segment[] = [];
      this.parseSegments(segments, true);
      const singular = segments.every((s) => s.kind === 'member' || s.kind === 'index');
      let canon = '@';
      for (const s of segments) canon += segmentCanon(s, false);
      return { kind: 'query', segments, singular, get: singular ? singularGetter(segments) : () => NONE, canon, at };
    }
    if (c === DOLLAR) this.fail('absolute queries ($) inside filters are not supported', at, 'use @ for the element being tested');
    if (c === SQUOTE || c === DQUOTE) {
      const value = this.readString();
      return { kind: 'literal', value, canon: quote(value), at };
    }
    if (c === MINUS || isDigit(c)) return this.readNumber();
    if (isAlpha(c) || c === 0x5f) {
      while (isAlpha(this.code()) || isDigit(this.code()) || this.code() === 0x5f) this.pos++;
      const word = this.src.slice(at, this.pos);
      const save = this.pos;
      this.skipBlank();
      if (this.code() === LPAREN) this.fail(`functions such as ${word}() are not supported`, at);
      this.pos = save;
      if (word === 'true' || word === 'false' || word === 'null') {
        return { kind: 'literal', value: word === 'null' ? null : word === 'true', canon: word, at };
      }
      this.fail(`unexpected name "${word}"`, at, `expected @, a quoted string, a number, true, false or null (quote strings: ${quote(word)})`);
    }
    this.unexpected('expected @, a quoted string, a number, true, false, null or "("');
  }

  /** RFC 9535 `number`: `-`? (0 | [1-9][0-9]*) (`.` digits)? ([eE] [+-]? digits)?. */
  private readNumber(): LiteralOperand {
    const at = this.pos;
    if (this.code() === MINUS) this.pos++;
    if (!isDigit(this.code())) this.unexpected('expected a digit');
    if (this.code() === 0x30) {
      this.pos++;
      if (isDigit(this.code())) this.fail(`invalid number "${this.src.slice(at, this.pos + 1)}"`, at, 'no leading zeros');
    } else while (isDigit(this.code())) this.pos++;
    if (this.code() === DOT) {
      this.pos++;
      if (!isDigit(this.code())) this.unexpected('expected a digit after "."');
      while (isDigit(this.code())) this.pos++;
    }
    if (this.code() === 0x65 || this.code() === 0x45) {
      this.pos++;
      if (this.code() === PLUS || this.code() === MINUS) this.pos++;
      if (!isDigit(this.code())) this.unexpected('expected a digit in the exponent');
      while (isDigit(this.code())) this.pos++;
    }
    const text = this.src.slice(at, this.pos);
    const value = Number(text);
    if (!Number.isFinite(value)) this.fail(`number ${text} out of range`, at);
    return { kind: 'literal', value, canon: text, at };
  }

  // -- helpers

  private code(): number {
    return this.src.charCodeAt(this.pos);
  }
  private eof(): boolean {
    return this.pos >= this.src.length;
  }
  private skipBlank(): void {
    while (isBlank(this.code())) this.pos++;
  }

  private unexpected(expected: string): never {
    if (this.eof()) {
      const open = this.opens[this.opens.length - 1];
      if (open !== undefined) this.fail(`unclosed "${open.ch}"`, open.at);
      this.fail('unexpected end of path', this.pos, expected);
    }
    const ch = String.fromCodePoint(this.src.codePointAt(this.pos)!);
    this.fail(`unexpected ${JSON.stringify(ch)}`, this.pos, expected);
  }

  private fail(what: string, at: number, expected?: string): never {
    throw new FieldPathError(`${what} at column ${at + 1} of ${this.src}${expected ? ': ' + expected : ''}`, at);
  }
}

function member(name: string): Segment {
  return Object.freeze({ kind: 'member', name });
}

function existence(q: QueryOperand): Expr {
  let test: (node: unknown) => boolean;
  if (q.segments.length === 0) test = () => true;
  else if (q.singular) {
    const get = q.get;
    test = (n) => get(n) !== NONE;
  } else {
    const chain = buildChain(q.segments, () => true);
    test = (n) => chain(n, null);
  }
  return { canon: q.canon, prec: 3, test, isTest: true };
}
