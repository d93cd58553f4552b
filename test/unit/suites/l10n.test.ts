// Cross-cutting suite (no single module): localisation of the manifest and the host.
// Localisation: the manifest's %keys% and package.nls.json match one to one, the host's
// vscode.l10n.t strings and l10n/bundle.l10n.json match one to one (the bundle is written by
// `npm run l10n`), and the walkthrough's media and command links exist.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support';

const root = repoRoot();
const read = (...p: string[]) => fs.readFileSync(path.join(root, ...p), 'utf8');
const manifest = JSON.parse(read('package.json'));
const nls: Record<string, string> = JSON.parse(read('package.nls.json'));

/** Every string value in the manifest, with where it is. */
function strings(value: unknown, at: string, out: { at: string; value: string }[] = []): { at: string; value: string }[] {
  if (typeof value === 'string') out.push({ at, value });
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${at}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, `${at}.${k}`, out);
  return out;
}

const NLS_KEY = /^%([\w.-]+)%$/;
const manifestKeys = strings(manifest, '$').flatMap(({ at, value }) => {
  const m = NLS_KEY.exec(value);
  return m ? [{ at, key: m[1]! }] : [];
});

/** The first argument of every vscode.l10n.t call in a source text, or why it is not a literal. */
function l10nCalls(source: string): { text?: string; bad?: string }[] {
  const calls: { text?: string; bad?: string }[] = [];
  const call = /\bl10n\.t\(\s*/g;
  for (let m = call.exec(source); m; m = call.exec(source)) {
    const rest = source.slice(m.index + m[0].length);
    const literal = /^(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")/.exec(rest);
    if (!literal) {
      calls.push({ bad: rest.slice(0, 60) });
      continue;
    }
    // A string literal of the source, evaluated as the source would evaluate it.
    const text = new Function(`return ${literal[0]};`)() as string;
    const after = rest.slice(literal[0].length).trimStart();
    calls.push(after.startsWith(',') || after.startsWith(')') ? { text } : { bad: rest.slice(0, 60) });
  }
  return calls;
}

const hostFiles = (fs.readdirSync(path.join(root, 'src', 'host'), { recursive: true }) as string[])
  .map((f) => f.split(path.sep).join('/'))
  .filter((f) => f.endsWith('.ts'))
  .sort()
  .map((f) => ({ file: `src/host/${f}`, source: read('src', 'host', f) }));

describe('localisation of the manifest', () => {
  test('every %key% of package.json is in package.nls.json', () => {
    const missing = manifestKeys.filter(({ key }) => !(key in nls)).map(({ at, key }) => `${key} (${at})`);
    assert.deepEqual(missing, []);
  });

  test('every key of package.nls.json is used in package.json', () => {
    const used = new Set(manifestKeys.map(({ key }) => key));
    assert.deepEqual(Object.keys(nls).filter((k) => !used.has(k)), []);
  });

  test('command titles and categories, setting descriptions and walkthrough texts are keys', () => {
    const c = manifest.contributes;
    const literal = (v: unknown) => typeof v !== 'string' || !NLS_KEY.test(v);
    const offenders = [
      ...c.commands.flatMap((x: { command: string; title: string; category: string }) => (literal(x.title) || literal(x.category) ? [x.command] : [])),
      ...c.configuration.flatMap((s: { title: string; properties: Record<string, { markdownDescription?: string; description?: string; enumDescriptions?: string[] }> }) => [
        ...(literal(s.title) ? [`section ${s.title}`] : []),
        ...Object.entries(s.properties).flatMap(([k, p]) =>
          literal(p.markdownDescription ?? p.description) || (p.enumDescriptions ?? []).some(literal) ? [k] : [],
        ),
      ]),
      ...c.walkthroughs.flatMap((w: { id: string; title: string; description: string; steps: { id: string; title: string; description: string; media: { altText?: string } }[] }) => [
        ...(literal(w.title) || literal(w.description) ? [w.id] : []),
        ...w.steps.flatMap((s) => (literal(s.title) || literal(s.description) || (s.media.altText !== undefined && literal(s.media.altText)) ? [`${w.id}/${s.id}`] : [])),
      ]),
    ];
    assert.deepEqual(offenders, []);
  });

  test('package.nls.json values are plain text: no unresolved key, no empty value', () => {
    for (const [k, v] of Object.entries(nls)) {
      assert.ok(typeof v === 'string' && v.trim() !== '', k);
      assert.doesNotMatch(v, NLS_KEY, k);
    }
  });
});

describe('localisation of the host', () => {
  const bundle: Record<string, string> = JSON.parse(read('l10n', 'bundle.l10n.json'));
  const calls = hostFiles.flatMap(({ file, source }) => l10nCalls(source).map((c) => ({ file, ...c })));

  test('package.json points VS Code at the bundles', () => {
    assert.equal(manifest.l10n, './l10n');
  });

  test('every vscode.l10n.t call takes a string literal (so the bundle can be extracted)', () => {
    assert.ok(calls.length > 100, `only ${calls.length} calls found`);
    assert.deepEqual(calls.filter((c) => c.bad !== undefined).map((c) => `${c.file}: l10n.t(${c.bad}`), []);
  });

  test('every vscode.l10n.t string of src/host is in l10n/bundle.l10n.json', () => {
    const missing = calls.filter((c) => c.text !== undefined && !(c.text in bundle)).map((c) => `${c.file}: ${c.text}`);
    assert.deepEqual(missing, [], 'run `npm run l10n`');
  });

  test('every string of l10n/bundle.l10n.json is used in src/host, as its own translation', () => {
    const used = new Set(calls.map((c) => c.text));
    assert.deepEqual(Object.keys(bundle).filter((k) => !used.has(k)), [], 'run `npm run l10n`');
    for (const [k, v] of Object.entries(bundle)) assert.equal(v, k);
  });

  test('placeholders are numbered from {0} without gaps', () => {
    for (const text of Object.keys(bundle)) {
      const numbers = [...new Set([...text.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
      assert.deepEqual(numbers, numbers.map((_, i) => i), text);
    }
  });

  test('messages, quick picks and progress titles in src/host are not English literals', () => {
    // A literal or a template literal handed straight to the UI would escape translation.
    const direct = /\b(?:show(?:Information|Warning|Error)Message\(|(?:title|placeholder|placeHolder|prompt|tooltip|openLabel|saveLabel):\s*|\.(?:title|placeholder|tooltip|text)\s*=\s*)(['"`])([^'"`]*)/g;
    const offenders = hostFiles.flatMap(({ file, source }) =>
      [...source.matchAll(direct)]
        // Words left once placeholders and icons ($(check)) are taken out are English to translate;
        // the scenario's option titles (`${s.name}: seed`) name CLI options, which stay as they are.
        .filter((m) => /[A-Za-z]{3,}/.test(m[2]!.replace(/\$\{[^}]*\}?/g, '').replace(/\$\([\w~-]+\)/g, '')))
        .filter((m) => !/^\$\{s\.name\}: (seed|generations)$|^\$\{choice\.scenario\.name\}: folder$/.test(m[2]!))
        .map((m) => `${file}: ${m[0]}`),
    );
    assert.deepEqual(offenders, []);
  });
});

describe('the walkthrough', () => {
  const [walkthrough] = manifest.contributes.walkthroughs as { id: string; steps: { id: string; description: string; media: { image?: string; markdown?: string } }[] }[];
  const commands = new Set((manifest.contributes.commands as { command: string }[]).map((c) => c.command));

  test('has the five steps of a first run, each with media that exists', () => {
    assert.deepEqual(walkthrough!.steps.map((s) => s.id), ['runScenario', 'problems', 'report', 'analyzeFile', 'thresholds']);
    for (const s of walkthrough!.steps) {
      const media = s.media.image ?? s.media.markdown;
      assert.ok(media && fs.existsSync(path.join(root, media)), `${s.id}: ${media}`);
    }
  });

  test('its images are screenshots under 150 KB', () => {
    for (const s of walkthrough!.steps) {
      if (!s.media.image) continue;
      const bytes = fs.readFileSync(path.join(root, s.media.image));
      assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', s.media.image);
      assert.ok(bytes.length < 150 * 1024, `${s.media.image}: ${bytes.length} bytes`);
    }
  });

  test('its buttons run commands the extension contributes, or the workbench ones it names', () => {
    const workbench = new Set(['workbench.actions.view.problems', 'workbench.action.openSettings']);
    for (const s of walkthrough!.steps) {
      const text = nls[NLS_KEY.exec(s.description)![1]!]!;
      const links = [...text.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]!);
      assert.ok(links.length > 0, `${s.id} has a button`);
      for (const id of links) assert.ok(commands.has(id) || workbench.has(id), `${s.id}: ${id}`);
    }
  });
});
