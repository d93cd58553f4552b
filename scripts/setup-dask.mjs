#!/usr/bin/env node
// Installs what the `dask` test layer needs beyond Node: Dask's `distributed` for Debian's
// Python (`python3-distributed`, which installs into /usr/bin/python3, not into a python3 of
// pyenv, conda or a virtualenv that may come first on PATH). Does nothing when it is there.
//   node scripts/setup-dask.mjs             (npm run setup:dask; .ci/run before npm test)
//   node scripts/setup-dask.mjs --optional  (the checkout's `prepare`: a failure is a warning)
// Installs with apt-get as root, or through `sudo -n` when that needs no password; otherwise
// it says what to run. COLLAPSE_LENS_PYTHON names another interpreter for the layer, which
// this script only checks (install distributed into it yourself, e.g. with pip).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const DEBIAN_PYTHON = '/usr/bin/python3';
const python = process.env.COLLAPSE_LENS_PYTHON || DEBIAN_PYTHON;
const optional = process.argv.includes('--optional');
const say = (s) => console.log(`collapse-lens: ${s}`);

function distributedVersion() {
  if (!fs.existsSync(python)) return undefined;
  const r = spawnSync(python, ['-c', 'import distributed; print(distributed.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function giveUp(why) {
  const how = python === DEBIAN_PYTHON
    ? 'install it with `sudo apt-get install python3-distributed` (Debian, Ubuntu), then run `node scripts/test.mjs --layers=dask`'
    : `install distributed into ${python} (for instance \`${python} -m pip install distributed\`), or unset COLLAPSE_LENS_PYTHON to use Debian's python3-distributed`;
  const message = `Dask's distributed is missing for ${python}, which the dask test layer needs (${why}); ${how}.`;
  if (optional) {
    console.warn(`collapse-lens: ${message} npm test will fail its dask layer until then.`);
    process.exit(0);
  }
  console.error(`collapse-lens: ${message}`);
  process.exit(1);
}

const found = distributedVersion();
if (found) {
  say(`Dask's distributed ${found} is installed for ${python}.`);
  process.exit(0);
}
if (python !== DEBIAN_PYTHON) giveUp('COLLAPSE_LENS_PYTHON names an interpreter apt-get does not install into');
if (!fs.existsSync('/usr/bin/apt-get')) giveUp('this machine has no apt-get');

const root = typeof process.getuid === 'function' && process.getuid() === 0;
if (!root) {
  const sudo = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
  if (sudo.error) giveUp('installing it needs root, and this machine has no sudo');
  if (sudo.status !== 0) giveUp('installing it needs root, and sudo asks for a password');
}

let lastOutput = '';
const apt = (...args) => {
  // Wait for another apt-get (the test host's setup, say) rather than fail on its lock.
  const argv = ['DEBIAN_FRONTEND=noninteractive', 'apt-get', '-o', 'DPkg::Lock::Timeout=300', ...args];
  const r = root ? spawnSync('env', argv, { encoding: 'utf8' }) : spawnSync('sudo', ['-n', 'env', ...argv], { encoding: 'utf8' });
  lastOutput = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
  return r.status === 0;
};
say('installing python3-distributed (Dask) with apt-get for the dask test layer…');
const install = () => apt('install', '-y', '-qq', '--no-install-recommends', 'python3-distributed');
// A fresh image has no package lists, and stale ones 404: update once when the first try fails.
if (!install() && !(apt('update', '-qq') && install())) {
  console.error(lastOutput);
  giveUp('apt-get install python3-distributed failed');
}

const installed = distributedVersion();
if (!installed) giveUp('apt-get installed python3-distributed, yet `import distributed` still fails');
say(`Dask's distributed ${installed} is installed for ${python}.`);
