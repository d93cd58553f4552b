// Where "Open Report" leads. The report webview replaces ProblemsPanelPresenter in one line of
// CollapseLens (src/host/context.ts); commands and quick fixes only know this interface.
import * as vscode from 'vscode';
import type { AnalysisResult } from '../shared/details';
import type { Finding } from '../shared/report';

export interface ReportPresenter {
  /** Shows the report of an analysis; `focus` is the finding to bring into view. */
  show(result: AnalysisResult, focus?: Finding): Promise<void>;
}

/** Until the report panel exists: the findings are in the Problems panel, so show that. */
export class ProblemsPanelPresenter implements ReportPresenter {
  async show(): Promise<void> {
    await vscode.commands.executeCommand('workbench.actions.view.problems');
  }
}
