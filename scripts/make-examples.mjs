#!/usr/bin/env node
// Writes the example files in examples/ (committed; rerun to regenerate them identically).
// They look like what ML engineers keep: chat completions per generation, a classifier's
// eval dump with a generation column, and embeddings per training round.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'examples');
let state = 20261125;
const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
const pick = (a) => a[Math.floor(rand() * a.length)];
const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

const subjects = ['The river', 'A quiet village', 'The old lighthouse', 'My grandmother', 'The market square', 'A stray cat', 'The night train', 'An abandoned mill', 'The orchard', 'A paper boat', 'The winter sky', 'A lost letter'];
const verbs = ['remembers', 'hides', 'carries', 'watches', 'forgets', 'gathers', 'whispers about', 'waits for', 'follows', 'keeps'];
const objects = ['the first snow', 'a broken compass', 'songs nobody sings anymore', 'the smell of rain', 'every ship that passed', 'a door painted blue', 'the last summer', 'footsteps on the stairs', 'a map without names', 'the sound of bells'];
const endings = ['until morning comes.', 'and nobody asks why.', 'like it always has.', 'before the tide turns.', 'while the town sleeps.', 'in a language of its own.'];
const template = 'The story is about a journey and a lesson learned.';
const prompts = ['Write one sentence about a place.', 'Describe a memory in one line.', 'Tell a very short story.', 'Write an opening line for a novel.'];

fs.mkdirSync(path.join(out, 'chat-generations'), { recursive: true });
for (let g = 1; g <= 5; g++) {
  const keep = Math.max(3, Math.round(subjects.length * (1 - 0.2 * (g - 1))));
  const templ = [0, 0.05, 0.2, 0.4, 0.6][g - 1];
  const lines = [];
  for (let i = 0; i < 200; i++) {
    let completion;
    if (rand() < templ) completion = template;
    else completion = `${pick(subjects.slice(0, keep))} ${pick(verbs.slice(0, Math.max(2, 10 - 2 * g)))} ${pick(objects.slice(0, Math.max(2, 10 - 2 * g)))} ${pick(endings)}`;
    const score = Math.round((0.7 + 0.15 * normal() / g) * 1000) / 1000;
    lines.push(JSON.stringify({ id: `g${g}-${String(i).padStart(3, '0')}`, prompt: pick(prompts), completion, score }));
  }
  fs.writeFileSync(path.join(out, 'chat-generations', `gen${g}.jsonl`), lines.join('\n') + '\n');
}

const classes = ['billing', 'shipping', 'returns', 'technical', 'other'];
const rows = ['id,generation,label,prediction,confidence'];
for (let g = 0; g < 6; g++) {
  for (let i = 0; i < 150; i++) {
    const label = pick(classes);
    const collapse = 0.08 * g * g;
    const prediction = rand() < collapse ? 'billing' : rand() < 0.9 ? label : pick(classes);
    rows.push(`${g * 1000 + i},${g},${label},${prediction},${(0.55 + 0.4 * rand()).toFixed(3)}`);
  }
}
fs.writeFileSync(path.join(out, 'classifier-eval.csv'), rows.join('\n') + '\n');

const emb = [];
const d = 16;
const centres = Array.from({ length: 6 }, () => Array.from({ length: d }, () => normal() * 2));
for (let r = 0; r < 5; r++) {
  const modes = Math.max(1, 6 - r * 1.4 | 0);
  const spread = 1 / (1 + r);
  for (let i = 0; i < 120; i++) {
    const c = centres[Math.floor(rand() * modes)];
    const v = c.map((x) => Math.round((x + normal() * spread) * 1e4) / 1e4);
    emb.push(JSON.stringify({ round: r, id: `${r}-${i}`, embedding: v }));
  }
}
fs.writeFileSync(path.join(out, 'embeddings.jsonl'), emb.join('\n') + '\n');
console.log('examples written');
