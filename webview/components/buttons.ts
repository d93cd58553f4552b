// The two buttons every part of the page uses: an action (a VS Code button) and a link to a
// record in the editor.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { Location } from '../../src/shared/report';
import { h } from '../dom';

/** Opens a record in the editor; absent in the standalone file, which has no editor. */
export type OpenLocation = (location: Location) => void;

/** A secondary VS Code button; `label` is its accessible name when the text alone is too short. */
export function actionButton(text: string, label: string | undefined, onClick: () => void): HTMLElement {
  const b = h('vscode-button', { secondary: true, 'aria-label': label }, text);
  b.addEventListener('click', onClick);
  return b;
}

/** A link-styled button that opens `location`. */
export function locationButton(location: Location, text: string, onOpen: OpenLocation): HTMLElement {
  return h('button', { type: 'button', class: 'link', onclick: () => onOpen(location) }, text);
}
