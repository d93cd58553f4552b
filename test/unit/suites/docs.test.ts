// Cross-cutting suite (no single module): the documents generated from the code.
// Documents generated from the code they describe, so they cannot drift: docs/scenarios.md is
// written from the scenario registry. On a difference the test fails and prints how to
// regenerate (`UPDATE_DOCS=1 npm run test:unit`), including when the document is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SCENARIOS } from '../../../src/core/scenarios/index';
import { repoRoot } from '../support';

const cell = (s: string): string => s.replace(/\|/g, '\\|');

function scenariosDoc(): string {
  const out: string[] = [
    '# Sample scenarios',
    '',
    '<!-- Generated from src/core/scenarios by test/unit/suites/docs.test.ts; edit the scenarios, then run `UPDATE_DOCS=1 npm run test:unit`. -->',
    '',
    'Seeded simulations of systems trained on their own output. Each writes one file per generation',
    '(JSON Lines or CSV) and a README, and says which findings Collapse Lens should raise on them.',
    'Run one with `collapse-lens scenario NAME [--seed N] [--generations G] [--PARAMETER VALUE]...`',
    'or **Collapse Lens: Run Sample Scenario…** in VS Code. The same seed and parameters give',
    'byte-identical files.',
    '',
    'Where they come from:',
    '',
    '- **seed**: the toy models of the article the product grew from, *Risks of Indiscriminate AI Use:',
    '  Avoiding Model Collapse* (SuperML), ported line for line (`src/core/scenarios/seed-models.ts`)',
    '  and run for several generations. The source names the article\'s function or class.',
    '- **Shumailov et al., Nature 2024** ("AI models collapse when trained on recursively generated',
    '  data"): Gaussian refitting, a Gaussian mixture refitted on its own samples, and an n-gram',
    '  language model trained on its own text.',
    '- **Gerstgrasser et al., 2024** ("Is Model Collapse Inevitable? Breaking the Curse of Recursion',
    '  by Accumulating Real and Synthetic Data"): linear regression retrained on its own predictions,',
    '  replacing or accumulating the data.',
    '',
    'The expected findings below are those of the default parameters and seed 42. The tests check',
    'each scenario against its closed form and that the analyzer raises what is expected, for this',
    'seed and others (`test/unit/core/scenarios/`, `test/unit/suites/scenarios-analyzed.test.ts`, and in',
    'VS Code `test/integration/scenario.test.ts`).',
    '',
    '| scenario | source | default generations | expected findings (seed 42) |',
    '|---|---|---|---|',
  ];
  const runs = SCENARIOS.map((s) => ({ s, r: s.run({ seed: 42, format: 'jsonl' }) }));
  for (const { s, r } of runs) {
    const rules = r.expected.rules.length ? r.expected.rules.map((x) => `\`${x}\``).join(', ') : 'none';
    out.push(`| [\`${s.name}\`](#${s.name}) | ${cell(s.source)} | ${s.defaultGenerations} | ${rules} |`);
  }
  for (const { s, r } of runs) {
    out.push('', `## ${s.name}`, '', `**${s.title}.** ${s.description}`, '', `Source: ${s.source}.`, '');
    out.push(`What to look for (defaults, seed 42): ${r.expected.description}`, '');
    if (s.parameters.length) {
      out.push('| parameter | default | range | meaning |', '|---|---|---|---|');
      for (const p of s.parameters) {
        const range = p.type === 'enum' ? (p.values ?? []).map((v) => `\`${v}\``).join(', ') : p.type === 'boolean' ? 'true, false' : `${p.min ?? ''}…${p.max ?? ''}`;
        out.push(`| \`--${p.name}\` | ${String(p.default)} | ${range} | ${cell(p.description)} |`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

test('docs/scenarios.md is generated from the scenario registry', () => {
  const file = path.join(repoRoot(), 'docs', 'scenarios.md');
  const expected = scenariosDoc();
  if (process.env.UPDATE_DOCS) fs.writeFileSync(file, expected);
  const actual = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '(missing)';
  assert.equal(actual, expected, 'docs/scenarios.md is out of date: run `UPDATE_DOCS=1 npm run test:unit` and commit it');
});
