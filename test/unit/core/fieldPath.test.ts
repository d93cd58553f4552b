// Field paths (src/core/fieldPath.ts), a subset of RFC 9535 JSONPath: on realistic records,
// canonical forms, errors, the cache, and a seeded fuzz.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendMember, compileFieldPath, FieldPathError } from '../../../src/core/fieldPath';

const sel = (path: string, root: unknown): unknown[] => compileFieldPath(path).select(root);
const first = (path: string, root: unknown): unknown => compileFieldPath(path).first(root);

const completion = {
  id: 'chatcmpl-9x',
  object: 'chat.completion',
  created: 1718000000,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'Paris is the capital of France.', refusal: null }, logprobs: null, finish_reason: 'stop' },
    { index: 1, message: { role: 'assistant', content: 'The capital is Paris.', refusal: null }, logprobs: null, finish_reason: 'length' },
  ],
  usage: { prompt_tokens: 14, completion_tokens: 8, total_tokens: 22 },
};

const batchLine = {
  id: 'batch_req_123',
  custom_id: 'request-7',
  response: { status_code: 200, request_id: 'req_abc', body: completion },
  error: null,
};

const chat = {
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Capital of France?' },
    { role: 'assistant', content: 'Paris.' },
    { role: 'user', content: 'And Spain?' },
    { role: 'tool', content: '{"city":"Madrid"}', tool_call_id: 'call_1' },
    { role: 'assistant', content: 'Madrid.' },
  ],
};

const shareGpt = {
  id: 'sg-1',
  conversations: [
    { from: 'human', value: 'Write a haiku.' },
    { from: 'gpt', value: 'Leaves fall, quiet pond.' },
    { from: 'human', value: 'Another.' },
    { from: 'gpt', value: 'Snow on the mountain.' },
  ],
};

const chatgptExport = {
  title: 'Haiku',
  mapping: {
    root: { id: 'root', message: null, parent: null, children: ['m1'] },
    m1: { id: 'm1', message: { id: 'm1', author: { role: 'user' }, content: { content_type: 'text', parts: ['Write a haiku'] } }, parent: 'root', children: ['m2'] },
    m2: { id: 'm2', message: { id: 'm2', author: { role: 'assistant' }, content: { content_type: 'text', parts: ['Old pond, frog jumps in'] } }, parent: 'm1', children: [] },
  },
};

const anthropic = {
  id: 'msg_01',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4',
  content: [
    { type: 'thinking', thinking: 'The user wants a city.' },
    { type: 'text', text: 'Madrid.' },
    { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'Spain' } },
  ],
  stop_reason: 'end_turn',
};

const lmEval = {
  doc_id: 3,
  doc: { question: '2+2?', choices: ['3', '4'] },
  target: '4',
  resps: [['The answer is 4']],
  filtered_resps: ['4'],
  exact_match: 1.0,
};

describe('field paths on realistic records', () => {
  test('OpenAI chat completion', () => {
    assert.deepEqual(sel('choices[*].message.content', completion), ['Paris is the capital of France.', 'The capital is Paris.']);
    assert.equal(first('choices[0].message.content', completion), 'Paris is the capital of France.');
    assert.equal(first('$.choices[-1].finish_reason', completion), 'length');
    assert.equal(first('usage.total_tokens', completion), 22);
    assert.deepEqual(sel('choices[?@.finish_reason == "stop"].index', completion), [0]);
  });

  test('OpenAI batch output line', () => {
    assert.equal(first('response.body.choices[0].message.content', batchLine), 'Paris is the capital of France.');
    assert.equal(first('response.status_code', batchLine), 200);
    assert.equal(first('error', batchLine), null, 'a present null is selected');
    assert.deepEqual(sel('error', batchLine), [null]);
    assert.deepEqual(sel('error.message', batchLine), []);
  });

  test('chat messages', () => {
    assert.equal(first('messages[-1].content', chat), 'Madrid.');
    assert.deepEqual(sel("messages[?@.role=='assistant'].content", chat), ['Paris.', 'Madrid.']);
    assert.deepEqual(sel("messages[?@.role!='user' && @.role!='system'].content", chat), ['Paris.', '{"city":"Madrid"}', 'Madrid.']);
    assert.equal(first("messages[?@.role=='user'].content", chat), 'Capital of France?');
    assert.deepEqual(sel('messages[?@.tool_call_id].role', chat), ['tool'], 'existence test');
    assert.deepEqual(sel('messages[?!@.tool_call_id].role', chat).length, 5, 'negated existence');
    assert.deepEqual(sel("messages[?(@.role == 'user' || @.role == 'system') && !@.tool_call_id].content", chat), [
      'You are terse.',
      'Capital of France?',
      'And Spain?',
    ]);
    assert.deepEqual(sel("messages[?!(@.role == 'user' || @.role == 'system')].role", chat), ['assistant', 'tool', 'assistant']);
  });

  test('ShareGPT conversations', () => {
    assert.deepEqual(sel("conversations[?@.from=='gpt'].value", shareGpt), ['Leaves fall, quiet pond.', 'Snow on the mountain.']);
    assert.equal(first("conversations[?@.from=='gpt'].value", shareGpt), 'Leaves fall, quiet pond.');
  });

  test('filters and wildcards apply to object member values (ChatGPT export mapping)', () => {
    assert.deepEqual(sel("mapping[?@.message.author.role=='assistant'].message.content.parts[0]", chatgptExport), ['Old pond, frog jumps in']);
    assert.deepEqual(sel('mapping.*.id', chatgptExport), ['root', 'm1', 'm2'], 'insertion order');
    // The filter tests each member value of `message`, not the message itself.
    assert.deepEqual(sel("mapping.*.message[?@.author.role=='assistant']", chatgptExport), []);
    assert.deepEqual(sel("mapping.*.message[?@.role=='assistant']", chatgptExport), [{ role: 'assistant' }]);
    assert.deepEqual(sel('mapping.*.message[?@.parts].parts[0]', chatgptExport), ['Write a haiku', 'Old pond, frog jumps in']);
  });

  test('Anthropic content blocks and nested filters', () => {
    assert.deepEqual(sel("content[?@.type=='text'].text", anthropic), ['Madrid.']);
    assert.deepEqual(sel("$[?@.content[?@.type == 'tool_use']].role", { a: anthropic, b: { role: 'user', content: [] } }), ['assistant']);
    const convo = { messages: [{ role: 'assistant', content: [{ type: 'text', text: 'hi' }] }, { role: 'assistant', content: [{ type: 'image' }] }] };
    assert.deepEqual(sel("messages[?@.content[?@.type == 'text']].content[0].text", convo), ['hi'], 'existence of a non-singular query');
  });

  test('lm-eval samples', () => {
    assert.equal(first('filtered_resps[0]', lmEval), '4');
    assert.equal(first('resps[0][0]', lmEval), 'The answer is 4');
    assert.equal(first('doc.choices[1]', lmEval), '4');
  });

  test('bracketed keys with dots, spaces, quotes and escapes', () => {
    const rec = {
      'a.b': 1,
      'content type': 'x',
      "it's": 2,
      'say "hi"': 3,
      é: 4,
      '😀': 5,
      'tab\there': 6,
      'back\\slash': 7,
      'a/b': 8,
    };
    assert.equal(first("['a.b']", rec), 1);
    assert.equal(first('$["a.b"]', rec), 1);
    assert.equal(first("$['content type']", rec), 'x');
    assert.equal(first(String.raw`['it\'s']`, rec), 2);
    assert.equal(first(`["it's"]`, rec), 2);
    assert.equal(first(`['say "hi"']`, rec), 3);
    assert.equal(first(String.raw`["say \"hi\""]`, rec), 3);
    assert.equal(first(String.raw`['\u00e9']`, rec), 4);
    assert.equal(first(String.raw`['\u00E9']`, rec), 4);
    assert.equal(first('$.é', rec), 4, 'non-ASCII dotted name');
    assert.equal(first(String.raw`['\uD83D\uDE00']`, rec), 5, 'surrogate pair');
    assert.equal(first(String.raw`['tab\there']`, rec), 6);
    assert.equal(first(String.raw`['back\\slash']`, rec), 7);
    assert.equal(first(String.raw`['a\/b']`, rec), 8);
    assert.equal(first(String.raw`['\b\f\n\r\t']`, { '\b\f\n\r\t': 9 }), 9);
    assert.equal(first('x.gold-label', { x: { 'gold-label': 'pos' } }), 'pos', 'hyphen leniency');
    assert.equal(first('_private.a1', { _private: { a1: true } }), true);
  });

  test('slices follow RFC 9535', () => {
    const root = { a: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] };
    assert.deepEqual(sel('a[1:3]', root), [1, 2]);
    assert.deepEqual(sel('a[::2]', root), [0, 2, 4, 6, 8]);
    assert.deepEqual(sel('a[-2:]', root), [8, 9]);
    assert.deepEqual(sel('a[:2]', root), [0, 1]);
    assert.deepEqual(sel('a[:]', root), root.a);
    assert.deepEqual(sel('a[::-1]', root), [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    assert.deepEqual(sel('a[5:1:-2]', root), [5, 3]);
    assert.deepEqual(sel('a[-1:-4:-1]', root), [9, 8, 7]);
    assert.deepEqual(sel('a[::0]', root), [], 'step 0 selects nothing');
    assert.deepEqual(sel('a[10:]', root), []);
    assert.deepEqual(sel('a[-100:2]', root), [0, 1]);
    assert.deepEqual(sel('a[3:1]', root), []);
    assert.deepEqual(sel('a[ 1 : 3 : 1 ]', root), [1, 2]);
    assert.deepEqual(sel('a[0:2]', { a: { 0: 'x' } }), [], 'slices apply to arrays only');
    assert.equal(first('a[2:]', root), 2);
  });

  test('indices', () => {
    const root = { a: ['x', 'y', 'z'] };
    assert.equal(first('a[0]', root), 'x');
    assert.equal(first('a[-1]', root), 'z');
    assert.equal(first('a[-3]', root), 'x');
    assert.equal(first('a[-4]', root), undefined);
    assert.equal(first('a[3]', root), undefined);
    assert.equal(first('a[0]', { a: { 0: 'obj' } }), undefined, 'indices apply to arrays only');
    assert.equal(first('[1]', [10, 20]), 20);
  });

  test('$ selects the root', () => {
    const root = { a: 1 };
    assert.equal(first('$', root), root);
    assert.deepEqual(sel('$', 5), [5]);
    assert.deepEqual(sel('$[*]', { a: 1, b: [2] }), [1, [2]]);
    assert.deepEqual(sel('[*]', [1, 2]), [1, 2]);
  });

  test('wildcards', () => {
    assert.deepEqual(sel('s.*', { s: { b: 2, a: 1 } }), [2, 1]);
    assert.deepEqual(sel('s[*]', { s: [1, [2]] }), [1, [2]]);
    assert.deepEqual(sel('s.*', { s: 'text' }), []);
    assert.deepEqual(sel('s.*', { s: null }), []);
    assert.deepEqual(sel('*.x', { a: { x: 1 }, b: { y: 2 }, c: { x: 3 } }), [1, 3]);
    assert.deepEqual(sel('s[*][*]', { s: [[1, 2], [3]] }), [1, 2, 3]);
    assert.equal(first('s[*].x', { s: [{}, { x: 0 }, { x: 1 }] }), 0);
    assert.equal(first('s[*].x', { s: [{}, {}] }), undefined);
  });

  test('numbers compare; ordering only between numbers or strings; no coercion', () => {
    const rows = { r: [{ score: 0.2 }, { score: 0.5 }, { score: 0.9 }, { score: '0.7' }, { score: null }, {}, { score: -2e-3 }, { score: 1 }] };
    assert.deepEqual(sel('r[?@.score >= 0.5].score', rows), [0.5, 0.9, 1]);
    assert.deepEqual(sel('r[?@.score > 0.5].score', rows), [0.9, 1]);
    assert.deepEqual(sel('r[?@.score < 0].score', rows), [-2e-3]);
    assert.deepEqual(sel('r[?@.score <= -1e-3].score', rows), [-2e-3]);
    assert.deepEqual(sel('r[?@.score == 1.0].score', rows), [1]);
    assert.deepEqual(sel('r[?@.score == 1E0].score', rows), [1]);
    assert.deepEqual(sel("r[?@.score == '0.7'].score", rows), ['0.7']);
    assert.deepEqual(sel("r[?@.score > '0.1'].score", rows), ['0.7'], 'a string orders only against strings');
    assert.deepEqual(sel('r[?@.score == null].score', rows), [null], 'null literal; missing is not null');
    assert.deepEqual(sel('r[?@.score != null]', rows).length, 7);
    assert.deepEqual(sel('r[?0.5 <= @.score].score', rows), [0.5, 0.9, 1], 'literal on the left');
    assert.deepEqual(sel("x[?@ < 'b']", { x: ['a', 'b', 'B', 'ab', 'c'] }), ['a', 'B', 'ab']);
    assert.deepEqual(sel("x[?@ > '\uffff']", { x: ['\uffff', '😀', 'z'] }), ['😀'], 'strings order by code point');
    assert.deepEqual(sel('x[?@ == true]', { x: [true, 1, 'true', false] }), [true]);
    assert.deepEqual(sel('x[?@ == false]', { x: [true, 0, '', false, null] }), [false]);
  });

  test('missing vs missing and structured equality', () => {
    const rows = { r: [{}, { x: 1 }, { y: 1 }, { x: 1, y: 1 }, { x: [1, { a: 2 }], y: [1, { a: 2 }] }, { x: { a: 1 }, y: { a: 1, b: 2 } }] };
    assert.deepEqual(sel('r[?@.x == @.y]', rows), [{}, { x: 1, y: 1 }, { x: [1, { a: 2 }], y: [1, { a: 2 }] }]);
    assert.deepEqual(sel('r[?@.x != @.y]', rows).length, 3);
    assert.deepEqual(sel('r[?@.x <= @.y]', rows).length, 3, '<= is < or ==');
    assert.deepEqual(sel('r[?@.x < @.y]', rows), []);
    assert.deepEqual(sel('r[?@.nope == @.nada]', rows).length, 6);
    assert.deepEqual(sel('r[?@.x == 1]', rows), [{ x: 1 }, { x: 1, y: 1 }]);
  });

  test('existence, !, parentheses, and whitespace anywhere between tokens', () => {
    const rows = { r: [{ a: 1 }, { b: null }, { a: 0, b: false }, { c: [] }] };
    assert.deepEqual(sel('r[?@.a]', rows), [{ a: 1 }, { a: 0, b: false }], 'a present 0 exists');
    assert.deepEqual(sel('r[?@.b]', rows).length, 2, 'a present null or false exists');
    assert.deepEqual(sel('r[?!@.a]', rows).length, 2);
    assert.deepEqual(sel('r[?!!@.a]', rows).length, 2);
    assert.deepEqual(sel('r[?@.a && @.b]', rows), [{ a: 0, b: false }]);
    assert.deepEqual(sel('r[?@.a || @.c]', rows).length, 3);
    assert.deepEqual(sel('r[?!(@.a || @.c)]', rows), [{ b: null }]);
    assert.deepEqual(sel('r[?@.c[0]]', rows), []);
    assert.deepEqual(sel('r[?@]', rows).length, 4);
    assert.deepEqual(sel(" $ .r [ ? ( @.a == 1 || @[ 'b' ] == null ) && ! @.c ] .a ", rows), [1]);
    assert.deepEqual(sel('r [ ?\t@.a\n==\r1 ]', rows), [{ a: 1 }]);
  });

  test('member lookup uses own properties only', () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      assert.equal(first(key, {}), undefined, key);
      assert.deepEqual(sel(`$['${key}']`, {}), [], key);
      assert.deepEqual(sel(`a.${key}`, { a: {} }), [], key);
      assert.deepEqual(sel(`a[?@.${key}]`, { a: [{}, []] }), [], key);
    }
    assert.equal(first('__proto__', JSON.parse('{"__proto__": 5}')), 5);
    assert.equal(first("$['__proto__']", JSON.parse('{"__proto__": 5}')), 5);
    assert.deepEqual(sel('$.*', Object.assign(Object.create({ inherited: 1 }) as object, { own: 2 })), [2]);
    assert.equal(first('length', 'abc'), undefined);
    assert.deepEqual(sel('messages.length', chat), [], 'member segments select nothing on arrays');
    assert.deepEqual(sel("choices['0']", completion), []);
  });

  test('whole-key compatibility with v0.1 bare keys', () => {
    assert.equal(first('response.text', { 'response.text': 'flat', response: { text: 'nested' } }), 'flat');
    assert.deepEqual(sel('response.text', { 'response.text': 'flat', response: { text: 'nested' } }), ['flat']);
    assert.equal(first('response.text', { response: { text: 'nested' } }), 'nested');
    assert.equal(compileFieldPath('generated text').first({ 'generated text': 1 }), 1);
    assert.equal(first('generated text', { generated: { text: 2 } }), undefined);
    assert.equal(first('messages[0]', { 'messages[0]': 'col' }), 'col');
    assert.deepEqual(sel('a[*]', { 'a[*]': 'col', a: [1, 2] }), ['col']);
    assert.equal(first('  gold label  ', { 'gold label': 'x' }), 'x', 'trimmed');
    assert.equal(first('score (0-1)', { 'score (0-1)': 0.3 }), 0.3);
    assert.equal(first('response.text', [{ 'response.text': 1 }]), undefined, 'only on an object root');
  });
});

describe('canonical forms', () => {
  const cases: [string, string][] = [
    ['$.response.body.choices[*].message["content type"]', "response.body.choices[*].message['content type']"],
    ["messages[?@.role=='assistant'].content", "messages[?@.role == 'assistant'].content"],
    ['$', '$'],
    ['$[0]', '[0]'],
    ["$['a']['b'][\"c\"]", 'a.b.c'],
    ['mapping.*.message', 'mapping[*].message'],
    ['*.a', '[*].a'],
    ['gold-label', 'gold-label'],
    ['x.gold-label', 'x.gold-label'],
    ['generated text', "['generated text']"],
    ["$['a b'].c", "['a b'].c"],
    ["$['0']", "['0']"],
    ['a[ 1 : 3 ]', 'a[1:3]'],
    ['a[1:3:]', 'a[1:3]'],
    ['a[::2]', 'a[::2]'],
    ['a[-2:]', 'a[-2:]'],
    ['a[::-1]', 'a[::-1]'],
    ['a [ -1 ]', 'a[-1]'],
    ['a["\\u00e9"]', 'a.é'],
    ['a["x\\ny"]', "a['x\\ny']"],
    ['a["it\'s"]', "a['it\\'s']"],
    ['a["back\\\\slash"]', "a['back\\\\slash']"],
    ['a["\\u0001"]', "a['\\u0001']"],
    ['a["\\u00a0"]', "a['\u00a0']"],
    ['a[?(@.x == 1 || @.y) && !(@.z)]', 'a[?(@.x == 1 || @.y) && !@.z]'],
    ['a[?((@.x))]', 'a[?@.x]'],
    ['a[?!(@.x==1)]', 'a[?!(@.x == 1)]'],
    ['a[?!@.b || @.c && @.d]', 'a[?!@.b || @.c && @.d]'],
    ['a[?(@.b || @.c) && @.d]', 'a[?(@.b || @.c) && @.d]'],
    ['a[?@.b || (@.c && @.d)]', 'a[?@.b || @.c && @.d]'],
    ['a[?@["b c"] == "q\'"]', "a[?@['b c'] == 'q\\'']"],
    ['a[?@.n>=-1.5e3]', 'a[?@.n >= -1.5e3]'],
    ['a[?@==true]', 'a[?@ == true]'],
    ['a[?@[0][-1]!=null]', 'a[?@[0][-1] != null]'],
    ['a[?@.c[?@.t == "x"]]', "a[?@.c[?@.t == 'x']]"],
  ];
  for (const [input, canonical] of cases) {
    test(`${input} → ${canonical}`, () => {
      const p = compileFieldPath(input);
      assert.equal(p.canonical, canonical);
      assert.equal(p.source, input.trim());
      assert.equal(compileFieldPath(canonical).canonical, canonical, 'round trip');
    });
  }

  test('singular', () => {
    for (const p of ['a', '$', 'a.b[0]', "a['x'][-1]", 'generated text', '[0]']) assert.equal(compileFieldPath(p).singular, true, p);
    for (const p of ['a[*]', 'a.*', '*.a', 'a[0:1]', 'a[?@.x]']) assert.equal(compileFieldPath(p).singular, false, p);
    assert.equal(compileFieldPath('*').singular, true, 'a bare text without . [ ] is one member name, even *');
  });

  test('segments', () => {
    assert.deepEqual(compileFieldPath("$.a[0][1:2][::-1]['b c'].*").segments, [
      { kind: 'member', name: 'a' },
      { kind: 'index', index: 0 },
      { kind: 'slice', start: 1, end: 2 },
      { kind: 'slice', step: -1 },
      { kind: 'member', name: 'b c' },
      { kind: 'wildcard' },
    ]);
    const f = compileFieldPath("m[?@.role=='user']").segments[1]!;
    assert.equal(f.kind, 'filter');
    if (f.kind === 'filter') {
      assert.equal(f.source, "@.role == 'user'");
      assert.equal(f.test({ role: 'user' }), true);
      assert.equal(f.test({ role: 'assistant' }), false);
    }
    assert.deepEqual(compileFieldPath('$').segments, []);
    assert.ok(Object.isFrozen(compileFieldPath('a.b').segments));
  });

  test('appendMember', () => {
    assert.equal(appendMember('a', 'b'), 'a.b');
    assert.equal(appendMember('a', 'content type'), "a['content type']");
    assert.equal(appendMember('', 'x'), 'x');
    assert.equal(appendMember('', 'x y'), "['x y']");
    assert.equal(appendMember('$', 'x'), 'x');
    assert.equal(appendMember('a[0]', "it's"), "a[0]['it\\'s']");
    assert.equal(appendMember('a', '0'), "a['0']");
    assert.equal(appendMember('a', 'gold-label'), 'a.gold-label');
    assert.equal(compileFieldPath(appendMember(appendMember('', 'a b'), 'c.d')).first({ 'a b': { 'c.d': 1 } }), 1);
  });
});

describe('errors', () => {
  const cases: [string, string, number][] = [
    ['messages[]', 'unexpected "]" at column 10 of messages[]: expected an index, a quoted name, * or a filter', 9],
    ['messages[0', 'unclosed "[" at column 9 of messages[0', 8],
    ['', 'empty path', 0],
    ['   ', 'empty path', 0],
    ["a['x", 'unterminated string at column 3 of a[\'x', 2],
    ['a..b', 'recursive descent (..) is not supported at column 2 of a..b', 1],
    ['$..content', 'recursive descent (..) is not supported at column 2 of $..content', 1],
    ['a[0,1]', 'unions ([a,b]) are not supported at column 4 of a[0,1]', 3],
    ["a['x','y']", "unions ([a,b]) are not supported at column 6 of a['x','y']", 5],
    ['a[?match(@.b, "x")]', 'functions such as match() are not supported at column 4 of a[?match(@.b, "x")]', 3],
    ['a[?length(@) > 1]', 'functions such as length() are not supported at column 4 of a[?length(@) > 1]', 3],
    ['a[?$.x == 1]', 'absolute queries ($) inside filters are not supported at column 4 of a[?$.x == 1]: use @ for the element being tested', 3],
    ['a.', 'unexpected end of path at column 3 of a.: expected a name or * after "."', 2],
    ['a.0', 'unexpected "0" at column 3 of a.0: expected a name or * after "." (write [0] for an index)', 2],
    ['a[role]', 'unexpected "r" at column 3 of a[role]: expected an index, a quoted name, * or a filter (quote names: [\'role\'])', 2],
    ['a[?@.x = 1]', 'unexpected "=" at column 8 of a[?@.x = 1]: use == to compare', 7],
    ['a[?true]', 'a literal alone is not a test at column 4 of a[?true]: compare it with a query, e.g. @.x == true', 3],
    ['a[?!@.x == 1]', '"!" applies to a test, not to a comparison at column 4 of a[?!@.x == 1]: write !(a == b) or a != b', 3],
    ['a[?@.x & @.y]', 'unexpected "&" at column 8 of a[?@.x & @.y]: use &&', 7],
    ['a[?(@.x]', 'unclosed "(" at column 4 of a[?(@.x]', 3],
    ['a[?@.x == 1', 'unclosed "[" at column 2 of a[?@.x == 1', 1],
    ['a[?@.* == 1]', 'a query with a wildcard, slice or filter cannot be compared at column 4 of a[?@.* == 1]: compare one member or index', 3],
    ['a[01]', 'invalid index "01" at column 3 of a[01]: no leading zeros or -0', 2],
    ['a[-0]', 'invalid index "-0" at column 3 of a[-0]: no leading zeros or -0', 2],
    ['a[9007199254740992]', 'index 9007199254740992 out of range at column 3 of a[9007199254740992]', 2],
    ["a['\\q']", "invalid escape \"\\q\" at column 4 of a['\\q']", 3],
    ["a['\\uD800']", "high surrogate not followed by a low surrogate \\u escape at column 4 of a['\\uD800']", 3],
    ["a['\\uDC00']", "lone low surrogate in \\u escape at column 4 of a['\\uDC00']", 3],
    ["a['\\u12G4']", "invalid \\u escape at column 4 of a['\\u12G4']: expected 4 hex digits", 3],
    ['a[\'x\ty\']', 'unescaped control character in string at column 5 of a[\'x\ty\']: write it as an escape such as \\n', 4],
    ['@.a', 'unexpected "@" at column 1 of @.a: start with $ or a name; @ is only valid inside a filter [?...]', 0],
    ['$a', 'unexpected "a" at column 2 of $a: expected "." or "["', 1],
    ['a[0]]', 'unexpected "]" at column 5 of a[0]]: expected "." or "["', 4],
    ['a[?@.x == yes]', 'unexpected name "yes" at column 11 of a[?@.x == yes]: expected @, a quoted string, a number, true, false or null (quote strings: \'yes\')', 10],
    ['a[?@.x == 01]', 'invalid number "01" at column 11 of a[?@.x == 01]: no leading zeros', 10],
    ['a[?@.x == 1.]', 'unexpected "]" at column 13 of a[?@.x == 1.]: expected a digit after "."', 12],
    ['a[?@.x @.y]', 'unexpected "@" at column 8 of a[?@.x @.y]: expected "]", "&&" or "||"', 7],
    ['.a', 'unexpected "." at column 1 of .a: expected $, a name or "["', 0],
    ['  a..b', 'recursive descent (..) is not supported at column 2 of a..b', 1],
  ];
  for (const [path, message, position] of cases) {
    test(JSON.stringify(path), () => {
      assert.throws(
        () => compileFieldPath(path),
        (e: unknown) => {
          assert.ok(e instanceof FieldPathError, String(e));
          assert.equal(e.message, message);
          assert.equal(e.position, position);
          assert.equal(e.name, 'FieldPathError');
          assert.ok(!e.message.includes('\n'), 'one line');
          return true;
        },
      );
    });
  }

  test('a non-string is a FieldPathError', () => {
    assert.throws(() => compileFieldPath(3 as unknown as string), FieldPathError);
  });
});

describe('cache', () => {
  test('the same text returns the same compiled object', () => {
    const p = "messages[?@.role=='assistant'].content";
    assert.equal(compileFieldPath(p), compileFieldPath(p));
  });

  test('the cache is bounded', () => {
    const p = compileFieldPath('cache.probe');
    for (let i = 0; i < 300; i++) compileFieldPath(`cache.k${i}`);
    assert.notEqual(compileFieldPath('cache.probe'), p);
    assert.deepEqual(compileFieldPath('cache.probe').canonical, p.canonical);
  });

  test('evaluation does not re-parse: one compile, many evaluations', () => {
    const p = compileFieldPath('response.body.choices[0].message.content');
    const rows = Array.from({ length: 20000 }, (_, i) => ({ response: { body: { choices: [{ message: { content: `t${i}` } }] } } }));
    let n = 0;
    for (const r of rows) if (p.first(r) !== undefined) n++;
    assert.equal(n, rows.length);
    const out: unknown[] = [];
    const q = compileFieldPath("messages[?@.role=='assistant'].content");
    for (let i = 0; i < 1000; i++) assert.equal(q.select(chat, out), out);
    assert.equal(out.length, 2000, 'select appends to the given array');
    assert.equal(compileFieldPath('response.body.choices[0].message.content'), p);
  });
});

describe('fuzz', () => {
  // Park–Miller style LCG, seeded.
  let seed = 20240611;
  const rand = (): number => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  const int = (n: number): number => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

  const alphabet = [...'$@.[]()*?:,-\'"\\=!<>&| \tabcxyz019eE_éü😀/', 'true', 'null', '==', '&&', '||', '@.a', "'a'", '[0]', '[?', '\\u00e9', '\\uD83D'];
  const valid = [
    'choices[*].message.content',
    'response.body.choices[0].message.content',
    "messages[?@.role=='assistant'].content",
    "messages[?@.role!='user' && @.role!='system'].content",
    "conversations[?@.from=='gpt'].value",
    "mapping.*.message[?@.author.role=='assistant']",
    "content[?@.type=='text'].text",
    'filtered_resps[0]',
    "$['a b'][\"c.d\"][1:3][::-1]",
    'a[?(@.x >= -1.5e2 || !@.y) && @[0] == null]',
    'x[?@.c[?@.t == "q"]].c[-1]',
  ];
  const keys = ['a', 'b', 'c', 'x', 'y', 'a b', '0', 'role', 'content', '__proto__'];

  const randomValue = (depth: number): unknown => {
    const k = int(depth > 3 ? 5 : 8);
    switch (k) {
      case 0:
        return null;
      case 1:
        return rand() < 0.5;
      case 2:
        return int(7) - 3;
      case 3:
        return pick(['a', 'b', 'user', 'assistant', '', 'q']);
      case 4:
        return rand() * 2 - 1;
      case 5:
      case 6: {
        const o: Record<string, unknown> = {};
        for (let i = int(4); i > 0; i--) Object.defineProperty(o, pick(keys), { value: randomValue(depth + 1), enumerable: true, writable: true, configurable: true });
        return o;
      }
      default:
        return Array.from({ length: int(4) }, () => randomValue(depth + 1));
    }
  };

  const mutate = (s: string): string => {
    const i = int(s.length + 1);
    switch (int(3)) {
      case 0:
        return s.slice(0, i) + pick(alphabet) + s.slice(i);
      case 1:
        return s.slice(0, i) + s.slice(i + 1);
      default:
        return s.slice(0, i) + pick(alphabet) + s.slice(i + 1);
    }
  };

  test('random and mutated paths compile or throw FieldPathError, and evaluate without throwing', () => {
    const started = Date.now();
    const values = Array.from({ length: 12 }, () => randomValue(0));
    let compiled = 0;
    for (let n = 0; n < 3000; n++) {
      let text: string;
      if (n % 2 === 0) {
        text = '';
        for (let len = 1 + int(14); len > 0; len--) text += pick(alphabet);
      } else {
        text = pick(valid);
        for (let m = 1 + int(3); m > 0; m--) text = mutate(text);
      }
      let p;
      try {
        p = compileFieldPath(text);
      } catch (e) {
        assert.ok(e instanceof FieldPathError, `${JSON.stringify(text)} threw ${String(e)}`);
        assert.ok(e.position >= 0 && e.position <= text.trim().length, `${JSON.stringify(text)}: position ${e.position}`);
        continue;
      }
      compiled++;
      const again = compileFieldPath(p.canonical);
      assert.equal(again.canonical, p.canonical, `round trip of ${JSON.stringify(text)}`);
      for (const v of values) {
        const all = p.select(v);
        assert.equal(p.first(v), all[0], JSON.stringify(text));
        if (p.singular) assert.ok(all.length <= 1);
        assert.deepEqual(again.select(v), all, `canonical of ${JSON.stringify(text)} selects the same`);
      }
    }
    assert.ok(compiled > 300, `only ${compiled} compiled`);
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });
});

describe('canonical form of negations (found by fuzzing)', () => {
  test('a negated expression keeps its parentheses unless it is a test or another negation', () => {
    assert.equal(compileFieldPath("$[?!(!@||(true!=@))]").canonical, '[?!(!@ || true != @)]');
    assert.equal(compileFieldPath('$[?!!@.a]').canonical, '[?!!@.a]');
    assert.equal(compileFieldPath('$[?!(!@.a)]').canonical, '[?!!@.a]');
    const root = [0, 1, true, null, { a: 1 }];
    for (const p of ["$[?!(!@||(true!=@))]", '$[?!(@.a || @ == 1)]']) {
      const c = compileFieldPath(p);
      assert.deepEqual(compileFieldPath(c.canonical).select(root), c.select(root), p);
    }
  });
});
