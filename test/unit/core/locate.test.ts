// Where a field path's value sits in a record's text (src/core/locate.ts): what the host underlines
// and the column the analysis reports for a value it skips.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findJsonArrayElement, findJsonFieldValue } from '../../../src/core/locate';

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

describe('which selected value, and an element of it', () => {
  const line = '{"data": [{"embedding": "n/a"}, {"embedding": [1, 2]}, {"embedding": [3, "x", 4]}]}';
  test('the nth of the values a wildcard path selects, counting only those accepted', () => {
    const arrays = { where: Array.isArray };
    const span = (nth: number) => {
      const s = findJsonFieldValue(line, 'data[*].embedding', { nth, ...arrays });
      return s && line.slice(s.start, s.end);
    };
    assert.equal(span(0), '[1, 2]');
    assert.equal(span(1), '[3, "x", 4]');
    assert.equal(span(2), undefined);
    assert.equal(at(line, 'data[*].embedding'), '"n/a"', 'the first, without a filter');
  });

  test('an element of an array value', () => {
    const array = findJsonFieldValue(line, 'data[*].embedding', { nth: 1, where: Array.isArray })!;
    const x = findJsonArrayElement(line, array, 1)!;
    assert.equal(line.slice(x.start, x.end), '"x"');
    assert.equal(findJsonArrayElement(line, array, 3), undefined);
    assert.equal(findJsonArrayElement(line, findJsonFieldValue(line, 'data')!, 0) && 'found', 'found');
  });

  test('a __proto__ key is a key like any other; members of Object.prototype are not found', () => {
    assert.equal(at('{"__proto__": 2, "output": "x"}', '__proto__'), '2');
    assert.equal(at('{"a": {"__proto__": [1]}}', "a['__proto__'][0]"), '1');
    assert.equal(at('{"output": "x"}', 'constructor'), undefined);
    assert.equal(at('{"output": "x"}', 'output.length'), undefined);
  });

  test('the host module is the core locator', async () => {
    const core = await import('../../../src/core/locate');
    assert.equal(findJsonFieldValue, core.findJsonFieldValue);
  });
});
