// Cross-cutting suite (no single module): every scenario through the analyzer.
// Each scenario's files raise the findings the scenario expects, and the healthy control raises
// none (false-positive rates over many seeds). The scenarios themselves: core/scenarios/.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeFiles } from '../../../src/core/analyze';
import type { AnalyzeOptions } from '../../../src/core/options';
import { controlScenario, SCENARIOS } from '../../../src/core/scenarios/index';
import type { ScenarioResult } from '../../../src/core/scenarios/index';
import { METRIC_BY_KEY } from '../../../src/shared/metrics';
import { run } from '../core/scenarios/support';

describe('the analyzer finds what each scenario expects', () => {
  async function analyze(r: ScenarioResult, options: AnalyzeOptions = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-scenario-analyze-'));
    try {
      for (const f of r.files) fs.writeFileSync(path.join(dir, f.name), f.content);
      const { report } = await analyzeFiles(r.files.map((f) => ({ file: path.join(dir, f.name), display: f.name })), options);
      return report;
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  }

  for (const s of SCENARIOS) {
    // CSV too where the layout differs in what the analyzer must detect: numbered vector
    // columns, label/prediction/score columns, quoted text.
    const formats = ['mixture-mode-collapse', 'continuous-evaluation', 'content-generator'].includes(s.name) ? (['jsonl', 'csv'] as const) : (['jsonl'] as const);
    test(`${s.name}: expected rules fire (seed 42, ${formats.join(' and ')})`, async () => {
      for (const format of formats) {
        const r = s.run({ seed: 42, format });
        const report = await analyze(r);
        const fired = new Set(report.findings.map((f) => f.rule));
        for (const rule of r.expected.rules) assert.ok(fired.has(rule), `${s.name} (${format}): expected ${rule}; fired ${[...fired].join(', ') || 'nothing'}`);
      }
    });
  }

  test('the seed scenarios show the findings the guide is about', () => {
    const expects = (name: string, rules: string[], params: Record<string, number | boolean | string> = {}) => {
      const got = run(name, 42, params).expected.rules;
      for (const rule of rules) assert.ok(got.includes(rule as never), `${name}: ${rule} in ${got.join(', ')}`);
    };
    expects('diversity-decay', ['repeated-outputs', 'diversity-drop', 'diversity-trend']);
    expects('generic-inputs', ['dominant-output', 'repeated-outputs']);
    expects('content-generator', ['repeated-outputs', 'dominant-output']);
    expects('recommender', ['dominant-output', 'diversity-drop']);
    expects('exploration', ['repeated-outputs'], { floor: false });
    expects('biased-decisions', ['dominant-output']);
    expects('continuous-evaluation', ['accuracy-below-threshold']);
    expects('gaussian-refit', ['tail-loss', 'diversity-trend']);
    expects('ngram-self-training', ['diversity-drop', 'diversity-trend']);
    expects('classifier-self-training', ['accuracy-below-threshold', 'dominant-output']);
    expects('mixture-mode-collapse', ['diversity-drop']);
  });

  test('the healthy control raises no finding', async () => {
    for (const seed of [1, 42]) {
      for (const format of ['jsonl', 'csv'] as const) {
        const report = await analyze(controlScenario.run({ seed, format }));
        assert.deepEqual(report.findings.map((f) => `${f.rule}: ${f.message}`), [], `seed ${seed} ${format}`);
        assert.ok(report.fields.text && report.fields.vector && report.fields.label && report.fields.prediction && report.fields.value, 'every role present');
      }
    }
  });

  test('one finding per event: a 6-generation self-training run gives at most one per rule and role; per metric gives the detail', async () => {
    const r = run('ngram-self-training', 42, {}, 6);
    const events = await analyze(r);
    const key = (f: { rule: string; metric?: string; message: string }) => `${f.rule}/${f.metric ? METRIC_BY_KEY.get(f.metric)?.role : f.message.startsWith('One text') ? 'text' : 'labels'}`;
    const counts = new Map<string, number>();
    for (const f of events.findings) counts.set(key(f), (counts.get(key(f)) ?? 0) + 1);
    for (const [k, c] of counts) assert.equal(c, 1, `${k}: ${c} findings`);
    assert.ok(events.findings.some((f) => f.rule === 'diversity-drop'));
    assert.match(events.verdicts?.[0]?.message ?? '', /^Text diversity (collapsed|fell) below the baseline by generation gen-\d+: /);
    const metrics = await analyze(r, { findingMode: 'metric' });
    assert.ok(metrics.findings.length >= events.findings.length + 8, `per metric: ${metrics.findings.length} findings, per event: ${events.findings.length}`);
  });

  test('tail-loss pools consecutive small generations: gaussian-refit with 150 values per generation', async () => {
    const report = await analyze(run('gaussian-refit', 42, { outputs: 150 }));
    const tail = report.findings.filter((f) => f.rule === 'tail-loss');
    assert.equal(tail.length, 1);
    assert.match(tail[0]!.message, /in each of the \d+ generations since gen-\d+ \(0 of \d+ together/);
  });

  test('the healthy control over many seeds: distribution-drift and tail-loss false-positive rates', async () => {
    let drift = 0;
    let tail = 0;
    const seeds = 40;
    for (let seed = 1; seed <= seeds; seed++) {
      const report = await analyze(controlScenario.run({ seed, format: 'jsonl', generations: 6, params: { records: 200 } }));
      if (report.findings.some((f) => f.rule === 'distribution-drift')) drift++;
      if (report.findings.some((f) => f.rule === 'tail-loss')) tail++;
    }
    // Each is a test at p < 0.01 per generation (with an effect-size floor for drift): over 40
    // runs of 5 compared generations, more than 2 runs would mean the guard does not hold.
    assert.ok(drift <= 2, `distribution-drift fired in ${drift} of ${seeds} healthy runs`);
    assert.ok(tail <= 2, `tail-loss fired in ${tail} of ${seeds} healthy runs`);
  });

  test('the Vendi score and effective rank fall as mixture modes vanish', async () => {
    const report = await analyze(run('mixture-mode-collapse', 42));
    const first = report.groups[0]!.metrics;
    const last = report.groups[report.groups.length - 1]!.metrics;
    assert.ok(last.vendi_score! < first.vendi_score!, `${first.vendi_score} -> ${last.vendi_score}`);
    assert.ok(last.effective_rank! < first.effective_rank!);
  });
});
