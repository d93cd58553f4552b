// Cross-cutting suite (no single module): syntactic templates from the texts to the report.
// End to end: a generation that writes every output in one sentence structure with new
// words keeps its distinct-n, and the syntactic-template metrics flag it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { analyzeFiles } from '../../../src/core/analyze';
import { formatText } from '../../../src/core/format/text';
import { formatJson } from '../../../src/core/format/json';
import { repoRoot } from '../support';

let state = 11;
const rnd = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
const pick = (list: readonly string[]) => list[Math.floor(rnd() * list.length)]!;

type Words = Record<'adj' | 'noun' | 'verb' | 'past' | 'adv' | 'name', readonly string[]>;

const OLD: Words = {
  adj: ['quiet', 'bright', 'old', 'small', 'heavy', 'cold', 'green', 'empty', 'narrow', 'warm', 'gentle', 'broken', 'golden', 'silent', 'distant'],
  noun: ['river', 'window', 'garden', 'teacher', 'door', 'letter', 'bridge', 'farmer', 'table', 'horse', 'village', 'lantern', 'road', 'sailor', 'kitchen'],
  verb: ['carries', 'watches', 'finds', 'holds', 'paints', 'follows', 'opens', 'moves', 'builds', 'remembers', 'visits', 'guards', 'hides', 'crosses', 'fixes'],
  past: ['carried', 'watched', 'found', 'held', 'painted', 'followed', 'opened', 'moved', 'built', 'remembered', 'visited', 'guarded', 'hid', 'crossed', 'fixed'],
  adv: ['slowly', 'quietly', 'often', 'rarely', 'always', 'carefully', 'gladly', 'suddenly'],
  name: ['Anna', 'Tom', 'Maria', 'Peter', 'Lucy', 'James'],
};

// New words: as many of each class as make distinct-2 come out as the baseline's.
const NEW: Words = {
  adj: ['tall', 'rusty', 'silver', 'tired', 'busy', 'wooden', 'frozen', 'lonely', 'crowded', 'shiny', 'dusty', 'proud', 'hungry', 'clever', 'muddy', 'bitter', 'curious'],
  noun: ['baker', 'tower', 'meadow', 'doctor', 'wagon', 'candle', 'harbor', 'soldier', 'chair', 'goat', 'market', 'engine', 'valley', 'painter', 'cellar', 'blanket', 'captain'],
  verb: ['pulls', 'greets', 'drops', 'lifts', 'chases', 'climbs', 'carves', 'sells', 'checks', 'mends', 'admires', 'borrows', 'catches', 'describes', 'forgets', 'ignores', 'invites'],
  past: OLD.past,
  adv: OLD.adv,
  name: OLD.name,
};

/** Eight sentence structures; the first is the one the templated generation keeps. */
const FRAMES: ((w: Words) => string)[] = [
  (w) => `The ${pick(w.adj)} ${pick(w.noun)} ${pick(w.verb)} the ${pick(w.adj)} ${pick(w.noun)}.`,
  (w) => `${pick(w.name)} ${pick(w.adv)} ${pick(w.past)} a ${pick(w.noun)} near the ${pick(w.noun)}.`,
  (w) => `Why does the ${pick(w.noun)} look so ${pick(w.adj)} today?`,
  (w) => `In the ${pick(w.noun)}, ${pick(w.name)} ${pick(w.past)} the ${pick(w.noun)} because it was ${pick(w.adj)}.`,
  (w) => `She said that the ${pick(w.noun)} was ${pick(w.adj)} and ${pick(w.adj)}.`,
  (w) => `Every ${pick(w.noun)} ${pick(w.verb)} ${pick(w.adv)} when the ${pick(w.noun)} is ${pick(w.adj)}.`,
  (w) => `After ${pick(w.name)} ${pick(w.past)} it, nobody ${pick(w.past)} the ${pick(w.adj)} ${pick(w.noun)} again.`,
  (w) => `There is a ${pick(w.adj)} ${pick(w.noun)} behind our ${pick(w.noun)}.`,
];

const varied = (n: number, words: Words) => Array.from({ length: n }, () => FRAMES[Math.floor(rnd() * FRAMES.length)]!(words));
const oneStructure = (n: number, words: Words) => Array.from({ length: n }, () => FRAMES[0]!(words));

function write(files: Record<string, string[]>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-templates-'));
  for (const [name, texts] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), texts.map((output) => JSON.stringify({ output })).join('\n') + '\n');
  return dir;
}

const schema = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'schemas', 'report.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

describe('syntactic templates end to end', () => {
  test('one structure with new words: distinct-2 barely moves, diversity-drop names POS n-gram diversity and points at the template', async () => {
    const dir = write({ 'gen1.jsonl': varied(300, OLD), 'gen2.jsonl': oneStructure(300, NEW) });
    const inputs = ['gen1.jsonl', 'gen2.jsonl'].map((f) => ({ file: path.join(dir, f), display: f }));
    const { report } = await analyzeFiles(inputs);
    const [g1, g2] = report.groups;
    const d2 = (g2!.metrics.distinct_2! - g1!.metrics.distinct_2!) / g1!.metrics.distinct_2!;
    assert.ok(Math.abs(d2) < 0.1, `distinct-2 moved ${(d2 * 100).toFixed(1)}%`);
    const pos = 1 - g2!.metrics.pos_ngram_diversity! / g1!.metrics.pos_ngram_diversity!;
    assert.ok(pos >= 0.5, `POS n-gram diversity fell ${(pos * 100).toFixed(0)}%`);
    assert.ok(g2!.metrics.template_rate! >= g1!.metrics.template_rate!);

    const drop = report.findings.find((f) => f.rule === 'diversity-drop');
    assert.ok(drop, 'a diversity-drop finding');
    assert.equal(drop.severity, 'error');
    // The largest fall of all the text metrics, so the finding names it first.
    assert.match(drop.message, /by generation gen2: POS n-gram diversity −\d+%/);
    assert.equal(drop.group, 'gen2');

    // The top template of the templated generation is in (nearly) every output, with an
    // example at a line whose output holds the words it matched.
    const top = g2!.templates![0]!;
    assert.ok(top.share >= 0.9, `${top.pattern} in ${top.share}`);
    assert.equal(top.example.location.file, 'gen2.jsonl');
    const line = fs.readFileSync(path.join(dir, 'gen2.jsonl'), 'utf8').split('\n')[top.example.location.line - 1]!;
    const output = JSON.parse(line).output as string;
    assert.equal(top.example.text, output);
    for (const word of top.example.match.split(' ')) assert.ok(output.includes(word), `${word} in ${output}`);
    const related = drop.related?.find((r) => r.message.startsWith('The commonest syntactic template in generation gen2'));
    assert.ok(related, 'related information at the template');
    assert.deepEqual(related.location, top.example.location);

    // One finding per metric: the POS n-gram diversity finding carries the template too.
    const perMetric = (await analyzeFiles(inputs, { findingMode: 'metric' })).report.findings.find((f) => f.metric === 'pos_ngram_diversity');
    assert.deepEqual(perMetric?.related?.map((r) => r.location), [report.groups[0]!.location, top.example.location]);

    assert.ok(validate(JSON.parse(formatJson(report))), JSON.stringify(validate.errors));
    assert.match(formatText(report, { color: false }), /^top templates in gen2: [A-Z]+ [A-Z]+ [A-Z]+ [A-Z]+ \(\d+%\)/m);
  });

  test('the same structures with new words: POS n-gram diversity holds', async () => {
    const dir = write({ 'gen1.jsonl': varied(300, OLD), 'gen2.jsonl': varied(300, NEW) });
    const inputs = ['gen1.jsonl', 'gen2.jsonl'].map((f) => ({ file: path.join(dir, f), display: f }));
    const { report } = await analyzeFiles(inputs);
    const [g1, g2] = report.groups;
    const pos = Math.abs(1 - g2!.metrics.pos_ngram_diversity! / g1!.metrics.pos_ngram_diversity!);
    assert.ok(pos < 0.15, `POS n-gram diversity moved ${(pos * 100).toFixed(0)}%`);
    assert.ok(!report.findings.some((f) => f.message.includes('POS n-gram diversity')));
  });
});
