// Runs in the webview: the layer and head switcher, compact enough to share the model's row. Both axes wrap
// around (see headRef.ts).
import type { ModelFacts } from '../../shared/attentionResult';
import type { HeadRef } from '../../shared/protocol';
import { el } from '../dom';
import { describeRef, type Axis } from '../headRef';
import { markInput } from '../inputTiming';
import * as l10n from '../l10n';

export interface ControlActions {
  step(axis: Axis, delta: number): void;
}

const KEYS_HINT = l10n.t('← → or [ ] switch head · PgUp PgDn switch layer');

export class Controls {
  readonly element: HTMLElement;
  private readonly position: HTMLElement;
  private readonly buttons: HTMLButtonElement[];

  constructor(actions: ControlActions) {
    const stepButton = (axis: Axis, delta: number, text: string, label: string, keys: string): HTMLButtonElement => {
      const button = el('button', {
        className: 'qkv-button qkv-button--secondary qkv-button--small',
        text,
        attrs: {
          type: 'button',
          'aria-label': label,
          title: l10n.t('{0} ({1})', label, keys.replace(' ', l10n.t(' or '))),
          'aria-keyshortcuts': keys,
        },
      });
      button.addEventListener('click', (event) => {
        markInput(event.timeStamp);
        actions.step(axis, delta);
      });
      return button;
    };
    this.buttons = [
      stepButton('layer', -1, l10n.t('‹ L'), l10n.t('Previous layer'), 'PageUp'),
      stepButton('layer', +1, l10n.t('L ›'), l10n.t('Next layer'), 'PageDown'),
      stepButton('head', -1, l10n.t('‹ H'), l10n.t('Previous head'), 'ArrowLeft ['),
      stepButton('head', +1, l10n.t('H ›'), l10n.t('Next head'), 'ArrowRight ]'),
    ];
    this.position = el('h2', { className: 'qkv-position', attrs: { 'aria-live': 'polite', 'aria-atomic': 'true', title: KEYS_HINT } });
    const [prevLayer, nextLayer, prevHead, nextHead] = this.buttons;
    this.element = el('div', { className: 'qkv-controls' }, [
      this.position,
      el('div', { className: 'qkv-controls__group', attrs: { role: 'group', 'aria-label': l10n.t('Layer') } }, [prevLayer, nextLayer]),
      el('div', { className: 'qkv-controls__group', attrs: { role: 'group', 'aria-label': l10n.t('Head') } }, [prevHead, nextHead]),
      el('span', { className: 'qkv-visually-hidden', text: KEYS_HINT }),
    ]);
    this.render(undefined, { layer: 0, head: 0 });
  }

  render(model: ModelFacts | undefined, ref: HeadRef): void {
    this.position.textContent = model ? describeRef(ref, model) : '';
    const [prevLayer, nextLayer, prevHead, nextHead] = this.buttons;
    for (const button of [prevLayer, nextLayer]) button.disabled = !model || model.layers < 2;
    for (const button of [prevHead, nextHead]) button.disabled = !model || model.heads < 2;
  }
}
