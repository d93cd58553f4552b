// Property-based fuzz of the cuts `--jobs` makes in a JSON Lines file where its generation
// changes (src/core/analysis/ranges.ts `generationRanges`, and the spans of a gzip file's text,
// gzipSpans.ts `openSpan`), seeded and reproducible; see
// test/fuzz/runner.ts. Any sequence of lines (records of a few generations in runs, blank and
// malformed lines, long lines), cut for 1 to 7 threads, with or without a short scan:
//   the ranges cover the file, in order, none empty, each cut at the start of a line;
//   at each cut the generation changes (the last line with one before it and the first after
//   it differ);
//   when each generation is one run of lines, no generation is in two ranges.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { generationRanges, lineRanges } from '../../../src/core/analysis/ranges';
import { openSpan } from '../../../src/core/analysis/gzipSpans';
import { fuzzProperty } from '../../fuzz/runner';

type Line = { kind: 'record'; group: string; pad: number } | { kind: 'blank' } | { kind: 'malformed' };

const line: fc.Arbitrary<Line> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('record' as const), group: fc.constantFrom('a', 'b', 'c', 'd', 'é'), pad: fc.oneof(fc.nat(40), fc.nat(3000)) }), weight: 12 },
  { arbitrary: fc.constant({ kind: 'blank' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'malformed' as const }), weight: 1 },
);

/** Lines in runs of one kind (records of one generation repeat), as files of generations look. */
const lines = fc.array(fc.tuple(line, fc.integer({ min: 1, max: 30 })), { minLength: 1, maxLength: 12 }).map((runs) => runs.flatMap(([l, n]) => Array.from({ length: n }, () => l)));

const rangeCase = fc.record({ lines, parts: fc.integer({ min: 1, max: 7 }), scan: fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 4000 })), crlf: fc.boolean() });

function text(l: Line, crlf: boolean): string {
  const body = l.kind === 'record' ? JSON.stringify({ generation: l.group, output: 'w'.repeat(l.pad) }) : l.kind === 'blank' ? '' : '{"generation": "a", "output": ';
  return body + (crlf ? '\r\n' : '\n');
}

const groupOf = (s: string): string | undefined => {
  try {
    const v = JSON.parse(s) as { generation?: unknown };
    return typeof v?.generation === 'string' ? v.generation : undefined;
  } catch {
    return undefined;
  }
};

fuzzProperty({
  target: 'ranges',
  name: 'generation cuts',
  title: 'ranges cover the file, cut at line starts where the generation changes; a generation in one run stays in one range',
  arbitrary: rangeCase,
  check: async (c) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-ranges-'));
    try {
      const file = path.join(dir, 'gens.jsonl');
      const bytes = Buffer.from(c.lines.map((l) => text(l, c.crlf)).join(''), 'utf8');
      fs.writeFileSync(file, bytes);
      const ranges = await generationRanges(file, await lineRanges(file, bytes.length, c.parts), groupOf, c.scan);
      assert.equal(ranges[0]!.start, 0);
      assert.equal(ranges[ranges.length - 1]!.end, bytes.length);
      // The groups of the lines, with where each starts.
      const starts: number[] = [];
      const groups: (string | undefined)[] = [];
      for (let at = 0; at < bytes.length; ) {
        const nl = bytes.indexOf(10, at);
        const end = nl === -1 ? bytes.length : nl + 1;
        starts.push(at);
        groups.push(groupOf(bytes.subarray(at, end).toString('utf8')));
        at = end;
      }
      for (let k = 0; k < ranges.length; k++) {
        assert.ok(ranges[k]!.end > ranges[k]!.start, `range ${k} is empty`);
        if (k === 0) continue;
        const cut = ranges[k]!.start;
        assert.equal(cut, ranges[k - 1]!.end);
        const i = starts.indexOf(cut);
        assert.ok(i > 0, `cut ${cut} is not at the start of a line`);
        const before = groups.slice(0, i).filter((g) => g !== undefined).pop();
        const after = groups.slice(i).find((g) => g !== undefined);
        assert.ok(before !== undefined && after !== undefined && before !== after, `no change of generation at ${cut} (${before} → ${after})`);
      }
      const runs = groups.filter((g) => g !== undefined).filter((g, j, all) => j === 0 || all[j - 1] !== g);
      if (new Set(runs).size === runs.length) {
        const seen = new Map<string, number>();
        ranges.forEach((r, k) => {
          for (let j = 0; j < starts.length; j++) {
            const g = groups[j];
            if (g === undefined || starts[j]! < r.start || starts[j]! >= r.end) continue;
            assert.ok((seen.get(g) ?? k) === k, `generation ${g} in ranges ${seen.get(g)} and ${k}`);
            seen.set(g, k);
          }
        });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
  timeoutMs: 5000,
});

const spanCase = fc.record({
  lines,
  crlf: fc.boolean(),
  finalBreak: fc.boolean(),
  windows: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
  chunks: fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 8 }),
});

async function* chunked(bytes: Buffer, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = sizes[k % sizes.length]!;
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

fuzzProperty({
  target: 'ranges',
  name: 'gzip spans',
  title: 'the spans of a text cover it in order, each from a change of generation, with its first line, whatever the chunks',
  arbitrary: spanCase,
  check: async (c) => {
    let body = c.lines.map((l) => text(l, c.crlf)).join('');
    if (!c.finalBreak) body = body.replace(/\r?\n$/, '');
    const bytes = Buffer.from(body, 'utf8');
    const windows = [...new Set(c.windows.map((w) => Math.floor(w * bytes.length)))].filter((w) => w > 0).sort((a, b) => a - b);
    const read = async (sizes: readonly number[]) => {
      const out: { start: number; firstLine: number; text: Buffer }[] = [];
      for (let index = 0; index <= windows.length; index++) {
        const span = await openSpan(chunked(bytes, sizes), { windows, index }, groupOf);
        if (!span) continue;
        const parts: Uint8Array[] = [];
        for await (const p of span.bytes) parts.push(p);
        out.push({ start: span.start, firstLine: span.firstLine, text: Buffer.concat(parts) });
      }
      return out;
    };
    const spans = await read(c.chunks);
    assert.ok(Buffer.concat(spans.map((s) => s.text)).equals(bytes), 'the spans put together are the text');
    let at = 0;
    for (const [k, s] of spans.entries()) {
      assert.equal(s.start, at, `span ${k} starts where the one before ends`);
      assert.equal(s.firstLine, bytes.subarray(0, s.start).toString('latin1').split('\n').length, `span ${k}'s first line`);
      if (k > 0) {
        const before = bytes.subarray(0, s.start).toString('utf8').split('\n').map(groupOf).filter((g) => g !== undefined).pop();
        assert.ok(before !== undefined && groupOf(s.text.toString('utf8').split('\n')[0]!) !== before, `span ${k} starts at a change of generation`);
      }
      at += s.text.length;
    }
    const again = await read([bytes.length + 1]);
    assert.deepEqual(again.map((s) => [s.start, s.firstLine]), spans.map((s) => [s.start, s.firstLine]), 'the same spans in one chunk');
  },
  timeoutMs: 5000,
});
