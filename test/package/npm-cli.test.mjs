// The npm package as users get it: `npm pack` (which builds through `prepack`), then the tarball
// installed offline, globally into a temporary prefix and into a temporary project. It holds
// only the CLI and what the CLI loads, installs no dependency, runs no script of ours (the test
// host setup is the checkout's `prepare`, which npm never runs for a tarball or the registry),
// and `collapse-lens analyze` gives the same report as the build it was packed from.
//   node --test test/package/npm-cli.test.mjs      (npm test runs it as the npm-package layer)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { isBuiltin } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const fixture = path.join(root, 'test', 'fixtures', 'workspace', 'repeated.jsonl');
const generations = ['gen1', 'gen2', 'gen10'].map((g) => path.join(root, 'test', 'fixtures', 'workspace', 'generations', `${g}.jsonl`));

/** What the npm package holds: the CLI, the part-of-speech model and the reading thread it loads, what --format html inlines. */
const EXPECTED_FILES = [
  'CHANGELOG.md', 'LICENSE', 'README.md', 'package.json',
  'dist/analysis-thread.js', 'dist/cli.js', 'dist/pair-thread.js', 'dist/pos-model.js', 'dist/reader-thread.js', 'dist/webview.js',
  'media/report.css', 'schemas/collapselens.schema.json', 'schemas/partial.schema.json', 'schemas/report.schema.json',
];

// npm passes its own settings to scripts as npm_config_* variables; the commands below must
// behave as a user's would, not as children of `npm test`.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'));

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...env, NO_COLOR: '1' }, timeout: 180_000, ...opts });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, stdout: r.stdout ?? '' };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-npm-'));
let tarball;
let packed;
let packOutput;

before(() => {
  const r = run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: root });
  packOutput = r.out;
  assert.equal(r.code, 0, r.out);
  [packed] = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
  tarball = path.join(tmp, packed.filename);
  console.log(`# ${packed.filename}: ${(packed.size / 1024).toFixed(0)} KB packed, ${(packed.unpackedSize / 1024).toFixed(0)} KB unpacked, ${packed.entryCount} files`);
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the npm package', () => {
  test('npm pack builds it and does not set up the test host', () => {
    assert.ok(fs.existsSync(tarball));
    assert.doesNotMatch(packOutput, /installing the test host|code-server|apt-get/);
  });

  test('holds the CLI and what it loads, nothing else', () => {
    assert.deepEqual(packed.files.map((f) => f.path).sort(), [...EXPECTED_FILES].sort());
  });

  test('declares no dependency and no install script', () => {
    const dir = path.join(tmp, 'unpacked');
    fs.mkdirSync(dir);
    assert.equal(run('tar', ['-xzf', tarball, '-C', dir]).code, 0);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package', 'package.json'), 'utf8'));
    for (const k of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'bundledDependencies']) {
      assert.equal(Object.keys(pkg[k] ?? {}).length, 0, `${k}: ${JSON.stringify(pkg[k])}`);
    }
    for (const s of ['preinstall', 'install', 'postinstall']) assert.equal(pkg.scripts?.[s], undefined, `scripts.${s} runs on the user's machine`);
    assert.equal(pkg.bin['collapse-lens'], './dist/cli.js');
  });

  test('its bundles require node built-ins only, and load only files it holds', () => {
    const dir = path.join(tmp, 'unpacked', 'package');
    for (const bundle of packed.files.map((f) => f.path).filter((f) => /^dist\/.*\.js$/.test(f) && f !== 'dist/webview.js')) {
      const source = fs.readFileSync(path.join(dir, bundle), 'utf8');
      const required = new Set([...source.matchAll(/\b(?:require|import)\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]));
      const foreign = [...required].filter((m) => !isBuiltin(m) && !m.startsWith('.'));
      assert.deepEqual(foreign, [], `${bundle} requires ${foreign.join(', ')}`);
      for (const rel of [...required].filter((m) => m.startsWith('.'))) {
        assert.ok(fs.existsSync(path.resolve(dir, path.dirname(bundle), rel)), `${bundle} requires ${rel}, not in the package`);
      }
    }
    // The CLI starts the reading thread from the file beside it, and --format html inlines the page.
    const cli = fs.readFileSync(path.join(dir, 'dist', 'cli.js'), 'utf8');
    assert.match(cli, /reader-thread\.js/);
    assert.match(cli, /webview\.js/);
    assert.match(cli, /report\.css/);
  });

  describe('installed globally, offline, into a temporary prefix', () => {
    const prefix = path.join(tmp, 'prefix');
    const bin = path.join(prefix, 'bin', 'collapse-lens');
    let install;
    before(() => {
      install = run('npm', ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', '--foreground-scripts', tarball], { cwd: tmp });
    });

    test('installs one package, with no dependency and no script of ours', () => {
      assert.equal(install.code, 0, install.out);
      assert.match(install.out, /added 1 package/);
      assert.doesNotMatch(install.out, /collapse-lens:|installing the test host|apt-get/);
      const lib = path.join(prefix, 'lib', 'node_modules');
      assert.deepEqual(fs.readdirSync(lib).filter((d) => !d.startsWith('.')), ['collapse-lens']);
      assert.ok(!fs.existsSync(path.join(lib, 'collapse-lens', 'node_modules')), 'the package got a node_modules');
      assert.ok(!fs.existsSync(path.join(lib, 'collapse-lens', '.vscode-test')), 'the test host was installed');
    });

    test('collapse-lens --version', () => {
      const r = run(bin, ['--version']);
      assert.equal(r.code, 0, r.out);
      assert.match(r.stdout, new RegExp(manifest.version.replace(/\./g, '\\.')));
    });

    test('collapse-lens analyze: the finding, and the same JSON report as the build it was packed from', () => {
      const text = run(bin, ['analyze', fixture]);
      assert.equal(text.code, 0, text.out);
      assert.match(text.stdout, /repeated-outputs/);
      assert.match(text.stdout, /50% of 10 outputs are exact duplicates/);
      const installed = run(bin, ['analyze', ...generations, '--format', 'json']);
      const fromCheckout = run(process.execPath, [path.join(root, 'dist', 'cli.js'), 'analyze', ...generations, '--format', 'json']);
      assert.equal(installed.code, fromCheckout.code, installed.out);
      assert.ok(JSON.parse(installed.stdout).findings.length > 0);
      assert.equal(installed.stdout, fromCheckout.stdout);
    });

    test('collapse-lens analyze --format html: one page with the report script and stylesheet inlined', () => {
      const out = path.join(tmp, 'report.html');
      const r = run(bin, ['analyze', ...generations, '--format', 'html', '--out', out]);
      assert.equal(r.code === 0 || r.code === 1, true, r.out);
      const html = fs.readFileSync(out, 'utf8');
      const shipped = (f) => fs.readFileSync(path.join(prefix, 'lib', 'node_modules', 'collapse-lens', f), 'utf8');
      assert.ok(html.includes(shipped('media/report.css').slice(0, 400)), 'the stylesheet is not inlined');
      assert.ok(html.includes(shipped('dist/webview.js').slice(-400)), 'the report script is not inlined');
    });

    test('collapse-lens scenario --list: the scenarios and their corpus are in the bundle', () => {
      const r = run(bin, ['scenario', '--list']);
      assert.equal(r.code, 0, r.out);
      assert.match(r.stdout, /ngram-self-training/);
    });
  });

  test('installed into a project offline: one package in node_modules, the bin linked', () => {
    const project = path.join(tmp, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true }));
    const r = run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--foreground-scripts', tarball], { cwd: project });
    assert.equal(r.code, 0, r.out);
    assert.doesNotMatch(r.out, /collapse-lens:|installing the test host/);
    assert.deepEqual(fs.readdirSync(path.join(project, 'node_modules')).filter((d) => !d.startsWith('.')), ['collapse-lens']);
    const lock = JSON.parse(fs.readFileSync(path.join(project, 'package-lock.json'), 'utf8'));
    assert.deepEqual(Object.keys(lock.packages).filter((p) => p !== ''), ['node_modules/collapse-lens']);
    const v = run(path.join(project, 'node_modules', '.bin', 'collapse-lens'), ['--version']);
    assert.equal(v.code, 0, v.out);
  });
});
