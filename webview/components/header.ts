// The top of the report: title and export buttons, a verdict per role, the facts about the
// inputs (records, generations, baseline, malformed records, outputs, fields) and the file list.
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { ReportPayload } from '../../src/shared/protocol';
import { h, severityIcon } from '../dom';
import { formatCount as fmt } from '../format';

export interface HeaderProps {
  /** Beside the title: the report's export buttons (`reportExportButtons`). */
  actions: HTMLElement;
  /**
   * Re-analyze against another generation. Absent (standalone file), or when the host cannot
   * re-run the analysis, the baseline is plain text.
   */
  onBaselineChange?: (groupId: string) => void;
}

/** Id of the baseline select, which its "Baseline" term labels. */
export const BASELINE_SELECT_ID = 'baseline-select';

export function reportHeader(p: ReportPayload, props: HeaderProps): HTMLElement {
  const report = p.result.report;
  const records = report.inputs.reduce((a, i) => a + i.records, 0);
  const malformed = report.inputs.filter((i) => i.malformed > 0);
  const malformedCount = malformed.reduce((a, i) => a + i.malformed, 0);
  const fields = Object.entries(report.fields).filter((e): e is [string, string] => typeof e[1] === 'string');
  const withOutputs = report.groups.filter((g) => g.outputs !== undefined);
  const outputs = withOutputs.length ? report.groups.reduce((a, g) => a + (g.outputs ?? 0), 0) : undefined;
  const prompts = report.groups.every((g) => g.prompts !== undefined) ? report.groups.reduce((a, g) => a + (g.prompts ?? 0), 0) : undefined;

  const facts = h(
    'dl',
    { class: 'facts' },
    fact('Records', fmt(records)),
    fact('Generations', fmt(report.groups.length)),
    report.groups.length > 1 ? fact('Baseline', baselineControl(p, props.onBaselineChange), BASELINE_SELECT_ID) : false,
    fact(
      'Malformed records',
      malformedCount === 0
        ? '0'
        : h('span', { class: 'malformed' }, severityIcon('warning'), `${fmt(malformedCount)} in ${malformed.map((i) => `${i.file}${i.malformedLines?.length ? ` (line ${i.malformedLines.slice(0, 5).join(', ')}${i.malformedLines.length > 5 ? ', …' : ''})` : ''}`).join('; ')}`),
    ),
    outputs !== undefined && outputs !== records ? fact('Outputs', `${fmt(outputs)}${prompts ? ` for ${fmt(prompts)} prompts` : ''}`) : false,
    fields.length ? fact('Fields', fieldList(fields, report.fieldReasons ?? {}, report.collection)) : false,
  );
  const files = report.inputs.map((i) => i.file);
  return h(
    'header',
    { class: 'report-header' },
    h('div', { class: 'title-row' }, h('h1', {}, h('span', { class: 'product' }, 'Collapse Lens'), ' ', p.title), props.actions),
    report.verdicts?.length
      ? h(
          'ul',
          { class: 'verdicts', 'aria-label': 'Verdict per role' },
          report.verdicts.map((v) => h('li', { class: `verdict ${v.severity ?? 'held'}` }, v.severity ? severityIcon(v.severity) : h('span', { class: 'held-mark', 'aria-hidden': 'true' }, '✓'), h('span', {}, v.message))),
        )
      : false,
    facts,
    h(
      'details',
      { class: 'files' },
      h('summary', {}, files.length === 1 ? '1 input file' : `${fmt(files.length)} input files`),
      h('ul', {}, files.map((f, i) => h('li', {}, f, ` — ${fmt(report.inputs[i]!.records)} records`))),
    ),
  );
}

/** Each role's path, and why it was chosen ("the assistant turns of messages"). */
function fieldList(fields: [string, string][], reasons: Record<string, string | undefined>, collection: string | undefined): HTMLElement {
  return h(
    'ul',
    { class: 'field-list' },
    fields.map(([role, path]) => h('li', {}, `${role}: `, h('code', {}, path), reasons[role] ? h('span', { class: 'why' }, ` — ${reasons[role]}`) : false)),
    collection ? h('li', {}, 'records: ', h('code', {}, collection)) : false,
  );
}

function fact(term: string, value: Node | string, id?: string): HTMLElement {
  return h('div', { class: 'fact' }, h('dt', {}, id ? h('label', { for: id }, term) : term), h('dd', {}, value));
}

function baselineControl(p: ReportPayload, onChange: ((groupId: string) => void) | undefined): Node {
  const report = p.result.report;
  const current = report.baseline ?? report.groups[0]!.id;
  if (!p.canChangeBaseline || !onChange) return h('span', {}, current);
  const select = h(
    'vscode-single-select',
    { id: BASELINE_SELECT_ID, 'aria-label': 'Baseline generation' },
    report.groups.map((g) => h('vscode-option', { value: g.id, selected: g.id === current }, g.id)),
  );
  select.addEventListener('change', () => {
    const groupId = (select as unknown as { value: string }).value;
    if (groupId && groupId !== current) onChange(groupId);
  });
  return select;
}
