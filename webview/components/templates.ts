// Syntactic templates (docs/METRICS.md, `template_rate`): the part-of-speech 4-grams the most
// outputs of a generation hold, each with its share and one output that holds it, the words
// it matched marked. The baseline stands beside one other generation, the most changed at
// first; a select reaches any other, so a hundred generations take no more room than two,
// and the table under them lists every generation's templates when opened.
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { ChartTable } from '../../src/shared/protocol';
import type { GroupReport, Report, SyntacticTemplate } from '../../src/shared/report';
import { h } from '../dom';
import { formatCount, formatPoints, formatShare, where } from '../format';
import type { OpenLocation } from './buttons';
import { dataTableDisclosure } from './dataTable';

/** The section's id: the contents link to it, and its data table is saved open under it. */
export const TEMPLATES_ID = 'templates';
export const TEMPLATES_TITLE = 'Syntactic templates';
/** Id of the select of the generation compared with the baseline. */
export const COMPARE_SELECT_ID = 'templates-compare';

/** Universal POS tags, as the tagger writes them, and what they stand for. */
const POS_NAMES: Record<string, string> = {
  ADJ: 'adjective',
  ADP: 'adposition (preposition)',
  ADV: 'adverb',
  AUX: 'auxiliary verb',
  CCONJ: 'coordinating conjunction',
  DET: 'determiner',
  INTJ: 'interjection',
  NOUN: 'noun',
  NUM: 'numeral',
  PART: 'particle',
  PRON: 'pronoun',
  PROPN: 'proper noun',
  PUNCT: 'punctuation',
  SCONJ: 'subordinating conjunction',
  SYM: 'symbol',
  VERB: 'verb',
  X: 'other',
};

export interface TemplatesProps {
  /** Absent in the standalone file: an example shows its `file:line` as text. */
  onOpen?: OpenLocation;
  /** The table of every generation is open at first. */
  tableOpen: boolean;
  onTableToggle: (open: boolean) => void;
}

export interface TemplateGenerations {
  /** The baseline, or the first generation with templates when the baseline has none. */
  baseline: GroupReport;
  /** Every other generation with templates, in report order. */
  others: GroupReport[];
  /** Shown beside the baseline at first; absent when no other generation has templates. */
  mostChanged?: GroupReport;
}

/** The generations that list templates; undefined when none does. */
export function templateGenerations(report: Report): TemplateGenerations | undefined {
  const groups = report.groups.filter((g) => g.templates?.length);
  if (groups.length === 0) return undefined;
  const baseline = groups.find((g) => g.id === report.baseline) ?? groups[0]!;
  const others = groups.filter((g) => g !== baseline);
  const mostChanged = mostChangedGeneration(baseline, others);
  return { baseline, others, ...(mostChanged ? { mostChanged } : {}) };
}

/**
 * The generation furthest from the baseline: the largest relative fall of
 * `pos_ngram_diversity` (the metric that flags a generation written in fewer structures),
 * or without it the largest rise of the top template's share; the later one on a tie, the
 * last generation when none moved that way.
 */
export function mostChangedGeneration(baseline: GroupReport, others: readonly GroupReport[]): GroupReport | undefined {
  const b = baseline.metrics.pos_ngram_diversity;
  const top = (g: GroupReport) => g.templates![0]!.share;
  const change = (g: GroupReport) => {
    const v = g.metrics.pos_ngram_diversity;
    return b !== undefined && b > 0 && v !== undefined ? (b - v) / b : top(g) - top(baseline);
  };
  let best = others.at(-1);
  let most = 0;
  for (const g of others) {
    const c = change(g);
    if (c > 0 && c >= most) [best, most] = [g, c];
  }
  return best;
}

/** "Syntactic templates", or nothing when no generation has templates. */
export function templatesSection(report: Report, props: TemplatesProps): HTMLElement | false {
  const gens = templateGenerations(report);
  if (!gens) return false;
  const panels = h('div', { class: 'template-panels' }, templatePanel(gens.baseline, gens, props.onOpen));
  if (gens.mostChanged) panels.appendChild(comparePanel(gens, props.onOpen));
  return h(
    'section',
    { class: 'templates', id: TEMPLATES_ID, 'aria-labelledby': `${TEMPLATES_ID}-title` },
    h('h2', { id: `${TEMPLATES_ID}-title` }, TEMPLATES_TITLE),
    h(
      'p',
      { class: 'description' },
      'The part-of-speech 4-grams held by the most outputs of each generation (Shaib et al., 2024), with the share of outputs holding each. ' +
        'A generation that writes new words into fewer sentence structures gives more of its outputs to its top templates.',
    ),
    panels,
    dataTableDisclosure(TEMPLATES_TITLE, templatesTable(report), { open: props.tableOpen, onToggle: props.onTableToggle, onOpen: props.onOpen }),
  );
}

/** One generation's panel: its name and role, what was tagged, its templates. */
function templatePanel(g: GroupReport, gens: TemplateGenerations, onOpen: OpenLocation | undefined): HTMLElement {
  const titleId = `${TEMPLATES_ID}-baseline-title`;
  return h(
    'section',
    { class: 'template-panel', 'aria-labelledby': titleId, 'data-generation': g.id },
    h('div', { class: 'template-panel-head' }, h('h3', { id: titleId }, generationTitle(g, gens))),
    ...panelBody(g, gens, onOpen),
  );
}

/** The panel beside the baseline: the most changed generation, and a select for any other. */
function comparePanel(gens: TemplateGenerations, onOpen: OpenLocation | undefined): HTMLElement {
  const titleId = `${TEMPLATES_ID}-compare-title`;
  const title = h('h3', { id: titleId });
  const body = h('div', { class: 'template-panel-body' });
  const head = h('div', { class: 'template-panel-head' }, title);
  const panel = h('section', { class: 'template-panel', 'aria-labelledby': titleId }, head, body);
  const show = (g: GroupReport) => {
    panel.dataset.generation = g.id;
    title.replaceChildren(...generationTitle(g, gens));
    body.replaceChildren(...panelBody(g, gens, onOpen));
  };
  if (gens.others.length > 1) {
    const select = h(
      'vscode-single-select',
      { id: COMPARE_SELECT_ID, 'aria-label': `Generation to compare with ${gens.baseline.id}` },
      gens.others.map((g) => h('vscode-option', { value: g.id, selected: g === gens.mostChanged }, [g.id, ...roles(g, gens)].join(' · '))),
    );
    select.addEventListener('change', () => {
      const id = (select as unknown as { value: string }).value;
      const g = gens.others.find((o) => o.id === id);
      if (g && g.id !== panel.dataset.generation) show(g);
    });
    head.appendChild(h('label', { class: 'compare', for: COMPARE_SELECT_ID }, h('span', {}, 'Compare with'), select));
  }
  show(gens.mostChanged!);
  return panel;
}

function roles(g: GroupReport, gens: TemplateGenerations): string[] {
  return [g === gens.baseline && 'baseline', g === gens.mostChanged && 'most changed', g === gens.others.at(-1) && 'last'].filter((r): r is string => r !== false);
}

function generationTitle(g: GroupReport, gens: TemplateGenerations): Node[] {
  return [document.createTextNode(g.id), ...roles(g, gens).map((r) => h('span', { class: 'badge' }, r))];
}

function panelBody(g: GroupReport, gens: TemplateGenerations, onOpen: OpenLocation | undefined): HTMLElement[] {
  const base = g === gens.baseline ? undefined : gens.baseline;
  const tagged = g.sampled?.template_rate ?? g.outputs ?? g.records;
  const facts = [`${formatCount(tagged)} outputs tagged`];
  const rate = g.metrics.template_rate;
  if (rate !== undefined) facts.push(`template rate ${formatShare(rate)}`);
  const diversity = g.metrics.pos_ngram_diversity;
  if (diversity !== undefined) {
    const b = base?.metrics.pos_ngram_diversity;
    const change = b ? ` (${formatSignedPercent((diversity - b) / b)} against ${base!.id})` : '';
    facts.push(`POS n-gram diversity ${diversity.toFixed(3)}${change}`);
  }
  const baseShares = new Map(base?.templates!.map((t) => [t.pattern, t.share]));
  return [
    h('p', { class: 'template-facts' }, facts.join(' · ')),
    h(
      'ol',
      { class: 'template-list', 'aria-label': `Top templates of ${g.id}` },
      g.templates!.map((t) => templateItem(t, base && { id: base.id, listed: base.templates!.length, share: baseShares.get(t.pattern) }, onOpen)),
    ),
  ];
}

function formatSignedPercent(x: number): string {
  const percent = Math.round(x * 100);
  return percent === 0 ? '±0%' : `${percent > 0 ? '+' : '−'}${Math.abs(percent)}%`;
}

/** One template: its tags, its share (and how it moved from the baseline's), an example output. */
function templateItem(t: SyntacticTemplate, base: { id: string; listed: number; share: number | undefined } | undefined, onOpen: OpenLocation | undefined): HTMLElement {
  const fill = h('span', { class: 'share-fill' });
  // CSSOM, not a style attribute: the page's CSP allows no inline style.
  fill.style.width = `${Math.min(100, Math.max(0, t.share * 100))}%`;
  const share = h(
    'span',
    { class: 'share', title: `${formatCount(t.count)} occurrences` },
    h('span', { class: 'share-bar', 'aria-hidden': 'true' }, fill),
    h('span', { class: 'share-value' }, formatShare(t.share), h('span', { class: 'visually-hidden' }, ' of outputs')),
    base
      ? h(
          'span',
          { class: 'share-change' },
          base.share === undefined ? `not in ${base.id}'s top ${base.listed}` : [formatPoints(t.share - base.share), h('span', { class: 'visually-hidden' }, ` from ${base.id}`)],
        )
      : false,
  );
  return h('li', { class: 'template' }, h('div', { class: 'template-row' }, patternTags(t.pattern), share), templateExample(t, onOpen));
}

/** The pattern as tags, each naming what it stands for. */
export function patternTags(pattern: string): HTMLElement {
  return h(
    'span',
    { class: 'pattern' },
    pattern
      .split(/\s+/u)
      .filter(Boolean)
      .map((tag) => h('abbr', { class: 'pos', title: POS_NAMES[tag] }, tag)),
  );
}

function templateExample(t: SyntacticTemplate, onOpen: OpenLocation | undefined): HTMLElement {
  const { location } = t.example;
  const content = [h('span', { class: 'example-text' }, highlightMatch(t.example.text, t.example.match)), h('span', { class: 'where' }, where(location))];
  return onOpen
    ? h('button', { type: 'button', class: 'template-example', title: `Open ${where(location)}`, onclick: () => onOpen(location) }, content)
    : h('div', { class: 'template-example' }, content);
}

/**
 * `text` with the words the pattern matched in a `<mark>`. `match` is the tagger's tokens
 * joined by spaces ("ca n't", "turns ."), so the text may hold them with other spacing; when
 * it does not hold them at all (cut at 200 characters), they follow it.
 */
export function highlightMatch(text: string, match: string): (string | HTMLElement)[] {
  const tokens = match.split(/\s+/u).filter(Boolean);
  if (tokens.length === 0) return [text];
  const body = tokens.map((t) => t.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')).join('\\s*');
  const bounded = `(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`;
  const found = new RegExp(bounded, 'u').exec(text) ?? new RegExp(bounded, 'iu').exec(text) ?? new RegExp(body, 'iu').exec(text);
  if (!found) return [text, ' ', h('span', { class: 'example-match' }, '(matched: ', h('mark', {}, match), ')')];
  const end = found.index + found[0].length;
  return [text.slice(0, found.index), h('mark', {}, found[0]), text.slice(end)].filter((part) => part !== '');
}

/** Every generation's templates, one row each, the example's line opening its record. */
export function templatesTable(report: Report): ChartTable {
  const rows: (string | number)[][] = [];
  for (const g of report.groups) {
    (g.templates ?? []).forEach((t, i) => rows.push([g.id, i + 1, t.pattern, Math.round(t.share * 1000) / 10, t.count, t.example.location.file, t.example.location.line]));
  }
  return { columns: ['Generation', 'Rank', 'Template', 'Share (%)', 'Occurrences', 'File', 'Example line'], rows };
}
