// Cross-cutting suite (no single module): the bad-input fixtures through the CLI.
// Every bad input in test/fixtures/bad/ through the whole CLI: a clear message, the right
// exit code, the rest analyzed where something is left, and the file untouched.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../cliRunner';
import { repoRoot } from '../support';

const root = repoRoot();
const bad = (f: string) => `test/fixtures/bad/${f}`;

async function cli(args: string[]) {
  const r = await runCli(args, { cwd: root });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

const hash = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(path.join(root, f))).digest('hex');

const unusable: [string, RegExp][] = [
  ['empty.jsonl', /empty\.jsonl is empty \(0 bytes\)/],
  ['whitespace-only.jsonl', /whitespace-only\.jsonl is empty \(only whitespace, 11 bytes\)/],
  ['binary.jsonl', /binary\.jsonl looks like a binary file \(a NUL byte at byte offset 14\)/],
  ['latin1.csv', /latin1\.csv is not valid UTF-8 at line 3 .*convert it to UTF-8/],
  ['utf16.jsonl', /utf16\.jsonl is UTF-16 little-endian text .*save it as UTF-8/],
  ['not-an-array.json', /not-an-array\.json is a JSON object without an array of objects in it/],
  ['scalar.json', /scalar\.json holds a number at the top level, not records.*\(line 1, column 1\)/],
  ['header-only.csv', /header-only\.csv has a header but no data rows/],
  ['no-usable-fields.jsonl', /no-usable-fields\.jsonl has no field Collapse Lens can analyze \(paths found: .*\); name one with --text-field/],
  ['corrupt.jsonl.gz', /corrupt\.jsonl\.gz is not readable: gzip data is corrupt/],
  ['parquet-empty.parquet', /parquet-empty\.parquet is empty \(0 bytes\)/],
  ['parquet-not-parquet.parquet', /parquet-not-parquet\.parquet is not a Parquet file \(it does not start and end with PAR1\); it looks like JSON text/],
  ['parquet-truncated.parquet', /parquet-truncated\.parquet is a truncated Parquet file/],
  ['parquet-corrupt-footer.parquet', /parquet-corrupt-footer\.parquet has a corrupt Parquet footer/],
];

const partial: [string, { records: number; malformed: number; first: [number, number] }][] = [
  ['malformed-lines.jsonl', { records: 4, malformed: 4, first: [3, 41] }],
  ['truncated.json', { records: 2, malformed: 1, first: [5, 1] }],
  ['ragged.csv', { records: 3, malformed: 2, first: [3, 1] }],
  ['unclosed-quote.csv', { records: 1, malformed: 1, first: [3, 3] }],
  ['parquet-corrupt-row-group.parquet', { records: 4, malformed: 1, first: [3, 1] }],
];

describe('bad inputs through the CLI', () => {
  for (const [file, message] of unusable) {
    test(`${file}: exit 2 with one clear message, file untouched`, async () => {
      const before = hash(bad(file));
      const r = await cli(['analyze', bad(file), '--format', 'json']);
      assert.equal(r.code, 2);
      assert.equal(r.out, '', 'nothing on stdout');
      assert.match(r.err, message);
      assert.equal(r.err.trim().split('\n').length, 1, 'one line');
      assert.ok(!/\bat .*\(.*:\d+:\d+\)/.test(r.err), 'no stack trace');
      assert.equal(hash(bad(file)), before);
    });
  }
  for (const [file, want] of partial) {
    test(`${file}: malformed records reported with line and column, the rest analyzed`, async () => {
      const before = hash(bad(file));
      const r = await cli(['analyze', bad(file), '--format', 'json', '--fail-on', 'never']);
      assert.equal(r.code, 0, r.err);
      const report = JSON.parse(r.out) as { inputs: { records: number; malformed: number }[]; findings: { rule: string; location: { line: number; column?: number } }[] };
      assert.equal(report.inputs[0]!.records, want.records);
      assert.equal(report.inputs[0]!.malformed, want.malformed);
      const f = report.findings.find((x) => x.rule === 'malformed-records');
      assert.ok(f, 'malformed-records finding');
      assert.deepEqual([f.location.line, f.location.column], want.first);
      assert.equal(hash(bad(file)), before);
    });
  }
  test('every fixture in the folder has a test here', () => {
    const files = fs.readdirSync(path.join(root, 'test/fixtures/bad')).filter((f) => !/\.(md|mjs)$/.test(f) && !f.startsWith('.'));
    const covered = new Set([...unusable.map((x) => x[0]), ...partial.map((x) => x[0])]);
    assert.deepEqual(files.filter((f) => !covered.has(f)), []);
  });
});
