// Runs in the webview: the tokens as the model saw them ("␣pizza", "##za", "[CLS]"). Special tokens, which the
// tokenizer added rather than read from the text, have a dashed outline, italics and a spoken "special token".
// Each chip is a button: the first click picks the query token i, the next the key token j (the step-by-step
// card, the all-heads grid and the head view follow the picks). Hovering a heatmap cell outlines its two tokens.
// It is one compact row that scrolls sideways; the notes on its symbols are in the heading's tooltip and spoken.
import type { Token } from '../../shared/attentionResult';
import { el } from '../dom';
import { markStages } from './stages';
import * as l10n from '../l10n';

export class TokenStrip {
  readonly element: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly notes: HTMLElement;
  private readonly list: HTMLOListElement;
  private chips: HTMLElement[] = [];
  private marked: HTMLElement[] = [];
  private picked: HTMLElement[] = [];

  constructor(pick: (index: number) => void) {
    this.heading = el('h2', {
      className: 'qkv-section-title qkv-token-strip__title', attrs: { id: 'qkv-tokens-title', 'aria-describedby': 'qkv-tokens-notes' },
    });
    this.notes = el('p', { className: 'qkv-visually-hidden qkv-tokens-notes', attrs: { id: 'qkv-tokens-notes' } });
    this.list = el('ol', { className: 'qkv-tokens', attrs: { role: 'list', 'aria-labelledby': 'qkv-tokens-title' } });
    this.list.addEventListener('click', (event) => {
      const chip = (event.target as Element | null)?.closest<HTMLElement>('.qkv-token');
      const index = chip ? this.chips.indexOf(chip) : -1;
      if (index >= 0) pick(index);
    });
    this.element = markStages(el('section', { className: 'qkv-token-strip' }, [
      this.heading,
      this.list,
      this.notes,
    ]), 'x');
  }

  render(tokens: readonly Token[]): void {
    this.heading.textContent = l10n.t('Tokens ({0})', tokens.length);
    const notes: string[] = [];
    if (tokens.some((t) => t.display.includes('␣'))) notes.push(l10n.t('␣ is a space'));
    if (tokens.some((t) => t.special)) notes.push(l10n.t('dashed outline: special token added by the tokenizer'));
    notes.push(l10n.t('click a token to pick the query i, then another for the key j (in All heads: its row in every head)'));
    this.notes.textContent = notes.join(' · ');
    this.heading.title = notes.join('\n');
    this.chips = tokens.map((token, index) => {
      const button = el('button', {
        className: 'qkv-token__pick',
        text: token.display,
        attrs: { type: 'button', title: token.special
          ? l10n.t('Token {0}: {1} (special token) · id {2} · click to pick', index + 1, token.display, token.id)
          : l10n.t('Token {0}: {1} · id {2} · click to pick', index + 1, token.display, token.id) },
      });
      if (token.special) button.append(el('span', { className: 'qkv-visually-hidden', text: l10n.t(', special token') }));
      return el('li', { className: token.special ? 'qkv-token qkv-token--special' : 'qkv-token' }, [button]);
    });
    this.list.replaceChildren(...this.chips);
    this.marked = [];
    this.picked = [];
  }

  /** Marks the query and key of the hovered cell; no arguments clears the marks. */
  highlight(query?: number, key?: number): void {
    this.marked = this.mark(this.marked, ['is-query', 'is-key'], [query, key]);
  }

  /** Shows the picked query i and key j. */
  showPicks(query: number | undefined, key: number | undefined): void {
    this.picked = this.mark(this.picked, ['is-picked-query', 'is-picked-key'], [query, key]);
    this.chips.forEach((chip, index) => {
      const role = index === query && index === key ? l10n.t('picked as query and key')
        : index === query ? l10n.t('picked as query')
        : index === key ? l10n.t('picked as key')
        : undefined;
      const button = chip.firstElementChild as HTMLButtonElement;
      button.setAttribute('aria-pressed', String(role !== undefined));
      if (role) button.setAttribute('aria-description', role);
      else button.removeAttribute('aria-description');
    });
  }

  private mark(
    previous: HTMLElement[], names: readonly [string, string], indices: readonly [number | undefined, number | undefined],
  ): HTMLElement[] {
    for (const chip of previous) chip.classList.remove(...names);
    const marked: HTMLElement[] = [];
    indices.forEach((index, k) => {
      const chip = index === undefined ? undefined : this.chips[index];
      if (!chip) return;
      chip.classList.add(names[k]);
      marked.push(chip);
    });
    return marked;
  }
}
