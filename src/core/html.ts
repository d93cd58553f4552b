// The report page HTML, for the VS Code webview (script and style by URI) and as one
// standalone file (everything inlined) that opens offline in any browser. Both carry the
// report payload as a JSON data block the page script reads on load.
import type { AnalysisResult } from '../shared/details';
import { PAYLOAD_ELEMENT_ID, type ReportPayload, type ReportSource } from '../shared/protocol';
import { buildReportPayload } from './charts';

export interface ReportHtmlOptions {
  /**
   * The report to embed. Without it the page shows its saved state or waits for the host's
   * `DidChangeReportNotification` (a panel restored after a window reload).
   */
  result?: AnalysisResult;
  title: string;
  scriptUri: string;
  styleUri: string;
  /** `webview.cspSource` of the panel. */
  cspSource: string;
  nonce: string;
  mode: 'webview';
  /** Whether the host can re-run the analysis on another baseline (shows the picker). */
  canChangeBaseline?: boolean;
  /** Kept in the page's state so the host can restore the panel (see `ReportSource`). */
  source?: ReportSource;
}

/** Text for HTML content and attribute values; U+2028/2029 as references, so no raw one is left in the page. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'\u2028\u2029]/gu, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '\u2028': '&#x2028;', '\u2029': '&#x2029;' })[c]!);
}

/**
 * JSON for a `<script type="application/json">` block: every `<` is escaped so no `</script>`
 * or `<!--` inside the data can end or confuse the block; U+2028/2029 for old parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</gu, '\\u003c')
    .replace(/\u2028/gu, '\\u2028')
    .replace(/\u2029/gu, '\\u2029');
}

/**
 * Inline script or style text that cannot end its element early: `</script` and `</style`
 * become `<\/script` (the same string inside JS strings, regular expressions and comments)
 * and `<!--` becomes `<\u0021--`, which would otherwise start the HTML parser's escaped mode.
 */
export function inlineText(text: string): string {
  return text.replace(/<\/(script|style)/giu, '<\\/$1').replace(/<!--/gu, '<\\u0021--');
}

function nonceSource(nonce: string): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/u.test(nonce)) throw new Error('nonce must be at least 16 base64 characters');
  return `'nonce-${nonce}'`;
}

function page(parts: { csp: string; title: string; head: string; payload?: ReportPayload; nonce: string; body: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(parts.csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(`Collapse Lens: ${parts.title}`)}</title>
${parts.head}
</head>
<body>
<main id="app" aria-busy="true"><p class="loading">Loading the report…</p></main>
${parts.payload ? `<script type="application/json" id="${PAYLOAD_ELEMENT_ID}">${jsonForScript(parts.payload)}</script>\n` : ''}${parts.body}
</body>
</html>
`;
}

/** The webview page: strict CSP, nonce script, stylesheet and script from the extension's media. */
export function renderReportHtml(options: ReportHtmlOptions): string {
  const nonce = nonceSource(options.nonce);
  const csp = [
    "default-src 'none'",
    `script-src ${nonce}`,
    `style-src ${options.cspSource} ${nonce}`,
    `img-src ${options.cspSource} data: blob:`,
    `font-src ${options.cspSource}`,
  ].join('; ');
  const payload = options.result && buildReportPayload(options.result, options.title, { canChangeBaseline: options.canChangeBaseline ?? false, source: options.source });
  return page({
    csp,
    title: options.title,
    payload,
    nonce: options.nonce,
    head: `<link rel="stylesheet" href="${escapeHtml(options.styleUri)}" nonce="${escapeHtml(options.nonce)}">`,
    body: `<script nonce="${escapeHtml(options.nonce)}" src="${escapeHtml(options.scriptUri)}"></script>`,
  });
}

/** A random nonce from Web Crypto (Node 20 and browsers). */
export function createNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/gu, '-').replace(/\//gu, '_');
}

/**
 * One self-contained HTML file: the page bundle and CSS inlined under a nonce, the report as
 * JSON, no network access (`default-src 'none'`). `assets` are the contents of
 * dist/webview.js and media/report.css.
 */
export function renderStandaloneHtml(result: AnalysisResult, assets: { script: string; style: string }, options: { title?: string; nonce?: string } = {}): string {
  const nonceValue = options.nonce ?? createNonce();
  const nonce = nonceSource(nonceValue);
  const title = options.title ?? defaultTitle(result);
  const csp = ["default-src 'none'", `script-src ${nonce}`, `style-src ${nonce}`, 'img-src data: blob:', "base-uri 'none'", "form-action 'none'"].join('; ');
  return page({
    csp,
    title,
    payload: buildReportPayload(result, title),
    nonce: nonceValue,
    head: `<style nonce="${nonceValue}">\n${inlineText(assets.style)}\n</style>`,
    body: `<script nonce="${nonceValue}">\n${inlineText(assets.script)}\n</script>`,
  });
}

/** The input file name, or "N files". */
export function defaultTitle(result: AnalysisResult): string {
  const inputs = result.report.inputs;
  if (inputs.length === 1) return inputs[0]!.file;
  return `${inputs.length} files`;
}
