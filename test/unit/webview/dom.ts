// A browser document for the report page's unit tests: happy-dom's window installed as the
// globals the page uses. Import it first in a test file, before any webview module: lit and
// @vscode-elements/elements read `HTMLElement` and `customElements` when they load.
import { after } from 'node:test';
import { Window } from 'happy-dom';

const happyWindow = new Window({ url: 'https://report.test/', width: 1280, height: 900 });

const globals = globalThis as Record<string, unknown>;
const source = happyWindow as unknown as Record<string, unknown>;
for (const key of Object.getOwnPropertyNames(happyWindow)) {
  // Node's own Event classes would not dispatch on happy-dom nodes; its timers, URL and
  // performance stay, since the test runner relies on them.
  if (key in globals && !/^(?:\w*Event|EventTarget)$/u.test(key)) continue;
  globals[key] = source[key];
}
globals.window = happyWindow;

// Form-associated elements (vscode-button, vscode-single-select) call attachInternals(),
// which happy-dom lacks; the page never submits a form, so a no-op stands in.
const htmlElement = (happyWindow.HTMLElement as unknown as { prototype: Record<string, unknown> }).prototype;
htmlElement.attachInternals ??= function attachInternals() {
  return { form: null, validity: { valid: true }, validationMessage: '', willValidate: false, setFormValue() {}, setValidity() {}, checkValidity: () => true, reportValidity: () => true };
};

after(() => happyWindow.happyDOM.close());

/** Lets lit render the custom elements (updates run after a microtask). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Puts `el` in a fresh document body, so its custom elements connect and render. */
export async function mount<T extends Element>(el: T): Promise<T> {
  document.body.replaceChildren(el);
  await settle();
  return el;
}

/** happy-dom fires no `slotchange`: what vscode-single-select waits for to read its options. */
export async function slotsChanged(el: Element): Promise<void> {
  for (const slot of el.shadowRoot?.querySelectorAll('slot') ?? []) slot.dispatchEvent(new Event('slotchange'));
  await settle();
}

/** The text a user reads, whitespace collapsed. */
export function text(node: Node | null | undefined): string {
  return (node?.textContent ?? '').replace(/\s+/gu, ' ').trim();
}

/** Every match of `selector` under `root`, as an array. */
export function all<E extends Element = HTMLElement>(root: ParentNode, selector: string): E[] {
  return [...root.querySelectorAll<E>(selector)] as E[];
}
