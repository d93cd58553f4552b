// SARIF 2.1.0: one result per finding, with physical locations, for code-scanning UIs.
import type { Finding, Report, Severity } from '../../shared/report';
import { RULES } from '../rules';
import { METRIC_BY_KEY } from '../../shared/metrics';
import { hashString53 } from '../numeric/hash53';
import { DEFAULT_THRESHOLDS } from '../options';
import type { RuleThresholds } from '../options';

const HELP_BASE = 'https://github.com/collapse-lens/collapse-lens#rule-';

const level = (s: Severity): 'error' | 'warning' | 'note' => (s === 'info' ? 'note' : s);

export interface SarifOptions {
  /** Whether `\\` separates folders in the report's paths (Windows); elsewhere it is a character of a name. */
  windows?: boolean;
  /** The thresholds in force, for the rules' descriptions (default: the defaults). */
  thresholds?: Partial<RuleThresholds>;
}

const encoder = new TextEncoder();
const HEX = '0123456789ABCDEF';

/**
 * One path segment as RFC 3986 `pchar`s: unreserved characters, sub-delims and `@` stay, the rest
 * (`%`, space, `#`, `?`, `\\`, `:`, `[`, non-ASCII, controls…) is percent-encoded as UTF-8, the way
 * `url.pathToFileURL` encodes a path. `:` is encoded too, so a first segment such as `c:notes.jsonl`
 * is not read as a URI scheme. A lone surrogate becomes U+FFFD rather than throwing.
 */
export function encodeSegment(segment: string): string {
  let out = '';
  for (const byte of encoder.encode(segment)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~!$&'()*+,;=@]/.test(c) ? c : `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

/**
 * A report path as a SARIF artifact location. A relative path (the report's usual case) becomes
 * a URI reference against %SRCROOT%; an absolute one (a file outside the folder the analysis ran
 * in) a `file:` URI of its own. `/` always separates folders, `\\` only on Windows.
 */
export function artifactLocation(file: string, options: SarifOptions = {}): { uri: string; uriBaseId?: string } {
  const windows = options.windows ?? process.platform === 'win32';
  const parts = windows ? file.split(/[\\/]/u) : file.split('/');
  const drive = windows && /^[A-Za-z]:$/u.test(parts[0] ?? '') ? parts.shift()! : undefined;
  if (drive !== undefined) return { uri: `file:///${drive}/${parts.filter((p, i) => p !== '' || i > 0).map(encodeSegment).join('/')}` };
  if (parts.length > 1 && parts[0] === '') {
    // `/home/…`, or `//server/share/…` (a UNC path on Windows).
    const unc = windows && parts[1] === '' && parts.length > 3;
    return { uri: unc ? `file://${encodeSegment(parts[2]!)}/${parts.slice(3).map(encodeSegment).join('/')}` : `file:///${parts.slice(1).map(encodeSegment).join('/')}` };
  }
  return { uri: parts.map(encodeSegment).join('/'), uriBaseId: '%SRCROOT%' };
}

function location(f: { file: string; line: number; column?: number }, options: SarifOptions) {
  const region: Record<string, number> = { startLine: f.line };
  if (f.column !== undefined) region.startColumn = f.column;
  return { physicalLocation: { artifactLocation: artifactLocation(f.file, options), region } };
}

/**
 * The SARIF log of a report. Columns are UTF-16 code units, as everywhere in Collapse Lens (the
 * readers, the JSON report, the editor), and the run says so (`columnKind: utf16CodeUnits`, one
 * of the two units SARIF 2.1.0 §3.14.17 allows): exact without the line texts, which a report
 * does not keep, and the unit of the JavaScript and VS Code consumers of SARIF.
 */
/**
 * What a finding is about, stable across runs whose numbers change: the rule, the role (or,
 * for tail-loss, which tail), the file and the generation. Code-scanning UIs use it to tell a
 * finding that persists from a new one.
 */
export function fingerprint(f: Finding): string {
  const about = f.rule === 'tail-loss' ? (f.metric ?? '') : f.metric ? (METRIC_BY_KEY.get(f.metric)?.role ?? f.metric) : f.rule === 'dominant-output' ? (f.message.startsWith('One text') ? 'text' : 'labels') : '';
  return hashString53(`${f.rule}\u0000${about}\u0000${f.location.file}\u0000${f.group ?? ''}`).toString(16).padStart(14, '0');
}

export function toSarif(report: Report, options: SarifOptions = {}): object {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id as string, i]));
  const result = (f: Finding) => {
    const r: Record<string, unknown> = {
      ruleId: f.rule,
      ruleIndex: ruleIndex.get(f.rule) ?? -1,
      level: level(f.severity),
      message: { text: f.message },
      locations: [location(f.location, options)],
    };
    r.partialFingerprints = { 'collapseLens/v1': fingerprint(f) };
    if (f.related?.length) {
      r.relatedLocations = f.related.map((x, i) => ({ id: i + 1, ...location(x.location, options), message: { text: x.message } }));
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
              fullDescription: { text: `${r.describe({ ...DEFAULT_THRESHOLDS, ...options.thresholds })} Source: ${r.source}.` },
              helpUri: HELP_BASE + r.id,
              defaultConfiguration: { level: level(r.defaultSeverity) },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The directory the analysis ran in.' } } },
        artifacts: report.inputs.map((i) => ({ location: artifactLocation(i.file, options), ...(i.bytes !== undefined ? { length: i.bytes } : {}) })),
        results: report.findings.map(result),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
}

export function formatSarif(report: Report, options: SarifOptions = {}): string {
  return JSON.stringify(toSarif(report, options), null, 2) + '\n';
}
