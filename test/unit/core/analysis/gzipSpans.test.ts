// The spans of a gzip JSON Lines file (src/core/analysis/gzipSpans.ts): every thread finds the
// same cuts from the same text, so the spans cover it, each line in one span, each starting
// at a change of generation, whatever the chunks the text arrives in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSpan, spanWindows } from '../../../../src/core/analysis/gzipSpans';

const groupOf = (line: string) => {
  try {
    return (JSON.parse(line) as { g?: string }).g;
  } catch {
    return undefined;
  }
};

let seed = 7;
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);

async function* chunked(bytes: Buffer, sizes: () => number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length;) {
    const n = Math.max(1, sizes());
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

async function spans(bytes: Buffer, windows: number[], sizes: () => number) {
  const out: { index: number; start: number; firstLine: number; text: Buffer }[] = [];
  for (let index = 0; index <= windows.length; index++) {
    const span = await openSpan(chunked(bytes, sizes), { windows, index }, groupOf);
    if (!span) continue;
    const parts: Uint8Array[] = [];
    for await (const p of span.bytes) parts.push(p);
    out.push({ index, start: span.start, firstLine: span.firstLine, text: Buffer.concat(parts) });
  }
  return out;
}

/** A file of generations in blocks, with blank, malformed and generation-less lines, long lines, CRLF and no final line break at times. */
function makeFile(): Buffer {
  const lines: string[] = [];
  const blocks = 1 + Math.floor(rand() * 8);
  for (let b = 0; b < blocks; b++) {
    const g = `g${Math.floor(rand() * 4)}`;
    const n = 1 + Math.floor(rand() * 40);
    for (let i = 0; i < n; i++) {
      const r = rand();
      if (r < 0.05) lines.push('');
      else if (r < 0.08) lines.push('{not json');
      else if (r < 0.1) lines.push(JSON.stringify({ text: 'no generation' }));
      else lines.push(JSON.stringify({ g, text: 'é'.repeat(Math.floor(rand() * (rand() < 0.1 ? 3000 : 30))) }));
    }
  }
  const eol = rand() < 0.2 ? '\r\n' : '\n';
  return Buffer.from(lines.join(eol) + (rand() < 0.8 ? eol : ''));
}

test('the spans of any windows cover the text in order, each from a change of generation, with its first line number', async () => {
  for (let round = 0; round < 150; round++) {
    const bytes = makeFile();
    const threads = 1 + Math.floor(rand() * 6);
    const windows = rand() < 0.5 ? spanWindows(bytes.length, threads) : Array.from({ length: threads - 1 }, () => Math.floor(rand() * bytes.length)).sort((a, b) => a - b);
    const maxChunk = rand() < 0.25 ? 7 : 4096;
    const got = await spans(bytes, windows, () => Math.floor(rand() * maxChunk));
    assert.equal(Buffer.concat(got.map((s) => s.text)).toString('hex'), bytes.toString('hex'), `round ${round}: the spans put together are the text`);
    assert.equal(got[0]!.index, 0);
    assert.equal(got[0]!.start, 0);
    let at = 0;
    for (const s of got) {
      assert.equal(s.start, at, `round ${round}: span ${s.index} starts where the one before ends`);
      assert.equal(s.firstLine, bytes.subarray(0, s.start).toString('latin1').split('\n').length, `round ${round}: span ${s.index}'s first line`);
      at += s.text.length;
      if (s.index === 0) continue;
      // A cut: the line's generation differs from the last one before it that has one.
      const before = bytes.subarray(0, s.start).toString('utf8').split('\n').map((l) => groupOf(l)).filter((g) => g !== undefined);
      const first = groupOf(s.text.toString('utf8').split('\n')[0]!);
      assert.ok(first !== undefined && before.length > 0 && before[before.length - 1] !== first, `round ${round}: span ${s.index} starts at a change`);
    }
    // The same spans whatever the chunks.
    const again = await spans(bytes, windows, () => 1 + Math.floor(rand() * 100_000));
    assert.deepEqual(again.map((s) => [s.index, s.start, s.firstLine]), got.map((s) => [s.index, s.start, s.firstLine]), `round ${round}`);
  }
});

test('one generation: every span but the first is empty; generations in order: each in one span; later spans shorter, as their threads inflate more', async () => {
  const one = Buffer.from(Array.from({ length: 500 }, (_, i) => JSON.stringify({ g: 'a', i })).join('\n') + '\n');
  const got = await spans(one, spanWindows(one.length, 4), () => 1000);
  assert.deepEqual(got.map((s) => s.index), [0]);
  const gens = Buffer.from(['a', 'b', 'c', 'd'].flatMap((g) => Array.from({ length: 300 }, (_, i) => JSON.stringify({ g, i }))).join('\n') + '\n');
  // A window a little before each change.
  const four = await spans(gens, [1, 2, 3].map((k) => Math.floor(gens.length * (k / 4 - 0.1))), () => 4096);
  assert.equal(four.length, 4);
  assert.deepEqual(four.map((s) => [...new Set(s.text.toString().split('\n').filter(Boolean).map(groupOf))]), [['a'], ['b'], ['c'], ['d']]);
  const w = spanWindows(1_000_000, 8);
  const sizes = [...w, 1_000_000].map((x, k) => x - (k === 0 ? 0 : w[k - 1]!));
  for (let k = 1; k < sizes.length; k++) assert.ok(sizes[k]! < sizes[k - 1]!, `span ${k} is shorter than span ${k - 1}`);
  assert.deepEqual(spanWindows(1000, 2, 1e9), [500]);
});

test('a line longer than any record is not held whole: the span stops with why (one reading then reports it)', async () => {
  const long = Buffer.alloc(65 * 1024 * 1024, 0x61);
  await assert.rejects(openSpan(chunked(long, () => 1 << 20), { windows: [10], index: 1 }, groupOf), { name: 'InputError', message: /longer than .* at line 1/ });
});
