// Cross-cutting suite (no single module): the web build's analysis against the desktop CLI's.
// The analysis as the web build runs it, under Node: this file is bundled with the `.web.ts`
// modules (esbuild.js), so core reads every file from bytes, gunzips and gzips with pako, and
// has no reading thread. Its reports must equal the desktop's (dist/cli.js, which streams from
// disk, uses zlib and reads Parquet on a second thread).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { analyzeFiles } from '../../../src/core/analyze';
import type { AnalyzeInput } from '../../../src/core/analyze';
import { formatJson } from '../../../src/core/format/json';
import { readerThreadBeside } from '../../../src/core/analysis/offThread';
import { openFileStream } from '../../../src/core/readers/index';
import { inputError, repoRoot } from '../support';

const root = repoRoot();

/** The desktop's JSON report of `files` (paths relative to `cwd`), without the tool's name and version. */
function desktopReport(files: string[], cwd: string): unknown {
  const out = execFileSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'analyze', ...files, '--format', 'json', '--fail-on', 'never'], { cwd, encoding: 'utf8' });
  const { tool: _tool, ...report } = JSON.parse(out);
  return report;
}

/** The same files as the web worker gets them: bytes read by the host, one chunk each. */
async function webReport(files: string[], cwd: string): Promise<unknown> {
  const inputs: AnalyzeInput[] = files.map((file) => {
    const bytes = new Uint8Array(fs.readFileSync(path.join(cwd, file)));
    return {
      file,
      display: file,
      bytes: bytes.byteLength,
      open: async function* () {
        yield bytes;
      },
    };
  });
  const { report } = await analyzeFiles(inputs, {});
  const { tool: _tool, ...rest } = JSON.parse(formatJson(report));
  return rest;
}

describe('the analysis in the web build', () => {
  test('uses the web modules: no local disk, no reading thread', async () => {
    await inputError((async () => {
      for await (const _ of openFileStream(path.join(root, 'package.json')));
    })(), /cannot be opened by path in a browser/);
    assert.equal(readerThreadBeside(path.join(root, 'dist')), undefined);
  });

  test('JSON Lines generations: the same report as the desktop', async () => {
    const files = [1, 3, 5].map((g) => `examples/chat-generations/gen${g}.jsonl`);
    assert.deepEqual(await webReport(files, root), desktopReport(files, root));
  });

  test('Parquet generations: the same report as the desktop', async () => {
    const files = [1, 2, 3].map((g) => `test/fixtures/layouts/hf-parquet-text/gen-${g}.parquet`);
    assert.deepEqual(await webReport(files, root), desktopReport(files, root));
  });

  test('gzip, one member and several (appended): the same report as the desktop', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-web-'));
    try {
      const files: string[] = [];
      for (const g of [1, 2, 3]) {
        const text = fs.readFileSync(path.join(root, 'examples', 'chat-generations', `gen${g}.jsonl`));
        const half = text.indexOf(0x0a, text.length >> 1) + 1;
        // gen2 is two members, as gzip.open(…, 'ab') writes a file appended to twice.
        const bytes = g === 2 ? Buffer.concat([zlib.gzipSync(text.subarray(0, half)), zlib.gzipSync(text.subarray(half))]) : zlib.gzipSync(text);
        fs.writeFileSync(path.join(dir, `gen${g}.jsonl.gz`), bytes);
        files.push(`gen${g}.jsonl.gz`);
      }
      assert.deepEqual(await webReport(files, dir), desktopReport(files, dir));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
