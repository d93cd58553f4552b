// Runs the CLI's main() in process with captured stdout and stderr: shared by the tests that drive
// the command line (kept apart from support.ts so other tests do not bundle the CLI).
import { PassThrough, type Writable } from 'node:stream';
import { main } from '../../src/cli';
import { repoRoot } from './support';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `collapse-lens ARGS` in `cwd` (the repository by default). `tty` makes stdout and stderr
 * terminals (`stderrTty` sets stderr apart); a given stream replaces the captured one. The
 * environment is `env`, empty by default, so NO_COLOR and FORCE_COLOR from the test runner's
 * own environment do not reach the output.
 */
export async function runCli(
  args: string[],
  options: { cwd?: string; tty?: boolean; stderrTty?: boolean; env?: Record<string, string>; stdout?: Writable; stderr?: Writable } = {},
): Promise<CliRun> {
  const stdout = (options.stdout ?? new PassThrough()) as PassThrough & { isTTY?: boolean };
  const stderr = (options.stderr ?? new PassThrough()) as PassThrough & { isTTY?: boolean };
  stdout.isTTY = options.tty ?? false;
  stderr.isTTY = options.stderrTty ?? options.tty ?? false;
  let out = '';
  let err = '';
  if (!options.stdout) stdout.on('data', (d) => (out += d));
  if (!options.stderr) stderr.on('data', (d) => (err += d));
  const code = await main(args, { stdout, stderr, cwd: options.cwd ?? repoRoot(), env: options.env ?? {} });
  return { code, stdout: out, stderr: err };
}
