// Runs in the webview: the head view of a translator's cross-attention (or decoder self-attention) — the
// translated tokens in a column on the left, the tokens they read on the right, and a line from each translated
// token to each token it reads, as opaque as its weight relative to the row's largest. The picked row's lines (or
// the lines into a picked source token) are drawn in full, the rest faint.
import type { Token } from '../../shared/attentionResult';
import { sizeCanvas } from '../canvas/matrixPaint';
import type { Palette } from '../canvas/theme';
import { el } from '../dom';
import { fitText } from '../heatmap/heatmapOverlay';
import * as l10n from '../l10n';
import type { DecoderHead } from './translationHeads';

const ROW = 22;
const LABEL = 120;
const GAP = 220;
/** Weights below this share of their row's largest draw nothing: a line per pair would hide the strong ones. */
const FLOOR = 0.15;

export class ReadingLines {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;

  constructor() {
    this.canvas = el('canvas', { className: 'qkv-translation__lines', attrs: { role: 'img' } });
    this.element = el('figure', { className: 'qkv-translation__figure' }, [
      this.canvas,
      el('figcaption', {
        className: 'qkv-note',
        // eslint-disable-next-line max-len -- one literal: scripts/l10n-export.mjs collects l10n.t messages whole
        text: l10n.t('Lines: each translated token (left) to the tokens it reads (right), as strong as the weight (relative to that token’s strongest).'),
      }),
    ]);
  }

  /** `pickedRow`'s lines, or the lines into `pickedCol`, are drawn in full, the rest faint. */
  paint(head: DecoderHead, rows: readonly Token[], cols: readonly Token[], palette: Palette, pickedRow: number | undefined,
    pickedCol?: number): void {
    const height = Math.max(head.rows, head.cols) * ROW + 8;
    const ctx = sizeCanvas(this.canvas, LABEL * 2 + GAP, height);
    if (!ctx) return;
    const y = (i: number, count: number) => 4 + (i + 0.5) * ROW + ((Math.max(head.rows, head.cols) - count) * ROW) / 2;
    const [x0, x1] = [LABEL, LABEL + GAP];
    ctx.lineCap = 'round';
    for (let i = 0; i < head.rows; i++) {
      const none = pickedRow === undefined && pickedCol === undefined;
      const row = head.probs.subarray(i * head.cols, (i + 1) * head.cols);
      const max = Math.max(...row);
      for (let j = 0; j < head.cols; j++) {
        // Relative to the row's strongest: rows spread over many tokens still show where they look most.
        const w = max > 0 ? row[j] / max : 0;
        if (w < FLOOR) continue;
        const strong = none || pickedRow === i || pickedCol === j;
        ctx.globalAlpha = w * (strong ? 1 : 0.3);
        ctx.strokeStyle = palette.series[0];
        ctx.lineWidth = 1 + 3 * w;
        ctx.beginPath();
        ctx.moveTo(x0 + 4, y(i, head.rows));
        ctx.lineTo(x1 - 4, y(j, head.cols));
        ctx.stroke();
      }
    }
    ctx.globalAlpha = 1;
    ctx.font = `12px ${palette.monoFont}`;
    ctx.fillStyle = palette.text;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    rows.forEach((t, i) => ctx.fillText(fitText(ctx, t.display, LABEL - 8), x0 - 4, y(i, head.rows)));
    ctx.textAlign = 'left';
    cols.forEach((t, j) => ctx.fillText(fitText(ctx, t.display, LABEL - 8), x1 + 4, y(j, head.cols)));
    this.canvas.setAttribute('aria-label', l10n.t('Lines from {0} translated tokens to the {1} tokens they read', head.rows, head.cols));
  }
}
