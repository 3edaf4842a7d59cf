// Runs in the webview: matrices to pixels, fast. One pixel per cell through a 256-step colour table, then scaled up
// with smoothing off. Sequential scales run from the background (0) to the high colour; diverging scales run from
// the negative colour through the background (0) to the high colour, symmetric around 0.
import type { Rgb } from './heatColor';
import type { Palette } from './theme';

export type Ramp =
  /** 0 → background, `max` → high. */
  | { readonly kind: 'sequential'; readonly max: number }
  /** −max → negative, 0 → background, +max → high. */
  | { readonly kind: 'diverging'; readonly max: number };

const STEPS = 256;

/** Colour tables are rebuilt only when the palette changes. */
const tables = new WeakMap<Palette, { up: Uint8ClampedArray; down: Uint8ClampedArray }>();

function tableOf(palette: Palette): { up: Uint8ClampedArray; down: Uint8ClampedArray } {
  let table = tables.get(palette);
  if (!table) {
    table = { up: ramp(palette.low, palette.high), down: ramp(palette.low, palette.negative) };
    tables.set(palette, table);
  }
  return table;
}

function ramp(from: Rgb, to: Rgb): Uint8ClampedArray {
  const out = new Uint8ClampedArray(STEPS * 3);
  for (let s = 0; s < STEPS; s++) {
    const t = s / (STEPS - 1);
    for (let c = 0; c < 3; c++) out[s * 3 + c] = Math.round(from[c] + (to[c] - from[c]) * t);
  }
  return out;
}

/** rows × cols values starting at `offset`, one pixel each; `into` is reused when it has that size. */
export function matrixImage(values: ArrayLike<number>, offset: number, rows: number, cols: number, scale: Ramp, palette: Palette, into?: ImageData): ImageData {
  const image = into && into.width === cols && into.height === rows ? into : new ImageData(cols, rows);
  const data = image.data;
  const { up, down } = tableOf(palette);
  // The hot loop of every thumbnail: no allocation per cell.
  const k = scale.max > 0 ? (STEPS - 1) / scale.max : 0;
  const diverging = scale.kind === 'diverging';
  for (let i = 0, p = 0; i < rows * cols; i++, p += 4) {
    const v = values[offset + i];
    let table = up;
    let step = 0;
    if (v > 0) step = Math.min(STEPS - 1, Math.round(v * k));
    else if (v < 0 && diverging) {
      table = down;
      step = Math.min(STEPS - 1, Math.round(-v * k));
    }
    const t = step * 3;
    data[p] = table[t];
    data[p + 1] = table[t + 1];
    data[p + 2] = table[t + 2];
    data[p + 3] = 255;
  }
  return image;
}

let scratch: HTMLCanvasElement | undefined;

/** Draws an image scaled into (x, y, width, height) of ctx: each cell a sharp rectangle, or averaged when `smooth`. */
export function drawImageScaled(ctx: CanvasRenderingContext2D, image: ImageData, x: number, y: number, width: number, height: number, smooth = false): void {
  scratch ??= document.createElement('canvas');
  scratch.width = image.width;
  scratch.height = image.height;
  scratch.getContext('2d')?.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = smooth;
  ctx.drawImage(scratch, x, y, width, height);
}

/** Sizes a canvas for CSS pixels × devicePixelRatio and returns its context, scaled to CSS pixels. */
export function sizeCanvas(canvas: HTMLCanvasElement, cssWidth: number, cssHeight: number): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(cssWidth * dpr);
  canvas.height = Math.round(cssHeight * dpr);
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  const ctx = canvas.getContext('2d');
  ctx?.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

export const cssRgb = ([r, g, b]: Rgb): string => `rgb(${r}, ${g}, ${b})`;
