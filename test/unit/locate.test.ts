import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findJsonFieldValue } from '../../src/host/locate';

const at = (text: string, field: string) => {
  const span = findJsonFieldValue(text, field);
  return span && text.slice(span.start, span.end);
};

describe('where a field path points in a record', () => {
  const chat = '{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"first answer"}},{"index":1,"message":{"role":"assistant","content":"second"}}]}';
  test('a name, a dotted path, an index, a wildcard (its first element)', () => {
    assert.equal(at(chat, 'object'), '"chat.completion"');
    assert.equal(at(chat, 'choices[1].message.content'), '"second"');
    assert.equal(at(chat, 'choices[*].message.content'), '"first answer"');
    assert.equal(at(chat, 'choices[-1].message'), '{"role":"assistant","content":"second"}');
  });

  test('a filter on message roles', () => {
    const line = '{"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}, {"role": "assistant", "content": [{"type": "text", "text": "hello"}]}]}';
    assert.equal(at(line, "messages[?@.role=='assistant'].content"), '[{"type": "text", "text": "hello"}]');
    assert.equal(at(line, "messages[?@.role=='user'].content"), '"hi"');
  });

  test('a key that contains a dot is found as it is; nothing found is undefined', () => {
    assert.equal(at('{"response.text": "flat", "response": {"text": "nested"}}', 'response.text'), '"flat"');
    assert.equal(at('{"response": {"text": "nested"}}', 'response.text'), '"nested"');
    assert.equal(at(chat, 'choices[5].message'), undefined);
    assert.equal(at(chat, 'choices[?@.index==7]'), undefined);
    assert.equal(at('{"a": [1, 2', 'a[0]'), undefined, 'a truncated record');
    assert.equal(at(chat, 'choices[]'), undefined, 'a bad path');
  });
});
