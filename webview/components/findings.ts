// The findings: a count per severity, then each finding as a button that opens its record
// (with its related places), the first few only until "Show all".
import { SEVERITIES, type Finding, type Severity } from '../../src/shared/report';
import { h, severityIcon } from '../dom';
import { formatCount, where } from '../format';
import { actionButton, locationButton, type OpenLocation } from './buttons';

/** Findings shown before "Show all": a long list would push the charts out of sight. */
export const FINDINGS_PREVIEW = 8;

const SEVERITY_WORDS: Record<Severity, [string, string]> = { error: ['error', 'errors'], warning: ['warning', 'warnings'], info: ['note', 'notes'] };

export interface FindingsProps {
  /** List every finding rather than the first `FINDINGS_PREVIEW`. */
  showAll: boolean;
  /** The user listed every finding (to keep it so across reloads). */
  onShowAll: () => void;
  /** Absent in the standalone file: findings are text, not links. */
  onOpen?: OpenLocation;
}

export interface FindingsSection {
  element: HTMLElement;
  /** Lists every finding, as "Show all" does; nothing when all are listed. */
  showAll(): void;
}

/** `findings` in report order; each item's `data-index` is its index there. */
export function findingsSection(findings: readonly Finding[], props: FindingsProps): FindingsSection {
  const counts = SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  const element = h(
    'section',
    { class: 'findings', 'aria-labelledby': 'findings-title' },
    h(
      'h2',
      { id: 'findings-title' },
      'Findings',
      h('span', { class: 'counts' }, counts.map(([s, n]) => h('span', { class: `count severity-${s}` }, severityIcon(s), `${n} ${SEVERITY_WORDS[s][n === 1 ? 0 : 1]}`))),
    ),
  );
  if (findings.length === 0) {
    element.appendChild(h('p', { class: 'empty' }, 'No finding: no rule fired on these files.'));
    return { element, showAll: () => undefined };
  }
  const list = h('ul', { class: 'finding-list' });
  const shown = props.showAll ? findings : findings.slice(0, FINDINGS_PREVIEW);
  shown.forEach((f, i) => list.appendChild(findingItem(f, i, props.onOpen)));
  element.appendChild(list);
  if (shown.length === findings.length) return { element, showAll: () => undefined };

  let expanded = false;
  const showAll = () => {
    if (expanded) return;
    expanded = true;
    props.onShowAll();
    list.replaceChildren(...findings.map((f, i) => findingItem(f, i, props.onOpen)));
    more.remove();
  };
  const more = actionButton(`Show all ${formatCount(findings.length)} findings`, undefined, showAll);
  element.appendChild(more);
  return { element, showAll };
}

function findingItem(f: Finding, index: number, onOpen: OpenLocation | undefined): HTMLElement {
  const label = h(
    'span',
    { class: 'finding-text' },
    h('span', { class: 'message' }, f.message),
    h('span', { class: 'meta' }, h('span', { class: 'rule' }, f.rule), h('span', { class: 'where' }, where(f.location))),
  );
  const main = onOpen
    ? h('button', { type: 'button', class: 'finding-main', title: `Open ${where(f.location)}`, onclick: () => onOpen(f.location) }, severityIcon(f.severity), label)
    : h('div', { class: 'finding-main' }, severityIcon(f.severity), label);
  const item = h('li', { class: `finding severity-${f.severity}`, 'data-index': index }, h('span', { class: 'visually-hidden' }, `${f.severity}: `), main);
  if (f.related?.length) {
    item.appendChild(
      h(
        'ul',
        { class: 'related' },
        f.related.map((r) => h('li', {}, onOpen ? locationButton(r.location, `${r.message} — ${where(r.location)}`, onOpen) : `${r.message} (${where(r.location)})`)),
      ),
    );
  }
  return item;
}
