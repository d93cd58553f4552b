// Where "Open Report" leads. Commands, quick fixes and the status bar only know this
// interface; ReportPanels (src/host/reportPanel.ts) implements it with the report webview.
import type { AnalysisResult } from '../shared/details';
import type { Finding } from '../shared/report';

export interface ReportPresenter {
  /** Shows the report of an analysis; `focus` is the finding to bring into view. */
  show(result: AnalysisResult, focus?: Finding): Promise<void>;
}
