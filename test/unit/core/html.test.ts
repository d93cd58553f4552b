// The report page HTML (src/core/html.ts): the CSP each mode gets, the payload block, and
// escaping of everything that could end a <script> early (report text is model output:
// anything goes).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { parse } from 'vega';
import { buildReportPayload } from '../../../src/core/charts';
import { createNonce, escapeHtml, inlineText, jsonForScript, renderReportHtml, renderStandaloneHtml } from '../../../src/core/html';
import type { AnalysisResult } from '../../../src/shared/details';
import { PAYLOAD_ELEMENT_ID, type ReportPayload } from '../../../src/shared/protocol';
import { LIGHT_PALETTE, vegaThemeConfig } from '../../../src/shared/theme';
import { repoRoot } from '../support';

const sample = JSON.parse(readFileSync(join(repoRoot(), 'test', 'fixtures', 'analysis', 'sample-result.json'), 'utf8')) as AnalysisResult;
const NONCE = 'AbCdEfGhIjKlMnOpQrStUv12';

function csp(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/u.exec(html);
  assert.ok(m, 'CSP meta');
  return m[1]!.replace(/&#39;/gu, "'");
}

function payloadOf(html: string): ReportPayload {
  const m = new RegExp(`<script type="application/json" id="${PAYLOAD_ELEMENT_ID}">([^]*?)</script>`, 'u').exec(html);
  assert.ok(m, 'payload block');
  return JSON.parse(m[1]!) as ReportPayload;
}

/** A result whose texts try to break out of the page. */
function hostile(): AnalysisResult {
  const r = JSON.parse(JSON.stringify(sample)) as AnalysisResult;
  const evil = '</script><script>alert(1)</script><!-- \u2028 "quoted" & <b>';
  r.details.groups[5]!.topOutputs![0]!.text = evil;
  r.report.findings[0]!.message = evil;
  r.report.inputs[0]!.file = 'runs/</title><script>alert(2)</script>.jsonl';
  return r;
}

describe('renderReportHtml (webview)', () => {
  const options = {
    result: sample,
    title: 'runs <6>',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
    styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/report.css',
    cspSource: 'https://*.vscode-cdn.net',
    nonce: NONCE,
    mode: 'webview' as const,
  };
  const html = renderReportHtml(options);

  test('strict CSP: nonce scripts, no eval, no inline styles', () => {
    assert.equal(
      csp(html),
      `default-src 'none'; script-src 'nonce-${NONCE}'; style-src https://*.vscode-cdn.net 'nonce-${NONCE}'; img-src https://*.vscode-cdn.net data: blob:; font-src https://*.vscode-cdn.net`,
    );
    assert.doesNotMatch(html, /unsafe-(eval|inline)/u);
  });

  test('script and stylesheet by URI, the script under the nonce, no inline handlers or styles', () => {
    assert.ok(html.includes(`<script nonce="${NONCE}" src="${options.scriptUri}"></script>`));
    assert.ok(html.includes(`<link rel="stylesheet" href="${options.styleUri}"`));
    assert.doesNotMatch(html, /\son[a-z]+=|\sstyle=/u);
    const scripts = html.match(/<script\b[^>]*>/gu)!;
    for (const s of scripts) assert.ok(s.includes(`nonce="${NONCE}"`) || s.includes('type="application/json"'), s);
  });

  test('the payload block holds the compiled report, title escaped in <title>', () => {
    const p = payloadOf(html);
    assert.deepEqual(p, JSON.parse(JSON.stringify(buildReportPayload(sample, 'runs <6>'))));
    assert.ok(html.includes('<title>Collapse Lens: runs &lt;6&gt;</title>'));
  });

  test('the baseline picker only when the host can re-run', () => {
    assert.equal(payloadOf(html).canChangeBaseline, false);
    assert.equal(payloadOf(renderReportHtml({ ...options, canChangeBaseline: true })).canChangeBaseline, true);
  });

  test('the source of the report rides in the payload, for the panel to be restored', () => {
    const source = { kind: 'generations' as const, uris: ['file:///w/gen1.jsonl', 'file:///w/gen2.jsonl'], baseline: 'gen2' };
    assert.deepEqual(payloadOf(renderReportHtml({ ...options, source })).source, source);
    assert.equal(payloadOf(html).source, undefined);
  });

  test('without a result: the same page and CSP, no payload block (a restored panel waits for the host)', () => {
    const { result: _result, ...rest } = options;
    const shell = renderReportHtml(rest);
    assert.equal(csp(shell), csp(html));
    assert.ok(!shell.includes(PAYLOAD_ELEMENT_ID));
    assert.ok(shell.includes(`<script nonce="${NONCE}" src="${options.scriptUri}"></script>`));
  });

  test('a weak nonce is refused', () => {
    assert.throws(() => renderReportHtml({ ...options, nonce: 'abc' }), /nonce/u);
    assert.throws(() => renderReportHtml({ ...options, nonce: `${NONCE}" onload="x` }), /nonce/u);
  });

  test('report text cannot end the payload block', () => {
    const bad = renderReportHtml({ ...options, result: hostile() });
    const block = bad.slice(bad.indexOf(`id="${PAYLOAD_ELEMENT_ID}">`));
    const end = block.indexOf('</script>');
    assert.doesNotMatch(block.slice(0, end), /<\/|<!--|\u2028/u);
    const p = payloadOf(bad);
    assert.equal(p.result.report.findings[0]!.message, hostile().report.findings[0]!.message);
    assert.equal((bad.match(/<script\b/gu) ?? []).length, 2);
  });
});

describe('renderStandaloneHtml', () => {
  const assets = {
    script: 'window.__ran = ["</script>", /<\\/script>/u.test("</script>"), "<!-- x -->"];',
    style: 'body { color: red } /* </style> */',
  };
  const html = renderStandaloneHtml(sample, assets, { nonce: NONCE, title: 'six generations' });

  test('offline CSP: everything by nonce, images only from data: and blob:', () => {
    assert.equal(csp(html), `default-src 'none'; script-src 'nonce-${NONCE}'; style-src 'nonce-${NONCE}'; img-src data: blob:; base-uri 'none'; form-action 'none'`);
    assert.doesNotMatch(html, /unsafe-(eval|inline)/u);
    assert.doesNotMatch(html, /<link\b|\ssrc=|\shref=/u);
  });

  test('script and style inlined under the nonce, their closing tags escaped, their meaning kept', () => {
    assert.ok(html.includes(`<style nonce="${NONCE}">`));
    assert.ok(html.includes(`<script nonce="${NONCE}">`));
    assert.equal((html.match(/<\/script>/gu) ?? []).length, 2);
    assert.equal((html.match(/<\/style>/gu) ?? []).length, 1);
    const inlined = /<script nonce="[^"]+">\n([^]*?)\n<\/script>/u.exec(html)![1]!;
    const context: { window: { __ran?: unknown } } = { window: {} };
    runInNewContext(inlined, context);
    assert.deepEqual(JSON.parse(JSON.stringify(context.window.__ran)), ['</script>', true, '<!-- x -->']);
  });

  test('title defaults to the input, nonce defaults to a fresh one', () => {
    const a = renderStandaloneHtml(sample, assets);
    const b = renderStandaloneHtml(sample, assets);
    assert.ok(a.includes('<title>Collapse Lens: 6 files</title>'));
    assert.notEqual(/nonce-([^']+)'/u.exec(csp(a))![1], /nonce-([^']+)'/u.exec(csp(b))![1]);
    assert.equal(payloadOf(a).title, '6 files');
  });

  test('hostile report text stays data', () => {
    const bad = renderStandaloneHtml(hostile(), assets, { nonce: NONCE });
    assert.equal((bad.match(/<script\b/gu) ?? []).length, 2);
    assert.ok(bad.includes('<title>Collapse Lens: 6 files</title>'));
    assert.equal(payloadOf(bad).result.details.groups[5]!.topOutputs![0]!.text, hostile().details.groups[5]!.topOutputs![0]!.text);
  });
});

describe('U+2028 and U+2029 in the data', () => {
  /** Generation ids, a label and the input's name with line and paragraph separators. */
  function separated(): AnalysisResult {
    const text = JSON.stringify(sample).replace(/\bgen(\d)/gu, 'gen\\u2028$1').replace(/"approve"/gu, '"appr\\u2029ove"');
    const r = JSON.parse(text) as AnalysisResult;
    r.report.inputs = [r.report.inputs[0]!];
    return r;
  }
  const assets = { script: 'window.__ran = true;', style: 'body { color: red }' };

  test('the standalone page renders; no raw separator outside the inlined bundle; the payload round-trips', () => {
    const r = separated();
    const html = renderStandaloneHtml(r, assets, { nonce: NONCE });
    const withoutBundle = html.replace(/<script nonce="[^"]+">[^]*?<\/script>/u, '');
    assert.doesNotMatch(withoutBundle, /[\u2028\u2029]/u);
    assert.ok(html.includes('<title>Collapse Lens: runs/gen&#x2028;0.jsonl</title>'));
    const p = payloadOf(html);
    assert.deepEqual(p.result.report.groups.map((g) => g.id), r.report.groups.map((g) => g.id));
    assert.ok(p.result.report.groups[0]!.id.includes('\u2028'));
  });

  test('every chart in the payload parses as the page parses it (expressions as ASTs)', () => {
    const p = payloadOf(renderStandaloneHtml(separated(), assets, { nonce: NONCE }));
    assert.ok(p.charts.length > 5);
    for (const chart of p.charts) assert.doesNotThrow(() => parse(chart.spec, vegaThemeConfig(LIGHT_PALETTE), { ast: true }), chart.id);
  });
});

describe('helpers', () => {
  test('escapeHtml', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(escapeHtml('a\u2028b\u2029c'), 'a&#x2028;b&#x2029;c');
  });

  test('jsonForScript round-trips and contains no "<"', () => {
    const value = { a: '</script>', b: '<!--', c: '\u2028\u2029', d: [1, 2.5, null] };
    const text = jsonForScript(value);
    assert.doesNotMatch(text, /<|\u2028|\u2029/u);
    assert.deepEqual(JSON.parse(text), value);
  });

  test('inlineText', () => {
    assert.equal(inlineText('a</SCRIPT>b</style>c<!--d'), 'a<\\/SCRIPT>b<\\/style>c<\\u0021--d');
  });

  test('createNonce: 24 URL-safe base64 characters from 18 random bytes', () => {
    const n = createNonce();
    assert.match(n, /^[A-Za-z0-9_-]{24}$/u);
    assert.notEqual(n, createNonce());
  });
});
