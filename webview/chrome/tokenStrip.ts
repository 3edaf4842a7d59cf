// Runs in the webview: the tokens as the model saw them ("␣pizza", "##za", "[CLS]"). Special tokens, which the
// tokenizer added rather than read from the text, have a dashed outline, italics and a spoken "special token".
// Each chip is a button: the first click picks the query token i, the next the key token j (the step-by-step
// card, the all-heads grid and the head view follow the picks). Hovering a heatmap cell outlines its two tokens.
// It is one compact row that scrolls sideways; the notes on its symbols are in the heading's tooltip and spoken.
// The row is one Tab stop (a roving tabindex, as WAI-ARIA's toolbar pattern has it): the arrow keys, Home and End
// move between the chips, Enter or Space picks the one with focus.
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
  /** The chip that Tab reaches: the last one focused or picked. */
  private stop = 0;

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
    this.list.addEventListener('focusin', (event) => {
      const index = this.indexOf(event.target);
      if (index >= 0) this.setStop(index);
    });
    this.list.addEventListener('keydown', (event) => this.move(event));
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
    notes.push(l10n.t('the arrow keys move between the tokens, Enter picks one'));
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
    this.stop = 0;
    this.buttons().forEach((button, index) => (button.tabIndex = index === 0 ? 0 : -1));
  }

  /** Marks the query and key of the hovered cell; no arguments clears the marks. */
  highlight(query?: number, key?: number): void {
    this.marked = this.mark(this.marked, ['is-query', 'is-key'], [query, key]);
  }

  /** Shows the picked query i and key j. */
  showPicks(query: number | undefined, key: number | undefined): void {
    this.picked = this.mark(this.picked, ['is-picked-query', 'is-picked-key'], [query, key]);
    // Tab into the row lands on the query, unless the person is moving along the row.
    if (query !== undefined && query < this.chips.length && !this.list.contains(document.activeElement)) this.setStop(query);
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

  private buttons(): HTMLButtonElement[] {
    return this.chips.map((chip) => chip.firstElementChild as HTMLButtonElement);
  }

  private indexOf(target: EventTarget | null): number {
    const chip = target instanceof Element ? target.closest<HTMLElement>('.qkv-token') : null;
    return chip ? this.chips.indexOf(chip) : -1;
  }

  private setStop(index: number): void {
    if (index === this.stop) return;
    const buttons = this.buttons();
    if (buttons[this.stop]) buttons[this.stop].tabIndex = -1;
    buttons[index].tabIndex = 0;
    this.stop = index;
  }

  /** Arrow keys, Home and End move the focus along the row; the keys are theirs, not the head switch's. */
  private move(event: KeyboardEvent): void {
    const from = this.indexOf(event.target);
    const last = this.chips.length - 1;
    if (from < 0 || event.altKey || event.ctrlKey || event.metaKey) return;
    const to = { ArrowRight: from + 1, ArrowDown: from + 1, ArrowLeft: from - 1, ArrowUp: from - 1, Home: 0, End: last }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const index = Math.max(0, Math.min(last, to));
    this.setStop(index);
    this.buttons()[index].focus();
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
