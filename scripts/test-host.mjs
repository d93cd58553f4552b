#!/usr/bin/env node
// `npm run test:integration` / `npm run test:ui`: runs the host tests in code-server against a
// fresh copy of test/fixtures/workspace (test/workspace.mjs), so the tests' writes (settings, generated files)
// never reach the repository. Expects the bundles and the e2e flows built (`node esbuild.js --e2e`,
// or `--tests` for integration, which needs the suite too).
//   node scripts/test-host.mjs integration|ui|ui-report|web [--keep]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTestWorkspace } from '../test/workspace.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const layer = process.argv[2];
const keep = process.argv.includes('--keep');
// The flows as bundled from test/e2e/*.ts by esbuild.js.
const UI_SCRIPTS = { ui: 'out/test/e2e/ui-flows.js', 'ui-report': 'out/test/e2e/ui-report.js', web: 'out/test/e2e/web-extension.js' };
if (layer !== 'integration' && !UI_SCRIPTS[layer]) {
  console.error('usage: node scripts/test-host.mjs integration|ui|ui-report|web [--keep]');
  process.exit(2);
}
const codeServer = path.join(root, '.vscode-test', 'code-server');
// The same workspace as npm test's: the fixture folder plus the real layouts under layouts/.
const workspace = makeTestWorkspace(root);
fs.mkdirSync(path.join(root, 'test-results', 'screens'), { recursive: true });

const args = layer === 'integration'
  ? ['out/test/e2e/run-extension-tests.js', '--code-server', codeServer, '--extension', '.', '--tests', 'out/test/integration/index.js',
    '--workspace', workspace, '--screenshot', 'test-results/screens/integration.png']
  : [UI_SCRIPTS[layer], '--code-server', codeServer, '--extension', '.', '--workspace', workspace, '--out', 'test-results/screens'];

const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
child.on('close', (code, signal) => {
  if (keep) console.log(`workspace kept in ${workspace}`);
  else fs.rmSync(workspace, { recursive: true, force: true });
  process.exit(code ?? (signal ? 1 : 0));
});
