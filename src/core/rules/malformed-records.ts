// malformed-records: records that could not be read; one finding per file, at its first bad line.
import type { Rule } from './context';

export const malformedRecords: Rule = {
  id: 'malformed-records',
  title: 'Records could not be parsed',
  defaultSeverity: 'warning',
  source: 'robustness',
  describe: () => 'Some records could not be parsed; they were skipped and the rest analyzed.',
  check(ctx) {
    for (const inp of ctx.input.inputs) {
      if (inp.malformed === 0) continue;
      const mine = ctx.input.issues.filter((x) => x.file === inp.file);
      const first = mine[0];
      const lines = (inp.malformedLines ?? []).slice(0, 5);
      const more = inp.malformed > lines.length ? ', …' : '';
      ctx.push('malformed-records', 'warning', {
        message: `${inp.malformed} of ${inp.records + inp.malformed} records could not be read and were skipped (line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}${more})${first ? `; line ${first.line}, column ${first.column}: ${first.message}` : ''}.`,
        location: { file: inp.file, line: first?.line ?? lines[0] ?? 1, ...(first ? { column: first.column } : {}) },
        related: mine.slice(1, 5).map((x) => ({ message: `line ${x.line}, column ${x.column}: ${x.message}`, location: { file: x.file, line: x.line, column: x.column } })),
      });
    }
  },
};
