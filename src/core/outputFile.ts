// Writing a report to a file the user named (`--out`) without ever destroying their data:
// the name is resolved through links first, so a link to an input is recognised as that
// input; only a regular file is replaced, and only by renaming a finished temporary file
// over it, so a failed write leaves the old file (or nothing) behind, never half a report.
// Missing folders are made one at a time (a recursive mkdir loops forever on some paths,
// such as under /proc), and the whole write is bounded in time.
import { constants, promises as fs, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

/**
 * A refused or failed write. The message is a predicate meant to follow the name the user
 * gave (`report.json is a folder; …`) and says what to do.
 */
export class OutputError extends Error {
  override readonly name = 'OutputError';

  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** No component chain is longer than this; a loop beyond it means something is wrong. */
const MAX_DEPTH = 4096;

const errno = (e: unknown): string | undefined => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** A write error as a predicate that says what to do. */
export function describeWriteError(e: unknown, what = 'cannot be written'): OutputError {
  if (e instanceof OutputError) return e;
  const code = errno(e);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return new OutputError(`${what}: permission denied; choose another --out`, code);
    case 'EROFS':
      return new OutputError(`${what}: the file system is read-only; choose another --out`, code);
    case 'ENOSPC':
    case 'EDQUOT':
      return new OutputError(`${what}: the disk is full`, code);
    case 'ENOTDIR':
      return new OutputError(`${what}: a folder on its path is a file; choose another --out`, code);
    case 'ENOENT':
      return new OutputError(`${what}: its folder does not exist and cannot be made; choose another --out`, code);
    case 'ENAMETOOLONG':
      return new OutputError(`${what}: the name is too long; choose a shorter --out`, code);
    case 'ELOOP':
      return new OutputError(`${what}: its path has a loop of symbolic links; choose another --out`, code);
    default:
      return new OutputError(`${what} (${code ?? (e instanceof Error ? e.message : String(e))}); choose another --out`, code);
  }
}

/**
 * The nearest folder of `dir` (itself included) that exists, and the names below it that do
 * not. A file (or a link to one) in the way is an OutputError.
 */
async function existingAncestor(dir: string): Promise<{ existing: string; missing: string[] }> {
  const missing: string[] = [];
  let d = path.resolve(dir);
  for (let i = 0; i < MAX_DEPTH; i++) {
    let s: Stats;
    try {
      s = await fs.stat(d);
    } catch (e) {
      const code = errno(e);
      if (code === 'ENOENT') {
        const up = path.dirname(d);
        if (up === d) throw new OutputError('has no existing folder above it; choose another --out', code);
        missing.unshift(path.basename(d));
        d = up;
        continue;
      }
      if (code === 'ENOTDIR') throw new OutputError('is under a file, not a folder; choose another --out', code);
      throw describeWriteError(e, 'cannot be reached');
    }
    if (!s.isDirectory()) throw new OutputError(`is under ${d}, which is a file, not a folder; choose another --out`, 'ENOTDIR');
    return { existing: d, missing };
  }
  throw new OutputError('has too deep a path; choose another --out', 'ENAMETOOLONG');
}

/**
 * Makes `dir` and any missing folder above it, one at a time; resolves to its real path.
 * With `create: false` only checks that it could be made: the nearest existing folder above
 * it is a folder. The folders made are added to `created`.
 */
export async function ensureFolder(dir: string, create = true, created: string[] = []): Promise<string> {
  const { existing, missing } = await existingAncestor(dir);
  let real = await fs.realpath(existing);
  for (const name of missing) {
    real = path.join(real, name);
    if (!create) continue;
    try {
      await fs.mkdir(real);
      created.push(real);
    } catch (e) {
      const code = errno(e);
      if (code === 'EEXIST' && (await fs.stat(real).then((s) => s.isDirectory(), () => false))) continue;
      const reason = { EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'the file system is read-only', ENOSPC: 'the disk is full' }[code ?? ''] ?? code ?? String(e);
      throw new OutputError(`is in a folder that cannot be made (${real}: ${reason}); choose another --out`, code);
    }
  }
  return real;
}

export interface ResolvedOutput {
  /** The real path that will be written: links resolved, folders above it real. */
  path: string;
  /** The file now there, when there is one (always a regular file). */
  existing?: Stats;
}

/**
 * Where writing `target` would put the data, refusing a folder, a device, a pipe, a link to
 * nothing, and any file that is one of `inputs` (by real path or by identity: a hard link or
 * another spelling on a case-insensitive disk). `create` makes missing folders.
 */
export async function resolveOutput(target: string, inputs: readonly string[], create: boolean, created: string[] = []): Promise<ResolvedOutput> {
  const abs = path.resolve(target);
  let link: Stats | undefined;
  try {
    link = await fs.lstat(abs);
  } catch (e) {
    const code = errno(e);
    if (code === 'ENOTDIR') throw new OutputError('is under a file, not a folder; choose another --out', code);
    if (code !== 'ENOENT') throw describeWriteError(e, 'cannot be reached');
  }
  let resolved: ResolvedOutput;
  if (link) {
    let real: string;
    try {
      real = await fs.realpath(abs);
    } catch (e) {
      if (errno(e) === 'ENOENT') throw new OutputError('is a symbolic link to a file that does not exist; choose another --out', 'ENOENT');
      throw describeWriteError(e, 'cannot be reached');
    }
    const s = await fs.stat(real);
    if (s.isDirectory()) throw new OutputError('is a folder; name a file inside it', 'EISDIR');
    if (!s.isFile()) throw new OutputError('is not a regular file (a device, pipe or socket); choose another --out', 'ENOTREG');
    resolved = { path: real, existing: s };
  } else {
    const folder = await ensureFolder(path.dirname(abs), create, created);
    resolved = { path: path.join(folder, path.basename(abs)) };
  }
  for (const input of inputs) {
    const real = await fs.realpath(input).catch(() => path.resolve(input));
    if (real === resolved.path) throw new OutputError('is one of the input files; write the output to another file', 'EINPUT');
    if (resolved.existing) {
      const s = await fs.stat(real).catch(() => undefined);
      if (s && s.dev === resolved.existing.dev && s.ino === resolved.existing.ino) {
        throw new OutputError('is one of the input files (another name for it); write the output to another file', 'EINPUT');
      }
    }
  }
  return resolved;
}

export interface WriteOutputOptions {
  /** Files that must not be overwritten (the inputs). */
  inputs?: readonly string[];
  /** Longest the whole write may take (default 60 s). */
  timeoutMs?: number;
}

export const DEFAULT_WRITE_TIMEOUT_MS = 60_000;

/**
 * Writes `data` to `target` through a temporary file in the same folder, renamed over the
 * target when complete. Every failure is an OutputError; resolves to the real path written.
 */
export async function writeOutputFile(target: string, data: string | Uint8Array, options: WriteOutputOptions = {}): Promise<string> {
  const ms = options.timeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OutputError(`could not be written within ${Math.round(ms / 1000)} seconds; choose another --out`, 'ETIMEDOUT')), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([write(target, data, options.inputs ?? []), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

async function write(target: string, data: string | Uint8Array, inputs: readonly string[]): Promise<string> {
  const created: string[] = [];
  try {
    return await writeResolved(await resolveOutput(target, inputs, true, created), data);
  } catch (e) {
    // A refused or failed write leaves no folder of its own behind.
    for (const dir of created.reverse()) await fs.rmdir(dir).catch(() => undefined);
    throw e;
  }
}

async function writeResolved(out: ResolvedOutput, data: string | Uint8Array): Promise<string> {
  const dir = path.dirname(out.path);
  const temp = path.join(dir, `.${path.basename(out.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const mode = out.existing ? out.existing.mode & 0o777 : 0o666;
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, mode);
    await handle.writeFile(data);
    await handle.close();
    handle = undefined;
    await fs.rename(temp, out.path);
    return out.path;
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await fs.unlink(temp).catch(() => undefined);
    throw describeWriteError(e);
  }
}
