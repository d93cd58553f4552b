#!/usr/bin/env node
// Copies the walkthrough's pictures that the UI flows took in the real workbench
// (test-results/screens/walkthrough/, see test/e2e/ui-flows.ts) into media/walkthrough/,
// refusing any over 150 KB: the walkthrough ships in the extension package.
//   node scripts/test-host.mjs ui && node scripts/walkthrough-images.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const from = path.join(root, 'test-results', 'screens', 'walkthrough');
const to = path.join(root, 'media', 'walkthrough');
const NAMES = ['scenario.png', 'problems.png', 'report.png', 'analyze.png'];
const LIMIT = 150 * 1024;

let failed = 0;
for (const name of NAMES) {
  const source = path.join(from, name);
  if (!fs.existsSync(source)) {
    console.error(`missing ${path.relative(root, source)}: run the UI flows first (node scripts/test-host.mjs ui)`);
    failed++;
    continue;
  }
  const bytes = fs.statSync(source).size;
  if (bytes >= LIMIT) {
    console.error(`${name} is ${(bytes / 1024).toFixed(0)} KB, over 150 KB: crop it in test/e2e/ui-flows.ts`);
    failed++;
    continue;
  }
  fs.mkdirSync(to, { recursive: true });
  fs.copyFileSync(source, path.join(to, name));
  console.log(`media/walkthrough/${name}  ${(bytes / 1024).toFixed(0)} KB`);
}
process.exit(failed ? 1 : 0);
