// Partial results computed on a Dask cluster merge into the report one analysis gives: runs
// test/dask/run_dask.py (a LocalCluster of two worker processes, `collapse-lens partial` once
// per shard as a Dask task, `merge` on the driver) with Debian's python3, where apt-get's
// python3-distributed installs, and checks each case: the merged JSON byte for byte equal to
// one `analyze` of all the files, in either order of the states, with the same exit code; the
// shards run through docs/recipes/dask_partial.py, whose command line is checked the same way.
//   node --test test/dask/dask.test.mjs      (npm test runs it as the dask layer, after the build)
// COLLAPSE_LENS_PYTHON=/path/to/python3 runs it with another interpreter that has distributed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const script = path.join(root, 'test', 'dask', 'run_dask.py');
const python = process.env.COLLAPSE_LENS_PYTHON || '/usr/bin/python3';
const HOW = python === '/usr/bin/python3'
  ? 'install it with `sudo apt-get install python3-distributed` or `npm run setup:dask` (which runs apt-get as root, or says what to run)'
  : `install distributed into ${python} (\`${python} -m pip install distributed\`), or unset COLLAPSE_LENS_PYTHON to use Debian's python3-distributed (\`npm run setup:dask\`)`;
/**
 * Known defects of `partial`/`merge`, reported as skipped until they are fixed: a case that
 * fails with exactly this message is skipped with the reason; any other failure fails. Remove
 * an entry once its case passes. None today.
 */
const KNOWN_DEFECTS = [];
/** The field roles (accumulators) the cases together must cover. */
const ROLES = ['values', 'labels', 'text', 'vectors'];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-dask-'));
/** Why the cluster run could not happen (every test fails with it), or its results. */
let missing;
let summary;

function missingPrerequisite() {
  if (!fs.existsSync(cli)) return `${path.relative(root, cli)} is missing: build first (node esbuild.js; npm test builds before this layer)`;
  if (!fs.existsSync(python)) return `the dask layer runs ${python}, which is missing; ${HOW}`;
  const probe = spawnSync(python, ['-c', 'import distributed'], { encoding: 'utf8' });
  if (probe.status !== 0) return `Dask's distributed is not installed for ${python}: ${HOW} (${probe.stderr.trim().split('\n').pop()})`;
  return undefined;
}

before(() => {
  missing = missingPrerequisite();
  if (missing) return;
  const result = path.join(tmp, 'result.json');
  const work = path.join(tmp, 'work');
  fs.mkdirSync(work);
  // Workers inherit this environment: no colour in what the CLI prints, no __pycache__ in the checkout.
  const env = { ...process.env, NO_COLOR: '1', PYTHONDONTWRITEBYTECODE: '1' };
  delete env.FORCE_COLOR;
  const run = spawnSync(python, [script, '--node', process.execPath, '--cli', cli, '--work', work, '--result', result],
    { encoding: 'utf8', cwd: tmp, env, timeout: 180_000 });
  if (run.stdout.trim()) console.log(run.stdout.trimEnd().replace(/^/gm, '# '));
  if ((run.status !== 0 && run.status !== 1) || !fs.existsSync(result)) {
    missing = `run_dask.py exited ${run.status ?? run.signal}:\n${run.stdout}${run.stderr}`;
    return;
  }
  summary = JSON.parse(fs.readFileSync(result, 'utf8'));
  console.log(`# distributed ${summary.dask} on Python ${summary.python}: cluster up in ${summary.cluster_seconds} s, ${summary.seconds} s in all`);
});

/** The results of the cluster run; fails the test, saying why, when there are none. */
function results() {
  assert.ok(!missing, missing);
  return summary;
}

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('partial results on a Dask cluster', () => {
  const CASES = ['values', 'labels', 'text', 'embeddings', 'labels against predictions, and scores', 'two files per shard', "the recipe's command line"];

  test('the cases cover every field role, one file per shard and two', () => {
    const { cases } = results();
    assert.deepEqual(cases.map((c) => c.name), CASES, 'the cases run_dask.py ran (a new one needs its name here)');
    const covered = new Set(cases.flatMap((c) => c.roles ?? []));
    for (const role of ROLES) assert.ok(covered.has(role), `no case holds the ${role} role`);
    assert.ok(cases.some((c) => c.shards.some((s) => s.length === 2)), 'no shard holds two files');
    assert.ok(cases.some((c) => c.shards.every((s) => s.length === 1)), 'no case has one file per shard');
  });

  for (const name of CASES) {
    test(`${name}: merge of the shards' partial results = analyze of all the files`, (t) => {
      const c = results().cases.find((x) => x.name === name);
      assert.ok(c, `run_dask.py ran no case named ${name}`);
      const known = KNOWN_DEFECTS.find((d) => d.case === name && !c.ok && d.message.test(c.detail));
      if (known) {
        t.skip(known.reason);
        return;
      }
      assert.ok(c.ok, `${c.scenario}: ${c.detail}`);
      assert.ok(c.on_workers, `the partial tasks did not all run on the cluster's workers (${c.workers})`);
      // The byte comparison again, from the files the script wrote.
      const analyzed = fs.readFileSync(c.analyze.path);
      assert.ok(analyzed.length > 0, `analyze printed nothing: ${c.analyze.stderr}`);
      for (const what of ['merge', 'merge-reversed'].filter((w) => c[w])) {
        assert.equal(c[what].exit, c.analyze.exit, `${what} exit code`);
        assert.ok(fs.readFileSync(c[what].path).equals(analyzed), `${what}'s JSON differs from analyze's`);
      }
      if (c.unreadable) assert.equal(c.unreadable.exit, 2, `a shard that cannot be read: ${c.unreadable.message}`);
      const report = JSON.parse(analyzed.toString('utf8'));
      assert.deepEqual(report.inputs.map((i) => i.file), c.files, 'the report lists every file, in order');
    });
  }
});
