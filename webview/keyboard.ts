// Runs in the webview: keys that switch heads while the panel has focus. ArrowLeft/ArrowRight or [ and ] step
// the head, PageUp/PageDown the layer. Keys typed into a text field, a select or a slider, or pressed with a
// modifier, are left alone; so are keys a control already handled (the tablist's arrows).
import type { Axis } from './headRef';
import { markInput } from './inputTiming';

const KEYS: Readonly<Record<string, readonly [Axis, number]>> = {
  ArrowLeft: ['head', -1],
  '[': ['head', -1],
  ArrowRight: ['head', +1],
  ']': ['head', +1],
  PageUp: ['layer', -1],
  PageDown: ['layer', +1],
};

export function bindKeyboard(step: (axis: Axis, delta: number) => void): void {
  window.addEventListener('keydown', (event) => {
    const action = KEYS[event.key];
    if (!action || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTextEntry(event.target)) return;
    event.preventDefault();
    markInput(event.timeStamp);
    step(...action);
  });
}

function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  // A slider's or a radio group's arrow keys move the slider or the choice.
  return target instanceof HTMLInputElement && !['checkbox', 'button', 'submit'].includes(target.type);
}
