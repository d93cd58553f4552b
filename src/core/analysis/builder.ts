// Feeding projected records to the accumulators of their generations (read.ts reads them),
// one accumulator per role (roles.ts); in a plain analysis, reducing each generation once the
// reading has moved past it.
import type { InputSummary } from '../../shared/report';
import { HashSet53 } from '../numeric/hashTables';
import { lowBits } from '../numeric/hash53';
import { tokenize } from '../metrics/text';
import { vectorSampleRows } from './budget';
import type { Projected, ProjectedIssue } from './project';
import { vectorProblem } from './skipped';
import type { RollingTracker } from './rolling';
import { labelPair, ROLES } from './roles';
import type { RoleContext, RoleKey } from './roles';
import type { OffThreadWork } from '../metrics/text';
import type { ReaderBatch } from '../metrics/tokenize';
import { groupKey, roleContext } from './partial';
import { groupIdsForFiles, isNumericId, naturalCompare, numericCompare } from '../generations';
import type { FieldsUsed, GroupState, PartialSettings } from './partial';

/** Where the records of one file are counted, and its unusable ones noted (read.ts, FileReading). */
export interface RecordSink {
  readonly display: string;
  readonly summary: InputSummary;
  skip(line: number, at: ProjectedIssue): void;
}

/**
 * A generation none of whose last records came among the last this many records read is
 * reduced: with generations one after the other, the previous one is let go shortly after
 * the next begins, so memory holds about one generation's tables whatever their number.
 */
export const IDLE_RECORDS = 4096;

/** The name of GenerationReturned (it crosses threads as a name). */
export const GENERATION_RETURNED = 'GenerationReturned';

/** A reduced generation received a record again: the inputs are read again without reducing. */
export class GenerationReturned extends Error {
  constructor(group: string | undefined, line: number) {
    super(`generation ${group ?? '(file)'} returned at line ${line} after it was reduced`);
    this.name = GENERATION_RETURNED;
  }
}

/**
 * A generation that sorts before the one the others were finished against arrived: the
 * baseline moved, and the inputs are read again without finishing early.
 */
export class BaselineMoved extends Error {
  constructor(group: string | undefined, line: number) {
    super(`generation ${group ?? '(file)'} at line ${line} comes before the baseline the others were finished against`);
  }
}

/** Feeds projected records to the accumulators of their generations. */
export class PartialBuilder {
  private readonly byKey = new Map<string, GroupState>();
  /** The group of the last record taken, its generation value and file (consume). */
  private last: GroupState | undefined;
  private lastGroup: string | undefined;
  private lastFile: string | undefined;
  /** Per generation not yet reduced and not current, the number of records taken when it took its last one. */
  private readonly lastTaken = new Map<GroupState, number>();
  /** The generation of the last record taken (while reducing). */
  private current: GroupState | undefined;
  private readonly reduced = new Set<GroupState>();
  private nextIdleCheck = IDLE_RECORDS;
  /** The generation created last: its tables' sizes are the next one's hint. */
  private lastCreated: GroupState | undefined;
  private readonly ctx: RoleContext;
  private readonly roles: typeof ROLES;
  /** Generations with a vector accumulator, which share the vector budget (budget.ts). */
  private vectorGroups = 0;
  /** Records taken so far. */
  records = 0;
  /**
   * The generation that is the baseline if no other comes (finishing early): the first in the
   * report's order of the generations seen so far (finish.ts), with whether every id so far
   * is a number (the order changes from numeric to natural when one is not).
   */
  private candidate: { g: GroupState; id: string } | undefined;
  private numericIds = true;
  /** The candidate the reduced generations were finished against, if any was. */
  private finishedAgainst: GroupState | undefined;
  /**
   * What reducing may hand to another thread (read.ts gives it the reading thread's help while
   * there is one), and the promises of what it did; see `settled`.
   */
  readonly work: OffThreadWork = { later: [] };

  constructor(
    readonly settings: PartialSettings,
    readonly fields: FieldsUsed,
    private readonly multipleFiles: boolean,
    /** The length of the first vector seen while detecting, when known. */
    private vectorLength: number | undefined,
    readonly rolling: RollingTracker | undefined,
    mergeable: boolean,
    /** Reduce idle generations (see IDLE_RECORDS); never with `mergeable`. */
    private readonly reducing = false,
    /**
     * Finish a generation against the baseline as it is reduced, when the baseline is known
     * by then: the first generation in the report's order (no `--baseline`). Should one that
     * sorts before it come later, BaselineMoved is thrown.
     */
    private readonly finishEarly = false,
  ) {
    if (mergeable) this.reducing = false;
    if (!this.reducing) this.finishEarly = false;
    this.ctx = roleContext(settings, fields, () => vectorSampleRows(settings.sampling.vectorReservoir, this.vectorGroups, this.vectorLength ?? 1), mergeable);
    this.roles = ROLES.filter((role) => role.present(this.ctx.detected));
  }

  groups(): GroupState[] {
    return [...this.byKey.values()];
  }

  /** `tokens`: the records' texts as the reading thread tokenized them. */
  consume(records: readonly Projected[], file: RecordSink, tokens?: ReaderBatch): void {
    const fields = this.fields;
    const ctx = this.ctx;
    let taken = 0;
    for (const rec of records) {
      if (rec.malformed) {
        file.skip(rec.line, rec.malformed);
        continue;
      }
      const group = this.multipleFiles ? undefined : rec.group;
      // Records come in runs of one generation: the last one's state is found without making
      // and hashing its key again (groups are only ever added to byKey).
      let existing: GroupState | undefined;
      if (this.last !== undefined && group === this.lastGroup && file.display === this.lastFile) existing = this.last;
      else existing = this.byKey.get(groupKey(file.display, group));
      if (rec.vectors && fields.roles.vector) {
        // Checked before anything of the record is counted: a record is taken whole or skipped.
        const bad = vectorProblem(rec.vectors, existing?.roles.vectors?.dimension);
        if (bad) {
          const field = fields.columns ? undefined : fields.paths.vector;
          file.skip(rec.line, { ...bad, message: `${fields.roles.vector}: ${bad.message}`, ...(field !== undefined ? { field } : {}) });
          continue;
        }
      }
      const g = existing ?? this.newGroup(groupKey(file.display, group), file.display, group, rec.line);
      this.last = g;
      this.lastGroup = group;
      this.lastFile = file.display;
      if (this.reducing && g !== this.current) {
        // Bookkeeping on a change of generation only: the current one is never idle.
        if (this.reduced.has(g)) throw new GenerationReturned(group, rec.line);
        if (this.current) this.lastTaken.set(this.current, this.records + taken - 1);
        this.lastTaken.delete(g);
        this.current = g;
      }
      g.records++;
      taken++;
      // Checked above, so every vector row is taken.
      for (const role of this.roles) role.add(g.roles[role.key], rec, ctx, tokens);
      if (g.roles.text && rec.texts) {
        g.outputs += rec.texts.length;
        if (rec.prompt !== undefined) (g.prompts ??= new HashSet53(256)).addKey(rec.prompt, lowBits(rec.prompt), false);
      }
      const rolling = this.rolling;
      if (rolling) {
        const first = g.roles.text && rolling.tracking ? rec.texts?.[0] : undefined;
        const tokens = first === undefined ? undefined : tokenize(first, ctx.lowercase);
        const { output, reference } = g.roles.labels ? labelPair(rec, ctx.detected) : { output: undefined, reference: undefined };
        rolling.add(rec.line, tokens, output, reference);
      }
    }
    file.summary.records += taken;
    this.records += taken;
    if (this.reducing && this.records >= this.nextIdleCheck) this.reduceIdle();
  }

  /** Once the work reducing left running has settled, every reduced generation's metrics are complete. */
  async settled(): Promise<void> {
    await Promise.all(this.work.later);
    this.work.later.length = 0;
  }

  /** Reduces every generation not reduced yet (the input was read to its end). */
  reduceAll(): void {
    for (const g of this.byKey.values()) if (!this.reduced.has(g)) this.reduce(g);
    this.lastTaken.clear();
    this.current = undefined;
  }

  private reduce(g: GroupState): void {
    const base = this.finishEarly ? this.candidate?.g : undefined;
    const against = base && base !== g && this.reduced.has(base) ? base : undefined;
    const later = this.work.later;
    const pending = later.length;
    for (const role of this.roles) role.reduce?.(g.roles[role.key], against?.roles[role.key], this.work);
    // Never an unhandled rejection, should the reading stop before `settled` is awaited.
    for (let i = pending; i < later.length; i++) later[i]!.catch(() => {});
    if (against && g.roles.text) this.finishedAgainst = against;
    this.reduced.add(g);
    this.lastTaken.delete(g);
  }

  /** A new generation may be the baseline (see `candidate`); finishing early against another is then undone. */
  private seeCandidate(g: GroupState, line: number): void {
    if (this.multipleFiles) {
      // Files are generations in the order they are read: the first with a record is the baseline.
      this.candidate ??= { g, id: '' };
      return;
    }
    const idOf = (x: GroupState) => x.group ?? groupIdsForFiles([x.file])[0]!;
    const id = idOf(g);
    if (this.numericIds && !isNumericId(id)) {
      // The order turns natural: the first of all generations so far under it (the first
      // created among equals, as the report's stable sort keeps them).
      this.numericIds = false;
      let first: { g: GroupState; id: string } | undefined;
      for (const other of this.byKey.values()) {
        const otherId = idOf(other);
        if (!first || naturalCompare(otherId, first.id) < 0) first = { g: other, id: otherId };
      }
      this.candidate = first;
    } else {
      // The order compareGroupIds gives the ids seen so far.
      const cmp = this.numericIds ? numericCompare : naturalCompare;
      if (!this.candidate || cmp(id, this.candidate.id) < 0) this.candidate = { g, id };
    }
    if (this.finishedAgainst && this.candidate!.g !== this.finishedAgainst) throw new BaselineMoved(g.group, line);
  }

  /** Reduces the generations idle for IDLE_RECORDS records. */
  private reduceIdle(): void {
    this.nextIdleCheck = this.records + IDLE_RECORDS / 4;
    for (const [g, last] of this.lastTaken) {
      if (this.records - last < IDLE_RECORDS) continue;
      this.reduce(g);
    }
  }

  private newGroup(key: string, file: string, group: string | undefined, line: number): GroupState {
    const g: GroupState = { file, firstLine: line, records: 0, outputs: 0, roles: {} };
    if (group !== undefined) g.group = group;
    if (this.fields.roles.vector) this.shareVectorBudget(this.vectorGroups + 1);
    const previous = this.lastCreated?.roles as Record<RoleKey, unknown> | undefined;
    for (const role of this.roles) (g.roles as Record<RoleKey, unknown>)[role.key] = role.create(this.ctx, previous?.[role.key]);
    this.byKey.set(key, g);
    this.lastCreated = g;
    if (this.finishEarly) this.seeCandidate(g, line);
    return g;
  }

  /** One more generation of vectors: every sample is lowered to its share of the budget. */
  private shareVectorBudget(groups: number): void {
    this.vectorGroups = groups;
    for (const g of this.byKey.values()) {
      const acc = g.roles.vectors;
      if (!acc) continue;
      this.vectorLength ??= acc.dimension;
      acc.shrinkSample(vectorSampleRows(this.settings.sampling.vectorReservoir, groups, acc.dimension ?? this.vectorLength ?? 1));
    }
  }
}
