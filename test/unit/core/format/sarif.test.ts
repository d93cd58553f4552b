// SARIF output (src/core/format/sarif.ts): the column unit it declares is the unit of its
// columns, artifact URIs are percent-encoded like url.pathToFileURL and split on `\` only on
// Windows, and every log stays valid against schemas/sarif-2.1.0.json.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import { analyzeFiles } from '../../../../src/core/analyze';
import { artifactLocation, toSarif } from '../../../../src/core/format/sarif';
import type { Report } from '../../../../src/shared/report';
import { repoRoot } from '../../support';

const root = repoRoot();
const schema = JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'sarif-2.1.0.json'), 'utf8'));
const validate = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false, logger: false }).compile(schema);
const schemaErrors = (d: unknown) => (validate(d) ? undefined : JSON.stringify(validate.errors, null, 2));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The text from a 1-based column on, counted in the unit a SARIF run declares. */
function fromColumn(line: string, column: number, kind: string | undefined): string {
  if (kind === 'utf16CodeUnits') return line.slice(column - 1);
  // unicodeCodePoints (also SARIF's default when columnKind is absent).
  return [...line].slice(column - 1).join('');
}

async function astralReport(): Promise<{ report: Report; line: string }> {
  const name = 'analysis-astral-column.jsonl';
  const file = path.join(root, 'test', 'fixtures', 'hostile', name);
  const { report } = await analyzeFiles([{ file, display: name }]);
  return { report, line: fs.readFileSync(file, 'utf8').split('\n')[1]! };
}

describe('SARIF output', () => {
  test('columns are in the unit the run declares: the malformed value after astral characters', async () => {
    const { report, line } = await astralReport();
    const finding = report.findings.find((f) => f.rule === 'malformed-records')!;
    assert.equal(finding.location.column, 19, 'UTF-16 column of "oops" after three emoji (16 in code points)');
    const sarif: Json = toSarif(report);
    assert.equal(schemaErrors(sarif), undefined);
    const run = sarif.runs[0];
    const result = run.results.find((r: Json) => r.ruleId === 'malformed-records');
    const column = result.locations[0].physicalLocation.region.startColumn;
    assert.ok(fromColumn(line, column, run.columnKind).startsWith('oops'), `column ${column} in ${run.columnKind ?? 'the default unit'} points at the value`);
  });

  test('a backslash is a separator on Windows only; names are percent-encoded like pathToFileURL', () => {
    assert.deepEqual(artifactLocation('a\\b.jsonl', { windows: false }), { uri: 'a%5Cb.jsonl', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifactLocation('a\\b.jsonl', { windows: true }), { uri: 'a/b.jsonl', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifactLocation('gens/gen 1 #2?.jsonl', { windows: false }), { uri: 'gens/gen%201%20%232%3F.jsonl', uriBaseId: '%SRCROOT%' });
    assert.equal(artifactLocation('100%.jsonl').uri, '100%25.jsonl');
    assert.equal(artifactLocation('c:notes.jsonl', { windows: false }).uri, 'c%3Anotes.jsonl', 'not read as a URI scheme');
    assert.equal(artifactLocation('données/été😀.jsonl').uri, 'donn%C3%A9es/%C3%A9t%C3%A9%F0%9F%98%80.jsonl');
    assert.equal(artifactLocation('a\uD800b.jsonl').uri, 'a%EF%BF%BDb.jsonl', 'a lone surrogate does not throw');
    // Resolved against the folder, each URI names exactly the file (POSIX names: `\` is a character).
    const base = pathToFileURL('/srv/data/', { windows: false });
    for (const name of ['a\\b.jsonl', 'gens/gen 1 #2?.jsonl', '100%.jsonl', 'c:notes.jsonl', 'x/[y]|^`{z}.jsonl', 'données/été😀.jsonl', 'semi;colon,comma=&+$@.jsonl']) {
      const { uri } = artifactLocation(name, { windows: false });
      assert.equal(fileURLToPath(new URL(uri, base), { windows: false }), `/srv/data/${name}`, name);
      if (!/[:[\]|^`{}]/u.test(name)) assert.equal(uri, pathToFileURL(`/${name}`, { windows: false }).pathname.slice(1), `pathToFileURL's encoding of ${name}`);
    }
  });

  test('a path outside the folder the analysis ran in is a file: URI of its own', () => {
    assert.deepEqual(artifactLocation('/srv/me/gen 1.jsonl', { windows: false }), { uri: 'file:///srv/me/gen%201.jsonl' });
    assert.deepEqual(artifactLocation('C:/Users/me/gen1.jsonl', { windows: true }), { uri: 'file:///C:/Users/me/gen1.jsonl' });
    assert.deepEqual(artifactLocation('C:\\Users\\me\\gen1.jsonl', { windows: true }), { uri: 'file:///C:/Users/me/gen1.jsonl' });
    assert.deepEqual(artifactLocation('//server/share/gen1.jsonl', { windows: true }), { uri: 'file://server/share/gen1.jsonl' });
  });

  test('hostile names stay valid SARIF, in results, related locations and artifacts', async () => {
    const { report } = await astralReport();
    const name = 'we\\ird #1 %?.jsonl';
    const renamed: Report = JSON.parse(JSON.stringify(report).split('analysis-astral-column.jsonl').join(name.replace(/\\/g, '\\\\')));
    const sarif: Json = toSarif(renamed, { windows: false });
    assert.equal(schemaErrors(sarif), undefined);
    const run = sarif.runs[0];
    assert.equal(run.artifacts[0].location.uri, 'we%5Cird%20%231%20%25%3F.jsonl');
    assert.equal(run.results[0].locations[0].physicalLocation.artifactLocation.uri, 'we%5Cird%20%231%20%25%3F.jsonl');
  });
});

describe('SARIF partialFingerprints', () => {
  test('a finding keeps its fingerprint when its numbers change, and findings about different things differ', async () => {
    const { fingerprint } = await import('../../../../src/core/format/sarif');
    const base = { rule: 'diversity-drop', severity: 'error' as const, metric: 'distinct_2', group: 'gen-3', location: { file: 'gen-3.jsonl', line: 1 } };
    const a = fingerprint({ ...base, message: 'Text diversity collapsed … Distinct-2 −61%', value: 0.3 });
    const b = fingerprint({ ...base, metric: 'vocabulary_size', message: 'Text diversity collapsed … Vocabulary −70%', value: 100 });
    assert.equal(a, b, 'same rule, role, file and generation');
    assert.notEqual(a, fingerprint({ ...base, metric: 'vendi_score', message: 'Embedding diversity…' }), 'another role');
    assert.notEqual(a, fingerprint({ ...base, group: 'gen-4', location: { file: 'gen-4.jsonl', line: 1 }, message: 'x' }), 'another generation');
    assert.match(a, /^[0-9a-f]{14}$/);
  });
});

describe('SARIF rule descriptions', () => {
  test('say the thresholds in force', async () => {
    const { toSarif } = await import('../../../../src/core/format/sarif');
    const report = { schemaVersion: 1 as const, tool: { name: 'collapse-lens' as const, version: '0' }, inputs: [], fields: {}, groups: [], findings: [] };
    const rules = (t?: object) => (toSarif(report, t ? { thresholds: t } : {}) as { runs: { tool: { driver: { rules: { id: string; fullDescription: { text: string } }[] } } }[] }).runs[0]!.tool.driver.rules;
    assert.match(rules().find((r) => r.id === 'repeated-outputs')!.fullDescription.text, /More than 30%/);
    assert.match(rules({ duplicateRate: 0.45 }).find((r) => r.id === 'repeated-outputs')!.fullDescription.text, /More than 45%/);
  });
});
