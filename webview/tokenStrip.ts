// Runs in the webview: the tokens as the model saw them ("␣pizza", "##za", "[CLS]"). Special tokens, which the
// tokenizer added rather than read from the text, have a dashed outline, italics and a spoken "special token".
import type { Token } from '../shared/attentionResult';
import { el } from './dom';

export class TokenStrip {
  readonly element: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly notes: HTMLElement;
  private readonly list: HTMLOListElement;
  private chips: HTMLElement[] = [];
  private marked: HTMLElement[] = [];

  constructor() {
    this.heading = el('h2', { className: 'qkv-section-title', attrs: { id: 'qkv-tokens-title' } });
    this.notes = el('p', { className: 'qkv-note' });
    this.list = el('ol', { className: 'qkv-tokens', attrs: { role: 'list', 'aria-labelledby': 'qkv-tokens-title' } });
    this.element = el('section', { className: 'qkv-token-strip' }, [
      el('div', { className: 'qkv-section-head' }, [this.heading, this.notes]),
      this.list,
    ]);
  }

  render(tokens: readonly Token[]): void {
    this.heading.textContent = `Tokens (${tokens.length})`;
    const notes: string[] = [];
    if (tokens.some((t) => t.display.includes('␣'))) notes.push('␣ is a space');
    if (tokens.some((t) => t.special)) notes.push('dashed outline: special token added by the tokenizer');
    this.notes.textContent = notes.join(' · ');
    this.chips = tokens.map((token, index) => {
      const chip = el('li', { className: token.special ? 'qkv-token qkv-token--special' : 'qkv-token', text: token.display });
      chip.title = `Token ${index + 1}: ${token.display}${token.special ? ' (special token)' : ''} · id ${token.id}`;
      if (token.special) chip.append(el('span', { className: 'qkv-visually-hidden', text: ', special token' }));
      return chip;
    });
    this.list.replaceChildren(...this.chips);
    this.marked = [];
  }

  /** Marks the query and key of the hovered cell; no arguments clears the marks. */
  highlight(query?: number, key?: number): void {
    for (const chip of this.marked) chip.classList.remove('is-query', 'is-key');
    this.marked = [];
    const mark = (index: number | undefined, name: string): void => {
      const chip = index === undefined ? undefined : this.chips[index];
      if (!chip) return;
      chip.classList.add(name);
      this.marked.push(chip);
    };
    mark(query, 'is-query');
    mark(key, 'is-key');
  }
}
