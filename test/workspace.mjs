// The workspace the extension tests open: a temporary copy of test/fixtures/workspace, with
// two of the real tools' layouts of test/fixtures/layouts (an OpenAI Batch output and a
// Hugging Face chat dataset in Parquet) under layouts/, so no fixture is kept twice.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const WORKSPACE_LAYOUTS = ['openai-batch-output', 'hf-parquet-messages'];

export function makeTestWorkspace(root) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collapse-lens-ws-'));
  fs.cpSync(path.join(root, 'test', 'fixtures', 'workspace'), dir, { recursive: true });
  for (const layout of WORKSPACE_LAYOUTS) {
    fs.cpSync(path.join(root, 'test', 'fixtures', 'layouts', layout), path.join(dir, 'layouts', layout), {
      recursive: true,
      filter: (src) => !src.endsWith('layout.json'),
    });
  }
  return dir;
}
