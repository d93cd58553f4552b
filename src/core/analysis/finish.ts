// Finishing a partial analysis (partial.ts) into the report: generations named and ordered,
// the baseline chosen, each role's metrics finished against it (roles.ts), then trends,
// findings and verdicts. The same function ends one analysis and a merge of partial ones, so
// both give the same report.
import { baseName, samePath } from '../localDisk';
import type { AnalysisResult, GroupDetails } from '../../shared/details';
import type { GroupReport, Report } from '../../shared/report';
import { compareGroupIds, groupIdsForFiles, naturalCompare } from '../generations';
import { chartThresholds, DEFAULT_THRESHOLDS } from '../options';
import type { AnalyzeOptions } from '../options';
import { InputError } from '../readers/index';
import { computeTrends } from '../metrics/trends';
import { applyRules } from '../rules';
import { verdicts } from '../rules/verdict';
import type { GroupEvidence } from '../rules';
import { VERSION } from '../version';
import { ROLES } from './roles';
import { vectorSampleRows } from './budget';
import type { RoleKey } from './roles';
import { groupKey, mergeGroup, MAX_ISSUES_KEPT } from './partial';
import type { GroupState, MalformedRecord, PartialAnalysis } from './partial';

/** The result, the malformed records found, and every field seen while detecting roles. */
export type AnalyzeOutcome = AnalysisResult & { issues: MalformedRecord[]; fieldNames: string[] };

/** The options finishing reads: the baseline and the rules (reading options are in the partial analysis). */
export type FinishOptions = Pick<AnalyzeOptions, 'baseline' | 'thresholds' | 'disabledRules' | 'findingMode' | 'severities'>;

/** The reason detection gives a field the user named. */
const USER_SET = 'set by the user';

interface Generation {
  id: string;
  state: GroupState;
}

export function finishAnalysis(partial: PartialAnalysis, options: FinishOptions = {}): AnalyzeOutcome {
  const thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const files = [...partial.files].sort((a, b) => naturalCompare(a.summary.file, b.summary.file));
  const displays = files.map((f) => f.summary.file);
  const multipleFiles = files.length > 1;
  const roles = { ...partial.fields.roles };
  const reasons = { ...partial.fields.reasons };
  // Several files are the generations: a generation field detected in one file read alone
  // (a partial result) is not one when the files are merged, as detection over several
  // files would not have chosen it.
  if (multipleFiles && !partial.fields.acrossFiles && reasons.group !== USER_SET) {
    roles.group = null;
    delete reasons.group;
  }
  const generations = generationsOf(partial.groups, displays, multipleFiles);
  const baselineIndex = findBaseline(generations, options.baseline, displays);
  const base = generations[baselineIndex]!;

  // The vector samples, lowered to their share of the budget among all the generations: the
  // same rows whether the generations were read together or apart (budget.ts).
  const withVectors = generations.filter((g) => g.state.roles.vectors);
  for (const g of withVectors) {
    const acc = g.state.roles.vectors!;
    acc.shrinkSample(vectorSampleRows(partial.settings.sampling.vectorReservoir, withVectors.length, acc.dimension ?? 1));
  }
  const active = ROLES.filter((role) => generations.some((g) => g.state.roles[role.key as RoleKey]));
  const shared = new Map(active.map((role) => {
    const key = role.key as RoleKey;
    const all = generations.flatMap((g) => (g.state.roles[key] ? [g.state.roles[key]] : []));
    return [key, role.prepare(all, base.state.roles[key])] as const;
  }));

  const groupReports: GroupReport[] = [];
  const detailGroups: GroupDetails[] = [];
  const evidence: GroupEvidence[] = [];
  for (const { id, state: g } of generations) {
    const metrics: Record<string, number> = {};
    const sampled: Record<string, number> = {};
    const detail: GroupDetails = { id, file: g.file };
    const found: Pick<GroupEvidence, 'text' | 'labels'> = {};
    for (const role of active) {
      const key = role.key as RoleKey;
      const acc = g.roles[key];
      const common = shared.get(key);
      if (!acc || common === undefined || role.records(acc) === 0) continue;
      const done = role.finish(acc, common);
      Object.assign(metrics, done.metrics);
      Object.assign(sampled, done.sampled);
      Object.assign(detail, done.detail);
      if (done.text) found.text = done.text;
      if (done.labels) found.labels = done.labels;
    }
    const report: GroupReport = { id, records: g.records, location: { file: g.file, line: g.firstLine }, metrics: finiteOnly(metrics) };
    if (g.roles.text && (g.outputs !== g.records || g.prompts)) report.outputs = g.outputs;
    if (g.prompts) report.prompts = g.prompts.size;
    if (Object.keys(sampled).length) report.sampled = sampled;
    const text = found.text;
    if (text?.standardErrors) report.standardErrors = text.standardErrors;
    if (text?.templates?.length) {
      report.templates = text.templates.map((t) => ({ pattern: t.pattern, count: t.count, share: t.share, example: { match: t.example.match, text: t.example.text, location: { file: g.file, line: t.example.line } } }));
    }
    groupReports.push(report);
    detailGroups.push(detail);
    evidence.push({ group: report, file: g.file, ...found });
  }

  const inputs = files.map((f) => f.summary);
  const issues = files.flatMap((f) => f.issues).slice(0, MAX_ISSUES_KEPT);
  const trends = computeTrends(groupReports, thresholds.trendMinGenerations);
  const findings = applyRules({
    groups: evidence,
    baselineIndex,
    trends,
    thresholds,
    inputs,
    issues,
    fields: roles,
    disabled: new Set(options.disabledRules ?? []),
    severities: options.severities ?? {},
    mode: options.findingMode ?? 'event',
  });

  const collection = partial.fields.collection;
  const report: Report = {
    schemaVersion: 1,
    tool: { name: 'collapse-lens', version: VERSION },
    inputs,
    fields: roles,
    fieldReasons: reasons,
    ...(collection ? { collection } : {}),
    baseline: base.id,
    groups: groupReports,
    trends,
    findings,
  };
  report.verdicts = verdicts(report);
  const details: AnalysisResult['details'] = { groups: detailGroups, thresholds: chartThresholds(thresholds) };
  for (const role of active) {
    const key = role.key as RoleKey;
    const withRecords = generations.filter((g) => g.state.roles[key] && role.records(g.state.roles[key]) > 0);
    if (role.details && withRecords.length) Object.assign(details, role.details(withRecords.map((g) => ({ acc: g.state.roles[key], id: g.id })), shared.get(key)));
  }
  if (partial.rolling) {
    const series = partial.rolling.finish();
    if (series.points.length >= 2) details.rolling = series;
  }
  return { report, details, issues, fieldNames: partial.fields.names };
}

/**
 * The generations, named and in order: with several files each file is one (named after it,
 * files in natural order), with one file each value of its generation field (ordered as
 * numbers or names, compareGroupIds) or the file itself.
 */
function generationsOf(groups: readonly GroupState[], displays: string[], multipleFiles: boolean): Generation[] {
  const fileIds = groupIdsForFiles(displays);
  const fileIndex = new Map(displays.map((f, i) => [f, i]));
  if (multipleFiles) {
    const perFile = new Map<string, GroupState>();
    for (const g of groups) {
      const mine = perFile.get(g.file);
      if (!mine) perFile.set(g.file, g.group === undefined ? g : { ...g, group: undefined, roles: { ...g.roles } });
      else mergeGroup(mine, g);
    }
    return [...perFile.values()]
      .sort((a, b) => fileIndex.get(a.file)! - fileIndex.get(b.file)!)
      .map((state) => ({ id: fileIds[fileIndex.get(state.file)!]!, state }));
  }
  const byId = new Map<string, GroupState>();
  for (const g of groups) {
    const id = g.group ?? fileIds[0]!;
    const mine = byId.get(groupKey('', id));
    if (!mine) byId.set(groupKey('', id), g);
    else mergeGroup(mine, g);
  }
  const list = [...byId.values()].map((state) => ({ id: state.group ?? fileIds[0]!, state }));
  const cmp = compareGroupIds(list.map((g) => g.id));
  return list.sort((a, b) => cmp(a.id, b.id));
}

function finiteOnly(metrics: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) if (Number.isFinite(v)) out[k] = v;
  return out;
}

function findBaseline(generations: Generation[], wanted: string | undefined, displays: string[]): number {
  if (wanted === undefined || wanted === '') return 0;
  let i = generations.findIndex((g) => g.id === wanted || g.state.file === wanted);
  if (i < 0) {
    const byPath = displays.find((x) => x === wanted || samePath(x, wanted) || baseName(x) === wanted);
    if (byPath) i = generations.findIndex((g) => g.state.file === byPath);
  }
  if (i < 0) {
    throw new InputError(`the baseline "${wanted}" is not one of the generations (${generations.map((g) => g.id).slice(0, 20).join(', ')})`);
  }
  return i;
}
