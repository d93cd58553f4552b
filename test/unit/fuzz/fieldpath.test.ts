// Property-based fuzz of field paths (src/core/fieldPath.ts), seeded and reproducible; see
// test/fuzz/runner.ts for the knobs and the fixture replay.
//   compile: any string compiles or throws a FieldPathError (position an integer within the
//     trimmed text, message naming it), never another error.
//   canonical: a compiled path's canonical form compiles to the same canonical form.
//   evaluate: on any JSON value (own `__proto__` keys, the path's own text as a key), select and
//     first never throw, first(x) is select(x)[0], and select appends to the array it is given.
//   canonical-evaluates-alike: the canonical form selects the same nodes as the text it came
//     from (on values without a key equal to either whole text, where the whole-key rule applies).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileFieldPath, FieldPathError, type FieldPath, type Segment } from '../../../src/core/fieldPath';
import { anyPath, pathJsonValue } from '../../fuzz/arbitraries';
import { fuzzProperty } from '../../fuzz/runner';

/** The compiled path, or undefined after checking that the error is a proper FieldPathError. */
function compile(text: string): FieldPath | undefined {
  try {
    return compileFieldPath(text);
  } catch (error) {
    if (!(error instanceof FieldPathError)) assert.fail(`compileFieldPath(${JSON.stringify(text)}) threw ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error)}`);
    const trimmed = text.trim();
    assert.ok(Number.isInteger(error.position) && error.position >= 0 && error.position <= trimmed.length, `FieldPathError position ${error.position} outside 0..${trimmed.length} for ${JSON.stringify(text)}`);
    assert.ok(error.message.length > 0, 'FieldPathError without a message');
    return undefined;
  }
}

const define = (o: Record<string, unknown>, k: string, v: unknown) => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });

/** A value shaped like the path, so that it selects something (random noise beside each step). */
function shapedLike(segments: readonly Segment[], i = 0): fc.Arbitrary<unknown> {
  if (i >= segments.length) return pathJsonValue;
  const s = segments[i]!;
  const rest = shapedLike(segments, i + 1);
  switch (s.kind) {
    case 'member':
      return fc.tuple(rest, pathJsonValue).map(([v, noise]) => {
        const o: Record<string, unknown> = {};
        if (noise !== null && typeof noise === 'object' && !Array.isArray(noise)) for (const k of Object.keys(noise)) define(o, k, (noise as Record<string, unknown>)[k]);
        return define(o, s.name, v);
      });
    case 'index': {
      const need = s.index >= 0 ? s.index + 1 : -s.index;
      return need > 12 ? pathJsonValue : fc.array(rest, { minLength: need, maxLength: need + 2 });
    }
    case 'slice':
      return fc.array(rest, { maxLength: 6 });
    case 'wildcard':
      return fc.oneof(fc.array(rest, { maxLength: 4 }), fc.array(fc.tuple(fc.constantFrom('a', 'b', '__proto__', '0'), rest), { maxLength: 3 }).map((es) => es.reduce((o, [k, v]) => define(o, k, v), {} as Record<string, unknown>)));
    case 'filter':
      return fc.array(fc.oneof(rest, pathJsonValue), { maxLength: 5 });
  }
}

/** A path and a value (random or shaped like the path), sometimes with the path's own text (or canonical form) as a key of the root. */
const withPath = (paths: fc.Arbitrary<string>) =>
  fc.record({
    path: paths,
    shaped: fc.boolean(),
    ownKey: fc.constantFrom(null, null, 'source', 'canonical'),
  }).chain(({ path, shaped, ownKey }) => {
    let segments: readonly Segment[] | undefined;
    try {
      segments = compileFieldPath(path).segments;
    } catch {
      segments = undefined;
    }
    return fc.record({ path: fc.constant(path), value: shaped && segments ? shapedLike(segments) : pathJsonValue, ownKey: fc.constant(ownKey) });
  });

function rootFor(c: { path: string; value: unknown; ownKey: string | null }, p: FieldPath): unknown {
  if (c.ownKey === null) return c.value;
  const key = c.ownKey === 'source' ? p.source : p.canonical;
  const root: Record<string, unknown> = c.value !== null && typeof c.value === 'object' && !Array.isArray(c.value) ? { ...c.value } : { other: c.value };
  Object.defineProperty(root, key, { value: { hit: key }, enumerable: true, writable: true, configurable: true });
  return root;
}

fuzzProperty({
  target: 'fieldpath',
  name: 'compile',
  title: 'any string compiles or throws a FieldPathError',
  arbitrary: anyPath,
  check: (text) => {
    compile(text);
  },
});

fuzzProperty({
  target: 'fieldpath',
  name: 'canonical',
  title: 'compile(canonical).canonical === canonical',
  arbitrary: anyPath,
  check: (text) => {
    const p = compile(text);
    if (!p) return;
    let again: FieldPath;
    try {
      again = compileFieldPath(p.canonical);
    } catch (error) {
      assert.fail(`the canonical form ${JSON.stringify(p.canonical)} of ${JSON.stringify(text)} does not compile: ${String(error)}`);
    }
    assert.equal(again.canonical, p.canonical, `canonical of ${JSON.stringify(text)} is not stable`);
    assert.equal(again.singular, p.singular, `canonical ${JSON.stringify(p.canonical)} changes singular`);
  },
});

fuzzProperty({
  target: 'fieldpath',
  name: 'evaluate',
  title: 'select and first never throw on any JSON value; first(x) === select(x)[0]',
  arbitrary: withPath(anyPath),
  check: (c) => {
    const p = compile(c.path);
    if (!p) return;
    const root = rootFor(c, p);
    const all = p.select(root);
    assert.ok(Array.isArray(all), 'select returns an array');
    const first = p.first(root);
    assert.ok(Object.is(first, all[0]), `first(x) is not select(x)[0] for ${JSON.stringify(c.path)}: ${String(first)} vs ${String(all[0])}`);
    if (p.singular) assert.ok(all.length <= 1, `singular path ${JSON.stringify(c.path)} selected ${all.length} nodes`);
    const out: unknown[] = ['before'];
    const same = p.select(root, out);
    assert.equal(same, out, 'select(x, out) returns out');
    assert.equal(out.length, all.length + 1, 'select(x, out) appends to out');
    for (let i = 0; i < all.length; i++) assert.ok(Object.is(out[i + 1], all[i]), 'select(x, out) appends the same nodes');
  },
});

fuzzProperty({
  target: 'fieldpath',
  name: 'canonical-evaluates-alike',
  title: 'the canonical form selects the same nodes as its text',
  arbitrary: withPath(anyPath).map((c) => ({ ...c, ownKey: null })),
  check: (c) => {
    const p = compile(c.path);
    if (!p) return;
    const q = compileFieldPath(p.canonical);
    const root = c.value;
    // The whole-key rule looks the whole text up first; the texts differ, so skip values that have either.
    if (root !== null && typeof root === 'object' && !Array.isArray(root) && (Object.hasOwn(root, p.source) || Object.hasOwn(root, q.source))) return;
    const a = p.select(root);
    const b = q.select(root);
    assert.equal(b.length, a.length, `${JSON.stringify(p.canonical)} selects ${b.length} nodes, ${JSON.stringify(c.path)} ${a.length}`);
    for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `node ${i} differs between ${JSON.stringify(c.path)} and ${JSON.stringify(p.canonical)}`);
  },
});
