import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, EXTENSION_ID } from './helpers';

const CONTRIBUTED = [
  'collapseLens.analyzeFile',
  'collapseLens.analyzeGenerations',
  'collapseLens.analyzeWorkspace',
  'collapseLens.clearFindings',
  'collapseLens.openReport',
];

describe('commands and contributions', () => {
  before(activate);

  it('registers every contributed command and the quick-fix commands', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    for (const id of [...CONTRIBUTED, 'collapseLens.chooseField', 'collapseLens.updateSetting']) assert.ok(all.has(id), `${id} is registered`);
  });

  it('contributes the commands with the category and titles of the palette', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const titles = Object.fromEntries(pkg.contributes.commands.map((c: { command: string; category: string; title: string }) => [c.command, `${c.category}: ${c.title}`]));
    assert.deepEqual(titles, {
      'collapseLens.analyzeFile': 'Collapse Lens: Analyze File',
      'collapseLens.analyzeGenerations': 'Collapse Lens: Analyze Selected Files as Generations',
      'collapseLens.analyzeWorkspace': 'Collapse Lens: Analyze Workspace',
      'collapseLens.clearFindings': 'Collapse Lens: Clear Findings',
      'collapseLens.openReport': 'Collapse Lens: Open Report',
      'collapseLens.runScenario': 'Collapse Lens: Run Sample Scenario…',
      'collapseLens.gettingStarted': 'Collapse Lens: Get Started',
      'collapseLens.openConfigFile': 'Collapse Lens: Open collapselens.json',
    });
  });

  it('shows Analyze File on data files only and generations only on a multi-selection', () => {
    const menus = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.menus;
    const explorer = menus['explorer/context'] as { command: string; when: string }[];
    const file = explorer.find((m) => m.command === 'collapseLens.analyzeFile')!;
    const gens = explorer.find((m) => m.command === 'collapseLens.analyzeGenerations')!;
    const extRegex = /resourceExtname =~ \/(.+?)\/i/.exec(file.when)![1]!;
    const gzRegex = /resourceFilename =~ \/(.+?)\/i/.exec(file.when)![1]!;
    const matches = (name: string) => new RegExp(extRegex, 'i').test(name.slice(name.lastIndexOf('.'))) || new RegExp(gzRegex, 'i').test(name);
    for (const ok of ['a.jsonl', 'a.ndjson', 'a.json', 'a.csv', 'a.tsv', 'a.parquet', 'a.jsonl.gz', 'A.CSV.GZ']) assert.ok(matches(ok), ok);
    for (const no of ['a.txt', 'a.gz', 'a.jsonl.bak', 'a.parquet.gz']) assert.ok(!matches(no), no);
    assert.match(gens.when, /listMultiSelection/);
    for (const m of ['editor/title/context', 'editor/context']) assert.ok(menus[m].some((x: { command: string }) => x.command === 'collapseLens.analyzeFile'), m);
    const palette = Object.fromEntries(menus.commandPalette.map((m: { command: string; when: string }) => [m.command, m.when]));
    for (const id of CONTRIBUTED) assert.ok(palette[id], `${id} has a palette when clause`);
  });

  it('declares limited support for untrusted and virtual workspaces', () => {
    const caps = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.capabilities;
    assert.equal(caps.untrustedWorkspaces.supported, 'limited');
    assert.ok(caps.untrustedWorkspaces.restrictedConfigurations.includes('collapseLens.include'));
    assert.equal(caps.virtualWorkspaces.supported, 'limited');
  });
});
