// The files of a scenario run, README.md included: what was simulated, how to reproduce it,
// and what the analyzer should show. Pure, and the one place the files are put together: the
// CLI writes them through node's file system (write.ts), the analysis worker hands them to
// the extension, which writes them through the workspace file system.
import type { ParamValue, ScenarioFile, ScenarioFormat, ScenarioResult } from './types';
import { getScenario } from './index';
import { controlScenario } from './control';

/** The name of the README written next to a scenario's files. */
export const README_NAME = 'README.md';

export interface ScenarioMeta {
  scenario: string;
  title?: string;
  seed: number;
  generations: number;
  format: ScenarioFormat;
  params: Record<string, ParamValue>;
}

/** What a run writes: the generation files in order, then README.md. */
export function scenarioFiles(result: ScenarioResult, meta: ScenarioMeta): ScenarioFile[] {
  return [...result.files, { name: README_NAME, content: scenarioReadme(result, meta) }];
}

export function scenarioReadme(result: ScenarioResult, meta: ScenarioMeta): string {
  const s = getScenario(meta.scenario) ?? (meta.scenario === controlScenario.name ? controlScenario : undefined);
  const title = meta.title ?? s?.title ?? meta.scenario;
  const nonDefault = Object.entries(meta.params).filter(([k, v]) => s?.parameters.find((p) => p.name === k)?.default !== v);
  const flags = [`--seed ${meta.seed}`, `--generations ${meta.generations}`, `--format ${meta.format}`, ...nonDefault.map(([k, v]) => `--${k} ${v}`)].join(' ');
  const lines: string[] = [];
  lines.push(`# ${title}`, '');
  if (s) lines.push(s.description, '', `Source: ${s.source}.`, '');
  lines.push('## Run', '');
  lines.push('| | |', '|---|---|');
  lines.push(`| scenario | \`${meta.scenario}\` |`, `| seed | ${meta.seed} |`, `| generations | ${meta.generations} |`, `| format | ${meta.format} |`);
  lines.push(`| files | ${result.files.length}: \`${result.files[0]?.name ?? ''}\` ... \`${result.files[result.files.length - 1]?.name ?? ''}\` |`);
  lines.push('');
  if (s?.parameters.length) {
    lines.push('| parameter | value | meaning |', '|---|---|---|');
    for (const p of s.parameters) lines.push(`| \`${p.name}\` | ${String(meta.params[p.name] ?? p.default)} | ${p.description.replace(/\|/g, '\\|')} |`);
    lines.push('');
  }
  lines.push('Reproduce (same seed and parameters give byte-identical files):', '', '```', `collapse-lens scenario ${meta.scenario} ${flags}`, '```', '');
  lines.push('## What to look for', '', result.expected.description, '');
  lines.push(
    result.expected.rules.length
      ? `Findings the analyzer should raise: ${result.expected.rules.map((r) => `\`${r}\``).join(', ')}.`
      : 'No finding is expected.',
    '',
    '```',
    `collapse-lens analyze ${result.files.length > 1 ? `gen-*.${meta.format}` : (result.files[0]?.name ?? '')}`,
    '```',
    '',
  );
  const keys = Object.keys(result.series);
  if (keys.length) {
    lines.push('## Ground truth per generation', '', `| generation | ${keys.join(' | ')} |`, `|---|${keys.map(() => '---').join('|')}|`);
    for (let g = 0; g < meta.generations; g++) lines.push(`| ${g} | ${keys.map((k) => fmt(result.series[k]![g])).join(' | ')} |`);
    lines.push('');
  }
  return lines.join('\n');
}

function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '';
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) < 1e-3 ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}
