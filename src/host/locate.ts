// Where a field's value sits in a record's text, for diagnostics that underline the value: the
// pure scanning lives in src/core/locate.ts, which the analysis uses too (columns of records it
// skips); this module keeps the host's import path.
export { findDelimitedFieldValue, findJsonArrayElement, findJsonFieldValue, splitDelimited } from '../core/locate';
export type { FindOptions, Span } from '../core/locate';
