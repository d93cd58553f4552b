#!/usr/bin/env node
// `npm run test:vscode`: the same integration suite in a VS Code downloaded by
// @vscode/test-electron (needs internet; offline machines use `npm run test:integration`).
// Runs against a temporary copy of test/fixtures/workspace, as the code-server route does.
import { makeTestWorkspace } from '../workspace.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const extensionTestsPath = path.join(root, 'out', 'test', 'integration', 'index.js');
if (!fs.existsSync(extensionTestsPath)) {
  console.error('out/test/integration/index.js is missing; build it with: node esbuild.js --tests');
  process.exit(2);
}
const workspace = makeTestWorkspace(root);

let code = 0;
try {
  await runTests({
    version: process.env.VSCODE_TEST_VERSION ?? 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  code = 1;
} finally {
  fs.rmSync(workspace, { recursive: true, force: true });
}
process.exit(code);
