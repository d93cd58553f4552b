// The part-of-speech model's own bundle (scripts/pos-model.js): written as ASCII, so that V8
// holds its source in one byte a character, and tagging exactly as the model bundled inline.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type * as esbuildTypes from 'esbuild';
import { createTagger } from '../../../src/core/metrics/posModel';
const { asciiEscape, posModelAscii, POS_MODEL_ENTRY } = require('../../../scripts/pos-model.js') as {
  asciiEscape: (text: string) => string;
  posModelAscii: esbuildTypes.Plugin;
  POS_MODEL_ENTRY: string;
};

const root = path.resolve(__dirname, '..', '..', '..', '..');
// Loaded at run time from the project's node_modules (the test bundle must not hold esbuild).
const esbuild = createRequire(path.join(root, 'package.json'))('esbuild') as typeof esbuildTypes;

// Indirect: the test bundle keeps its own scope.
const evaluate = (source: string): unknown => (0, eval)(source);

describe('asciiEscape', () => {
  test('writes every character above U+007F as an escape with the same meaning', () => {
    const sources = [
      '"a–b’s — c"',
      '`x ${1 + 1} é`',
      '"\\\\–"', // an escaped backslash, then the dash: the backslash stays
      '"😀"',
    ];
    for (const src of sources) {
      const out = asciiEscape(src);
      assert.ok(/^[\x00-\x7f]*$/u.test(out), out);
      assert.equal(evaluate(out), evaluate(src));
    }
    // Identity escapes in a regular expression lose their backslash and match the same.
    const re = asciiEscape('/^[a-z\\-\\–\\—]+$/');
    assert.equal(re, '/^[a-z\\-\\u2013\\u2014]+$/');
    for (const s of ['a–b', 'a—b', 'a-b', 'a_b']) assert.equal((evaluate(re) as RegExp).test(s), /^[a-z\-\–\—]+$/.test(s), s);
    assert.equal((evaluate(asciiEscape('/^😀+$/u')) as RegExp).test('😀😀'), true);
    assert.equal(asciiEscape('plain ASCII \\n'), 'plain ASCII \\n');
  });
});

describe('dist/pos-model.js as the build writes it', () => {
  test('is ASCII and tags as the model bundled inline', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-model-'));
    try {
      const outfile = path.join(dir, 'pos-model.js');
      await esbuild.build({ entryPoints: [path.join(root, POS_MODEL_ENTRY)], bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, outfile, logLevel: 'warning', plugins: [posModelAscii] });
      const text = fs.readFileSync(outfile, 'utf8');
      assert.ok(/^[\x00-\x7f]*$/u.test(text), 'non-ASCII characters left in the bundle');
      const built = createRequire(outfile)(outfile) as { createTagger: typeof createTagger };
      const sample = 'The old man — tired, naïve — sat by the window. Visit https://example.org at 12:30pm :) #tag e.g. there’s 3.5 km. Can’t stop.';
      const tags = (t: ReturnType<typeof createTagger>) => t.readDoc(sample).tokens().out(t.its.pos);
      assert.deepEqual(tags(built.createTagger()), tags(createTagger()));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
