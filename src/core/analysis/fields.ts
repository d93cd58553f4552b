// The fields an analysis reads: detected (or named) on the first records of its first file,
// as the plain data every thread of a reading shares, and the projection spec they give.
import type { FieldRole } from '../../shared/report';
import { readVector, DetectionError } from '../detect';
import type { DetectedFields } from '../detect';
import type { AnalyzeOptions } from '../options';
import { InputError } from '../readers/index';
import type { SourceRecord } from '../readers/index';
import type { ProjectionSpec } from './project';
import { detectCollection } from './collections';
import type { FieldsUsed } from './partial';

/** What the projection of records needs to know of the fields. */
export function projectionSpec(fields: FieldsUsed, file: string): ProjectionSpec {
  const spec: ProjectionSpec = { paths: { ...fields.paths }, file };
  if (fields.columns) spec.columnVector = { prefix: fields.columnPrefix ?? '', columns: fields.columns };
  if (fields.variant) spec.variant = fields.variant;
  if (fields.collection !== undefined) spec.collection = fields.collection;
  return spec;
}

/**
 * The fields of an analysis, detected on the first records of its first file (or as named in
 * `options.fields`), and those records (only the analyzed array's, for a JSON document holding
 * several); throws an InputError when no field can be analyzed.
 */
export function chooseFields(
  pending: SourceRecord[],
  display: string,
  options: AnalyzeOptions,
  multipleFiles: boolean,
): { fields: FieldsUsed; records: SourceRecord[]; firstVectorLength: number | undefined } {
  let detected: DetectedFields;
  let records = pending;
  let collection: string | undefined;
  try {
    const chosen = detectCollection(pending, options.fields ?? {}, multipleFiles);
    detected = chosen.detected;
    if (chosen.collection !== undefined) {
      collection = chosen.collection;
      records = pending.filter((r) => r.collection === collection);
    }
  } catch (e) {
    if (e instanceof DetectionError) throw new InputError(`${display}: ${e.message}`, undefined, undefined, display);
    throw e;
  }
  const r = detected.roles;
  if (!r.text && !r.vector && !r.label && !r.prediction && !r.value) {
    const inputOnly = detected.reasons.text?.startsWith('no model output found');
    throw new InputError(
      inputOnly
        ? `${display} has no model outputs: ${detected.reasons.text!.replace(/^no model output found; /, '')} (a file of requests or a dataset without responses?); to analyze that text anyway, name it with --text-field or in the "fields" of collapselens.json`
        : `${display} has no field Collapse Lens can analyze (paths found: ${detected.fields.slice(0, 40).join(', ') || 'none'}); name one with --text-field, --label-field, --value-field or --vector-field (a path such as choices[*].message.content), or in the "fields" of collapselens.json${detected.closest ? `; the longest text is at ${detected.closest} (--text-field '${detected.closest}')` : ''}`,
      pending[0]?.line, undefined, display,
    );
  }
  const firstVector = r.vector ? records.map((x) => readVector(x.value, detected)).find((v) => v !== undefined) : undefined;
  return { fields: fieldsUsed(detected, collection, multipleFiles), records, firstVectorLength: firstVector?.length };
}

function fieldsUsed(d: DetectedFields, collection: string | undefined, acrossFiles: boolean): FieldsUsed {
  const paths: FieldsUsed['paths'] = {};
  for (const [role, p] of Object.entries(d.paths)) if (p) paths[role as FieldRole] = p.source;
  const fields: FieldsUsed = { roles: { ...d.roles }, paths, reasons: { ...d.reasons }, names: d.fields, acrossFiles };
  if (d.columnVector) {
    fields.columns = [...d.columnVector.columns];
    fields.columnPrefix = d.columnVector.prefix;
  }
  if (d.variant) fields.variant = { ...d.variant };
  if (collection !== undefined) fields.collection = collection;
  return fields;
}
