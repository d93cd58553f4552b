// The status bar item: analyzing with a percentage, then the number of findings or "no collapse".
import * as vscode from 'vscode';
import type { FindingCounts } from './store';

export class AnalysisStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('collapseLens.status', vscode.StatusBarAlignment.Left, 10);
  private running: number | undefined;
  private counts: FindingCounts | undefined;
  private visible = false;

  constructor(command: string) {
    this.item.name = vscode.l10n.t('Collapse Lens');
    this.item.command = command;
  }

  /** The text shown, for tests: the item itself cannot be read back through the API. */
  get text(): string {
    return this.visible ? this.item.text : '';
  }

  /** `percent` undefined ends the running state. */
  setRunning(percent: number | undefined, file?: string): void {
    this.running = percent;
    this.render(file);
  }

  setCounts(counts: FindingCounts): void {
    this.counts = counts;
    this.render();
  }

  private render(file?: string): void {
    const item = this.item;
    item.backgroundColor = undefined;
    if (this.running !== undefined) {
      item.text = `$(loading~spin) ${vscode.l10n.t('Collapse Lens: analyzing {0}%', Math.floor(this.running))}`;
      item.tooltip = file ? vscode.l10n.t('Collapse Lens is analyzing {0}', file) : vscode.l10n.t('Collapse Lens is analyzing');
      this.show(true);
      return;
    }
    const c = this.counts;
    if (!c || c.files === 0) {
      this.show(false);
      return;
    }
    const files = c.files === 1 ? vscode.l10n.t('1 file') : vscode.l10n.t('{0} files', c.files);
    if (c.findings === 0) {
      item.text = `$(check) ${vscode.l10n.t('no collapse')}`;
      item.tooltip = vscode.l10n.t('Collapse Lens found no sign of collapse in {0}. Click to open the report.', files);
    } else {
      const count = c.findings === 1 ? vscode.l10n.t('1 finding') : vscode.l10n.t('{0} findings', c.findings);
      item.text = `${c.errors ? '$(error)' : '$(warning)'} ${count}`;
      const parts = [
        c.errors && (c.errors === 1 ? vscode.l10n.t('1 error') : vscode.l10n.t('{0} errors', c.errors)),
        c.warnings && (c.warnings === 1 ? vscode.l10n.t('1 warning') : vscode.l10n.t('{0} warnings', c.warnings)),
        c.infos && vscode.l10n.t('{0} info', c.infos),
      ].filter(Boolean);
      item.tooltip = vscode.l10n.t('Collapse Lens: {0} in {1}. Click to open the report.', parts.join(', '), files);
      if (c.errors) item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    }
    this.show(true);
  }

  private show(visible: boolean): void {
    this.visible = visible;
    if (visible) this.item.show();
    else this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
