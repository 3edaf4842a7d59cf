// Runs in the webview: a vector as a strip of bars around a zero line — up for positive (high colour), down for
// negative (negative colour), so sign never rests on colour alone. Strips that are compared share one scale.
// Hovering a bar reports its component; the exact value is in the caller's readout and in the tooltip.
import { el } from '../dom';
import { sig } from '../format';
import { cssRgb, sizeCanvas } from '../canvas/matrixPaint';
import type { Palette } from '../canvas/theme';

const HEIGHT = 44;
const MIN_BAR = 3;
const MAX_BAR = 26;

export class BarStrip {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private values: ArrayLike<number> = [];
  private bar = MIN_BAR;

  constructor(label: string, onHover: (component: number | undefined) => void) {
    this.canvas = el('canvas', { className: 'qkv-bars__canvas', attrs: { role: 'img' } });
    this.element = el('div', { className: 'qkv-bars' }, [el('span', { className: 'qkv-bars__label', text: label }), this.canvas]);
    this.canvas.addEventListener('mousemove', (event) => {
      const c = Math.floor(event.offsetX / this.bar);
      onHover(c >= 0 && c < this.values.length ? c : undefined);
    });
    this.canvas.addEventListener('mouseleave', () => onHover(undefined));
  }

  setLabel(label: string): void {
    (this.element.firstElementChild as HTMLElement).textContent = label;
  }

  /** Draws `values` on the scale ±`scale`, fitting `maxWidth` CSS pixels; `lit` outlines one component. */
  draw(values: ArrayLike<number>, scale: number, palette: Palette, maxWidth: number, lit?: number): void {
    this.values = values;
    const d = values.length;
    this.bar = Math.max(MIN_BAR, Math.min(MAX_BAR, Math.floor(maxWidth / Math.max(d, 1))));
    const width = this.bar * d;
    const ctx = sizeCanvas(this.canvas, width, HEIGHT);
    if (!ctx) return;
    const mid = HEIGHT / 2;
    const gap = this.bar >= 6 ? 1 : 0;
    for (let c = 0; c < d; c++) {
      const v = values[c];
      const h = scale > 0 ? (Math.min(Math.abs(v), scale) / scale) * (mid - 2) : 0;
      ctx.fillStyle = cssRgb(v >= 0 ? palette.high : palette.negative);
      ctx.fillRect(c * this.bar + gap, v >= 0 ? mid - h : mid, this.bar - 2 * gap, Math.max(h, v === 0 ? 0 : 1));
    }
    ctx.fillStyle = palette.muted;
    ctx.fillRect(0, mid, width, 1);
    if (lit !== undefined && lit < d) {
      ctx.strokeStyle = palette.text;
      ctx.lineWidth = 1;
      ctx.strokeRect(lit * this.bar + 0.5, 0.5, this.bar - 1, HEIGHT - 1);
    }
    const shown = Array.from({ length: Math.min(d, 8) }, (_, c) => sig(values[c], 3)).join(', ');
    this.canvas.setAttribute('aria-label', `${d} values: ${shown}${d > 8 ? ', …' : ''}`);
    this.canvas.title = 'Hover a bar for its exact value';
  }
}

/** Largest |x| over several vectors: one scale for strips that are read side by side. */
export function sharedScale(...vectors: ArrayLike<number>[]): number {
  let max = 0;
  for (const v of vectors) for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]));
  return max;
}
