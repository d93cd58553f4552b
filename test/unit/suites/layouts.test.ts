// Cross-cutting suite (no single module): real tools' file layouts, analyzed end to end.
// The files real tools write (test/fixtures/layouts/, each built from its tool's published
// format, sources in that folder's README): analyzed with no flags, every layout gives the
// text metrics of the same texts written as flat JSONL, picks the documented path, flags the
// collapse, and raises nothing on metadata.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeFiles } from '../../../src/core/analyze';
import { compileFieldPath } from '../../../src/core/fieldPath';
import { METRIC_BY_KEY } from '../../../src/shared/metrics';
import { repoRoot } from '../support';

const LAYOUTS = path.join(repoRoot(), 'test', 'fixtures', 'layouts');

interface Layout {
  name: string;
  format: string;
  textPath: string | null;
  /** Other paths that select the same texts (e.g. `[*]` where the layout names `[0]`, or the path inside a flattened array of arrays). */
  altTextPaths?: string[];
  outputsPerRecord?: number;
  promptPath?: string | null;
  metadata?: string[];
  /** Set when the file keeps its records in another order than texts.json (inspect sorts by epoch). */
  orderBy?: string[];
}
interface Texts {
  generations: { id: string; prompts: { id: string; prompt: string; outputs: string[] }[] }[];
}

const texts = JSON.parse(fs.readFileSync(path.join(LAYOUTS, 'texts.json'), 'utf8')) as Texts;
const layouts = fs
  .readdirSync(LAYOUTS, { withFileTypes: true })
  .filter((e) => e.isDirectory() && fs.existsSync(path.join(LAYOUTS, e.name, 'layout.json')))
  .map((e) => ({ dir: path.join(LAYOUTS, e.name), folder: e.name, layout: JSON.parse(fs.readFileSync(path.join(LAYOUTS, e.name, 'layout.json'), 'utf8')) as Layout }));

/** The generation files of a layout: `gen-N.ext`, or the one data file under a `gen-N/` folder (lm-evaluation-harness output folders). */
function generationFiles(dir: string): { file: string; display: string }[] {
  const out: { file: string; display: string }[] = [];
  const walk = (d: string, display: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p, `${display}${e.name}/`);
      else if (e.name !== 'layout.json' && (display !== '' || e.name.startsWith('gen-'))) out.push({ file: p, display: `${display}${e.name}` });
    }
  };
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!e.name.startsWith('gen-')) continue;
    if (e.isFile()) out.push({ file: path.join(dir, e.name), display: e.name });
    else walk(path.join(dir, e.name), `${e.name}/`);
  }
  return out;
}

let flat: Awaited<ReturnType<typeof analyzeFiles>> | undefined;
async function flatReport() {
  if (flat) return flat;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-layouts-'));
  const files = texts.generations.map((g) => {
    const file = path.join(dir, `${g.id}.jsonl`);
    fs.writeFileSync(file, g.prompts.flatMap((p) => p.outputs.map((text) => JSON.stringify({ text }))).join('\n') + '\n');
    return { file, display: `${g.id}.jsonl` };
  });
  flat = await analyzeFiles(files);
  return flat;
}

const ORDER_DEPENDENT = ['compression_ratio', 'ngram_diversity'];
const TEXT_METRICS = ['distinct_1', 'distinct_2', 'distinct_3', 'ngram_diversity', 'duplicate_rate', 'self_bleu', 'token_entropy', 'vocabulary_size', 'mean_length', 'compression_ratio', 'rare_token_share'];

describe('layouts real tools write, with no flags', () => {
  test('the fixtures cover the layouts the product promises', () => {
    const names = layouts.map((l) => l.folder);
    for (const wanted of ['openai-chat-n1', 'openai-chat-n3', 'openai-batch-output', 'chat-messages', 'sharegpt', 'alpaca', 'lm-eval-samples', 'hf-parquet-text', 'hf-parquet-messages']) {
      assert.ok(names.includes(wanted), `${wanted} fixture present`);
    }
  });

  for (const { dir, folder, layout } of layouts) {
    if (layout.textPath === null) continue;
    test(`${folder}: text from ${layout.textPath}, the same metrics as flat JSONL, collapse flagged, metadata silent`, async () => {
      const files = generationFiles(dir);
      assert.equal(files.length, texts.generations.length, 'one file per generation');
      const { report } = await analyzeFiles(files);
      const accepted = [layout.textPath!, ...(layout.altTextPaths ?? [])].map((p) => compileFieldPath(p).canonical);
      assert.ok(accepted.includes(compileFieldPath(report.fields.text!).canonical), `text path ${report.fields.text} (${report.fieldReasons?.text}) is one of ${accepted.join(', ')}`);
      for (const role of ['label', 'prediction', 'vector'] as const) assert.equal(report.fields[role], null, `no ${role} role among metadata`);

      const reference = (await flatReport()).report;
      assert.equal(report.groups.length, reference.groups.length);
      report.groups.forEach((g, i) => {
        const want = reference.groups[i]!;
        assert.equal(g.outputs ?? g.records, 36, `${g.id}: 36 outputs`);
        // compression_ratio and ngram_diversity read the texts joined in file order, so they depend on that order.
        for (const key of TEXT_METRICS.filter((k) => !(layout.orderBy && ORDER_DEPENDENT.includes(k)))) {
          assert.ok(want.metrics[key] !== undefined, `${key} in the flat reference`);
          assert.ok(Math.abs((g.metrics[key] ?? NaN) - want.metrics[key]!) <= 1e-12 * Math.max(1, Math.abs(want.metrics[key]!)), `${g.id} ${key}: ${g.metrics[key]} vs flat ${want.metrics[key]}`);
        }
        if ((layout.outputsPerRecord ?? 1) > 1) assert.equal(g.prompts, 12, `${g.id}: outputs grouped by their 12 prompts`);
      });

      assert.ok(report.findings.some((f) => f.rule === 'diversity-drop' && f.severity === 'error' && f.group !== report.groups[0]!.id), 'the collapse is found');
      for (const f of report.findings) {
        const metric = f.metric ? METRIC_BY_KEY.get(f.metric) : undefined;
        assert.ok(!metric || metric.role === 'text', `finding on a text metric only: ${f.rule} ${f.message}`);
        assert.notEqual(f.rule, 'malformed-records', f.message);
        if (f.rule === 'dominant-output') assert.match(f.message, /^One text,/, 'dominant-output only on the outputs');
      }
    });
  }

  test('a batch input file (requests only) says it holds no model outputs and names the text it found', async () => {
    const file = path.join(LAYOUTS, 'openai-batch-input', 'input.jsonl');
    await assert.rejects(analyzeFiles([{ file, display: 'input.jsonl' }]), /input\.jsonl has no model outputs: the only text is an input or reference: body\.messages\[\?@\.role=='user'\]\.content/);
  });
});

describe('lm-evaluation-harness with the stock two filters', () => {
  test('each doc written once per filter with the same responses: read once, the same metrics as one filter', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-lmeval-'));
    const src = generationFiles(path.join(LAYOUTS, 'lm-eval-samples'));
    // What the stock gsm8k config writes: every doc under "strict-match", then under "flexible-extract".
    const twoFilters = src.map(({ file, display }, i) => {
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const out = [...lines.map((l) => ({ ...l, filter: 'strict-match', filtered_resps: ['[invalid]'] })), ...lines.map((l) => ({ ...l, filter: 'flexible-extract' }))];
      const target = path.join(dir, `gen-${i + 1}.jsonl`);
      fs.writeFileSync(target, out.map((l) => JSON.stringify(l)).join('\n') + '\n');
      return { file: target, display: path.basename(display) === display ? display : `gen-${i + 1}.jsonl` };
    });
    const one = await analyzeFiles(src);
    const two = await analyzeFiles(twoFilters);
    assert.match(two.report.fieldReasons?.text ?? '', /the records of filter "strict-match" only/);
    two.report.groups.forEach((g, i) => {
      assert.equal(g.outputs, 36);
      assert.deepEqual(g.metrics, one.report.groups[i]!.metrics);
    });
    assert.ok(!two.report.findings.some((f) => f.rule === 'repeated-outputs' && f.group === two.report.groups[0]!.id), 'no repeats in the healthy generation');
  });
});
