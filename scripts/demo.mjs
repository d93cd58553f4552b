#!/usr/bin/env node
// `npm run demo`: simulate model collapse with a sample scenario, analyze it like a user
// would with the CLI, and write reports a person can open. Also analyzes the shipped examples.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const cli = path.join('dist', 'cli.js');
const outDir = 'demo-output';
const scenario = process.env.COLLAPSE_LENS_DEMO_SCENARIO || 'ngram-self-training';
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });

function cl(args, { show = true, shown } = {}) {
  if (show) console.log(`\n$ collapse-lens ${shown ?? args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
  // 1 means "findings at or above --fail-on": expected here, since the scenario collapses.
  if (r.status !== 0 && r.status !== 1) {
    console.error(`collapse-lens exited with ${r.status}`);
    process.exit(r.status ?? 1);
  }
}

const files = (dir) => fs.readdirSync(dir).filter((f) => /\.(jsonl|csv)$/.test(f)).map((f) => path.join(dir, f));

console.log(`Collapse Lens demo: the "${scenario}" scenario, simulated, then analyzed.`);
const scenarioDir = path.join(outDir, scenario);
cl(['scenario', scenario, '--seed', '42', '--out', scenarioDir]);
const generated = files(scenarioDir);
cl(['analyze', ...generated, '--format', 'text'], { shown: `analyze ${scenarioDir}/gen-*.jsonl` });
cl(['analyze', ...generated, '--format', 'json', '--out', path.join(outDir, 'report.json')], { show: false });
cl(['analyze', ...generated, '--format', 'sarif', '--out', path.join(outDir, 'report.sarif')], { show: false });
cl(['analyze', ...generated, '--format', 'html', '--out', path.join(outDir, 'report.html')], { show: false });

console.log('\nThe shipped examples (examples/):');
const chat = files(path.join('examples', 'chat-generations'));
cl(['analyze', ...chat, '--format', 'text'], { shown: 'analyze examples/chat-generations/gen*.jsonl' });
cl(['analyze', ...chat, '--format', 'json', '--out', path.join(outDir, 'examples-chat.json')], { show: false });
cl(['analyze', ...chat, '--format', 'html', '--out', path.join(outDir, 'examples-chat.html')], { show: false });
cl(['analyze', 'examples/classifier-eval.csv', '--format', 'json', '--out', path.join(outDir, 'examples-classifier.json')], { show: false });
cl(['analyze', 'examples/embeddings.jsonl', '--format', 'json', '--out', path.join(outDir, 'examples-embeddings.json')], { show: false });

console.log(`\nReports written to ${outDir}/:`);
for (const f of fs.readdirSync(outDir).filter((f) => /\.(json|sarif|html)$/.test(f)).sort()) console.log(`  ${outDir}/${f}`);
console.log(`\nOpen ${outDir}/report.html in a browser to see the charts (it works offline).`);
