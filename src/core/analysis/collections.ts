// JSON documents that hold several arrays of records (eval logs: \`plan.steps\`, \`samples\`,
// \`results.results\`): the fields are detected on each, and the one holding the outputs wins.
import { detectFields } from '../detect';
import type { DetectedFields } from '../detect';
import type { FieldOverrides } from '../options';
import type { SourceRecord } from '../readers/index';

/**
 * Detects the fields, and for a JSON document holding several arrays of records picks the
 * one whose records hold the outputs: the first with a text, else a vector, else labels, else
 * values; the larger sample breaks ties.
 */
export function detectCollection(
  pending: readonly SourceRecord[],
  overrides: FieldOverrides,
  multipleFiles: boolean,
): { detected: DetectedFields; collection?: string } {
  const byCollection = new Map<string, Record<string, unknown>[]>();
  for (const r of pending) {
    if (r.collection === undefined) continue;
    let list = byCollection.get(r.collection);
    if (!list) byCollection.set(r.collection, (list = []));
    list.push(r.value);
  }
  if (byCollection.size <= 1) {
    const detected = detectFields(pending.map((r) => r.value), overrides, { multipleFiles });
    const only = byCollection.keys().next();
    return only.done || only.value === '' ? { detected } : { detected, collection: only.value };
  }
  const score = (d: DetectedFields) => (d.roles.text ? 8 : 0) + (d.roles.vector ? 4 : 0) + (d.roles.label || d.roles.prediction ? 2 : 0) + (d.roles.value ? 1 : 0);
  let best: { detected: DetectedFields; collection: string; score: number; size: number } | undefined;
  let firstError: unknown;
  for (const [name, sample] of byCollection) {
    let detected: DetectedFields;
    try {
      detected = detectFields(sample, overrides, { multipleFiles });
    } catch (e) {
      firstError ??= e;
      continue;
    }
    const sc = score(detected);
    if (!best || sc > best.score || (sc === best.score && sample.length > best.size)) best = { detected, collection: name, score: sc, size: sample.length };
  }
  if (!best) throw firstError;
  best.detected.reasons.text &&= `${best.detected.reasons.text}, in the records of ${best.collection || 'the top-level array'}`;
  return { detected: best.detected, collection: best.collection };
}
