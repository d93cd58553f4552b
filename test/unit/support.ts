// Shared by the unit tests: where the repository is, and the InputError assertion of the readers.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../src/core/readers/types';

/** The folder with package.json and test/fixtures above the test, or above the working directory (a test bundled elsewhere). */
export function repoRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'test', 'fixtures'))) return dir;
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new Error('package.json not found above the test or the working directory');
}

/** Awaits `run` and asserts it rejects with an InputError whose message matches. */
export async function inputError(run: Promise<unknown>, message: RegExp): Promise<InputError> {
  try {
    await run;
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected an InputError matching ${message}`);
}
