// The analysis pipeline: read every input once as a stream into per-generation accumulators
// (analysis/read.ts), then finish them into metrics, trends and findings (analysis/finish.ts).
// Between the two sits a partial analysis (analysis/partial.ts), which can be stored, and
// merged with the partial analyses of other inputs: `collapse-lens partial` and `merge`.
import { samePath } from './localDisk';
import type { Location } from '../shared/report';
import type { AnalyzeOptions } from './options';
import { InputError } from './readers/index';
import { readInputs } from './analysis/read';
import { readInParallel } from './analysis/parallel';
import type { AnalyzeInput } from './analysis/read';
import { finishAnalysis } from './analysis/finish';
import type { AnalyzeOutcome } from './analysis/finish';
import type { PartialAnalysis } from './analysis/partial';

export type { AnalyzeInput } from './analysis/read';
export type { AnalyzeOutcome } from './analysis/finish';
export type { MalformedRecord } from './analysis/partial';
export { InputError };

export async function analyzeFiles(inputs: readonly AnalyzeInput[], options: AnalyzeOptions = {}): Promise<AnalyzeOutcome> {
  // With the first generation as the baseline, each generation is finished as soon as it is reduced (read.ts).
  const partial = await readPartial(inputs, { ...options, finishEarly: options.baseline === undefined || options.baseline === '' });
  return finishAnalysis(partial, { ...options, baseline: baselineDisplay(inputs, options.baseline) });
}

/** The partial analysis of `inputs`: on `options.jobs` analysis threads when given them, else on this one. */
export function readPartial(inputs: readonly AnalyzeInput[], options: AnalyzeOptions & { mergeable?: boolean; finishEarly?: boolean }): Promise<PartialAnalysis> {
  const { jobs, analysisThread } = options;
  return jobs !== undefined && jobs > 1 && analysisThread ? readInParallel(inputs, { ...options, jobs, analysisThread }) : readInputs(inputs, options);
}

/** A baseline named by the path of an input (as given, or the same file) is that input's reported path. */
export function baselineDisplay(inputs: readonly AnalyzeInput[], wanted: string | undefined): string | undefined {
  if (wanted === undefined || wanted === '') return wanted;
  const input = inputs.find((x) => x.display !== wanted && (x.file === wanted || samePath(x.file, wanted)));
  return input ? input.display : wanted;
}

export type { Location };
