// Runs in the webview: the panel header — which model produced the result, the shapes its attention works on,
// "X [n × d_model] → Q, K, V [heads × n × d_head] → A [heads × n × n]", and the Export button.
import type { ModelFacts } from '../shared/attentionResult';
import type { TranslationLine } from '../shared/protocol';
import { el } from './dom';
import * as l10n from './l10n';

export function shapeText(model: ModelFacts, n: number): string {
  return `X [${n} × ${model.hiddenSize}] → Q, K, V [${model.heads} × ${n} × ${model.headDim}] → A [${model.heads} × ${n} × ${n}]`;
}

/** A folder path shows its last part (the full path is in the tooltip); a hub id such as "Xenova/gpt2" shows whole. */
export function shortModelName(id: string): string {
  const isPath = /^([/~.]|[A-Za-z]:[\\/]|\\\\)/.test(id);
  return isPath ? (id.split(/[\\/]/).filter(Boolean).pop() ?? id) : id;
}

export class ModelLine {
  readonly element: HTMLElement;
  private readonly name: HTMLElement;
  private readonly facts: HTMLElement;
  private readonly shapes: HTMLElement;
  private readonly translation: HTMLElement;

  constructor(exportJson: () => void) {
    const exportButton = el('button', {
      className: 'qkv-button',
      text: l10n.t('Export JSON…'),
      attrs: { type: 'button', title: l10n.t('Export attention, Q, K and V to a JSON file') },
    });
    exportButton.addEventListener('click', exportJson);
    this.name = el('strong', { className: 'qkv-model__name' });
    this.facts = el('span', { className: 'qkv-model__facts' });
    this.shapes = el('code', { className: 'qkv-model__shapes' });
    this.translation = el('p', { className: 'qkv-model__line' });
    this.element = el('header', { className: 'qkv-model' }, [
      el('div', { className: 'qkv-model__text', attrs: { role: 'group', 'aria-label': l10n.t('Model') } }, [
        el('p', { className: 'qkv-model__line' }, [this.name, this.facts]),
        el('p', { className: 'qkv-model__line' }, [this.shapes, el('span', { className: 'qkv-note', text: l10n.t(' per layer') })]),
        this.translation,
      ]),
      exportButton,
    ]);
  }

  render(model: ModelFacts, n: number, translation?: TranslationLine): void {
    this.name.textContent = shortModelName(model.id);
    this.name.title = model.id;
    const facts = [
      model.architecture,
      model.causal ? l10n.t('causal') : l10n.t('bidirectional'),
      l10n.t('{0} layers × {1} heads', model.layers, model.heads),
    ];
    if (model.quantizedScores) facts.push(l10n.t('Q·Kᵀ on 8-bit integers'));
    // The graph's fused attention kernel was replaced by the standard operators it stands for, so Q, K, V can be shown.
    if (model.fused) facts.push(l10n.t('attention opened up from {0}', model.fused.join(', ')));
    this.facts.textContent = ` · ${facts.join(' · ')}`;
    this.facts.title = model.causal ? l10n.t('Each token attends only to itself and earlier tokens') : l10n.t('Each token attends to every token');
    this.shapes.textContent = shapeText(model, n);
    this.shapes.title = l10n.t('d_model = hidden size, d_head = head dimension, n = tokens');
    // A translator: what it wrote. The views below show its encoder reading the source; the decoder's
    // self-attention and the cross-attention are in the export (and the CLI) for now.
    this.translation.hidden = translation === undefined;
    this.translation.replaceChildren(...(translation ? [
      el('strong', { text: l10n.t('Translation: ') }), el('span', { text: translation.text }),
      el('span', { className: 'qkv-note', text: `${translation.stopped === 'length' ? l10n.t(' (cut at the length limit)') : ''}${l10n.t(' · below: the encoder reading the source; decoder and cross-attention are in the JSON export')}` }),
    ] : []));
  }
}
