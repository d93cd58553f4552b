// The status bar item: analyzing with a percentage, then the number of findings or "no collapse".
import * as vscode from 'vscode';
import type { FindingCounts } from './store';

export class AnalysisStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('collapseLens.status', vscode.StatusBarAlignment.Left, 10);
  private running: number | undefined;
  private counts: FindingCounts | undefined;
  private visible = false;

  constructor(command: string) {
    this.item.name = 'Collapse Lens';
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
      item.text = `$(loading~spin) Collapse Lens: analyzing ${Math.floor(this.running)}%`;
      item.tooltip = file ? `Collapse Lens is analyzing ${file}` : 'Collapse Lens is analyzing';
      this.show(true);
      return;
    }
    const c = this.counts;
    if (!c || c.files === 0) {
      this.show(false);
      return;
    }
    const files = `${c.files} file${c.files === 1 ? '' : 's'}`;
    if (c.findings === 0) {
      item.text = '$(check) no collapse';
      item.tooltip = `Collapse Lens found no sign of collapse in ${files}. Click to open the report.`;
    } else {
      item.text = `${c.errors ? '$(error)' : '$(warning)'} ${c.findings} finding${c.findings === 1 ? '' : 's'}`;
      const parts = [
        c.errors && `${c.errors} error${c.errors === 1 ? '' : 's'}`,
        c.warnings && `${c.warnings} warning${c.warnings === 1 ? '' : 's'}`,
        c.infos && `${c.infos} info`,
      ].filter(Boolean);
      item.tooltip = `Collapse Lens: ${parts.join(', ')} in ${files}. Click to open the report.`;
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
