// Runs in the webview: "All heads" for a translator's decoder or cross-attention — every decoder layer × head as a
// small thumbnail of its weights (translation rows × source columns for cross, translation × translation for the
// decoder), each a button that opens that head. Layers not received yet are asked for by the translation controller.
import type { DecoderKind, HeadRef, ResultSummary } from '../../shared/protocol';
import { drawImageScaled, matrixImage, sizeCanvas } from '../canvas/matrixPaint';
import type { Palette } from '../canvas/theme';
import { el } from '../dom';
import * as l10n from '../l10n';
import { kindShape, layerKey } from './translationHeads';

const THUMB = 96;
const GAP = 8;

export class TranslationHeadsGrid {
  readonly element: HTMLElement;
  private readonly note: HTMLElement;
  private readonly grid: HTMLElement;

  constructor(private readonly select: (ref: HeadRef) => void) {
    this.note = el('p', { className: 'qkv-note' });
    this.grid = el('div', { className: 'qkv-translation__grid' });
    this.element = el('section', { className: 'qkv-translation__heads', attrs: { 'aria-label': l10n.t('All heads') } },
      [this.note, this.grid]);
  }

  render(summary: ResultSummary, kind: DecoderKind, layers: ReadonlyMap<string, Float32Array>, ref: HeadRef, palette: Palette): void {
    const shape = kindShape(summary, kind);
    const t = summary.translation;
    if (!shape || !t) return;
    const { rows, cols, heads } = shape;
    this.note.textContent = kind === 'cross'
      ? l10n.t('Every decoder layer and head: each translated token (row) reading the source (columns). Click one to open it.')
      : l10n.t('Every decoder layer and head: each translated token (row) reading the translation before it. Click one to open it.');
    // Whole pixels per cell, so every thumbnail of a kind has one size and no cell is blurred into its neighbour.
    const cell = Math.max(1, Math.floor(THUMB / Math.max(rows, cols)));
    const [w, h] = [cols * cell, rows * cell];
    this.grid.style.gridTemplateColumns = `2.5em repeat(${heads}, ${w + 6}px)`;
    this.grid.style.gap = `${GAP}px`;
    const cells: HTMLElement[] = [el('span'), ...Array.from({ length: heads }, (_, head) =>
      el('span', { className: 'qkv-note', text: `H${head + 1}` }))];
    for (let layer = 0; layer < t.layers; layer++) {
      cells.push(el('span', { className: 'qkv-note', text: `L${layer + 1}` }));
      const values = layers.get(layerKey(kind, layer));
      for (let head = 0; head < heads; head++) {
        const canvas = el('canvas', { className: 'qkv-translation__thumb' });
        const current = layer === ref.layer && head === ref.head;
        const button = el('button', {
          className: `qkv-translation__thumb-button${current ? ' is-current' : ''}`,
          attrs: { type: 'button', 'aria-label': l10n.t('Layer {0} / {1} · Head {2} / {3}', layer + 1, t.layers, head + 1, heads),
            'data-ref': `${layer}:${head}` },
        }, [canvas]);
        button.addEventListener('click', () => this.select({ layer, head }));
        const ctx = sizeCanvas(canvas, w, h);
        if (ctx && values) {
          let max = 0;
          for (let i = head * rows * cols; i < (head + 1) * rows * cols; i++) max = Math.max(max, values[i]);
          const ramp = { kind: 'sequential', max } as const;
          const image = matrixImage(values, head * rows * cols, rows, cols, ramp, palette, undefined, kind === 'decoder');
          drawImageScaled(ctx, image, 0, 0, w, h);
        }
        button.dataset.drawn = String(values !== undefined);
        cells.push(button);
      }
    }
    this.grid.replaceChildren(...cells);
  }
}
