// Runs in the webview: what each tab shows while a translator's kind switch is on decoder or cross. Heatmap: the
// decoder heatmap and its reading lines; Step by step: the same view with the clicked cell's arithmetic first;
// All heads: every decoder layer and head of that kind; What if: one line saying why it stays with the encoder,
// and a button to go there; Positions: the source's positions, with one line saying so. The encoder's own views
// are hidden meanwhile (panelView.ts).
import type { AttentionKind, HeadRef } from '../../shared/protocol';
import { el } from '../dom';
import * as l10n from '../l10n';
import type { PanelState, ViewTab } from '../state';
import { TranslationHeadsGrid } from './translationHeadsGrid';
import { TranslationView, type TranslationFocus } from './translationView';

export interface TranslationTabEvents {
  focusToken(focus: TranslationFocus, also?: TranslationFocus): void;
  select(ref: HeadRef): void;
  setTab(tab: ViewTab): void;
  setKind(kind: AttentionKind): void;
}

export class TranslationTabs {
  readonly view: TranslationView;
  private readonly heads: TranslationHeadsGrid;
  private readonly whatIf: HTMLElement;
  private readonly positions: HTMLElement;
  /** Everything this adds to the panel, in order, after the encoder's views. */
  readonly elements: readonly HTMLElement[];

  constructor(events: TranslationTabEvents) {
    this.view = new TranslationView((focus, also) => events.focusToken(focus, also));
    this.heads = new TranslationHeadsGrid((ref) => {
      events.select(ref);
      events.setTab('heatmap');
    });
    const toEncoder = el('button', {
      className: 'qkv-button qkv-button--secondary qkv-button--small', text: l10n.t('Show the encoder'), attrs: { type: 'button' },
    });
    toEncoder.addEventListener('click', () => events.setKind('encoder'));
    this.whatIf = el('p', { className: 'qkv-note qkv-translation__why' }, [
      el('span', { text: l10n.t('The what-if lab changes the encoder’s self-attention of the source, so it stays with the encoder.') }),
      ' ', toEncoder,
    ]);
    this.positions = el('p', {
      className: 'qkv-note qkv-translation__why',
      // eslint-disable-next-line max-len -- one literal: scripts/l10n-export.mjs collects l10n.t messages whole
      text: l10n.t('These are the positions of the source tokens, the encoder’s input; the decoder numbers the translation’s tokens on its own.'),
    });
    this.elements = [this.view.element, this.heads.element, this.whatIf, this.positions];
  }

  render(state: PanelState): void {
    const { summary, kind, tab } = state;
    const on = summary?.translation !== undefined && kind !== 'encoder';
    this.view.element.hidden = !on || (tab !== 'heatmap' && tab !== 'step');
    this.view.element.classList.toggle('qkv-translation--step', tab === 'step');
    this.heads.element.hidden = !on || tab !== 'heads';
    this.whatIf.hidden = !on || tab !== 'whatif';
    this.positions.hidden = !on || tab !== 'positions';
    this.view.render(state);
    if (summary && tab === 'heads' && kind !== 'encoder') {
      this.heads.render(summary, kind, state.decoderLayers, state.ref, state.palette);
    }
  }
}
