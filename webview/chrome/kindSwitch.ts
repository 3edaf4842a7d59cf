// Runs in the webview: the encoder · decoder · cross switch of a translator, beside the layer and head controls.
// Encoder: the encoder reading the source (every tab works on it). Decoder: the translation reading itself, causal.
// Cross: each translated token reading the source.
import { ATTENTION_KINDS, type AttentionKind } from '../../shared/protocol';
import { el } from '../dom';

const LABELS: Readonly<Record<AttentionKind, { text: string; title: string }>> = {
  encoder: { text: 'Encoder', title: 'Encoder self-attention: the source reading itself' },
  decoder: { text: 'Decoder', title: 'Decoder self-attention: the translation reading its own earlier tokens (causal)' },
  cross: { text: 'Cross', title: 'Cross-attention: each translated token (rows) reading the source (columns)' },
};

export class KindSwitch {
  readonly element: HTMLElement;
  private readonly buttons: ReadonlyMap<AttentionKind, HTMLButtonElement>;

  constructor(choose: (kind: AttentionKind) => void) {
    this.buttons = new Map(ATTENTION_KINDS.map((kind) => {
      const button = el('button', {
        className: 'qkv-button qkv-button--secondary qkv-button--small qkv-kind',
        text: LABELS[kind].text,
        attrs: { type: 'button', title: LABELS[kind].title, 'aria-pressed': 'false', 'data-kind': kind },
      });
      button.addEventListener('click', () => choose(kind));
      return [kind, button] as const;
    }));
    this.element = el('div', { className: 'qkv-controls__group qkv-kinds', attrs: { role: 'group', 'aria-label': 'Attention kind' } }, [...this.buttons.values()]);
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
