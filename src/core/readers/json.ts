// Over 400 lines: one hand-written scanner (nesting, strings, collections, positions) that feeds JSON.parse.
// A JSON document holding the records as an array: `[{...}, ...]`, an array of arrays of
// records (`[[{...}, {...}], ...]`, what a transformers pipeline returns for several outputs
// per prompt), or an object holding arrays of records at any member path
// (`{"plan": {"steps": [...]}, "samples": [{...}]}`): each such array is a collection, and
// every record carries the path of its collection so the caller can keep the one that holds
// the outputs.
//
// Written by hand on purpose: the streaming JSON parsers on npm (stream-json, JSONStream,
// @streamparser/json, ...) emit values but not the line where each one starts, and every
// record must keep its line so findings can point at it. This scanner only tracks nesting,
// strings and escapes, cuts out each array element's text and hands it to JSON.parse, so
// memory stays at one record and the values are exactly what JSON.parse gives.
import { describeJsonError } from './jsonError';
import { decodeInput } from './source';
import { InputError, type ReadContext, type RecordBatch } from './types';

export async function* readJson(chunks: AsyncIterable<Uint8Array>, ctx: ReadContext): AsyncGenerator<RecordBatch> {
  const scanner = new JsonScanner(ctx);
  for await (const { text } of decodeInput(chunks, ctx, () => scanner.line - 1)) {
    scanner.feed(text);
    yield* ctx.drain();
    if (scanner.done) break;
  }
  if (!scanner.done) scanner.end();
  yield* ctx.finish();
}

const enum Element {
  None,
  Object,
  Array,
  String,
  Scalar,
}

const enum Top {
  NotStarted,
  Open,
  Closed,
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;
const MAX_KEY_LENGTH = 200;

const SHAPES = 'expected an array of objects ([{...}, {...}]) or an object holding one (e.g. {"results": [{...}, {...}]})';
/** Nesting of objects searched for arrays of records: `a.b.c.records` is found, deeper is not. */
const MAX_COLLECTION_DEPTH = 4;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09;
}

class JsonScanner {
  /** Current line (1-based) and the absolute offset where it starts. */
  line = 1;
  private lineStart = 0;
  /** Absolute offset of the current chunk's first character. */
  private base = 0;
  /** Open containers, as their opening character. */
  private stack: number[] = [];
  private inString = false;
  private escaped = false;

  private top = Top.NotStarted;
  private topIsArray = false;
  /** Stack depth inside the current array of records; 0 outside one. */
  private recordsDepth = 0;
  private recordsLine = 0;
  /** Path of the current array of records (`samples`, `results.results`; '' for a top-level array). */
  private collection = '';
  /** Arrays of records found so far (closed or open). */
  private collections = 0;
  /** Inside an array that is an element of the records array: its elements are records too. */
  private inner = false;
  /** Index of the current element of the records array, the request of an inner array's records. */
  private elementIndex = -1;
  /** `[` on the stack: collections are searched for only among members of nested objects. */
  private arrayDepth = 0;
  /** Set when the rest of the input is not worth reading. */
  done = false;

  // Looking for the records array inside a top-level object.
  private expectKey = false;
  private inKey = false;
  private keyStart = 0;
  private keyParts: string[] = [];
  /** The member key at each object depth above the records (index = depth - 1). */
  private keys: string[] = [];
  private probing = false;
  private probeKey = '';
  private sawEmptyArray = false;

  // The array element being cut out.
  private element = Element.None;
  private elementStart = 0;
  private elementParts: string[] = [];
  private elementLength = 0;
  private elementLine = 0;
  private elementColumn = 0;
  private elementFirst = 0;

  constructor(private readonly ctx: ReadContext) {}

  feed(s: string): void {
    const n = s.length;
    if (this.element !== Element.None) this.elementStart = 0;
    if (this.inKey) this.keyStart = 0;
    for (let i = 0; i < n && !this.done; i++) {
      const c = s.charCodeAt(i);
      if (c === NEWLINE) {
        this.line++;
        this.lineStart = this.base + i + 1;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        // A raw line break cannot be inside a JSON string: end the string there too, so that
        // one missing quote spoils one record instead of everything after it.
        else if (c === QUOTE || c === NEWLINE) this.endString(s, i);
        else {
          // Most characters are inside strings; skip the plain ones in a tight loop.
          let k = i + 1;
          while (k < n) {
            const d = s.charCodeAt(k);
            if (d === QUOTE || d === BACKSLASH || d === NEWLINE) break;
            k++;
          }
          i = k - 1;
        }
        continue;
      }
      if (this.element === Element.Object || this.element === Element.Array) {
        // Inside a record only strings and brackets matter until it closes.
        if (c !== QUOTE && c !== OPEN_BRACE && c !== CLOSE_BRACE && c !== OPEN_BRACKET && c !== CLOSE_BRACKET && c !== NEWLINE) {
          let k = i + 1;
          for (; k < n; k++) {
            const d = s.charCodeAt(k);
            if (d === QUOTE || d === OPEN_BRACE || d === CLOSE_BRACE || d === OPEN_BRACKET || d === CLOSE_BRACKET || d === NEWLINE) break;
          }
          i = k - 1;
          continue;
        }
      }
      if (this.element === Element.Scalar) {
        if (!(isWhitespace(c) || c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE)) continue;
        this.endElement(s, i);
      }
      if (isWhitespace(c)) continue;
      if (this.probing) {
        // The first value inside an array that is a member of the top-level object decides
        // whether it is the array of records.
        this.probing = false;
        if (c === OPEN_BRACE) {
          this.recordsDepth = this.stack.length;
          this.recordsLine = this.line;
          this.collection = this.probeKey;
          this.collections++;
          this.elementIndex = -1;
          this.ctx.recordsKey = this.probeKey;
        } else if (c === CLOSE_BRACKET) this.sawEmptyArray = true;
      }
      this.structural(s, i, c);
    }
    if (this.done) return;
    if (this.element === Element.Object) {
      this.elementParts.push(s.slice(this.elementStart));
      this.elementLength += n - this.elementStart;
      if (this.elementLength > this.ctx.maxRecordLength) this.tooLong();
    }
    if (this.inKey && this.keyParts.join('').length < MAX_KEY_LENGTH) this.keyParts.push(s.slice(this.keyStart));
    this.base += n;
  }

  /** Stack depth at which records start: the records array, or an array inside it. */
  private recordDepth(): number {
    return this.inner ? this.recordsDepth + 1 : this.recordsDepth;
  }

  /** Looking for arrays of records among the members of the object at this depth. */
  private searching(depth: number): boolean {
    return this.recordsDepth === 0 && !this.topIsArray && this.arrayDepth === 0 && depth >= 1 && depth <= MAX_COLLECTION_DEPTH;
  }

  private tooLong(): never {
    throw new InputError(
      `has a record longer than ${this.ctx.maxRecordLength} characters starting at line ${this.elementLine}; is a closing brace missing?`,
      this.elementLine,
      this.elementColumn,
    );
  }

  private column(i: number): number {
    return this.base + i - this.lineStart + 1;
  }

  private structural(s: string, i: number, c: number): void {
    const depth = this.stack.length;
    if (this.top !== Top.Open && !this.atTopLevel(i, c)) return;
    const R = this.recordsDepth;
    const atRecords = R > 0 && this.element === Element.None && depth === this.recordDepth();
    switch (c) {
      case QUOTE:
        this.inString = true;
        if (atRecords) {
          if (depth === R) this.elementIndex++;
          this.startElement(Element.String, i, c);
        }
        else if (this.expectKey && this.searching(depth)) {
          this.inKey = true;
          this.keyStart = i + 1;
          this.keyParts = [];
        }
        return;
      case OPEN_BRACE:
      case OPEN_BRACKET:
        if (atRecords) {
          if (depth === R) this.elementIndex++;
          if (c === OPEN_BRACKET && depth === R && !this.inner) {
            // An array inside the records array: its elements are the records.
            this.inner = true;
            this.stack.push(c);
            return;
          }
          this.startElement(c === OPEN_BRACE ? Element.Object : Element.Array, i, c);
        } else if (c === OPEN_BRACKET && this.searching(depth)) {
          this.probing = true;
          this.probeKey = this.keys.slice(0, depth).reduce((a, k) => (a === '' || k.startsWith('[') ? a + k : `${a}.${k}`), '');
        }
        this.stack.push(c);
        if (R === 0) {
          if (c === OPEN_BRACKET) this.arrayDepth++;
          this.expectKey = c === OPEN_BRACE;
        }
        return;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        this.close(s, i, c);
        return;
      case COMMA:
        if (R === 0 && this.arrayDepth === 0) this.expectKey = true;
        return;
      case COLON:
        if (R === 0) this.expectKey = false;
        return;
      default:
        if (atRecords) {
          if (depth === R) this.elementIndex++;
          this.startElement(Element.Scalar, i, c);
        }
    }
  }

  /**
   * A character outside any container: the start of the document, or something after it.
   * Returns whether the character opens the document and is to be handled as structure.
   */
  private atTopLevel(i: number, c: number): boolean {
    if (this.top === Top.NotStarted) {
      if (c === OPEN_BRACKET) {
        this.top = Top.Open;
        this.topIsArray = true;
        this.recordsDepth = 1;
        this.recordsLine = this.line;
        this.collections = 1;
        this.stack.push(c);
        this.arrayDepth = 1;
        return false;
      }
      if (c === OPEN_BRACE) {
        this.top = Top.Open;
        return true;
      }
      const found =
        c === QUOTE ? 'a string' : c === 0x2d || (c >= 0x30 && c <= 0x39) ? 'a number' : c === 0x74 || c === 0x66 ? 'a boolean' : c === 0x6e ? 'null' : undefined;
      throw new InputError(
        found
          ? `holds ${found} at the top level, not records; ${SHAPES}`
          : `is not JSON: it starts with ${JSON.stringify(String.fromCharCode(c))} at line ${this.line}, column ${this.column(i)}; ${SHAPES}`,
        this.line,
        this.column(i),
      );
    }
    // Top.Closed: whatever follows the document.
    if (this.topIsArray) {
      this.ctx.addIssue(this.line, this.column(i), 'Unexpected non-whitespace character after JSON: the array of records has already ended; the rest of the file was not read');
      this.done = true;
      return false;
    }
    // Most likely JSON Lines saved as .json; its first object may even hold an array of
    // objects, which must not pass for the whole file.
    throw new InputError(
      `holds more than one JSON value (another starts at line ${this.line}); if it has one object per line, it is JSON Lines: name it .jsonl`,
      this.line,
      this.column(i),
    );
  }

  private close(s: string, i: number, c: number): void {
    const want = c === CLOSE_BRACE ? OPEN_BRACE : OPEN_BRACKET;
    const R = this.recordsDepth;
    const RD = R > 0 ? this.recordDepth() : 0;
    if (R > 0 && this.element !== Element.None) {
      // Inside an element: a mismatched closer ends at its nearest matching opener, so a
      // broken record does not swallow the records after it.
      let j = this.stack.length - 1;
      while (j >= RD && this.stack[j] !== want) j--;
      if (j >= RD) {
        this.stack.length = j;
        if (j === RD) this.endElement(s, i + 1);
        return;
      }
      this.stack.length = RD;
      this.endElement(s, i);
    }
    if (R > 0 && this.inner && this.stack.length === R + 1) {
      if (c === CLOSE_BRACKET) {
        this.stack.length = R;
        this.inner = false;
      } else this.ctx.addIssue(this.line, this.column(i), "Unexpected token '}' in JSON");
      return;
    }
    if (R > 0 && this.stack.length === R) {
      if (c === CLOSE_BRACKET) {
        this.stack.length = R - 1;
        this.arrayDepth--;
        this.recordsDepth = 0;
        this.expectKey = false;
        if (R === 1) this.top = Top.Closed;
      } else {
        this.ctx.addIssue(this.line, this.column(i), "Unexpected token '}' in JSON");
      }
      return;
    }
    let j = this.stack.length - 1;
    while (j >= 0 && this.stack[j] !== want) j--;
    if (j < 0) return; // a stray closer while looking for the records: nothing to recover
    for (let k = j; k < this.stack.length; k++) if (this.stack[k] === OPEN_BRACKET) this.arrayDepth--;
    this.stack.length = j;
    this.keys.length = Math.min(this.keys.length, j);
    if (j === 0) this.top = Top.Closed;
  }

  private endString(s: string, i: number): void {
    this.inString = false;
    this.escaped = false;
    if (this.element === Element.String && this.stack.length === this.recordDepth()) this.endElement(s, i + 1);
    else if (this.inKey) {
      this.inKey = false;
      const raw = (this.keyParts.join('') + s.slice(this.keyStart, i)).slice(0, MAX_KEY_LENGTH);
      let key: string;
      try {
        key = JSON.parse(`"${raw}"`) as string;
      } catch {
        key = raw;
      }
      const depth = this.stack.length;
      this.keys.length = depth;
      this.keys[depth - 1] = appendKey(key);
      this.expectKey = false;
    }
  }

  private startElement(kind: Element, i: number, c: number): void {
    this.element = kind;
    this.elementStart = i;
    this.elementParts = [];
    this.elementLength = 0;
    this.elementLine = this.line;
    this.elementColumn = this.column(i);
    this.elementFirst = c;
  }

  /** `end` is exclusive. */
  private endElement(s: string, end: number): void {
    const kind = this.element;
    this.element = Element.None;
    const line = this.elementLine;
    const column = this.elementColumn;
    if (kind !== Element.Object) {
      const found =
        kind === Element.Array
          ? 'an array'
          : kind === Element.String
            ? 'a string'
            : this.elementFirst === 0x2d || (this.elementFirst >= 0x30 && this.elementFirst <= 0x39)
              ? 'a number'
              : this.elementFirst === 0x74 || this.elementFirst === 0x66
                ? 'a boolean'
                : this.elementFirst === 0x6e
                  ? 'null'
                  : undefined;
      this.ctx.addIssue(
        line,
        column,
        found ? `expected a JSON object, found ${found}` : `Unexpected token ${JSON.stringify(String.fromCharCode(this.elementFirst))} in JSON`,
      );
      return;
    }
    const text = this.elementParts.length > 0 ? this.elementParts.join('') + s.slice(0, end) : s.slice(this.elementStart, end);
    this.elementParts = [];
    if (text.length > this.ctx.maxRecordLength) this.tooLong();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const at = describeJsonError(text, error);
      let errorLine = line;
      let lastBreak = -1;
      for (let k = text.indexOf('\n'); k !== -1 && k < at.offset; k = text.indexOf('\n', k + 1)) {
        errorLine++;
        lastBreak = k;
      }
      this.ctx.addIssue(errorLine, lastBreak === -1 ? column + at.offset : at.offset - lastBreak, at.message);
      return;
    }
    this.ctx.addRecord(line, value as Record<string, unknown>, this.collection, this.inner ? this.elementIndex : undefined);
  }

  end(): void {
    const column = this.base - this.lineStart + 1;
    if (this.recordsDepth > 0) {
      if (this.element === Element.Object || this.element === Element.Array || this.element === Element.String) {
        this.ctx.addIssue(
          this.line,
          column,
          `Unexpected end of JSON input: the record that starts at line ${this.elementLine} is not closed (is the file truncated?)`,
        );
        return;
      }
      if (this.element === Element.Scalar) this.endElement('', 0);
      this.ctx.addIssue(
        this.line,
        column,
        `Unexpected end of JSON input: the array of records that starts at line ${this.recordsLine} is not closed (is the file truncated?)`,
      );
      return;
    }
    if (this.collections > 0) {
      if (this.top === Top.Open) {
        this.ctx.addIssue(this.line, column, 'Unexpected end of JSON input: the top-level object is not closed (is the file truncated?)');
      }
      return;
    }
    if (this.sawEmptyArray) return; // `{"results": []}`: no records, which the caller reports
    const truncated = this.top === Top.Open ? ' (and it ends before the object is closed)' : '';
    throw new InputError(`is a JSON object without an array of objects in it${truncated}; ${SHAPES}`);
  }
}

/** A member key as a path segment: dotted when it is a plain name, bracketed otherwise. */
function appendKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : `['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}
