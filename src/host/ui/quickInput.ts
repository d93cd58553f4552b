// Quick picks and input boxes with a Back button, for multi-step flows (the API's showQuickPick
// and showInputBox have none). Each resolves with the accepted value, BACK, or undefined when
// the user dismissed it.
import * as vscode from 'vscode';

export const BACK = Symbol('back');
/** What a step of a flow gives: a value, BACK (to the previous step), or undefined (dismissed). */
export type Step<T> = T | typeof BACK | undefined;

export interface PickOptions<T> {
  title: string;
  placeholder: string;
  /** The first step has no Back button. */
  step?: number;
  totalSteps?: number;
  matchOnDescription?: boolean;
  matchOnDetail?: boolean;
  /** The item to put the cursor on. */
  isActive?: (item: T) => boolean;
  /** When the items, given as a promise, fail to arrive: the picker closes (undefined) and this says why. */
  onItemsError?: (error: Error) => void;
}

/** Items may be a promise: the picker opens at once, busy until they arrive. */
export function pick<T extends vscode.QuickPickItem>(items: readonly T[] | Promise<readonly T[]>, options: PickOptions<T>): Promise<Step<T>> {
  const qp = vscode.window.createQuickPick<T>();
  qp.title = options.title;
  qp.placeholder = options.placeholder;
  qp.step = options.step;
  qp.totalSteps = options.totalSteps;
  qp.matchOnDescription = options.matchOnDescription ?? false;
  qp.matchOnDetail = options.matchOnDetail ?? false;
  qp.buttons = options.step === 1 ? [] : [vscode.QuickInputButtons.Back];
  const fill = (list: readonly T[]) => {
    qp.items = list;
    const active = options.isActive ? list.find((i) => i.kind !== vscode.QuickPickItemKind.Separator && options.isActive!(i)) : undefined;
    if (active) qp.activeItems = [active];
    qp.busy = false;
  };
  return new Promise<Step<T>>((resolve) => {
    const finish = settleOnce(qp, resolve);
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0] ?? qp.activeItems[0];
      if (item) finish(item);
    });
    if (Array.isArray(items)) fill(items as readonly T[]);
    else {
      qp.busy = true;
      (items as Promise<readonly T[]>).then(fill, (e: Error) => {
        finish(undefined);
        options.onItemsError?.(e);
      });
    }
    qp.show();
  });
}

export interface InputOptions {
  title: string;
  value: string;
  prompt: string;
  /** A message while the text is not acceptable (Enter does nothing then), else undefined. */
  validate: (value: string) => string | undefined;
}

/** Resolves with the accepted text, trimmed. */
export function input(options: InputOptions): Promise<Step<string>> {
  const box = vscode.window.createInputBox();
  box.title = options.title;
  box.value = options.value;
  box.valueSelection = [0, options.value.length];
  box.prompt = options.prompt;
  box.buttons = [vscode.QuickInputButtons.Back];
  return new Promise<Step<string>>((resolve) => {
    const finish = settleOnce(box, resolve);
    box.onDidChangeValue((v) => (box.validationMessage = options.validate(v)));
    box.onDidAccept(() => {
      const error = options.validate(box.value);
      if (error) box.validationMessage = error;
      else finish(box.value.trim());
    });
    box.show();
  });
}

/**
 * The end of a quick input: its Back button gives BACK, hiding it gives undefined, and the
 * first value given (those or an accepted one) settles the promise and disposes the input.
 */
function settleOnce<T>(widget: Pick<vscode.InputBox, 'onDidTriggerButton' | 'onDidHide' | 'dispose'>, resolve: (value: Step<T>) => void): (value: Step<T>) => void {
  let done = false;
  const finish = (value: Step<T>) => {
    if (done) return;
    done = true;
    resolve(value);
    widget.dispose();
  };
  widget.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish(BACK));
  widget.onDidHide(() => finish(undefined));
  return finish;
}
