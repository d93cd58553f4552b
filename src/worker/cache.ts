// The stored states of incremental re-analysis (core/analysis/incremental.ts) on the desktop:
// one gzip-compressed JSON file per key in a folder of the extension's storage, which the host
// names; the least recently used files go when the folder grows past its bound. Files are
// told apart by their size and modification time. cache.web.ts is the web build's
// counterpart, where there is no such folder and every file is read.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { AnalyzeInput } from '../core/analysis/read';
import type { CachedRead, FileIdentity, IncrementalOptions, PartialCache } from '../core/analysis/incremental';
import { FileThreads } from './fileThreads';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const SUFFIX = '.json.gz';
/** Files being written (another run may write at the same time): renamed into place when complete. */
const PARTIAL_SUFFIX = '.tmp';
/** A file being written for longer than this was left by a run that stopped: removed when pruning. */
const STALE_TMP_MS = 60 * 60 * 1000;

/** What is written: the key itself, so two keys with one hash never mix. */
interface StoredEntry {
  key: string;
  value: CachedRead;
}

export class DiskPartialCache implements PartialCache {
  private written = false;
  private readonly pending: Promise<void>[] = [];

  constructor(readonly dir: string, readonly maxBytes: number) {}

  private fileOf(key: string): string {
    return path.join(this.dir, createHash('sha256').update(key).digest('hex') + SUFFIX);
  }

  async get(key: string): Promise<CachedRead | undefined> {
    const file = this.fileOf(key);
    let entry: StoredEntry;
    try {
      entry = JSON.parse((await gunzipAsync(await readFile(file))).toString('utf8')) as StoredEntry;
    } catch {
      return undefined;
    }
    if (!entry || entry.key !== key || !entry.value) return undefined;
    // Used now: the least recently used go first when the folder is full.
    const now = new Date();
    await utimes(file, now, now).catch(() => undefined);
    return entry.value;
  }

  /**
   * Stores a state. The value is serialised now (the caller may change it afterwards), and
   * compressed and written in the background: `flush` (which `prune` calls) waits for that.
   */
  async set(key: string, value: CachedRead): Promise<void> {
    const json = Buffer.from(JSON.stringify({ key, value } satisfies StoredEntry), 'utf8');
    this.pending.push(this.write(key, json).catch(() => undefined));
  }

  private async write(key: string, json: Buffer): Promise<void> {
    const bytes = await gzipAsync(json, { level: 1 });
    if (bytes.byteLength > this.maxBytes) return;
    await mkdir(this.dir, { recursive: true });
    const file = this.fileOf(key);
    const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}${PARTIAL_SUFFIX}`;
    await writeFile(tmp, bytes);
    await rename(tmp, file).catch(async (e: unknown) => {
      await rm(tmp, { force: true });
      throw e;
    });
    this.written = true;
  }

  /** Waits for the states being written. */
  async flush(): Promise<void> {
    while (this.pending.length) await Promise.all(this.pending.splice(0));
  }

  /** Removes the least recently used states until the folder is within its bound (after a run that wrote some). */
  async prune(): Promise<void> {
    await this.flush();
    if (!this.written) return;
    this.written = false;
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    const now = Date.now();
    const files: { file: string; size: number; used: number }[] = [];
    for (const name of names) {
      const file = path.join(this.dir, name);
      const s = await stat(file).catch(() => undefined);
      if (!s?.isFile()) continue;
      if (name.endsWith(PARTIAL_SUFFIX)) {
        if (now - s.mtimeMs > STALE_TMP_MS) await rm(file, { force: true });
        continue;
      }
      if (name.endsWith(SUFFIX)) files.push({ file, size: s.size, used: s.mtimeMs });
    }
    let total = files.reduce((a, f) => a + f.size, 0);
    for (const f of files.sort((a, b) => a.used - b.used)) {
      if (total <= this.maxBytes) break;
      await rm(f.file, { force: true });
      total -= f.size;
    }
  }
}

/** The stored states of a run and how it tells files apart. */
export interface StateFolder {
  cache: PartialCache & { prune(): Promise<void> };
  identify: (input: AnalyzeInput) => Promise<FileIdentity | undefined>;
  /** Up to `size` analysis threads on `script` to read files with (close them after the job). */
  fileReader(script: string, size: number, signal: AbortSignal | undefined): { read: NonNullable<IncrementalOptions['readFile']>; close(): Promise<void> };
}

/** The stored states in `dir` (undefined: none, every file is read). */
export function partialCache(dir: string | undefined, maxBytes: number): StateFolder | undefined {
  if (!dir) return undefined;
  return {
    cache: new DiskPartialCache(dir, maxBytes),
    identify: async (input) => {
      if (input.open) return undefined;
      const s = await stat(input.file);
      return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : undefined;
    },
    fileReader: (script, size, signal) => new FileThreads(script, size, signal),
  };
}
