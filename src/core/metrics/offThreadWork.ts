// Work a generation's finishing can hand to another thread while this one reads on: the
// reading thread of a large file (analysis/offThread.ts), which mostly waits for this one.
// A metric whose work was handed off holds a placeholder (NaN) until the answer comes, or the
// work that needs the answer waits for it (textFinish.ts).
import type { PackedTags } from './packedTagged';
import type { PackedShingles } from './nearDuplicates';

export interface OffThreadWork {
  /** What was handed off and not answered yet: every metric is complete once all of it has settled. */
  readonly later: Promise<void>[];
  /**
   * compression.ts `referenceGzipFileSize` on the other thread (absent: none to hand it to).
   * The bytes move there: the array is left detached.
   */
  gzipFileSize?: (bytes: Uint8Array) => Promise<number>;
  /** posTagger.ts `tagTexts` of a template sample on the other thread, packed (`packTags`). */
  tagTexts?: (texts: string[]) => Promise<PackedTags>;
  /** nearDuplicates.ts `packedNearDuplicateFlags` on the other thread; the arrays move there. */
  nearDuplicateFlags?: (shingles: PackedShingles, threshold: number) => Promise<Uint8Array>;
}
