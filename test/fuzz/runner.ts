// The property runner of the fuzz layer: seeded fast-check runs inside node:test, failing
// cases saved as fixtures, and every saved fixture replayed on each run.
//
// Environment (scripts/fuzz.mjs sets these; npm test uses the defaults):
//   COLLAPSE_LENS_FUZZ_RUNS   cases across all fuzz properties (default 4000), split by the
//                             shares in SHARES below; each property runs at least 1
//   COLLAPSE_LENS_FUZZ_SEED   base seed (default 20250601); each property's own seed is derived
//                             from it and the property's name, so properties are independent
//   COLLAPSE_LENS_FUZZ_PATH   a fast-check path to replay one failure (with the seed it printed;
//                             pick the property with --test-name-pattern)
//   COLLAPSE_LENS_FUZZ_SAVE=1 save a failing property's shrunk case under test/fixtures/fuzz/
//   COLLAPSE_LENS_FUZZ_SUMMARY  file to append one JSON line per property run to
//   COLLAPSE_LENS_FUZZ_TIME_LIMIT  seconds after which a property stops starting new cases
//   COLLAPSE_LENS_FUZZ_SHRINK_SECONDS  time spent shrinking a failure (default 60); after it, the
//                             smallest failing case found so far is reported
//   COLLAPSE_LENS_FUZZ_CASE_SECONDS  overrides each property's time per case (a longer case is a hang)
//   COLLAPSE_LENS_FUZZ_GROUP_SECONDS  the same for a whole target (test file), split between its
//                             properties by share (scripts/fuzz.mjs: 10 minutes per target)
//
// A fixture is test/fixtures/fuzz/<target>--<property-slug>--<hash>.json:
//   { target, property, seed, baseSeed, path, failure, input, todo?, signature? }
// `input` is the shrunk case (encoded by codec.ts). The suite replays every fixture of a property
// against that property's check. A fixture with "todo" is a known, not yet fixed defect: its replay
// test is a node:test todo, and while it is open, a failure of the property whose message matches
// its "signature" (a regular expression) is counted, not failed, so the property keeps looking for
// other defects. When the defect is fixed, delete "todo" and "signature": the replay then guards it.
import { test, type TestContext } from 'node:test';
import { AssertionError } from 'node:assert';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { repoRoot } from '../unit/support';
import { decode, encode, preview } from './codec';

export const DEFAULT_RUNS = 4000;
export const DEFAULT_SEED = 20250601;

/**
 * Share of COLLAPSE_LENS_FUZZ_RUNS per property, by target/property key. A CLI case runs the
 * analysis twice (determinism) and costs about a hundred field-path cases, hence the split.
 */
export const SHARES: Record<string, number> = {
  'readers/any bytes': 0.3,
  'readers/chunking': 0.05,
  'fieldpath/compile': 0.15,
  'fieldpath/canonical': 0.1,
  'fieldpath/evaluate': 0.12,
  'fieldpath/canonical-evaluates-alike': 0.08,
  'cli/analyze': 0.2,
  'ranges/generation cuts': 0.03,
  'ranges/gzip spans': 0.03,
};

export interface FuzzConfig {
  totalRuns: number;
  baseSeed: number;
  path: string | undefined;
  save: boolean;
  summaryFile: string | undefined;
  timeLimitMs: number | undefined;
  groupSeconds: number | undefined;
  shrinkMs: number;
  caseMs: number | undefined;
}

export function fuzzConfig(): FuzzConfig {
  const env = process.env;
  const int = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, not ${JSON.stringify(raw)}`);
    return n;
  };
  const limit = env.COLLAPSE_LENS_FUZZ_TIME_LIMIT;
  const group = env.COLLAPSE_LENS_FUZZ_GROUP_SECONDS;
  return {
    totalRuns: Math.max(1, int('COLLAPSE_LENS_FUZZ_RUNS', DEFAULT_RUNS)),
    baseSeed: int('COLLAPSE_LENS_FUZZ_SEED', DEFAULT_SEED),
    path: env.COLLAPSE_LENS_FUZZ_PATH || undefined,
    save: env.COLLAPSE_LENS_FUZZ_SAVE === '1',
    summaryFile: env.COLLAPSE_LENS_FUZZ_SUMMARY || undefined,
    timeLimitMs: limit ? Number(limit) * 1000 : undefined,
    groupSeconds: group ? Number(group) : undefined,
    shrinkMs: int('COLLAPSE_LENS_FUZZ_SHRINK_SECONDS', 60) * 1000,
    caseMs: env.COLLAPSE_LENS_FUZZ_CASE_SECONDS ? Number(env.COLLAPSE_LENS_FUZZ_CASE_SECONDS) * 1000 : undefined,
  };
}

export const FIXTURE_DIR = path.join(repoRoot(), 'test', 'fixtures', 'fuzz');

export interface Fixture {
  file: string;
  target: string;
  property: string;
  seed?: number;
  baseSeed?: number;
  path?: string;
  failure?: string;
  todo?: string;
  signature?: string;
  input: unknown;
}

let fixtureCache: Fixture[] | undefined;
export function fixtures(): Fixture[] {
  if (fixtureCache) return fixtureCache;
  fixtureCache = [];
  if (!fs.existsSync(FIXTURE_DIR)) return fixtureCache;
  for (const name of fs.readdirSync(FIXTURE_DIR).sort()) {
    // Sidecars (`<fixture>.input.<ext>`, the raw input bytes) are for people, not for replay.
    if (!name.endsWith('.json') || name.includes('.input')) continue;
    let raw: Omit<Fixture, 'file'>;
    try {
      raw = JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, name), 'utf8')) as Omit<Fixture, 'file'>;
    } catch (error) {
      throw new Error(`test/fixtures/fuzz/${name} is not valid JSON: ${messageOf(error)}`);
    }
    if (typeof raw?.target !== 'string' || typeof raw.property !== 'string' || !('input' in raw)) continue;
    fixtureCache.push({ ...raw, file: name });
  }
  return fixtureCache;
}

/** 32-bit FNV-1a, for a property's seed. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function propertySeed(baseSeed: number, key: string): number {
  return (baseSeed ^ hash32(key)) | 0;
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const messageOf = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

export interface PropertySpec<T> {
  target: string;
  /** Key in SHARES (after `target/`) and the test's name. */
  name: string;
  /** One line on what the property says, for the test's title. */
  title: string;
  arbitrary: fc.Arbitrary<T>;
  /** Throws (an assertion) when the case breaks the property. */
  check: (input: T) => Promise<void> | void;
  /**
   * Per case; longer is a failure (a hang). With `isolate`, a case that overruns is stopped (its
   * worker terminated), so a synchronous endless loop fails the case instead of hanging the suite.
   */
  timeoutMs?: number;
  /** Run each case on a worker thread (this same test bundle, re-entered as a worker). */
  isolate?: boolean;
  /** A few words on a case for the message of a hang, e.g. `reading parquet`, so a todo signature can tell hangs apart. */
  label?: (input: T) => string;
  /** Raw files written beside a saved fixture (e.g. the input bytes), for people reproducing by hand. */
  sidecars?: (input: T) => Array<{ suffix: string; bytes: Uint8Array }>;
}

export interface PropertyResult {
  target: string;
  property: string;
  runs: number;
  failed: boolean;
  seed: number;
  baseSeed: number;
  knownIssueHits: number;
  ms: number;
  fixture?: string;
  interrupted?: boolean;
}

/** Registers the property's test and one replay test per saved fixture of it. */
export function fuzzProperty<T>(spec: PropertySpec<T>): void {
  const key = `${spec.target}/${spec.name}`;
  const share = SHARES[key];
  if (share === undefined) throw new Error(`no share for ${key} in test/fuzz/runner.ts`);
  if (inWorker) {
    serveChecks(key, spec.check as (input: unknown) => Promise<void> | void);
    return;
  }
  const timeoutMs = fuzzConfig().caseMs ?? spec.timeoutMs ?? 30_000;
  const pool = spec.isolate ? new IsolatedChecks(key) : undefined;
  const check = (input: T, ms = timeoutMs): Promise<void> | void => (pool ? pool.run(input, ms, spec.label?.(input)) : spec.check(input));
  const mine = fixtures().filter((f) => f.target === spec.target && f.property === spec.name);
  const known = mine.filter((f) => f.todo && f.signature).map((f) => ({ file: f.file, re: new RegExp(f.signature!, 's') }));

  test(`fuzz ${key}: ${spec.title}`, async (t: TestContext) => {
    const cfg = fuzzConfig();
    const runs = Math.max(1, Math.round(cfg.totalRuns * share));
    const seed = propertySeed(cfg.baseSeed, key);
    const hits = new Map<string, number>();
    // Shrinking a slow failure (a hang costs its whole timeout per try) could run for hours: once
    // the budget is spent, every further candidate passes, which ends shrinking at the smallest
    // failing case found so far.
    let failingSince: number | undefined;
    const property = fc.asyncProperty(spec.arbitrary, async (input) => {
      if (failingSince !== undefined && Date.now() - failingSince > cfg.shrinkMs) return;
      try {
        await check(input);
      } catch (error) {
        const m = messageOf(error);
        const k = known.find((x) => x.re.test(m));
        if (!k) {
          failingSince ??= Date.now();
          throw error;
        }
        hits.set(k.file, (hits.get(k.file) ?? 0) + 1);
      }
    });
    const started = Date.now();
    const params: fc.Parameters<[T]> = { numRuns: runs, seed, markInterruptAsFailure: false };
    if (!pool) params.timeout = timeoutMs;
    if (cfg.path) params.path = cfg.path;
    const groupShare = Object.entries(SHARES).filter(([k]) => k.startsWith(spec.target + '/')).reduce((a, [, v]) => a + v, 0);
    const limits = [cfg.timeLimitMs, cfg.groupSeconds ? (cfg.groupSeconds * 1000 * share) / groupShare : undefined].filter((x): x is number => x !== undefined && x > 0);
    if (limits.length) params.interruptAfterTimeLimit = Math.round(Math.min(...limits));
    let details: fc.RunDetails<[T]>;
    try {
      details = await fc.check(property, params);
    } finally {
      await pool?.close();
    }
    const ms = Date.now() - started;
    const knownIssueHits = [...hits.values()].reduce((a, b) => a + b, 0);
    const result: PropertyResult = { target: spec.target, property: spec.name, runs: details.numRuns, failed: details.failed, seed, baseSeed: cfg.baseSeed, knownIssueHits, ms };
    if (details.interrupted) result.interrupted = true;
    t.diagnostic(`${key}: ${details.numRuns} runs in ${(ms / 1000).toFixed(1)}s, seed ${seed} (base ${cfg.baseSeed})${details.interrupted ? ', stopped by the time limit' : ''}`);
    for (const [file, n] of hits) t.diagnostic(`${key}: ${n} cases matched the open defect of ${file} (todo)`);

    if (!details.failed || details.counterexample === null) {
      record(cfg, result);
      if (details.failed) assert(false, `fuzz ${key}: failed without a counterexample (seed ${seed}): ${messageOf(details.errorInstance)}`);
      return;
    }
    const input = details.counterexample[0];
    const failure = messageOf(details.errorInstance);
    let saved: string | undefined;
    if (cfg.save) saved = saveFixture(spec, input, { seed, baseSeed: cfg.baseSeed, path: details.counterexamplePath, failure });
    if (saved) result.fixture = saved;
    record(cfg, result);
    const lines = [
      `fuzz ${key} failed after ${details.numRuns} runs (seed ${seed}, base seed ${cfg.baseSeed}, path ${details.counterexamplePath}, shrunk ${details.numShrinks} times)`,
      `input: ${preview(input)}`,
      `error: ${failure.split('\n').slice(0, 25).join('\n')}`,
      saved ? `saved: test/fixtures/fuzz/${saved}` : `save it as a fixture: npm run fuzz -- --runs ${cfg.totalRuns} --seed ${cfg.baseSeed} --target ${spec.target}`,
      `replay: COLLAPSE_LENS_FUZZ_SEED=${cfg.baseSeed} COLLAPSE_LENS_FUZZ_PATH=${details.counterexamplePath} node --test --test-name-pattern=${JSON.stringify('fuzz ' + key)} out/test/unit/fuzz/${spec.target}.test.js`,
    ];
    assert(false, lines.join('\n'));
  });

  for (const f of mine) {
    const options = f.todo ? { todo: f.todo } : {};
    test(`fuzz ${key}: replays ${f.file}`, options, async () => {
      // An open defect is expected to fail: a hang need not be waited out in full.
      try {
        await check(decode(f.input) as T, f.todo ? Math.min(timeoutMs, TODO_TIMEOUT_MS) : timeoutMs);
      } finally {
        await pool?.close();
      }
    });
  }
}

const TODO_TIMEOUT_MS = 3000;

// ---------------------------------------------------------------------------------------------
// Isolation: the test bundle runs itself as a worker; fuzzProperty there serves checks.

const WORKER_FLAG = 'collapseLensFuzzWorker';
const inWorker = !isMainThread && (workerData as Record<string, unknown> | null)?.[WORKER_FLAG] === true;
const served = new Map<string, (input: unknown) => Promise<void> | void>();

interface CheckRequest {
  id: number;
  key: string;
  input: unknown;
}
interface CheckReply {
  id: number;
  ok: boolean;
  name?: string;
  message?: string;
  stack?: string;
}

function serveChecks(key: string, check: (input: unknown) => Promise<void> | void): void {
  const first = served.size === 0;
  served.set(key, check);
  if (!first || !parentPort) return;
  const port = parentPort;
  // A promise that rejects with nobody listening would crash a CLI run (Node exits on it) and
  // land in the extension host's log: a case that leaves one behind fails, and the worker lives on.
  const stray: unknown[] = [];
  process.on('unhandledRejection', (reason) => stray.push(reason));
  process.on('uncaughtException', (error) => stray.push(error));
  const settle = () => new Promise<void>((resolve) => setTimeout(() => setImmediate(resolve), 2));
  port.on('message', async (request: CheckRequest) => {
    let reply: CheckReply;
    stray.length = 0;
    try {
      const run = served.get(request.key);
      if (!run) throw new Error(`the worker has no check ${request.key}`);
      try {
        await run(request.input);
      } finally {
        await settle();
      }
      if (stray.length > 0) {
        const e = stray[0];
        throw new Error(`left an unhandled rejection or exception behind (${stray.length}): ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e)}`);
      }
      reply = { id: request.id, ok: true };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      reply = { id: request.id, ok: false, name: e.name, message: e.message, stack: e.stack ?? '' };
    }
    port.postMessage(reply);
  });
}

/** One worker running one property's cases, replaced when a case overruns its time. */
class IsolatedChecks {
  private current: { worker: Worker; pending: Map<number, (reply: CheckReply | Error) => void> } | undefined;
  private next = 0;

  constructor(private readonly key: string) {}

  private start(): NonNullable<IsolatedChecks['current']> {
    if (this.current) return this.current;
    const worker = new Worker(__filename, { workerData: { [WORKER_FLAG]: true } });
    const pending = new Map<number, (reply: CheckReply | Error) => void>();
    const me = { worker, pending };
    worker.on('message', (reply: CheckReply) => {
      const settle = pending.get(reply.id);
      pending.delete(reply.id);
      settle?.(reply);
    });
    const fail = (error: Error) => {
      for (const settle of pending.values()) settle(error);
      pending.clear();
      if (this.current === me) this.current = undefined;
    };
    worker.on('error', (e) => fail(new Error(`the fuzz worker crashed: ${e instanceof Error ? e.stack : String(e)}`)));
    worker.on('exit', (code) => fail(new Error(`the fuzz worker exited (code ${code})`)));
    this.current = me;
    return me;
  }

  run(input: unknown, timeoutMs: number, label?: string): Promise<void> {
    const me = this.start();
    const id = this.next++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        me.pending.delete(id);
        if (this.current === me) this.current = undefined;
        void me.worker.terminate();
        reject(new Error(`did not finish within ${timeoutMs / 1000} s${label ? ` ${label}` : ''} (a hang or an endless loop; its worker was stopped)`));
      }, timeoutMs);
      me.pending.set(id, (reply) => {
        clearTimeout(timer);
        if (reply instanceof Error) return reject(reply);
        if (reply.ok) return resolve();
        const e = reply.name === 'AssertionError' ? new AssertionError({ message: reply.message ?? '' }) : new Error(reply.message);
        if (reply.name !== 'AssertionError') e.name = reply.name ?? 'Error';
        e.stack = `${reply.name}: ${reply.message}\n${(reply.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).join('\n')}`;
        reject(e);
      });
      me.worker.postMessage({ id, key: this.key, input } satisfies CheckRequest);
    });
  }

  async close(): Promise<void> {
    const me = this.current;
    this.current = undefined;
    if (me) await me.worker.terminate();
  }
}

function assert(ok: boolean, message: string): asserts ok {
  if (!ok) throw new AssertionError({ message });
}

function record(cfg: FuzzConfig, result: PropertyResult): void {
  if (cfg.summaryFile) fs.appendFileSync(cfg.summaryFile, JSON.stringify(result) + '\n');
}

/** A failure's text without machine paths: the checkout's own path dropped, temporary folders as <tmp>. */
export function scrubPaths(text: string): string {
  const root = repoRoot();
  const tmp = os.tmpdir();
  return text
    .split(root + path.sep).join('')
    .split(root).join('.')
    .replace(new RegExp(tmp.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '[\\/][^\\s:)\'"]*', 'g'), '<tmp>');
}

function saveFixture<T>(spec: PropertySpec<T>, input: T, meta: { seed: number; baseSeed: number; path: string; failure: string }): string {
  const encoded = encode(input);
  const text = JSON.stringify(encoded);
  const id = crypto.createHash('sha256').update(`${spec.target}\0${spec.name}\0${text}`).digest('hex').slice(0, 10);
  const base = `${spec.target}--${slug(spec.name)}--${id}`;
  fs.mkdirSync(FIXTURE_DIR, { recursive: true });
  const fixture = {
    target: spec.target,
    property: spec.name,
    seed: meta.seed,
    baseSeed: meta.baseSeed,
    path: meta.path,
    found: new Date().toISOString().slice(0, 10),
    failure: scrubPaths(meta.failure.split('\n').slice(0, 12).join('\n')),
    input: encoded,
  };
  fs.writeFileSync(path.join(FIXTURE_DIR, `${base}.json`), JSON.stringify(fixture, null, 2) + '\n');
  for (const s of spec.sidecars?.(input) ?? []) fs.writeFileSync(path.join(FIXTURE_DIR, `${base}${s.suffix}`), s.bytes);
  return `${base}.json`;
}
