// Exports from the report page: the labels and save-dialog filters of each kind, the chart
// images checked before they are written, and what Open and Reveal do with the saved file.
import * as vscode from 'vscode';
import type { ExportKind } from '../../shared/protocol';
import { base64Bytes } from '../platform';

export const EXPORT_KINDS: ReadonlySet<string> = new Set<ExportKind>(['svg', 'png', 'json', 'html']);

// Functions, not tables: labels are translated when used (the l10n bundle may load after this module).
export const exportLabel = (kind: ExportKind): string =>
  ({ json: vscode.l10n.t('JSON report'), html: vscode.l10n.t('HTML report'), svg: vscode.l10n.t('SVG chart'), png: vscode.l10n.t('PNG chart') })[kind];
export const exportFilter = (kind: ExportKind): Record<string, string[]> =>
  ({
    json: { [vscode.l10n.t('JSON report')]: ['json'] },
    html: { [vscode.l10n.t('HTML report')]: ['html'] },
    svg: { [vscode.l10n.t('SVG image')]: ['svg'] },
    png: { [vscode.l10n.t('PNG image')]: ['png'] },
  })[kind];

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A chart image from the page: SVG text or a PNG data URL, checked before it is written. */
export function imageBytes(kind: 'svg' | 'png', data: string | undefined): Uint8Array {
  if (data === undefined) throw new Error(vscode.l10n.t('the page sent no image'));
  if (kind === 'svg') {
    if (!/^\s*<svg[\s>]/u.test(data)) throw new Error(vscode.l10n.t('the page sent something that is not SVG'));
    return new TextEncoder().encode(data);
  }
  const m = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/u.exec(data);
  const bytes = m ? base64Bytes(m[1]!) : undefined;
  if (!bytes || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) throw new Error(vscode.l10n.t('the page sent something that is not a PNG image'));
  return bytes;
}

/** A file the local desktop can hand to the system (a browser, the file manager). */
const onLocalDesktop = (target: vscode.Uri) => vscode.env.uiKind === vscode.UIKind.Desktop && vscode.env.remoteName === undefined && target.scheme === 'file';

export async function openExported(kind: ExportKind, target: vscode.Uri): Promise<void> {
  // An HTML report is for a browser; the rest VS Code shows itself (images in its preview).
  if (kind === 'html' && onLocalDesktop(target)) await vscode.env.openExternal(target);
  else await vscode.commands.executeCommand('vscode.open', target);
}

export async function revealExported(target: vscode.Uri): Promise<void> {
  await vscode.commands.executeCommand(onLocalDesktop(target) ? 'revealFileInOS' : 'revealInExplorer', target);
}
