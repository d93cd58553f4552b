// The heavy half of the report panel: Vega-Lite compilation and the page HTML. Bundled on its
// own into dist/report.js and loaded when a report first opens, so activating the extension
// (analysis, diagnostics) never parses Vega-Lite. No vscode import.
export { buildReportPayload } from '../core/charts';
export { createNonce, renderReportHtml, renderStandaloneHtml } from '../core/html';
