// Text for a terminal (src/core/terminalText.ts): every control that could move the cursor,
// change colours or reorder a line is escaped. The CLI's output through it: cli.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hasTerminalControls, terminalSafe } from '../../../src/core/terminalText';

describe('control characters never reach the terminal', () => {
  const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

  test('terminalSafe: every C0 and C1 control, DEL, line separators and bidi controls escaped; the rest kept', () => {
    for (let c = 0; c < 0xa0; c++) {
      const ch = String.fromCharCode(c);
      const controlled = c < 0x20 || c >= 0x7f;
      assert.equal(hasTerminalControls(ch), controlled, `U+${c.toString(16)}`);
      if (controlled) assert.doesNotMatch(terminalSafe(`a${ch}b`), unsafe);
    }
    for (const ch of ['\u061c', '\u200e', '\u200f', '\u2028', '\u2029', '\u202a', '\u202e', '\u2066', '\u2069']) assert.equal(terminalSafe(ch), `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
    assert.equal(terminalSafe('a\nb\r\tc\x1b[31m\x07'), 'a\\nb\\r\\tc\\e[31m\\a');
    assert.equal(terminalSafe('naïve — 日本 😀 C:\\data\\gen1.jsonl'), 'naïve — 日本 😀 C:\\data\\gen1.jsonl');
  });
});
