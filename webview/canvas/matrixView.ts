// Runs in the webview: a titled matrix on a canvas — token labels on the rows (and on the columns of a square
// token × token matrix), a colour ramp, and a readout line that states the hovered cell's value as text. The
// what-if lab and the Positions view draw their matrices with it.
import type { Token } from '../../shared/attentionResult';
import { el } from '../dom';
import { fitText } from '../heatmap/heatmapOverlay';
import { drawImageScaled, matrixImage, sizeCanvas, type Ramp } from './matrixPaint';
import type { Palette } from './theme';
import * as l10n from '../l10n';

export interface MatrixPicture {
  /** Row-major rows × cols. */
  readonly values: ArrayLike<number>;
  readonly rows: number;
  readonly cols: number;
  readonly ramp: Ramp;
  readonly palette: Palette;
  /** Labels the rows; also the columns when the matrix is square (token × token). */
  readonly tokens: readonly Token[];
  /** CSS pixels the canvas may use. */
  readonly maxWidth: number;
  /** What a screen reader hears for the picture. */
  readonly description: string;
  /** The readout text for a hovered cell. */
  readout(row: number, col: number, value: number): string;
}

const FONT_PX = 11;
const LABEL_PX = 84;
const GAP = 4;
const MAX_CELL = 24;

export class MatrixView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly readoutLine: HTMLElement;
  private readonly caption: HTMLElement;
  private picture: MatrixPicture | undefined;
  private geometry = { x0: 0, y0: 0, cw: 1, ch: 1 };
  private readonly idle: string;

  constructor(title: string, caption: string, className = '') {
    this.canvas = el('canvas', { className: 'qkv-matrix__canvas', attrs: { role: 'img' } });
    this.caption = el('p', { className: 'qkv-note qkv-matrix__caption', text: caption });
    this.idle = l10n.t('Hover a cell for its value.');
    this.readoutLine = el('p', { className: 'qkv-matrix__readout', text: this.idle, attrs: { 'aria-live': 'polite' } });
    this.element = el('figure', { className: `qkv-matrix ${className}`.trim() }, [
      el('figcaption', { className: 'qkv-matrix__title', text: title }),
      this.caption,
      this.canvas,
      this.readoutLine,
    ]);
    this.canvas.addEventListener('mousemove', (event) => this.hover(event.offsetX, event.offsetY));
    this.canvas.addEventListener('mouseleave', () => this.hover(-1, -1));
  }

  setCaption(text: string): void {
    this.caption.textContent = text;
  }

  paint(picture: MatrixPicture): void {
    this.picture = picture;
    const { rows, cols, tokens, palette } = picture;
    const square = rows === cols;
    const band = tokens.length ? labelBand(tokens, palette.monoFont) : 0;
    const top = square && tokens.length ? band : GAP;
    const cw = Math.max(1, Math.min(MAX_CELL, Math.floor((picture.maxWidth - band - GAP) / Math.max(cols, 1))));
    // A tall thin matrix (positions × dimensions) gets rows tall enough to read, at most ~320 px in all.
    const ch = square ? cw : Math.max(1, Math.min(16, Math.floor(320 / Math.max(rows, 1))));
    const ctx = sizeCanvas(this.canvas, band + cols * cw + GAP, top + rows * ch + GAP);
    if (!ctx) return;
    this.geometry = { x0: band, y0: top, cw, ch };
    drawImageScaled(ctx, matrixImage(picture.values, 0, rows, cols, picture.ramp, palette), band, top, cols * cw, rows * ch);
    ctx.strokeStyle = palette.frame;
    ctx.strokeRect(band - 0.5, top - 0.5, cols * cw + 1, rows * ch + 1);
    ctx.font = `${FONT_PX}px ${palette.monoFont}`;
    ctx.fillStyle = palette.text;
    ctx.textBaseline = 'middle';
    const step = Math.ceil((FONT_PX + 2) / ch);
    for (let i = 0; i < rows && tokens.length; i += step) {
      ctx.textAlign = 'right';
      ctx.fillText(fitText(ctx, tokens[i]?.display ?? String(i), band - 2 * GAP), band - GAP, top + (i + 0.5) * ch);
      if (!square) continue;
      ctx.save();
      ctx.translate(band + (i + 0.5) * cw, top - GAP);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = 'left';
      ctx.fillText(fitText(ctx, tokens[i]?.display ?? String(i), top - 2 * GAP), 0, 0);
      ctx.restore();
    }
    this.canvas.setAttribute('aria-label', picture.description);
    Object.assign(this.canvas.dataset, {
      originX: String(band), originY: String(top), cellW: String(cw), cellH: String(ch), rows: String(rows), cols: String(cols),
    });
    this.readoutLine.textContent = this.idle;
  }

  private hover(x: number, y: number): void {
    const p = this.picture;
    const { x0, y0, cw, ch } = this.geometry;
    const col = Math.floor((x - x0) / cw);
    const row = Math.floor((y - y0) / ch);
    if (!p || row < 0 || col < 0 || row >= p.rows || col >= p.cols) {
      this.readoutLine.textContent = this.idle;
      return;
    }
    this.readoutLine.textContent = p.readout(row, col, p.values[row * p.cols + col]);
  }
}

/** Calls `redraw` when the element's width changes while it is on screen (a hidden tab has width 0). */
export function redrawOnResize(element: HTMLElement, redraw: () => void): void {
  let width = 0;
  new ResizeObserver(() => {
    const now = element.clientWidth;
    if (now === width || now === 0) return;
    const first = width === 0;
    width = now;
    if (!first) redraw();
  }).observe(element);
}

/** Room for the widest token label, up to LABEL_PX. */
function labelBand(tokens: readonly Token[], font: string): number {
  const ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return LABEL_PX;
  ctx.font = `${FONT_PX}px ${font}`;
  const widest = Math.max(...tokens.map((t) => ctx.measureText(t.display).width));
  return Math.min(LABEL_PX, Math.ceil(widest) + 3 * GAP);
}
