// Seeded fuzz of detection and field paths through the analysis: random nested records
// (message lists, content blocks, arrays of arrays, prototype keys) and random or mutated
// paths as --text-field. Whatever comes in, the analysis gives a report or an InputError
// with a one-line message, never another error.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeFiles, InputError } from '../../../src/core/analyze';
import { detectFields, DetectionError } from '../../../src/core/detect';
import { Random } from '../../../src/core/random';

const rng = new Random(9);
const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
const KEYS = ['role', 'content', 'text', 'choices', 'messages', 'output', 'from', 'value', 'parts', 'type', 'prompt', 'doc', 'id', 'generation', '__proto__', 'constructor', 'a b', 'x.y'];
const ROLES = ['assistant', 'user', 'system', 'gpt', 'human', 'model', 'tool', ''];

function value(depth: number): unknown {
  const k = rng.int(depth > 4 ? 6 : 11);
  switch (k) {
    case 0: return null;
    case 1: return rng.next() < 0.5;
    case 2: return rng.int(100) - 50;
    case 3: return pick(['the cat sat', 'a dog ran far away', 'same answer', '', '\u2028', 'x'.repeat(rng.int(300))]);
    case 4: return rng.next() * 10;
    case 5: return Array.from({ length: rng.int(4) + 1 }, () => rng.next());
    case 6: return Array.from({ length: rng.int(4) }, () => ({ role: pick(ROLES), content: value(depth + 1) }));
    case 7: return Array.from({ length: rng.int(3) }, () => (rng.next() < 0.7 ? { type: 'text', text: pick(['one', 'two three']) } : { type: 'image' }));
    case 8: return Array.from({ length: rng.int(3) }, () => value(depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = rng.int(5); i > 0; i--) Object.defineProperty(o, pick(KEYS), { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
      return o;
    }
  }
}

function record(): Record<string, unknown> {
  const v = value(0);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { v };
}

const PATHS = ['choices[*].message.content', "messages[?@.role=='assistant'].content", 'messages[-1].content', 'output', 'a b', "['x.y']", 'content[*].text', 'doc.*', '$', '@', 'a..b', 'x[0', "m[?@.r=='", 'choices[1:2]', '__proto__', 'constructor'];
function randomPath(): string {
  let p = pick(PATHS);
  for (let i = rng.int(3); i > 0; i--) {
    const at = rng.int(p.length + 1);
    p = p.slice(0, at) + pick(['.', '[', ']', '*', '?', '@', "'", '0', '-', 'a', '']) + p.slice(at + rng.int(2));
  }
  return p;
}

describe('fuzz: detection and field paths on random nested records', () => {
  test('detectFields on 400 random samples never throws anything but a DetectionError, and its paths evaluate', () => {
    for (let i = 0; i < 400; i++) {
      const sample = Array.from({ length: 1 + rng.int(30) }, record);
      const overrides = rng.next() < 0.3 ? { text: randomPath() } : {};
      try {
        const d = detectFields(sample, overrides);
        for (const p of Object.values(d.paths)) for (const r of sample) p?.select(r);
      } catch (e) {
        assert.ok(e instanceof DetectionError, `sample ${i}: ${String(e)}`);
      }
    }
  });

  test('the analysis of 60 random files with random --text-field paths gives a report or a one-line InputError', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-fuzz-layouts-'));
    for (let i = 0; i < 60; i++) {
      const files = Array.from({ length: 1 + rng.int(3) }, (_, g) => {
        const file = path.join(dir, `f${i}-gen${g}.${pick(['jsonl', 'json'])}`);
        const rows = Array.from({ length: 1 + rng.int(40) }, record);
        const nested = file.endsWith('.json') && rng.next() < 0.5;
        fs.writeFileSync(file, file.endsWith('.json') ? JSON.stringify(nested ? { meta: [{ a: 1 }], samples: rows } : rng.next() < 0.5 ? rows : [rows.slice(0, 3), rows.slice(3)]) : rows.map((r) => JSON.stringify(r)).join('\n'));
        return { file, display: path.basename(file) };
      });
      const options = rng.next() < 0.5 ? { fields: { text: randomPath() } } : {};
      try {
        const { report } = await analyzeFiles(files, options);
        assert.ok(report.groups.length >= 1);
        for (const g of report.groups) for (const v of Object.values(g.metrics)) assert.ok(Number.isFinite(v));
      } catch (e) {
        assert.ok(e instanceof InputError, `case ${i}: ${String((e as Error).stack)}`);
        assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
      }
    }
  });
});
