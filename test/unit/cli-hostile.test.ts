// The CLI against hostile data and hostile surroundings: strings that break Vega expressions
// or terminals, --out names that point at the user's data or nowhere, scenario folders with
// planted links, readers that hang up, gzip bombs. Inputs are the smallest that show each.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { parse } from 'vega';
import { main } from '../../src/cli';
import { readRecords } from '../../src/core/readers/index';
import { hasTerminalControls, terminalSafe } from '../../src/core/terminalText';
import { PAYLOAD_ELEMENT_ID, type ReportPayload } from '../../src/shared/protocol';
import { LIGHT_PALETTE, vegaThemeConfig } from '../../src/shared/theme';
import { inputError, repoRoot } from './support';

const root = repoRoot();
const hostile = (name: string) => path.join(root, 'test', 'fixtures', 'hostile', name);
const chat = [1, 5].map((g) => path.join(root, `examples/chat-generations/gen${g}.jsonl`));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], options: { cwd?: string; tty?: boolean; stdout?: Writable; stderr?: Writable } = {}): Promise<Run> {
  const stdout = (options.stdout ?? new PassThrough()) as PassThrough & { isTTY?: boolean };
  const stderr = (options.stderr ?? new PassThrough()) as PassThrough & { isTTY?: boolean };
  stdout.isTTY = options.tty ?? false;
  stderr.isTTY = false;
  let out = '';
  let err = '';
  if (!options.stdout) stdout.on('data', (d) => (out += d));
  if (!options.stderr) stderr.on('data', (d) => (err += d));
  const code = await main(args, { stdout, stderr, cwd: options.cwd ?? root, env: {} });
  return { code, stdout: out, stderr: err };
}

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cl-${prefix}-`));
}

function listing(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    const st = fs.lstatSync(p);
    out[name] = st.isSymbolicLink() ? `-> ${fs.readlinkSync(p)}` : st.isDirectory() ? '/' : fs.readFileSync(p, 'utf8');
  }
  return out;
}

/** One line on stderr, no stack, no internal error. */
function oneLine(r: Run, what: string): void {
  assert.match(r.stderr, /^collapse-lens: [^\n]+\n$/u, `${what}: ${JSON.stringify(r.stderr)}`);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /u, what);
}

// -------------------------------------------------------------------------------------------
describe('U+2028 and U+2029 in labels, decisions and generation ids', () => {
  test('--format html writes the report; every chart parses as the page parses it', async () => {
    const dir = tmp('sep');
    const out = path.join(dir, 'r.html');
    // Two generations "run\u20281" and "run\u20292"; decisions "approve\u2028now" and "deny\u2029".
    const r = await cli(['analyze', hostile('separators.jsonl'), '--group-field', 'gen', '--format', 'html', '--out', out, '--fail-on', 'never']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `wrote ${out}\n`);
    const html = fs.readFileSync(out, 'utf8');
    const block = new RegExp(`<script type="application/json" id="${PAYLOAD_ELEMENT_ID}">([^]*?)</script>`, 'u').exec(html)![1]!;
    assert.doesNotMatch(block, /[\u2028\u2029]/u, 'escaped inside the JSON block');
    const payload = JSON.parse(block) as ReportPayload;
    assert.deepEqual(payload.result.report.groups.map((g) => g.id), ['run\u20281', 'run\u20292']);
    assert.ok(payload.charts.some((c) => c.id === 'label-shares'), 'the decisions are charted');
    for (const c of payload.charts) parse(c.spec, vegaThemeConfig(LIGHT_PALETTE), { ast: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

// -------------------------------------------------------------------------------------------
describe('control characters never reach the terminal', () => {
  // Generation ids "g\e[31m1" and "g\e]0;pwned\a2"; the second generation repeats one output
  // with ESC sequences, CR LF, RLO (U+202E) and C1 controls, which the findings quote.
  const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

  test('text report: ids, quoted outputs and file names are escaped, one line each', async () => {
    const r = await cli(['analyze', hostile('controls.jsonl'), '--group-field', 'gen', '--fail-on', 'never']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, unsafe);
    assert.ok(r.stdout.includes('g\\e]0;pwned\\a2'), 'the id is shown escaped');
    assert.match(r.stdout, /"\\e\[2J\\e\[Hcleared \\u202eevil\\x85 \\x9b31m"/u, 'the output is shown escaped');
    for (const line of r.stdout.split('\n').filter((l) => l.includes('[dominant-output]'))) assert.match(line, /^warning /u);
  });

  test('with colour, the only escape sequences are the report\'s own', async () => {
    const r = await cli(['analyze', hostile('controls.jsonl'), '--group-field', 'gen', '--fail-on', 'never'], { tty: true });
    assert.ok(r.stdout.includes('\x1b[1m'));
    assert.doesNotMatch(r.stdout.replace(/\x1b\[\d+m/gu, ''), unsafe);
  });

  test('error messages: a file name with a line break and an escape stays on one line', async () => {
    const r = await cli(['analyze', 'no\nsuch\x1b[2J.jsonl']);
    assert.equal(r.code, 2);
    oneLine(r, 'missing file');
    assert.ok(r.stderr.includes('no\\nsuch\\e[2J.jsonl'));
  });

  test('terminalSafe: every C0 and C1 control, DEL, line separators and bidi controls escaped; the rest kept', () => {
    for (let c = 0; c < 0xa0; c++) {
      const ch = String.fromCharCode(c);
      const controlled = c < 0x20 || c >= 0x7f;
      assert.equal(hasTerminalControls(ch), controlled, `U+${c.toString(16)}`);
      if (controlled) assert.doesNotMatch(terminalSafe(`a${ch}b`), unsafe);
    }
    for (const ch of ['\u061c', '\u200e', '\u200f', '\u2028', '\u2029', '\u202a', '\u202e', '\u2066', '\u2069']) assert.equal(terminalSafe(ch), `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
    assert.equal(terminalSafe('a\nb\r\tc\x1b[31m\x07'), 'a\\nb\\r\\tc\\e[31m\\a');
    assert.equal(terminalSafe('naïve — 日本 😀 C:\\data\\gen1.jsonl'), 'naïve — 日本 😀 C:\\data\\gen1.jsonl');
  });
});

// -------------------------------------------------------------------------------------------
describe('--out never destroys data', () => {
  test('a link to an input is refused and the input is unchanged', async () => {
    const dir = tmp('out-link');
    const input = path.join(dir, 'gen1.jsonl');
    fs.copyFileSync(chat[0]!, input);
    const before = fs.readFileSync(input, 'utf8');
    fs.symlinkSync(input, path.join(dir, 'link.json'));
    const r = await cli(['analyze', 'gen1.jsonl', '--format', 'json', '--out', 'link.json'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'collapse-lens: --out link.json is one of the input files; write the output to another file\n');
    assert.equal(fs.readFileSync(input, 'utf8'), before);
    // A hard link is the same file under another name.
    fs.linkSync(input, path.join(dir, 'hard.json'));
    const h = await cli(['analyze', 'gen1.jsonl', '--format', 'json', '--out', 'hard.json'], { cwd: dir });
    assert.equal(h.code, 2);
    oneLine(h, 'hard link');
    assert.equal(fs.readFileSync(input, 'utf8'), before);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a folder, a path under a file, a link to nothing: one line, exit 2, nothing written', async () => {
    const dir = tmp('out-bad');
    fs.mkdirSync(path.join(dir, 'folder'));
    fs.writeFileSync(path.join(dir, 'file.txt'), 'mine');
    fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling.json'));
    const before = listing(dir);
    const cases: [string, RegExp][] = [
      ['folder', /^collapse-lens: --out folder is a folder; name a file inside it\n$/u],
      ['file.txt/r.json', /^collapse-lens: --out file\.txt\/r\.json is under a file, not a folder; choose another --out\n$/u],
      ['file.txt/sub/r.json', /^collapse-lens: --out file\.txt\/sub\/r\.json is under a file, not a folder; choose another --out\n$/u],
      ['dangling.json', /^collapse-lens: --out dangling\.json is a symbolic link to a file that does not exist; choose another --out\n$/u],
    ];
    for (const [out, message] of cases) {
      const r = await cli(['analyze', chat[0]!, '--format', 'json', '--out', out], { cwd: dir });
      assert.equal(r.code, 2, out);
      assert.match(r.stderr, message, out);
    }
    assert.deepEqual(listing(dir), before);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a folder that cannot be made (under /proc) is refused at once, not a hang', { skip: !fs.existsSync('/proc/self') && 'no /proc', timeout: 20_000 }, async () => {
    const r = await cli(['analyze', chat[0]!, '--format', 'json', '--out', '/proc/nope/r.json']);
    assert.equal(r.code, 2);
    oneLine(r, '/proc');
    assert.match(r.stderr, /--out \/proc\/nope\/r\.json is in a folder that cannot be made/u);
  });

  test('a named pipe is not a file to write a report into (it would block)', { skip: process.platform === 'win32' && 'no mkfifo', timeout: 20_000 }, async (t) => {
    const dir = tmp('out-fifo');
    try {
      execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    } catch {
      t.skip('mkfifo is not available');
      return;
    }
    const r = await cli(['analyze', chat[0]!, '--format', 'json', '--out', 'pipe'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'collapse-lens: --out pipe is not a regular file (a device, pipe or socket); choose another --out\n');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('an existing report is replaced whole; no temporary file is left; a link to a file writes that file', async () => {
    const dir = tmp('out-replace');
    fs.writeFileSync(path.join(dir, 'r.json'), 'old');
    const r = await cli(['analyze', ...chat, '--format', 'json', '--out', 'r.json', '--fail-on', 'never'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'r.json'), 'utf8')).tool.name, 'collapse-lens');
    assert.deepEqual(fs.readdirSync(dir), ['r.json']);
    fs.mkdirSync(path.join(dir, 'reports'));
    fs.writeFileSync(path.join(dir, 'reports', 'latest.json'), 'old');
    fs.symlinkSync(path.join(dir, 'reports', 'latest.json'), path.join(dir, 'current.json'));
    assert.equal((await cli(['analyze', ...chat, '--format', 'json', '--out', 'current.json', '--fail-on', 'never'], { cwd: dir })).code, 0);
    assert.ok(fs.lstatSync(path.join(dir, 'current.json')).isSymbolicLink(), 'the link stays a link');
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'reports', 'latest.json'), 'utf8')).tool.name, 'collapse-lens');
    assert.deepEqual(fs.readdirSync(path.join(dir, 'reports')), ['latest.json']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

// -------------------------------------------------------------------------------------------
describe('scenario --out never writes through links or over what it should not', () => {
  const args = (out: string, ...more: string[]) => ['scenario', 'recommender', '--generations', '2', '--catalogue', '8', '--out', out, ...more];

  test('--force with a link planted as a generation file: refused, the link\'s target untouched, nothing written', async () => {
    const dir = tmp('sc-link');
    const outside = path.join(dir, 'precious.txt');
    fs.writeFileSync(outside, 'precious');
    assert.equal((await cli(args('s'), { cwd: dir })).code, 0);
    fs.rmSync(path.join(dir, 's', 'gen-01.jsonl'));
    fs.symlinkSync(outside, path.join(dir, 's', 'gen-01.jsonl'));
    fs.writeFileSync(path.join(dir, 's', 'gen-00.jsonl'), 'mine');
    const before = listing(path.join(dir, 's'));
    const r = await cli(args('s', '--force'), { cwd: dir });
    assert.equal(r.code, 2);
    oneLine(r, 'link');
    assert.match(r.stderr, /s holds a symbolic link where a scenario file goes \(gen-01\.jsonl\); links are never written through/u);
    assert.equal(fs.readFileSync(outside, 'utf8'), 'precious');
    assert.deepEqual(listing(path.join(dir, 's')), before, 'nothing written, not even the files before the link');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a dangling link is refused before any file is written', async () => {
    const dir = tmp('sc-dangling');
    fs.mkdirSync(path.join(dir, 's'));
    fs.symlinkSync(path.join(dir, 'elsewhere.jsonl'), path.join(dir, 's', 'gen-01.jsonl'));
    for (const force of [[], ['--force']]) {
      const r = await cli(args('s', ...force), { cwd: dir });
      assert.equal(r.code, 2);
      oneLine(r, 'dangling');
      assert.deepEqual(Object.keys(listing(path.join(dir, 's'))), ['gen-01.jsonl']);
      assert.ok(!fs.existsSync(path.join(dir, 'elsewhere.jsonl')));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('--force replaces a regular file without writing through its other names (hard links)', async () => {
    const dir = tmp('sc-hard');
    assert.equal((await cli(args('s'), { cwd: dir })).code, 0);
    const outside = path.join(dir, 'outside.jsonl');
    fs.writeFileSync(outside, 'outside');
    fs.rmSync(path.join(dir, 's', 'gen-00.jsonl'));
    fs.linkSync(outside, path.join(dir, 's', 'gen-00.jsonl'));
    const r = await cli(args('s', '--force'), { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(outside, 'utf8'), 'outside');
    assert.notEqual(fs.readFileSync(path.join(dir, 's', 'gen-00.jsonl'), 'utf8'), 'outside');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a bare --out is a usage error (no folder named "true")', async () => {
    const dir = tmp('sc-bare');
    for (const a of [['scenario', 'recommender', '--out'], ['scenario', 'recommender', '--out', '--force'], ['scenario', 'recommender', '--out=']]) {
      const r = await cli(a, { cwd: dir });
      assert.equal(r.code, 2, a.join(' '));
      oneLine(r, a.join(' '));
      assert.match(r.stderr, /--out needs/u);
    }
    assert.deepEqual(fs.readdirSync(dir), []);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a file where the folder goes: "choose another --out", not --force', async () => {
    const dir = tmp('sc-file');
    fs.writeFileSync(path.join(dir, 'taken'), 'mine');
    for (const out of ['taken', 'taken/sub']) {
      for (const force of [[], ['--force']]) {
        const r = await cli(args(out, ...force), { cwd: dir });
        assert.equal(r.code, 2);
        oneLine(r, out);
        assert.match(r.stderr, new RegExp(`^collapse-lens: --out ${out} .*choose another --out\\n$`, 'u'));
        assert.doesNotMatch(r.stderr, /--force/u);
      }
    }
    assert.equal(fs.readFileSync(path.join(dir, 'taken'), 'utf8'), 'mine');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('files already there: --force is suggested, and it helps', async () => {
    const dir = tmp('sc-exists');
    assert.equal((await cli(args('s'), { cwd: dir })).code, 0);
    const again = await cli(args('s'), { cwd: dir });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /^collapse-lens: s already holds gen-00\.jsonl, gen-01\.jsonl, README\.md; choose another --out, or add --force to replace them\n$/u);
    assert.equal((await cli(args('s', '--force'), { cwd: dir })).code, 0);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

// -------------------------------------------------------------------------------------------
describe('a reader that hangs up', () => {
  /** A stream whose every write fails as a closed pipe does. */
  const closedPipe = () =>
    new Writable({
      write(_chunk, _enc, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' }));
      },
    });

  test('EPIPE on stdout ends quietly with the exit code the command would have had', async () => {
    const list = await cli(['scenario', '--list'], { stdout: closedPipe() });
    assert.deepEqual([list.code, list.stderr], [0, '']);
    const expected = (await cli(['analyze', ...chat, '--format', 'json'])).code;
    assert.equal(expected, 1, 'the chat example has an error finding');
    const analyze = await cli(['analyze', ...chat, '--format', 'json'], { stdout: closedPipe() });
    assert.deepEqual([analyze.code, analyze.stderr], [1, '']);
    // Let a late 'error' event fire: it must not be unhandled.
    await new Promise((r) => setImmediate(r));
  });

  test('EPIPE on stderr too', async () => {
    const r = await cli(['analyze', chat[0]!, '--formt', 'json'], { stderr: closedPipe() });
    assert.equal(r.code, 2);
    await new Promise((r) => setImmediate(r));
  });

  /** Runs the built CLI with its stdout closed before it writes anything, like `| head -1`. */
  function closedEarly(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stderr }));
    });
  }

  test('the built CLI, piped into a reader that has gone: no stack, the usual exit code', { skip: !fs.existsSync(path.join(root, 'dist', 'cli.js')) && 'dist/cli.js is not built (node esbuild.js)', timeout: 60_000 }, async () => {
    assert.deepEqual(await closedEarly(['scenario', '--list']), { code: 0, signal: null, stderr: '' });
    assert.deepEqual(await closedEarly(['analyze', ...chat, '--format', 'json']), { code: 1, signal: null, stderr: '' });
  });
});

// -------------------------------------------------------------------------------------------
describe('--max-file-size', () => {
  test('a tiny positive limit is a limit of at least one byte, not "no limit"', async () => {
    const r = await cli(['analyze', chat[0]!, '--max-file-size', '0.0000001']);
    assert.equal(r.code, 2);
    oneLine(r, 'tiny limit');
    assert.match(r.stderr, /more than the 1 bytes limit/u);
    for (const bad of ['0', '-1', 'abc', 'NaN', 'Infinity', '']) {
      const b = await cli(['analyze', chat[0]!, `--max-file-size=${bad}`]);
      assert.equal(b.code, 2, bad);
      assert.match(b.stderr, /--max-file-size must be a positive number of megabytes/u, bad);
    }
  });

  /** Small gzip, large inside: 2,000 lines of JSONL, about 120 KB, compressing to a few KB. */
  const bomb = gzipSync(Buffer.from(Array.from({ length: 2000 }, (_, i) => `{"text":"the same answer again and again ${i % 7}"}\n`).join('')));
  async function* chunks(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < bytes.length; i += 512) yield bytes.subarray(i, i + 512);
  }

  test('the reader stops as soon as a gzip input decompresses past maxDecompressedBytes', async () => {
    assert.ok(bomb.length < 16 * 1024);
    let records = 0;
    const read = (async () => {
      for await (const batch of readRecords(chunks(bomb), { format: 'jsonl', compressed: true, batchSize: 64, maxDecompressedBytes: 16 * 1024 })) records += batch.records.length;
    })();
    await inputError(read, /^decompresses to more than 16\.0 KB, the file size limit; raise the limit/u);
    assert.ok(records < 1000, `stopped early (${records} records read)`);
    // Without a limit, or under a large one, everything is read.
    for (const options of [{}, { maxDecompressedBytes: 1024 * 1024 }]) {
      let all = 0;
      for await (const batch of readRecords(chunks(bomb), { format: 'jsonl', compressed: true, ...options })) all += batch.records.length;
      assert.equal(all, 2000);
    }
  });

  test(
    'the CLI applies --max-file-size to decompressed bytes',
    async () => {
      const dir = tmp('bomb');
      fs.writeFileSync(path.join(dir, 'big.jsonl.gz'), bomb);
      const r = await cli(['analyze', 'big.jsonl.gz', '--max-file-size', String(32 / 1024)], { cwd: dir });
      fs.rmSync(dir, { recursive: true, force: true });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^collapse-lens: big\.jsonl\.gz decompresses to more than 32\.0 KB/u);
    },
  );
});
