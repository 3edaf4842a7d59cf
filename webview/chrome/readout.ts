// Runs in the webview: the value under the pointer as text, "query → key: 0.1234", so colour is never the only
// channel. It is a polite live region.
import type { Token } from '../../shared/attentionResult';
import { el } from '../dom';

const HINT = 'Hover a cell to read its value: query → key: attention.';

export class Readout {
  readonly element: HTMLElement;
  private readonly value: HTMLElement;
  private readonly where: HTMLElement;

  constructor() {
    this.value = el('span', { className: 'qkv-readout__value' });
    this.where = el('span', { className: 'qkv-readout__where' });
    this.element = el('p', { className: 'qkv-readout', attrs: { 'aria-live': 'polite' } }, [this.value, this.where]);
    this.hint();
  }

  show(tokens: readonly Token[], row: number, col: number, value: number, causal: boolean): void {
    this.element.classList.remove('is-hint');
    this.value.textContent = `${tokens[row].display} → ${tokens[col].display}: ${value.toFixed(4)}`;
    const masked = causal && col > row ? ' · masked: a later token' : '';
    this.where.textContent = ` query ${row + 1}, key ${col + 1}${masked}`;
  }

  hint(text = HINT): void {
    this.element.classList.add('is-hint');
    this.value.textContent = text;
    this.where.textContent = '';
  }
}
