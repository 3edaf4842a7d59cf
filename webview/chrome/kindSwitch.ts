// Runs in the webview: the encoder · decoder · cross switch of a translator, beside the layer and head controls.
// Encoder: the encoder reading the source (every tab works on it). Decoder: the translation reading itself, causal.
// Cross: each translated token reading the source.
import { ATTENTION_KINDS, type AttentionKind } from '../../shared/protocol';
import { el } from '../dom';
import * as l10n from '../l10n';

/** A function, not a constant: the bundle is read from the page, which a module's top level may run before. */
const labels = (): Readonly<Record<AttentionKind, { text: string; title: string }>> => ({
  encoder: { text: l10n.t('Encoder'), title: l10n.t('Encoder self-attention: the source reading itself') },
  decoder: { text: l10n.t('Decoder'), title: l10n.t('Decoder self-attention: the translation reading its own earlier tokens (causal)') },
  cross: { text: l10n.t('Cross'), title: l10n.t('Cross-attention: each translated token (rows) reading the source (columns)') },
});

export class KindSwitch {
  readonly element: HTMLElement;
  private readonly buttons: ReadonlyMap<AttentionKind, HTMLButtonElement>;

  constructor(choose: (kind: AttentionKind) => void) {
    const LABELS = labels();
    this.buttons = new Map(ATTENTION_KINDS.map((kind) => {
      const button = el('button', {
        className: 'qkv-button qkv-button--secondary qkv-button--small qkv-kind',
        text: LABELS[kind].text,
        attrs: { type: 'button', title: LABELS[kind].title, 'aria-pressed': 'false', 'data-kind': kind },
      });
      button.addEventListener('click', () => choose(kind));
      return [kind, button] as const;
    }));
    const group = { role: 'group', 'aria-label': l10n.t('Attention kind') };
    this.element = el('div', { className: 'qkv-controls__group qkv-kinds', attrs: group }, [...this.buttons.values()]);
    this.element.hidden = true;
  }

  /** Shown only for a translator's result. */
  render(translator: boolean, kind: AttentionKind): void {
    this.element.hidden = !translator;
    for (const [k, button] of this.buttons) {
      button.setAttribute('aria-pressed', String(k === kind));
      button.classList.toggle('is-active', k === kind);
    }
  }
}
