// One line per role that opens the CLI's text output and the report page: what happened to
// the text, the embeddings, the labels, the values, from the findings that speak of them.
import { METRIC_BY_KEY } from '../../shared/metrics';
import type { MetricRole } from '../../shared/metrics';
import type { Finding, Report, Severity, Verdict } from '../../shared/report';
import { SEVERITY_ORDER } from '../../shared/report';
import { pct, ROLE_TITLE } from './format';

function roleOf(f: Finding): MetricRole | undefined {
  if (f.metric) return METRIC_BY_KEY.get(f.metric)?.role;
  if (f.rule === 'dominant-output') return f.message.startsWith('One text') ? 'text' : 'labels';
  return undefined;
}

/** Verdicts in the order text, vectors, labels, values; a role with data and no finding says it held. */
export function verdicts(report: Pick<Report, 'findings' | 'groups' | 'fields'>): Verdict[] {
  const byRole = new Map<MetricRole, Finding[]>();
  for (const f of report.findings) {
    const role = roleOf(f);
    if (role) byRole.set(role, [...(byRole.get(role) ?? []), f]);
  }
  const present: Record<MetricRole, boolean> = {
    text: report.fields.text != null,
    vectors: report.fields.vector != null,
    labels: report.fields.label != null || report.fields.prediction != null,
    values: report.fields.value != null,
  };
  const out: Verdict[] = [];
  for (const role of ['text', 'vectors', 'labels', 'values'] as MetricRole[]) {
    if (!present[role]) continue;
    const list = byRole.get(role) ?? [];
    if (list.length === 0) {
      out.push({ role, message: `${ROLE_TITLE[role]} held${report.groups.length > 1 ? ` over ${report.groups.length} generations` : ''}: no finding.` });
      continue;
    }
    const severity: Severity = list.reduce<Severity>((s, f) => (SEVERITY_ORDER[f.severity] > SEVERITY_ORDER[s] ? f.severity : s), 'info');
    const parts: string[] = [];
    const drop = list.find((f) => f.rule === 'diversity-drop');
    if (drop) parts.push(drop.message.replace(/\.$/, ''));
    const dup = list.filter((f) => f.rule === 'repeated-outputs').sort((a, b) => (b.value ?? 0) - (a.value ?? 0))[0];
    if (dup?.value !== undefined) parts.push(`${pct(dup.value)} exact duplicates${dup.group ? ` in ${dup.group}` : ''}`);
    for (const f of list) {
      if (f === drop || f.rule === 'repeated-outputs' || f.rule === 'diversity-trend') continue;
      if (parts.length >= 3) break;
      parts.push(f.message.replace(/\.$/, ''));
    }
    if (parts.length === 0) parts.push(list[0]!.message.replace(/\.$/, ''));
    out.push({ role, severity, message: `${parts.join('; ')}.` });
  }
  return out;
}
