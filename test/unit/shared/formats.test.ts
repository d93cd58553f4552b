// Supported file types (src/shared/formats.ts), one list: the menus' when clauses, the
// workspace glob and the readers agree with it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_INCLUDE, FORMAT_BY_EXTENSION, GZIP_EXTENSIONS, stripDataExtension, SUPPORTED_FILE, WHEN_EXTNAME, WHEN_GZIP_FILENAME } from '../../../src/shared/formats';
import { formatFromPath } from '../../../src/core/readers/index';
import { repoRoot } from '../support';

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8'));

describe('supported file types, one list', () => {
  test('every menu when clause of package.json names exactly the extensions of src/shared/formats.ts', () => {
    const whens: string[] = Object.values(manifest.contributes.menus as Record<string, { when?: string }[]>)
      .flat()
      .map((m) => m.when ?? '')
      .filter((w) => w.includes('resourceExtname'));
    assert.ok(whens.length >= 4);
    for (const w of whens) {
      assert.ok(w.includes(`resourceExtname =~ ${WHEN_EXTNAME}`), w);
      assert.ok(w.includes(`resourceFilename =~ ${WHEN_GZIP_FILENAME}`), w);
    }
  });

  test('the Analyze Workspace default glob is the shared one', () => {
    const sections = manifest.contributes.configuration as { properties: Record<string, { default?: unknown }> }[];
    const include = sections.map((s) => s.properties['collapseLens.include']).find((p) => p !== undefined);
    assert.equal(include?.default, DEFAULT_INCLUDE);
  });

  test('readers, host and names agree: every extension is read, gzip only where allowed', () => {
    for (const [ext, format] of Object.entries(FORMAT_BY_EXTENSION)) {
      assert.deepEqual(formatFromPath(`a/gen-1${ext.toUpperCase()}`), { format, compressed: false });
      assert.ok(SUPPORTED_FILE.test(`gen-1${ext}`));
      assert.equal(stripDataExtension(`gen-1${ext}`), 'gen-1');
      const gz = GZIP_EXTENSIONS.includes(ext);
      assert.deepEqual(formatFromPath(`gen-1${ext}.gz`), gz ? { format, compressed: true } : undefined);
      assert.equal(SUPPORTED_FILE.test(`gen-1${ext}.gz`), gz);
    }
    assert.equal(SUPPORTED_FILE.test('notes.txt'), false);
  });
});
