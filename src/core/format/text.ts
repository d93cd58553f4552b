// The terminal report: what was read, a per-generation table of the metrics, and the
// findings. Colour only when the caller says the stream is a terminal. Every string that
// comes from the data (ids, field names, file names, messages quoting outputs) goes through
// `terminalSafe`, so no control character in the data reaches the terminal.
import type { Report, Severity } from '../../shared/report';
import { METRICS } from '../../shared/metrics';
import { num, pct } from '../rules';
import { terminalSafe as safe } from '../terminalText';

export interface TextFormatOptions {
  color: boolean;
  /** Terminal width; columns beyond it are left out. */
  width?: number;
}

const ANSI = { reset: '\x1b[0m', bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', yellow: '\x1b[33m', blue: '\x1b[34m', green: '\x1b[32m' };
const MAX_COLUMNS = 8;
const TEMPLATES_SHOWN = 3;

export function formatText(report: Report, options: TextFormatOptions): string {
  const c = (code: keyof typeof ANSI, s: string) => (options.color ? ANSI[code] + s + ANSI.reset : s);
  const sevColor: Record<Severity, keyof typeof ANSI> = { error: 'red', warning: 'yellow', info: 'blue' };
  const lines: string[] = [];

  const records = report.inputs.reduce((a, i) => a + i.records, 0);
  const malformed = report.inputs.reduce((a, i) => a + i.malformed, 0);
  lines.push(c('bold', `Collapse Lens ${report.tool.version}`));
  lines.push(
    `${report.inputs.length} file${report.inputs.length === 1 ? '' : 's'}, ${records} records` +
      (malformed ? `, ${malformed} malformed` : '') +
      `, ${report.groups.length} generation${report.groups.length === 1 ? '' : 's'}` +
      (report.baseline !== undefined && report.groups.length > 1 ? `, baseline ${safe(report.baseline)}` : ''),
  );
  const roles = Object.entries(report.fields).filter(([, v]) => v);
  const why = report.fieldReasons ?? {};
  lines.push(c('dim', `fields: ${roles.map(([k, v]) => `${k}=${safe(String(v))}${why[k as keyof typeof why] ? ` (${safe(String(why[k as keyof typeof why]))})` : ''}`).join(', ') || 'none'}`));
  if (report.collection) lines.push(c('dim', `records: the array at ${safe(report.collection)}`));
  lines.push('');
  // One line per role: what happened, before the numbers.
  for (const v of report.verdicts ?? []) lines.push(v.severity ? `${c(v.severity === 'error' ? 'red' : 'yellow', v.severity === 'error' ? '✖' : '⚠')} ${safe(v.message)}` : `${c('green', '✓')} ${safe(v.message)}`);
  if (report.verdicts?.length) lines.push('');

  // Metrics as rows, generations as columns; many generations are thinned evenly.
  const groups = report.groups;
  let shown = groups.map((_, i) => i);
  if (groups.length > MAX_COLUMNS) {
    shown = Array.from({ length: MAX_COLUMNS }, (_, i) => Math.round((i * (groups.length - 1)) / (MAX_COLUMNS - 1)));
  }
  const keys = METRICS.map((m) => m.key).filter((k) => groups.some((g) => g.metrics[k] !== undefined));
  if (keys.length) {
    const header = ['metric', ...shown.map((i) => safe(groups[i]!.id))];
    const rows = keys.map((k) => [k, ...shown.map((i) => fmtCell(groups[i]!.metrics[k]))]);
    const counts = ['records', ...shown.map((i) => String(groups[i]!.records))];
    const table = [header, counts, ...rows];
    const widths = header.map((_, col) => Math.max(...table.map((r) => (r[col] ?? '').length)));
    const render = (r: string[]) => r.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ');
    lines.push(c('bold', render(header)));
    for (const r of [counts, ...rows]) lines.push(render(r));
    if (shown.length < groups.length) lines.push(c('dim', `(${shown.length} of ${groups.length} generations shown; --format json lists all)`));
    lines.push('');
  }

  // The syntactic templates behind template_rate: the three held by the most outputs, per generation shown.
  const templated = shown.filter((i) => groups[i]!.templates?.length);
  for (const i of templated) {
    const g = groups[i]!;
    const top = g.templates!.slice(0, TEMPLATES_SHOWN).map((t) => `${safe(t.pattern)} (${pct(t.share)})`);
    lines.push(`top templates in ${safe(g.id)}: ${top.join(', ')}`);
  }
  if (templated.length) lines.push('');

  if (report.findings.length === 0) {
    lines.push(c('green', 'No collapse found.'));
  } else {
    const bySev = (s: Severity) => report.findings.filter((f) => f.severity === s).length;
    lines.push(c('bold', `${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}: ${bySev('error')} error, ${bySev('warning')} warning, ${bySev('info')} info`));
    for (const f of report.findings) {
      const loc = `${safe(f.location.file)}:${f.location.line}${f.location.column ? ':' + f.location.column : ''}`;
      lines.push(`${c(sevColor[f.severity], f.severity.padEnd(7))} ${c('dim', loc)} ${safe(f.message)} ${c('dim', `[${safe(f.rule)}]`)}`);
      for (const r of f.related ?? []) lines.push(c('dim', `        ↳ ${safe(r.location.file)}:${r.location.line} ${safe(r.message)}`));
    }
  }
  return lines.join('\n') + '\n';
}

function fmtCell(v: number | undefined): string {
  return v === undefined ? '–' : num(v);
}
