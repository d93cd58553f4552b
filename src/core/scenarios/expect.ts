// Which rules a scenario's output should raise, read off the output itself. It recomputes a
// few METRICS.md quantities that are plain counting (duplicate rate, top share, accuracy,
// label entropy...) and applies the rules' default thresholds with a safety margin wherever the
// analyzer's exact method could differ (percentile interpolation, trend test details), so
// an expected rule is one that clearly fires, not one that fires by a hair.
import { RULE_IDS } from '../../shared/metrics';
import type { RuleId } from '../../shared/metrics';
import { mannKendall, percentile } from '../numeric/stats';

export type MetricRow = Record<string, number>;

/** Metrics where higher = more diverse, checked for drops and downward trends. */
const UP_METRICS = new Set(['distinct_1', 'distinct_2', 'vocabulary_size', 'token_entropy', 'label_entropy', 'simpson_diversity', 'coverage', 'std']);

const DROP_MARGIN = 0.25; // diversity-drop warns at 20%
const TREND_ALPHA = 0.01; // diversity-trend fires at p < 0.05
const TAIL_MARGIN = 0.2; // tail-loss fires below 25% of the baseline
// Which of many equally rare types form the baseline's rare set is a tie-break (by hash in
// the analyzer); with such ties the share can differ, so claim only a clear collapse.
const RARE_TOKEN_MARGIN = 0.1;

export function tokens(text: string): string[] {
  return text.split(/\s+/u).filter((t) => t.length > 0);
}

export function textMetrics(texts: readonly string[]): MetricRow {
  const counts = new Map<string, number>();
  const tokenCounts = new Map<string, number>();
  const bigrams = new Set<string>();
  let tokenTotal = 0;
  let bigramTotal = 0;
  for (const t of texts) {
    counts.set(t, (counts.get(t) ?? 0) + 1);
    const toks = tokens(t);
    tokenTotal += toks.length;
    for (const tok of toks) tokenCounts.set(tok, (tokenCounts.get(tok) ?? 0) + 1);
    for (let i = 0; i + 1 < toks.length; i++) bigrams.add(`${toks[i]} ${toks[i + 1]}`);
    bigramTotal += Math.max(0, toks.length - 1);
  }
  let top = 0;
  for (const c of counts.values()) top = Math.max(top, c);
  let entropy = 0;
  for (const c of tokenCounts.values()) entropy -= (c / tokenTotal) * Math.log2(c / tokenTotal);
  return {
    duplicate_rate: texts.length ? 1 - counts.size / texts.length : 0,
    text_top_share: texts.length ? top / texts.length : 0,
    distinct_1: tokenTotal ? tokenCounts.size / tokenTotal : 0,
    distinct_2: bigramTotal ? bigrams.size / bigramTotal : 0,
    vocabulary_size: tokenCounts.size,
    token_entropy: entropy,
  };
}

/**
 * rare_token_share per generation: the share of tokens whose type is among the baseline's
 * rarest types holding at most 10% of its token mass (ties broken by name here, by hash in
 * the analyzer, hence the margin in clearRules).
 */
export function rareTokenShares(perGeneration: readonly (readonly string[])[]): number[] {
  const count = (texts: readonly string[]) => {
    const m = new Map<string, number>();
    let total = 0;
    for (const t of texts) for (const tok of tokens(t)) {
      m.set(tok, (m.get(tok) ?? 0) + 1);
      total++;
    }
    return { m, total };
  };
  const base = count(perGeneration[0]!);
  const types = [...base.m].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const rare = new Set<string>();
  let cumulative = 0;
  for (const [tok, c] of types) {
    if ((cumulative + c) * 10 > base.total) break;
    cumulative += c;
    rare.add(tok);
  }
  return perGeneration.map((texts) => {
    const { m, total } = count(texts);
    let r = 0;
    for (const [tok, c] of m) if (rare.has(tok)) r += c;
    return total ? r / total : 0;
  });
}

/** textMetrics per generation plus rare_token_share against generation 0. */
export function textRows(perGeneration: readonly (readonly string[])[]): MetricRow[] {
  const rare = rareTokenShares(perGeneration);
  return perGeneration.map((texts, g) => ({ ...textMetrics(texts), rare_token_share: rare[g]! }));
}

export function labelMetrics(labels: readonly (string | number)[], baselineDistinct?: number): MetricRow {
  const counts = new Map<string | number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const n = labels.length;
  let top = 0;
  let entropy = 0;
  let sumSq = 0;
  for (const c of counts.values()) {
    top = Math.max(top, c);
    entropy -= (c / n) * Math.log2(c / n);
    sumSq += (c / n) * (c / n);
  }
  return {
    top_share: n ? top / n : 0,
    label_entropy: entropy,
    simpson_diversity: 1 - sumSq,
    coverage: counts.size / (baselineDistinct ?? counts.size),
  };
}

export function accuracy(labels: readonly (string | number)[], predictions: readonly (string | number)[]): number {
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === predictions[i]) ok++;
  return labels.length ? ok / labels.length : NaN;
}

/** std and tail_mass of each generation's values against generation 0's 1st/99th percentiles. */
export function valueMetrics(perGeneration: readonly (readonly number[])[]): MetricRow[] {
  const base = [...perGeneration[0]!].sort((a, b) => a - b);
  const lo = percentile(base, 1);
  const hi = percentile(base, 99);
  return perGeneration.map((xs) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    let ss = 0;
    let tail = 0;
    for (const x of xs) {
      ss += (x - m) * (x - m);
      if (x < lo || x > hi) tail++;
    }
    return { std: Math.sqrt(ss / (xs.length - 1)), tail_mass: tail / xs.length };
  });
}

/** Metric name of a row key: rows may qualify keys by field, `top_share@prediction`. */
const metricOf = (key: string): string => key.split('@')[0]!;

/**
 * The rules a run's per-generation metrics clearly trigger. Rows are generations (row 0 the
 * baseline); keys are metric names computed above, optionally qualified by field.
 */
export function clearRules(rows: readonly MetricRow[]): RuleId[] {
  const rules = new Set<RuleId>();
  const base = rows[0] ?? {};
  for (const row of rows) {
    for (const [key, v] of Object.entries(row)) {
      const metric = metricOf(key);
      if (metric === 'duplicate_rate' && v > 0.3) rules.add('repeated-outputs');
      if ((metric === 'top_share' || metric === 'text_top_share') && v > 0.6) rules.add('dominant-output');
      if (metric === 'accuracy' && v < 0.7) rules.add('accuracy-below-threshold');
    }
  }
  for (const [key, b] of Object.entries(base)) {
    const metric = metricOf(key);
    if (UP_METRICS.has(metric) && b > 0) {
      const series = rows.map((r) => r[key]!);
      if (series.slice(1).some((v) => v <= b * (1 - DROP_MARGIN))) rules.add('diversity-drop');
      if (series.length >= 4) {
        const { s, pValue } = mannKendall(series);
        if (s < 0 && pValue < TREND_ALPHA) rules.add('diversity-trend');
      }
    }
    const tailMargin = metric === 'tail_mass' ? TAIL_MARGIN : metric === 'rare_token_share' ? RARE_TOKEN_MARGIN : 0;
    if (tailMargin > 0 && b > 0 && rows.slice(1).some((r) => (r[key] ?? Infinity) < tailMargin * b)) rules.add('tail-loss');
  }
  return RULE_IDS.filter((r) => rules.has(r));
}

/** Merges per-role metric rows generation by generation, qualifying keys with a field name. */
export function mergeRows(...roles: { field?: string; rows: MetricRow[] }[]): MetricRow[] {
  return roles[0]!.rows.map((_, g) => {
    const out: MetricRow = {};
    for (const role of roles) {
      for (const [k, v] of Object.entries(role.rows[g]!)) out[role.field ? `${k}@${role.field}` : k] = v;
    }
    return out;
  });
}
