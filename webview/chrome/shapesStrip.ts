// Runs in the webview: the shapes strip — the stages of multi-head attention with the real dimensions of the
// model and text on screen. Hovering or focusing a stage says what it computes and lights the matching part of
// the other views (see stages.ts). Folded, it is one line — "Shapes X [n × d] → Q, K, V […] → A […]" — that opens on
// a click, so the picture starts high on the page.
import type { ModelFacts } from '../../shared/attentionResult';
import { el } from '../dom';
import { shapeText } from './modelLine';
import { stagesOf, type Stage, type StageId } from './stages';
import * as l10n from '../l10n';

export class ShapesStrip {
  readonly element: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly caption: HTMLElement;
  private readonly summaryShapes: HTMLElement;
  private stages: readonly Stage[] = [];
  private idle = '';

  constructor(private readonly onStage: (stage: StageId | undefined) => void) {
    this.list = el('ol', { className: 'qkv-shapes', attrs: { 'aria-label': l10n.t('Shapes at each stage') } });
    this.caption = el('p', { className: 'qkv-note qkv-shapes__caption', attrs: { 'aria-live': 'polite' } });
    this.summaryShapes = el('code', { className: 'qkv-model__shapes' });
    this.element = el('details', { className: 'qkv-shapes-strip' }, [
      el('summary', {
        className: 'qkv-shapes-strip__summary',
        attrs: { title: l10n.t('Show the shapes at each stage of multi-head attention') },
      }, [
        el('span', { className: 'qkv-section-title', text: l10n.t('Shapes') }),
        ' ',
        this.summaryShapes,
        el('span', { className: 'qkv-note', text: l10n.t(' per layer') }),
      ]),
      this.list,
      this.caption,
    ]);
    this.list.addEventListener('mouseleave', () => this.point(undefined));
    this.list.addEventListener('focusout', (event) => {
      if (!this.list.contains(event.relatedTarget as Node | null)) this.point(undefined);
    });
  }

  render(model: ModelFacts, n: number): void {
    this.stages = stagesOf(model, n);
    this.summaryShapes.textContent = shapeText(model, n);
    this.summaryShapes.title = l10n.t('d_model = hidden size, d_head = head dimension, n = tokens');
    this.idle = l10n.t('n = {0} tokens · d_model = {1} · {2} heads × d_head = {3}. Hover a stage to see where it shows.',
      n, model.hiddenSize, model.heads, model.headDim);
    this.caption.textContent = this.idle;
    this.list.replaceChildren(...this.stages.map((stage) => {
      const attrs = { tabindex: '0', 'data-stage': stage.id, 'aria-label': `${stage.name} ${stage.shape}: ${stage.meaning}` };
      const item = el('li', { className: 'qkv-shape', attrs }, [
        el('span', { className: 'qkv-shape__name', text: stage.name }),
        el('span', { className: 'qkv-shape__dims', text: stage.shape }),
      ]);
      item.addEventListener('mouseenter', () => this.point(stage.id));
      item.addEventListener('focus', () => this.point(stage.id));
      return item;
    }));
  }

  /** Marks the stage in the strip (the panel lights the other views). */
  show(stage: StageId | undefined): void {
    for (const item of this.list.children) item.classList.toggle('is-lit', (item as HTMLElement).dataset.stage === stage);
    const s = this.stages.find((x) => x.id === stage);
    this.caption.textContent = s ? l10n.t('{0} {1}: {2}. On screen: {3}.', s.name, s.shape, s.meaning, s.lights) : this.idle;
  }

  private point(stage: StageId | undefined): void {
    this.onStage(stage);
  }
}
