// Data shown on a terminal: model outputs, generation ids, labels, file and field names can
// hold anything, and a terminal acts on some of it (ESC starts a control sequence that can
// move the cursor, retitle the window or rewrite earlier lines; BEL rings; CR and LF break
// the report's lines; bidi overrides reorder what is shown). Every such character is shown as
// an escape instead, so the report's lines and layout are exactly the ones it wrote.

/**
 * C0 controls (U+0000–U+001F, including \n, \r and \t), DEL, C1 controls (U+0080–U+009F),
 * the line and paragraph separators, and the bidirectional formatting characters (marks,
 * embeddings, overrides, isolates).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\x1b': '\\e', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\0': '\\0' };

function escapeOne(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control, line break and bidi formatting character written as an escape
 * (`\n`, `\e`, `\x9b`, `\u202e`): one line, printed as it reads.
 */
export function terminalSafe(text: string): string {
  return hasTerminalControls(text) ? text.replace(UNSAFE, escapeOne) : text;
}

const ANY_UNSAFE = new RegExp(UNSAFE.source, 'u');

/** Whether `text` holds a character `terminalSafe` would escape. */
export function hasTerminalControls(text: string): boolean {
  return ANY_UNSAFE.test(text);
}
