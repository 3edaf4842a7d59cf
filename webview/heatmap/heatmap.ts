// Runs in the webview: the attention matrix of one head on a <canvas>. Rows are queries (the token that looks),
// columns are keys (the tokens it looks at). Cells are painted with the canvas toolkit (matrixPaint.ts: one pixel
// per cell, scaled up with smoothing off, so 512 tokens paint in milliseconds). The labels, the hatching of masked
// cells and the frame are one overlay drawn once per token list and size (heatmapOverlay.ts): a head switch paints
// only the cells and lays the overlay over them.
// Clicking a cell picks its query and key (the step-by-step card); the picked cell keeps an outline.
import type { Token } from '../../shared/attentionResult';
import { el } from '../dom';
import type { HeadData } from '../headCache';
import { drawImageScaled, matrixImage, sizeCanvas } from '../canvas/matrixPaint';
import type { Palette } from '../canvas/theme';
import * as l10n from '../l10n';
import { HeatmapOverlay, type Geometry } from './heatmapOverlay';

export interface HeatmapPicture {
  readonly head: HeadData;
  readonly tokens: readonly Token[];
  /** The value drawn in the palette's `high` colour. */
  readonly scaleMax: number;
  readonly palette: Palette;
  /** A causal model: the cells after the diagonal are masked, not near-zero weights. */
  readonly causal: boolean;
  /** What a screen reader hears for the whole picture. */
  readonly description: string;
}

export interface HoveredCell {
  readonly row: number;
  readonly col: number;
  readonly value: number;
}

const MAX_CELL = 40;
const PAD = 8;

export class Heatmap {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private image: ImageData | undefined;
  /** Labels, hatching, gutters and frame: drawn once per token list, size and palette, not per head. */
  private readonly overlay = new HeatmapOverlay();
  private readonly cursor: HTMLElement;
  private readonly picked: HTMLElement;
  private pick: { row: number; col: number } | undefined;
  private picture: HeatmapPicture | undefined;
  private geometry: Geometry | undefined;
  private hovered: { row: number; col: number } | undefined;

  constructor(
    private readonly onHover: (cell: HoveredCell | undefined) => void,
    /** A cell was clicked: its query row and key column. */
    private readonly onClick: (row: number, col: number) => void,
    /** A row label (a query) or a column label (a key) was clicked. */
    private readonly onLabel: (axis: 'row' | 'column', index: number) => void = () => undefined,
  ) {
    this.canvas = el('canvas', { className: 'qkv-heatmap__canvas', attrs: { role: 'img', 'aria-label': l10n.t('Attention heatmap') } });
    this.cursor = el('div', { className: 'qkv-heatmap__cursor', attrs: { 'aria-hidden': 'true' } });
    this.cursor.hidden = true;
    this.picked = el('div', { className: 'qkv-heatmap__picked', attrs: { 'aria-hidden': 'true' } });
    this.picked.hidden = true;
    this.element = el('div', { className: 'qkv-heatmap' }, [this.canvas, this.picked, this.cursor]);
    this.canvas.addEventListener('mousemove', (event) => this.pointAt(event.offsetX, event.offsetY));
    this.canvas.addEventListener('mouseleave', () => this.pointAt(-1, -1));
    this.canvas.addEventListener('click', (event) => {
      const cell = this.cellAt(event.offsetX, event.offsetY);
      const label = cell ? undefined : this.labelAt(event.offsetX, event.offsetY);
      if (cell) this.onClick(cell.row, cell.col);
      else if (label) this.onLabel(label.axis, label.index);
    });
  }

  /** Tokens on each side of the painted grid; 0 before any paint. */
  get size(): number {
    return this.geometry?.n ?? 0;
  }

  /** Outlines a cell and reports it as hovered (the keyboard's cell cursor). */
  pointCell(row: number, col: number): void {
    this.hoverCell(row, col);
  }

  /** The head on the canvas, once painted. */
  get paintedHead(): HeadData | undefined {
    return this.geometry ? this.picture?.head : undefined;
  }

  /** Clicks a cell the way a pointer does: a click event at its centre (the host's clickCell, for tests). */
  clickCell(row: number, col: number): boolean {
    const g = this.geometry;
    if (!g || row >= g.n || col >= g.n) return false;
    const rect = this.canvas.getBoundingClientRect();
    const [x, y] = [g.x0 + (col + 0.5) * g.cell, g.y0 + (row + 0.5) * g.cell];
    this.canvas.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: rect.left + x, clientY: rect.top + y }));
    return true;
  }

  /** Outlines the picked cell (query row, key column); undefined clears it. */
  markPicked(row: number | undefined, col: number | undefined): void {
    this.pick = row !== undefined && col !== undefined ? { row, col } : undefined;
    this.placePicked();
  }

  private placePicked(): void {
    const g = this.geometry;
    const p = this.pick;
    this.picked.hidden = !g || !p || p.row >= g.n || p.col >= g.n;
    if (this.picked.hidden || !g || !p) return;
    const size = Math.max(g.cell, 7);
    const offset = (size - g.cell) / 2;
    Object.assign(this.picked.style, {
      left: `${g.x0 + p.col * g.cell - offset - 2}px`,
      top: `${g.y0 + p.row * g.cell - offset - 2}px`,
      width: `${size + 4}px`,
      height: `${size + 4}px`,
    });
  }

  private cellAt(x: number, y: number): { row: number; col: number } | undefined {
    const g = this.geometry;
    if (!g) return undefined;
    const col = Math.floor((x - g.x0) / g.cell);
    const row = Math.floor((y - g.y0) / g.cell);
    return row >= 0 && col >= 0 && row < g.n && col < g.n ? { row, col } : undefined;
  }

  /** The row label left of the grid, or the column label above it, under a point. */
  private labelAt(x: number, y: number): { axis: 'row' | 'column'; index: number } | undefined {
    const g = this.geometry;
    if (!g) return undefined;
    const along = (v: number, origin: number) => Math.floor((v - origin) / g.cell);
    const row = along(y, g.y0);
    const col = along(x, g.x0);
    if (x < g.x0 && row >= 0 && row < g.n) return { axis: 'row', index: row };
    if (y < g.y0 && col >= 0 && col < g.n) return { axis: 'column', index: col };
    return undefined;
  }

  /** Width the grid may use; the canvas scrolls sideways when even 1-pixel cells do not fit. */
  get availableWidth(): number {
    return this.element.clientWidth || document.documentElement.clientWidth;
  }

  paint(picture: HeatmapPicture): void {
    this.picture = picture;
    this.draw(picture);
  }

  clear(): void {
    this.picture = undefined;
    this.geometry = undefined;
    this.canvas.width = 0;
    this.canvas.height = 0;
    for (const key of ['originX', 'originY', 'cell', 'n']) delete this.canvas.dataset[key];
    this.pointAt(-1, -1);
    this.placePicked();
  }

  private draw({ head, tokens, scaleMax, palette, causal, description }: HeatmapPicture): void {
    const n = head.n;
    const ctx = this.canvas.getContext('2d');
    if (!ctx || n === 0) return;
    const { band } = this.overlay.labelsFor(tokens, palette);
    const cell = Math.max(1, Math.min(MAX_CELL, Math.floor((this.availableWidth - band - PAD) / n)));
    const size = n * cell;
    // The grid's place, also written to the canvas's data-* for tests.
    const geometry: Geometry = { x0: band, y0: band, cell, n };

    sizeCanvas(this.canvas, band + size + PAD, band + size + PAD);
    this.image = matrixImage(head.probs, 0, n, n, { kind: 'sequential', max: scaleMax }, palette, this.image, causal);
    drawImageScaled(ctx, this.image, band, band, size, size);
    this.overlay.drawOver(ctx, tokens, palette, causal, geometry);

    this.geometry = geometry;
    this.placePicked();
    Object.assign(this.canvas.dataset, { originX: String(band), originY: String(band), cell: String(cell), n: String(n) });
    this.canvas.setAttribute('aria-label', description);
    const hovered = this.hovered;
    this.hovered = undefined;
    if (hovered && hovered.row < n && hovered.col < n) this.hoverCell(hovered.row, hovered.col);
    else this.pointAt(-1, -1);
  }

  private pointAt(x: number, y: number): void {
    const cell = this.cellAt(x, y);
    if (cell) {
      if (this.hovered?.row !== cell.row || this.hovered.col !== cell.col) this.hoverCell(cell.row, cell.col);
      return;
    }
    this.cursor.hidden = true;
    if (this.hovered) {
      this.hovered = undefined;
      this.onHover(undefined);
    }
  }

  private hoverCell(row: number, col: number): void {
    const g = this.geometry;
    const head = this.picture?.head;
    if (!g || !head) return;
    this.hovered = { row, col };
    const size = Math.max(g.cell, 5);
    const offset = (size - g.cell) / 2;
    Object.assign(this.cursor.style, {
      left: `${g.x0 + col * g.cell - offset - 1}px`,
      top: `${g.y0 + row * g.cell - offset - 1}px`,
      width: `${size + 2}px`,
      height: `${size + 2}px`,
    });
    this.cursor.hidden = false;
    this.onHover({ row, col, value: head.probs[row * g.n + col] });
  }
}
