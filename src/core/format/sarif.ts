// SARIF 2.1.0: one result per finding, with physical locations, for code-scanning UIs.
import type { Finding, Report, Severity } from '../../shared/report';
import { RULES } from '../rules';

const HELP_BASE = 'https://github.com/collapse-lens/collapse-lens#rule-';

const level = (s: Severity): 'error' | 'warning' | 'note' => (s === 'info' ? 'note' : s);

/** A relative path as a SARIF URI reference (forward slashes, percent-encoded). */
function uri(file: string): string {
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}

function location(f: { file: string; line: number; column?: number }) {
  const region: Record<string, number> = { startLine: f.line };
  if (f.column !== undefined) region.startColumn = f.column;
  return { physicalLocation: { artifactLocation: { uri: uri(f.file), uriBaseId: '%SRCROOT%' }, region } };
}

export function toSarif(report: Report): object {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id as string, i]));
  const result = (f: Finding) => {
    const r: Record<string, unknown> = {
      ruleId: f.rule,
      ruleIndex: ruleIndex.get(f.rule) ?? -1,
      level: level(f.severity),
      message: { text: f.message },
      locations: [location(f.location)],
    };
    if (f.related?.length) {
      r.relatedLocations = f.related.map((x, i) => ({ id: i + 1, ...location(x.location), message: { text: x.message } }));
    }
    const props: Record<string, unknown> = {};
    if (f.group !== undefined) props.group = f.group;
    if (f.metric !== undefined) props.metric = f.metric;
    if (f.baseline !== undefined) props.baseline = f.baseline;
    if (f.value !== undefined) props.value = f.value;
    if (Object.keys(props).length) r.properties = props;
    return r;
  };
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Collapse Lens',
            semanticVersion: report.tool.version,
            informationUri: 'https://github.com/collapse-lens/collapse-lens',
            rules: RULES.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: r.title },
              fullDescription: { text: `${r.description} Source: ${r.source}.` },
              helpUri: HELP_BASE + r.id,
              defaultConfiguration: { level: level(r.defaultSeverity) },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The directory the analysis ran in.' } } },
        artifacts: report.inputs.map((i) => ({ location: { uri: uri(i.file), uriBaseId: '%SRCROOT%' }, ...(i.bytes !== undefined ? { length: i.bytes } : {}) })),
        results: report.findings.map(result),
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
}

export function formatSarif(report: Report): string {
  return JSON.stringify(toSarif(report), null, 2) + '\n';
}
