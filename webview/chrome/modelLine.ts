// Runs in the webview: the panel's top row — which model produced the result ("embedded · gpt2 · causal", its size
// in the tooltip and in the position beside it) with the layer/head controls on the same row — and the export
// buttons, which the panel puts at the end of the shapes line. The shapes themselves live in the shapes strip's
// one-line summary (shapesStrip.ts), so the picture starts high on the page.
import type { ModelFacts } from '../../shared/attentionResult';
import type { TranslationLine } from '../../shared/protocol';
import { el } from '../dom';
import * as l10n from '../l10n';

export function shapeText(model: ModelFacts, n: number): string {
  return `X [${n} × ${model.hiddenSize}] → Q, K, V [${model.heads} × ${n} × ${model.headDim}] → A [${model.heads} × ${n} × ${n}]`;
}

/** A folder path shows its last part (the full path is in the tooltip); a hub id such as "Xenova/gpt2" shows whole. */
export function shortModelName(id: string): string {
  const isPath = /^([/~.]|[A-Za-z]:[\\/]|\\\\)/.test(id);
  return isPath ? (id.split(/[\\/]/).filter(Boolean).pop() ?? id) : id;
}

export interface ModelLineActions {
  exportJson(): void;
  exportImage(): void;
}

export class ModelLine {
  readonly element: HTMLElement;
  /** Export JSON… and Export Image… */
  readonly actions: HTMLElement;
  private readonly name: HTMLElement;
  private readonly facts: HTMLElement;
  /** A translator's output, on a line of its own under the row. */
  private readonly translation: HTMLElement;

  /** `controls` (the layer/head switcher) sits on the same row, between the model and the export buttons. */
  constructor(actions: ModelLineActions, controls: HTMLElement) {
    const button = (text: string, title: string, run: () => void): HTMLButtonElement => {
      const b = el('button', { className: 'qkv-button qkv-button--secondary qkv-button--small', text, attrs: { type: 'button', title } });
      b.addEventListener('click', run);
      return b;
    };
    this.name = el('strong', { className: 'qkv-model__name' });
    this.facts = el('span', { className: 'qkv-model__facts' });
    this.actions = el('div', { className: 'qkv-model__actions', attrs: { role: 'group', 'aria-label': l10n.t('Export') } }, [
      button(l10n.t('Export JSON…'), l10n.t('Export attention, Q, K and V to a JSON file'), () => actions.exportJson()),
      button(
        l10n.t('Export Image…'),
        l10n.t('Save the current view as a PNG (2×) or SVG picture, with labels, title and legend'),
        () => actions.exportImage(),
      ),
    ]);
    this.translation = el('p', { className: 'qkv-model__translation' });
    this.element = el('header', { className: 'qkv-model' }, [
      el('p', { className: 'qkv-model__line', attrs: { role: 'group', 'aria-label': l10n.t('Model') } }, [this.name, this.facts]),
      controls,
      this.translation,
    ]);
  }

  render(model: ModelFacts, translation?: TranslationLine): void {
    this.name.textContent = shortModelName(model.id);
    this.name.title = model.id;
    const kind = model.causal ? l10n.t('causal') : l10n.t('bidirectional');
    const size = l10n.t('{0} layers × {1} heads', model.layers, model.heads);
    this.name.parentElement!.title = `${model.id} · ${model.architecture} · ${kind} · ${size}`;
    const facts = [model.architecture, kind];
    if (model.quantizedScores) facts.push(l10n.t('Q·Kᵀ on 8-bit integers'));
    this.facts.textContent = ` · ${facts.join(' · ')}`;
    this.facts.append(el('span', { className: 'qkv-visually-hidden', text: ` · ${size}` }));
    const attends = model.causal
      ? l10n.t('Each token attends only to itself and earlier tokens')
      : l10n.t('Each token attends to every token');
    // Where the graph, the numbers and config.json disagreed, the engine's sentence says what is shown.
    this.facts.title = [`${size}. ${attends}`, ...(model.notes ?? [])].join('\n');
    // A translator: what it wrote. The kind switch beside the layer and head controls picks what the views show.
    this.translation.hidden = translation === undefined;
    this.translation.replaceChildren(...(translation ? [
      el('strong', { text: l10n.t('Translation: ') }), el('span', { text: translation.text }),
      el('span', {
        className: 'qkv-note',
        text: (translation.stopped === 'length' ? l10n.t(' (cut at the length limit)') : '') +
          l10n.t(' · Encoder · Decoder · Cross picks which attention is shown'),
      }),
    ] : []));
  }
}
