// JSON error positions (src/core/readers/jsonError.ts).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { describeJsonError, findJsonErrorOffset } from '../../../../src/core/readers/jsonError';

describe('JSON error positions', () => {
  const broken = ['{"a":}', '{"a":1', '{a:1}', '{"a":1} x', '{"a":"b', '[1,]', '{"a":1,}', '{"a" 1}', '{"a":tru}', '{"a":-}', '{"a":1.}', '{"a":"\\q"}', '{"a":"\t"}', '{"a":01}', '{"a":1e}', '{"a":"\\u12G4"}', '', '  ', '{"a":[1 2]}', '{"a":nul}'];
  test('the validator finds the offset V8 reports, where V8 reports one', () => {
    for (const s of broken) {
      let message = '';
      try {
        JSON.parse(s);
      } catch (error) {
        message = (error as Error).message;
      }
      const v8 = /at position (\d+)/.exec(message);
      const mine = findJsonErrorOffset(s);
      assert.ok(mine >= 0, `validator accepted ${JSON.stringify(s)}`);
      if (v8) assert.equal(mine, Number(v8[1]), `${JSON.stringify(s)}: ${message}`);
    }
  });

  test('valid JSON has no error offset', () => {
    for (const s of ['{}', '[]', ' {"a":[1,-2.5e+3,true,false,null,"\\u00e9\\n"]} ', '0', '"x"']) assert.equal(findJsonErrorOffset(s), -1, s);
  });

  test('messages lose the echoed input and the position', () => {
    assert.deepEqual(describeJsonError('{"a":}', new SyntaxError('Unexpected token \'}\', "{"a":}" is not valid JSON')), { offset: 5, message: "Unexpected token '}' in JSON" });
    assert.deepEqual(describeJsonError('{"a":1', new SyntaxError("Expected ',' or '}' after property value in JSON at position 6 (line 1 column 7)")), {
      offset: 6,
      message: "Expected ',' or '}' after property value in JSON",
    });
    assert.deepEqual(describeJsonError('{"a":', new SyntaxError('Unexpected end of JSON input')), { offset: 5, message: 'Unexpected end of JSON input' });
  });
});
