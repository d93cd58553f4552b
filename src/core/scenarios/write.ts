// Writes a scenario's files and README.md into a folder (node fs). Refuses to overwrite any
// existing file unless asked, and checks all names before writing the first one, so a
// refusal leaves the folder untouched.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { scenarioReadme } from './readme';
import type { ScenarioMeta } from './readme';
import type { ScenarioResult } from './types';

export type { ScenarioMeta };

export const README_NAME = 'README.md';

export async function writeScenario(result: ScenarioResult, dir: string, meta: ScenarioMeta, options: { overwrite?: boolean } = {}): Promise<string[]> {
  const files = [...result.files, { name: README_NAME, content: scenarioReadme(result, meta) }];
  await fs.mkdir(dir, { recursive: true });
  const targets = files.map((f) => path.join(dir, f.name));
  if (!options.overwrite) {
    const existing: string[] = [];
    for (const t of targets) {
      try {
        await fs.access(t);
        existing.push(path.basename(t));
      } catch {
        // absent: fine to write
      }
    }
    if (existing.length) {
      const err = new Error(`${dir} already holds ${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ` and ${existing.length - 3} more` : ''}; pass overwrite to replace them`) as NodeJS.ErrnoException;
      err.code = 'EEXIST';
      throw err;
    }
  }
  for (let i = 0; i < files.length; i++) await fs.writeFile(targets[i]!, files[i]!.content, { encoding: 'utf8', flag: options.overwrite ? 'w' : 'wx' });
  return targets;
}
