// Label-role metrics (METRICS.md, "Labels"): how the outputs of one generation spread
// over the label set, and accuracy when the ground-truth label is known as well.

/**
 * Labels tracked one by one per group. The label role is low-cardinality by detection,
 * so this is a guard against a mis-detected free-text column, not a working limit.
 */
export const MAX_TRACKED_LABELS = 100_000;

interface LabelEntry {
  count: number;
  firstLine: number;
}

/** What a LabelAccumulator holds, as plain data (for partial results). */
export interface LabelState {
  n: number;
  untracked: number;
  referenced: number;
  correct: number;
  /** [label, count, first line], in order of first line. */
  labels: [string, number, number][];
}

export class LabelAccumulator {
  private readonly counts = new Map<string, LabelEntry>();
  private n = 0;
  private untrackedRecords = 0;
  private referenced = 0;
  private correct = 0;

  constructor(private readonly maxLabels = MAX_TRACKED_LABELS) {}

  /**
   * `output`: the model's label (the prediction when there is one, else the label).
   * `reference`: the ground-truth label when both roles exist, for accuracy.
   * A record without an output is not counted.
   */
  add(output: string | undefined, reference: string | undefined, line: number): void {
    if (output === undefined) return;
    this.n++;
    if (reference !== undefined) {
      this.referenced++;
      if (reference === output) this.correct++;
    }
    const entry = this.counts.get(output);
    if (entry) entry.count++;
    else if (this.counts.size < this.maxLabels) this.counts.set(output, { count: 1, firstLine: line });
    else this.untrackedRecords++;
  }

  /**
   * Adds the records of another accumulator of the same group (another shard of its input):
   * the result is what one pass over both gives, as long as the labels stay under the cap.
   */
  merge(other: LabelAccumulator): void {
    this.n += other.n;
    this.referenced += other.referenced;
    this.correct += other.correct;
    this.untrackedRecords += other.untrackedRecords;
    for (const [label, e] of other.counts) {
      const mine = this.counts.get(label);
      if (mine) {
        mine.count += e.count;
        mine.firstLine = Math.min(mine.firstLine, e.firstLine);
      } else if (this.counts.size < this.maxLabels) this.counts.set(label, { ...e });
      else this.untrackedRecords += e.count;
    }
  }

  /** What the accumulator holds, as plain data (labels in order of first line). */
  toState(): LabelState {
    const labels = [...this.counts].map(([label, e]) => [label, e.count, e.firstLine] as [string, number, number]).sort((a, b) => a[2] - b[2]);
    return { n: this.n, untracked: this.untrackedRecords, referenced: this.referenced, correct: this.correct, labels };
  }

  static fromState(state: LabelState, maxLabels = MAX_TRACKED_LABELS): LabelAccumulator {
    const acc = new LabelAccumulator(maxLabels);
    acc.n = state.n;
    acc.untrackedRecords = state.untracked;
    acc.referenced = state.referenced;
    acc.correct = state.correct;
    for (const [label, count, firstLine] of state.labels) acc.counts.set(label, { count, firstLine });
    return acc;
  }

  /** Records with an output. */
  get records(): number {
    return this.n;
  }

  /**
   * Records whose label first appeared after `maxLabels` distinct labels were tracked.
   * The metrics count each of them as a label of its own (see `finishLabelMetrics`).
   */
  get untracked(): number {
    return this.untrackedRecords;
  }

  /** Distinct labels, counting each untracked record as one. */
  get distinct(): number {
    return this.counts.size + this.untrackedRecords;
  }

  /** @internal */
  entries(): ReadonlyMap<string, LabelEntry> {
    return this.counts;
  }

  /** @internal */
  accuracyCounts(): { referenced: number; correct: number } {
    return { referenced: this.referenced, correct: this.correct };
  }
}

export interface LabelGroupResult {
  metrics: Record<string, number>;
  /** Most frequent first; ties by first occurrence. Untracked labels are not listed. */
  counts: { label: string; count: number; firstLine: number }[];
}

/**
 * label_entropy, simpson_diversity, top_share, coverage (distinct labels of the group /
 * distinct labels of the baseline; above 1 when the group has labels the baseline lacks)
 * and accuracy (only when some record had a reference label).
 *
 * Past `MAX_TRACKED_LABELS` distinct labels, each further unseen label's records are
 * counted as singletons: a column with that many labels is almost all singletons, so the
 * diversity measures stay close (slightly high if such labels repeat), and top_share is
 * unaffected unless the dominant label first appears after the cap.
 */
export function finishLabelMetrics(acc: LabelAccumulator, baseline: LabelAccumulator): LabelGroupResult {
  const metrics: Record<string, number> = {};
  const counts = [...acc.entries()]
    .map(([label, e]) => ({ label, count: e.count, firstLine: e.firstLine }))
    .sort((a, b) => b.count - a.count || a.firstLine - b.firstLine);
  const n = acc.records;
  if (n > 0) {
    const all = counts.map((c) => c.count);
    for (let i = 0; i < acc.untracked; i++) all.push(1);
    metrics.label_entropy = labelEntropy(all);
    metrics.simpson_diversity = simpsonDiversity(all);
    metrics.top_share = (counts[0]?.count ?? 1) / n;
    if (baseline.distinct > 0) metrics.coverage = acc.distinct / baseline.distinct;
  }
  const { referenced, correct } = acc.accuracyCounts();
  if (referenced > 0) metrics.accuracy = correct / referenced;
  return { metrics, counts };
}

/** Shannon entropy in bits of the distribution given by counts (zeros ignored). */
export function labelEntropy(counts: number[]): number {
  let total = 0;
  for (const c of counts) total += c;
  if (total <= 0) return 0;
  let h = 0;
  for (const c of counts) {
    if (c > 0) {
      const p = c / total;
      h -= p * Math.log2(p);
    }
  }
  // −Σ p log p of a single label is −0; report 0.
  return h + 0;
}

/**
 * 1 − Σ pₖ² (Gini–Simpson): the chance that two records drawn with replacement carry
 * different labels. 0 for an empty distribution.
 */
export function simpsonDiversity(counts: number[]): number {
  let total = 0;
  for (const c of counts) total += c;
  if (total <= 0) return 0;
  let s = 0;
  for (const c of counts) {
    const p = c / total;
    s += p * p;
  }
  return 1 - s;
}
