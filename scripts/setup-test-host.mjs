#!/usr/bin/env node
// `npm install` (or `npm ci`) in a checkout runs this as the `prepare` script: it installs what
// `npm test` needs beyond node_modules (a code-server with VS Code's extension host, Debian's
// Chromium; Dask's distributed for Debian's python3, scripts/setup-dask.mjs), so the tests then
// run offline. npm never runs `prepare` when the package is installed from the registry or a
// tarball, so users of the CLI or the extension never get here.
// Skipped when packing or publishing, and when npm runs it for another project (a git
// dependency); COLLAPSE_LENS_SKIP_E2E=1 skips the test host, COLLAPSE_LENS_SKIP_DASK=1 Dask.
// A failure is a warning, not a failed install: the CLI and the extension need neither, and
// `npm test` tries the host again before its host layers (its dask layer says what to install).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const installer = path.join(root, 'test', 'e2e', 'install-code-server.sh');
const command = process.env.npm_command;
const installing = command === undefined || command === 'install' || command === 'ci';
const forAnotherProject = process.env.INIT_CWD !== undefined && path.resolve(process.env.INIT_CWD) !== root;
if (!installing || forAnotherProject) process.exit(0);

if (process.env.COLLAPSE_LENS_SKIP_E2E !== '1' && fs.existsSync(installer)) {
  console.log('collapse-lens: installing the test host (code-server, Chromium) for npm test…');
  const r = spawnSync('bash', [installer, path.join(root, '.vscode-test', 'code-server')], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    console.warn('collapse-lens: the test host could not be installed now; npm test will try again (set COLLAPSE_LENS_SKIP_E2E=1 to skip).');
  }
}

// After the host, which may have refreshed apt's package lists. --optional: never fails the
// install; without apt-get or root it says what to run instead.
const dask = path.join(root, 'scripts', 'setup-dask.mjs');
if (process.env.COLLAPSE_LENS_SKIP_DASK !== '1' && fs.existsSync(dask)) {
  spawnSync(process.execPath, [dask, '--optional'], { stdio: 'inherit', cwd: root });
}
