// Property-based fuzz of the cuts `--jobs` makes in a JSON Lines file where its generation
// changes (src/core/analysis/ranges.ts `generationRanges`), seeded and reproducible; see
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
