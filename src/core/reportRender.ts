// The heavy half of the report panel: Vega-Lite compilation and the page HTML. Bundled on its
// own into dist/report.js, which the extension loads when a report first opens (see
// src/host/platform.ts), so activating it (analysis, diagnostics) never parses Vega-Lite.
export { buildReportPayload } from './charts';
export { createNonce, renderReportHtml, renderStandaloneHtml } from './html';
