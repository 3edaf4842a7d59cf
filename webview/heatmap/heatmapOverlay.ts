// Runs in the webview: what a heatmap draws over and around its cells that stays the same when only the head
// changes — the token labels and axis captions, the hatching of masked cells, the gutters between large cells and
// the frame. It is drawn once into an offscreen canvas for a set of tokens, a grid size, a palette and a pixel
// ratio, and laid over each head's cells with one drawImage: a head switch repaints the cells and nothing else.
import type { Token } from '../../shared/attentionResult';
import { cssRgb, hatchMasked } from '../canvas/matrixPaint';
import type { Palette } from '../canvas/theme';
import * as l10n from '../l10n';

/** Where the grid sits in the canvas, in CSS pixels. */
export interface Geometry {
  readonly x0: number;
  readonly y0: number;
  readonly cell: number;
  readonly n: number;
}

/** The label texts of a set of tokens, fitted to the band, and the band's width in CSS pixels. */
export interface LabelLayout {
  readonly labels: readonly string[];
  readonly band: number;
}

export const FONT_PX = 12;
const LINE_PX = FONT_PX + 3;
const MAX_LABEL_PX = 132;
const GAP = 6;
const KEY_CAPTION = l10n.t('key →');
const QUERY_CAPTION = l10n.t('query ↓');

const fontOf = (palette: Palette) => `${FONT_PX}px ${palette.monoFont}`;

export class HeatmapOverlay {
  private layout: { tokens: readonly Token[]; font: string; value: LabelLayout } | undefined;
  private readonly canvas = document.createElement('canvas');
  /** What the offscreen canvas holds now. */
  private drawn: { tokens: readonly Token[]; palette: Palette; causal: boolean; geometry: Geometry; dpr: number } | undefined;

  /** Labels and band width for these tokens; measured once per token list and font. */
  labelsFor(tokens: readonly Token[], palette: Palette): LabelLayout {
    const font = fontOf(palette);
    if (this.layout?.tokens === tokens && this.layout.font === font) return this.layout.value;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return { labels: tokens.map((t) => t.display), band: MAX_LABEL_PX };
    ctx.font = font;
    const labels = tokens.map((token) => fitText(ctx, token.display, MAX_LABEL_PX));
    const widest = Math.max(ctx.measureText(QUERY_CAPTION).width, ...labels.map((label) => ctx.measureText(label).width));
    const value = { labels, band: Math.max(Math.ceil(widest) + 2 * GAP, 3 * LINE_PX) };
    this.layout = { tokens, font, value };
    return value;
  }

  /** Lays the overlay over `ctx`'s canvas (sized by sizeCanvas), drawing it first when anything it shows changed. */
  drawOver(ctx: CanvasRenderingContext2D, tokens: readonly Token[], palette: Palette, causal: boolean, geometry: Geometry): void {
    const dpr = window.devicePixelRatio || 1;
    const { width, height } = ctx.canvas;
    const d = this.drawn;
    const same = d && d.tokens === tokens && d.palette === palette && d.causal === causal && d.dpr === dpr &&
      sameGeometry(d.geometry, geometry) && this.canvas.width === width && this.canvas.height === height;
    if (!same) this.redraw(width, height, dpr, tokens, palette, causal, geometry);
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.canvas, 0, 0);
    ctx.restore();
  }

  private redraw(width: number, height: number, dpr: number, tokens: readonly Token[], palette: Palette, causal: boolean,
    geometry: Geometry): void {
    this.canvas.width = width; // clears it too
    this.canvas.height = height;
    this.drawn = undefined;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const { n, x0, y0, cell } = geometry;
    if (causal) hatchMasked(ctx, x0, y0, cell, n, palette);
    if (cell >= 10) {
      // Thin gutters in the background colour separate the tiles when there is room for them.
      ctx.fillStyle = cssRgb(palette.low);
      for (let k = 1; k < n; k++) {
        ctx.fillRect(x0 + k * cell, y0, 1, n * cell);
        ctx.fillRect(x0, y0 + k * cell, n * cell, 1);
      }
    }
    ctx.strokeStyle = palette.frame;
    ctx.lineWidth = 1;
    ctx.strokeRect(x0 - 0.5, y0 - 0.5, n * cell + 1, n * cell + 1);
    ctx.font = fontOf(palette);
    drawLabels(ctx, tokens, this.labelsFor(tokens, palette).labels, palette, geometry);
    this.drawn = { tokens, palette, causal, geometry, dpr };
  }
}

const sameGeometry = (a: Geometry, b: Geometry) => a.x0 === b.x0 && a.y0 === b.y0 && a.cell === b.cell && a.n === b.n;

function drawLabels(
  ctx: CanvasRenderingContext2D, tokens: readonly Token[], labels: readonly string[], palette: Palette, g: Geometry,
): void {
  const { n, x0, y0, cell } = g;
  const step = labelStep(cell);
  const plain = ctx.font;
  const italic = `italic ${plain}`;
  ctx.textBaseline = 'middle';
  for (let i = 0; i < n; i += step) {
    ctx.font = tokens[i].special ? italic : plain;
    ctx.fillStyle = palette.text;
    const centre = (i + 0.5) * cell;
    ctx.textAlign = 'right';
    ctx.fillText(labels[i], x0 - GAP, y0 + centre);
    ctx.save();
    ctx.translate(x0 + centre, y0 - GAP);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'left';
    ctx.fillText(labels[i], 0, 0);
    ctx.restore();
    if (step > 1) {
      // With thinned labels, a tick shows exactly which row and column each label names.
      ctx.fillStyle = palette.muted;
      ctx.fillRect(x0 - 4, y0 + i * cell + cell / 2 - 0.5, 3, 1);
      ctx.fillRect(x0 + i * cell + cell / 2 - 0.5, y0 - 4, 1, 3);
    }
  }
  // Axis captions in the empty corner, a line clear of the first row and column labels however small cells get.
  ctx.font = plain;
  ctx.fillStyle = palette.muted;
  ctx.textAlign = 'right';
  ctx.fillText(KEY_CAPTION, x0 - 2 * GAP, y0 - 2 * LINE_PX);
  ctx.fillText(QUERY_CAPTION, x0 - 2 * GAP, y0 - LINE_PX);
}

/** Every label when cells are a text line tall; otherwise every 2nd, 5th, 10th, 20th, 50th… token. */
export function labelStep(cell: number): number {
  const needed = Math.ceil(LINE_PX / cell);
  if (needed <= 1) return 1;
  for (let decade = 1; ; decade *= 10) {
    for (const nice of [1, 2, 5]) if (nice * decade >= needed) return nice * decade;
  }
}

/** The text, cut with an ellipsis to fit maxWidth pixels in ctx's font. */
export function fitText(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let end = text.length;
  while (end > 1 && ctx.measureText(`${text.slice(0, end)}…`).width > maxWidth) end--;
  return `${text.slice(0, end)}…`;
}
