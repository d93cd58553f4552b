// The seed's ModelMonitor for one stream without generations: diversity (and accuracy) over
// consecutive windows of records, for the report's rolling view.
import type { RollingPoint, RollingSeries } from '../../shared/details';
import { simpsonDiversity } from '../metrics/labels';

/**
 * The seed's ModelMonitor for a single stream: diversity (and accuracy, when labels and
 * predictions are both present) over consecutive windows of records.
 */
export class RollingTracker {
  private points: RollingPoint[] = [];
  private index = 0;
  /** Only every `stride`-th window is measured; the stride doubles as points pile up. */
  private stride = 1;
  private firstLine = 0;
  private count = 0;
  private tokens = 0;
  private readonly types = new Set<string>();
  private readonly labels = new Map<string, number>();
  private labelled = 0;
  private correct = 0;
  private compared = 0;

  constructor(private readonly window: number, private readonly metric: 'distinct_1' | 'simpson_diversity') {}

  /**
   * Whether the record about to be added falls in a measured window. The caller tokenizes a
   * record for the rolling view only then, so a long stream is not tokenized twice.
   */
  get tracking(): boolean {
    return Math.floor(this.index / this.window) % this.stride === 0;
  }

  add(line: number, tokens: string[] | undefined, output: string | undefined, reference: string | undefined): void {
    if (!this.tracking) {
      this.index++;
      return;
    }
    if (this.count === 0) this.firstLine = line;
    this.count++;
    if (tokens) {
      this.tokens += tokens.length;
      for (const t of tokens) this.types.add(t);
    }
    if (output !== undefined) {
      this.labels.set(output, (this.labels.get(output) ?? 0) + 1);
      this.labelled++;
      if (reference !== undefined) {
        this.compared++;
        if (reference === output) this.correct++;
      }
    }
    if (this.count === this.window) this.flush();
    this.index++;
  }

  private flush(): void {
    const p: RollingPoint = { index: this.index - this.count + 1, line: this.firstLine };
    if (this.metric === 'distinct_1' && this.tokens > 0) p.diversity = this.types.size / this.tokens;
    if (this.metric === 'simpson_diversity' && this.labelled > 0) p.diversity = simpsonDiversity([...this.labels.values()]);
    if (this.compared > 0) p.accuracy = this.correct / this.compared;
    this.points.push(p);
    this.count = 0;
    this.tokens = 0;
    this.types.clear();
    this.labels.clear();
    this.labelled = 0;
    this.correct = 0;
    this.compared = 0;
    // Past 1,000 points, keep every other one and measure half as many windows from now on:
    // the points stay evenly spaced and the work stays bounded however long the stream is.
    if (this.points.length > 1000) {
      this.stride *= 2;
      this.points = this.points.filter((q) => (q.index / this.window) % this.stride === 0);
    }
  }

  finish(): RollingSeries {
    const max = 500;
    let points = this.points;
    if (points.length > max) {
      const step = points.length / max;
      points = Array.from({ length: max }, (_, i) => this.points[Math.floor(i * step)]!);
    }
    return { window: this.window, diversityMetric: this.metric, points };
  }
}
