// What real tools write around a model's output: chat message lists, content given as text
// blocks, several outputs per request, inputs and references next to the outputs. Detection
// walks a record with `walkRecord` and sees every leaf with the path that reaches it and what
// that path goes through; `textOf` turns the value at a text path into the text.
//
// Recognised by structure, not by tool: a message list is an array of objects with a role
// (`role`, `from`, `author.role`, `speaker`) and a content (`content`, `value`, `text`,
// `parts`); content blocks are objects with a `text` string (`{"type": "text", "text": …}`,
// Gemini's `parts[].text`).
import { appendMember } from './fieldPath';

/** Roles of the model's own turns in chat message lists (OpenAI, ShareGPT, Gemini, others). */
export const MODEL_ROLES = /^(assistant|gpt|model|bot|chatbot|ai|agent|completion)$/i;

/** Member names whose contents are inputs or references, never model outputs. */
export const INPUT_NAMES =
  /^(prompt|prompts|input|inputs|question|questions|instruction|instructions|system|system_prompt|context|contexts|query|queries|request|requests|doc|document|arguments|args|target|targets|gold|golds|reference|references|expected|expected_output|ideal|few_?shot|examples|history|chat_history|passage|source)$/i;

/** Member names of output containers: a path through one of these holds what the model wrote. */
export const OUTPUT_NAMES =
  /^(choices|outputs?|completions?|responses?|candidates|generated_text|generations?|generated|resps|filtered_resps|predictions?|model_output|model_outputs)$/i;

const ROLE_KEYS = ['role', 'from', 'speaker', 'sender', 'author'] as const;
const CONTENT_KEYS = ['content', 'value', 'text', 'parts', 'message'] as const;
/** Block types that carry text (OpenAI `text`/`output_text`, Anthropic `text`). */
const TEXT_BLOCK_TYPES = /^(text|output_text|input_text)$/;

/** Nesting walked for detection. */
export const MAX_WALK_DEPTH = 7;
/** Elements of one array looked at for detection. */
const MAX_ELEMENTS = 64;

export interface PathInfo {
  /** Goes through a wildcard or filter: one record may give several values. */
  multi: boolean;
  /** Goes through an input or reference (a prompt, a user turn, `doc`, `target`…). */
  input: boolean;
  /** The model's turns of a message list. */
  model: boolean;
  /** Goes through an output container (`choices`, `outputs`, `candidates`, `response`…). */
  output: boolean;
  /** Why the path was formed, for the report (e.g. "assistant turns of messages"). */
  note?: string;
}

/** Reads a role from an element of a message list: `role`, `from`, `author.role`…. */
function roleOf(m: Record<string, unknown>): { key: string; role: string } | undefined {
  for (const k of ROLE_KEYS) {
    if (!Object.prototype.hasOwnProperty.call(m, k)) continue;
    const v = m[k];
    if (typeof v === 'string' && v.length > 0 && v.length <= 40) return { key: k, role: v };
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const r = (v as Record<string, unknown>).role;
      if (typeof r === 'string' && r.length > 0 && r.length <= 40) return { key: `${k}.role`, role: r };
    }
  }
  return undefined;
}

function contentKeyOf(m: Record<string, unknown>): string | undefined {
  for (const k of CONTENT_KEYS) if (Object.prototype.hasOwnProperty.call(m, k) && m[k] !== undefined) return k;
  return undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** An array whose object elements mostly carry a role and a content: a chat message list. */
function messageList(arr: readonly unknown[]): { roleKey: string; contentKey: string } | undefined {
  let objects = 0;
  let with_ = 0;
  let roleKey: string | undefined;
  let contentKey: string | undefined;
  const n = Math.min(arr.length, MAX_ELEMENTS);
  for (let i = 0; i < n; i++) {
    const m = arr[i];
    if (!isPlainObject(m)) continue;
    objects++;
    const r = roleOf(m);
    const c = contentKeyOf(m);
    if (r && c) {
      with_++;
      roleKey ??= r.key;
      contentKey ??= c;
    }
  }
  return objects > 0 && with_ >= 0.8 * objects && roleKey && contentKey ? { roleKey, contentKey } : undefined;
}

/** Keys a text block without a `type` may have (Gemini's `parts[]`); an output object has more (`index`, `finish_reason`…). */
const UNTYPED_BLOCK_KEYS = new Set(['text', 'thoughtSignature', 'cache_control']);

/** A text block: `{"type": "text", "text": "…"}` or `{"text": "…"}`; Gemini's thought parts are not output. */
function isTextBlock(v: unknown): v is { text: string } {
  if (!isPlainObject(v) || typeof v.text !== 'string') return false;
  const t = v.type;
  if (typeof t === 'string') return TEXT_BLOCK_TYPES.test(t);
  if (t !== undefined) return false;
  for (const k of Object.keys(v)) if (!UNTYPED_BLOCK_KEYS.has(k)) return false;
  return true;
}

/** A block that is not text (an image, a tool call, a thought): allowed among text blocks, skipped. */
function isOtherBlock(v: unknown): boolean {
  return isPlainObject(v) && ((typeof v.type === 'string' && !TEXT_BLOCK_TYPES.test(v.type)) || v.thought === true || (v.type === undefined && v.text === undefined));
}

/** An array of content blocks with at least one text block. */
function isBlockList(arr: readonly unknown[]): boolean {
  let text = 0;
  const n = Math.min(arr.length, MAX_ELEMENTS);
  for (let i = 0; i < n; i++) {
    const b = arr[i];
    if (isTextBlock(b)) text++;
    else if (!isOtherBlock(b)) return false;
  }
  return text > 0;
}

/**
 * The text of a value at a text path: a string as it is; a list of content blocks, or an
 * object holding one as `parts` or `content` (Gemini's `{"parts": [{"text"}], "role": "model"}`),
 * as its text blocks joined with nothing between them. Anything else has no text.
 */
export function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.length > 0 && isBlockList(v) ? joinBlocks(v) : undefined;
  if (isPlainObject(v)) {
    const parts = Object.prototype.hasOwnProperty.call(v, 'parts') ? v.parts : undefined;
    if (Array.isArray(parts)) {
      if (parts.length > 0 && parts.every((p) => typeof p === 'string')) return (parts as string[]).join('');
      if (parts.length > 0 && isBlockList(parts)) return joinBlocks(parts);
    }
    if (isTextBlock(v)) return v.text;
  }
  return undefined;
}

function joinBlocks(blocks: readonly unknown[]): string {
  let s = '';
  for (const b of blocks) if (isTextBlock(b)) s += b.text;
  return s;
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `@.role`, `@.author.role`. */
function relative(key: string): string {
  return key
    .split('.')
    .reduce((acc, k) => appendMember(acc, k), '@');
}

export type LeafVisitor = (path: string, value: unknown, info: PathInfo) => void;

/**
 * Calls `visit` for every leaf of a record (string, number, boolean, null, array of numbers)
 * and for every text-bearing container (content blocks, Gemini `parts`), with its path.
 * Message lists give one path per role (`messages[?@.role=='assistant'].content`); other
 * arrays of objects, strings or arrays give a wildcard (`choices[*].message.content`).
 */
export function walkRecord(record: Record<string, unknown>, visit: LeafVisitor): void {
  walkObject(record, '', { multi: false, input: false, model: false, output: false }, 0, visit);
}

function walkObject(obj: Record<string, unknown>, path: string, info: PathInfo, depth: number, visit: LeafVisitor): void {
  for (const key of Object.keys(obj)) {
    const child = appendMember(path, key);
    const childInfo: PathInfo = {
      ...info,
      input: info.input || INPUT_NAMES.test(key),
      output: info.output || OUTPUT_NAMES.test(key),
    };
    walkValue(obj[key], child, childInfo, depth + 1, visit);
  }
}

function walkValue(v: unknown, path: string, info: PathInfo, depth: number, visit: LeafVisitor): void {
  if (v === null || v === undefined || typeof v !== 'object') {
    visit(path, v, info);
    return;
  }
  if (depth > MAX_WALK_DEPTH) return;
  if (Array.isArray(v)) {
    walkArray(v, path, info, depth, visit);
    return;
  }
  if (textOf(v) !== undefined && Object.prototype.hasOwnProperty.call(v, 'parts')) {
    visit(path, v, info);
    return;
  }
  walkObject(v as Record<string, unknown>, path, info, depth, visit);
}

function walkArray(arr: unknown[], path: string, info: PathInfo, depth: number, visit: LeafVisitor): void {
  if (arr.length === 0) {
    visit(path, arr, info);
    return;
  }
  let numbers = 0;
  for (const x of arr) if (typeof x === 'number') numbers++;
  if (numbers === arr.length) {
    visit(path, arr, info);
    return;
  }
  if (isBlockList(arr)) {
    visit(path, arr, info);
    return;
  }
  const messages = messageList(arr);
  if (messages) {
    const n = Math.min(arr.length, MAX_ELEMENTS);
    for (let i = 0; i < n; i++) {
      const m = arr[i];
      if (!isPlainObject(m)) continue;
      const r = roleOf(m);
      if (!r || r.key !== messages.roleKey) continue;
      const model = MODEL_ROLES.test(r.role);
      const rolePath = `${path}[?${relative(messages.roleKey)}==${quote(r.role)}]`;
      const contentPath = appendMember(rolePath, messages.contentKey);
      const note = `${model ? `the ${r.role} turns` : `the ${r.role} turns (inputs)`} of ${path || 'the record'}`;
      const mInfo: PathInfo = { multi: true, input: info.input || !model, model: model && !info.input, output: info.output, note };
      walkValue(m[messages.contentKey], contentPath, mInfo, depth + 1, visit);
    }
    return;
  }
  const n = Math.min(arr.length, MAX_ELEMENTS);
  const each = `${path}[*]`;
  const eInfo: PathInfo = { ...info, multi: true };
  for (let i = 0; i < n; i++) walkValue(arr[i], each, eInfo, depth + 1, visit);
}
