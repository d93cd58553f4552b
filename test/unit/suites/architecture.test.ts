// Cross-cutting suite (no single module): the import graph of all of src/.
// The direction of imports is the architecture (CONTRIBUTING.md, Layout): read every
// `import … from`, `export … from` and `import('…')` of src/**/*.ts (type-only ones count) and
// check that no source file reaches itself, that src/host is where `vscode` is imported, and
// that the engine (src/core, src/shared, src/worker) never imports `vscode` or the host.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support';

const root = repoRoot();

/** The source without comments; string literals stay (they hold the module names). */
function stripComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      // A string: copied whole, escapes included (a `//` inside one is no comment).
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const IMPORTS = [
  /\bimport\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?['"]([^'"]+)['"]/g,
  /\bexport\s+(?:type\s+)?(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\})\s+from\s+['"]([^'"]+)['"]/g,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** The module names a source imports, in order of appearance per kind. */
export function importsOf(source: string): string[] {
  const text = stripComments(source);
  return IMPORTS.flatMap((re) => [...text.matchAll(re)].map((m) => m[1]!));
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
const files = walk(path.join(root, 'src')).map(rel).sort();
const fileSet = new Set(files);

/**
 * The source files a module name stands for: `./x` is x.ts or x/index.ts, and also x.web.ts
 * when it has one (the web build takes that file instead).
 */
function resolve(from: string, name: string): string[] {
  if (!name.startsWith('.')) return [];
  const base = path.posix.join(path.posix.dirname(from), name);
  for (const candidate of [`${base}.ts`, `${base}/index.ts`]) {
    if (fileSet.has(candidate)) {
      const web = candidate.replace(/\.ts$/, '.web.ts');
      return fileSet.has(web) && web !== from ? [candidate, web] : [candidate];
    }
  }
  return [];
}

const sources = new Map(files.map((f) => [f, fs.readFileSync(path.join(root, f), 'utf8')]));
const names = new Map(files.map((f) => [f, importsOf(sources.get(f)!)]));
const edges = new Map(files.map((f) => [f, [...new Set(names.get(f)!.flatMap((n) => resolve(f, n)))]]));

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) === order.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!order.has(v)) visit(v);
  return found;
}

const under = (folder: string) => files.filter((f) => f.startsWith(`${folder}/`));
const importsHost = (f: string) => edges.get(f)!.some((t) => t.startsWith('src/host/'));
const importsVscode = (f: string) => names.get(f)!.includes('vscode');

describe('the import graph of src', () => {
  test('the scanner reads every form of import', () => {
    const source = [
      "import * as vscode from 'vscode';",
      "import type { A,\n  B } from './a';",
      "import './side-effect';",
      "export { c } from './c';",
      "export * from './d';",
      "type R = typeof import('./e');",
      "// import { f } from './commented';",
      "const url = 'https://example.org'; import { g } from './g';",
    ].join('\n');
    assert.deepEqual(importsOf(source).sort(), ['./a', './c', './d', './e', './g', './side-effect', 'vscode']);
  });

  test('the files and their imports were found', () => {
    assert.ok(files.includes('src/extension.ts') && files.length > 50, `${files.length} files`);
    assert.ok(edges.get('src/extension.ts')!.length > 0);
  });

  test('no source file imports itself through others (type-only imports included)', () => {
    assert.deepEqual(cycles(edges), []);
  });

  test('every file under src/host imports vscode (type-only imports count)', () => {
    assert.deepEqual(under('src/host').filter((f) => !importsVscode(f)), [], 'a file without vscode belongs in src/core, src/shared or src/worker');
  });

  test('src/core, src/shared and src/worker import neither vscode nor src/host', () => {
    const engine = [...under('src/core'), ...under('src/shared'), ...under('src/worker')];
    assert.deepEqual(engine.filter((f) => importsVscode(f) || importsHost(f)), []);
  });

  test('src/core and src/shared do not import the worker, the CLI or the extension', () => {
    const outside = (t: string) => t.startsWith('src/worker/') || t === 'src/cli.ts' || t === 'src/extension.ts';
    assert.deepEqual([...under('src/core'), ...under('src/shared')].filter((f) => edges.get(f)!.some(outside)), []);
  });
});
