// Runs in the webview: the one paint toolkit of every matrix picture — the heatmap, the all-heads thumbnails, the
// what-if and positions matrices. One pixel per cell through a 256-step colour table, then scaled up with smoothing
// off; canvases sized for the screen's pixel ratio; a causal model's masked cells hatched. Sequential scales follow
// the palette's ramp (the theme's, viridis or cividis); diverging scales run from the negative colour through the
// background (0) to the high colour, symmetric around 0.
import { rampColour, type Rgb } from './heatColor';
import type { Palette } from './theme';

export type Ramp =
  /** 0 → background, `max` → high. */
  | { readonly kind: 'sequential'; readonly max: number }
  /** −max → negative, 0 → background, +max → high. */
  | { readonly kind: 'diverging'; readonly max: number };

const STEPS = 256;

interface Tables {
  readonly up: Uint8ClampedArray;
  readonly down: Uint8ClampedArray;
  /** The same colours as whole RGBA pixels, written one 32-bit store per cell (byte order as ImageData's). */
  readonly up32: Uint32Array;
  readonly down32: Uint32Array;
}

/** Colour tables are rebuilt only when the palette changes. */
const tables = new WeakMap<Palette, Tables>();

function tableOf(palette: Palette): Tables {
  let table = tables.get(palette);
  if (!table) {
    const up = ramp(palette.ramp);
    const down = ramp([palette.low, palette.negative]);
    table = { up, down, up32: pixels(up), down32: pixels(down) };
    tables.set(palette, table);
  }
  return table;
}

function ramp(stops: readonly Rgb[]): Uint8ClampedArray {
  const out = new Uint8ClampedArray(STEPS * 3);
  for (let s = 0; s < STEPS; s++) out.set(rampColour(stops, s / (STEPS - 1)), s * 3);
  return out;
}

/** RGB triples as opaque RGBA pixels, laid out byte by byte so they match ImageData on any byte order. */
function pixels(rgb: Uint8ClampedArray): Uint32Array {
  const out = new Uint32Array(rgb.length / 3);
  const bytes = new Uint8Array(out.buffer);
  for (let s = 0; s < out.length; s++) bytes.set([rgb[s * 3], rgb[s * 3 + 1], rgb[s * 3 + 2], 255], s * 4);
  return out;
}

/** The colour a sequential picture gives `value` on a 0 → max scale, as the canvas paints it. */
export function sequentialColour(value: number, max: number, palette: Palette): Rgb {
  const { up } = tableOf(palette);
  const t = (value > 0 && max > 0 ? Math.min(STEPS - 1, Math.round((value * (STEPS - 1)) / max)) : 0) * 3;
  return [up[t], up[t + 1], up[t + 2]];
}

/**
 * rows × cols values starting at `offset`, one pixel each; `into` is reused when it has that size. With `causal`,
 * the cells after the diagonal (keys the query may not see) get the palette's masked colour.
 */
export function matrixImage(
  values: ArrayLike<number>, offset: number, rows: number, cols: number, scale: Ramp, palette: Palette, into?: ImageData, causal = false,
): ImageData {
  const image = into && into.width === cols && into.height === rows ? into : new ImageData(cols, rows);
  const cells = new Uint32Array(image.data.buffer, image.data.byteOffset, rows * cols);
  const { up32, down32 } = tableOf(palette);
  // The hot loop of every picture: one table read and one 32-bit store per cell, no allocation.
  const k = scale.max > 0 ? (STEPS - 1) / scale.max : 0;
  const diverging = scale.kind === 'diverging';
  for (let i = 0; i < rows * cols; i++) {
    const v = values[offset + i];
    if (v > 0) cells[i] = up32[Math.min(STEPS - 1, Math.round(v * k))];
    else if (v < 0 && diverging) cells[i] = down32[Math.min(STEPS - 1, Math.round(-v * k))];
    else cells[i] = up32[0];
  }
  if (causal) {
    const masked = pixels(new Uint8ClampedArray(palette.masked))[0];
    for (let row = 0; row < rows; row++) cells.fill(masked, row * cols + row + 1, (row + 1) * cols);
  }
  return image;
}

/**
 * Hatches the masked cells of a causal n × n grid at (x0, y0), whatever the cell size: diagonal lines clipped to
 * the staircase above the diagonal, so a masked cell never looks like a near-zero weight, even in high contrast.
 */
export function hatchMasked(ctx: CanvasRenderingContext2D, x0: number, y0: number, cell: number, n: number, palette: Palette): void {
  if (n < 2) return;
  ctx.save();
  ctx.beginPath();
  ctx.moveTo(x0 + cell, y0);
  ctx.lineTo(x0 + n * cell, y0);
  ctx.lineTo(x0 + n * cell, y0 + (n - 1) * cell);
  for (let k = n - 1; k >= 1; k--) {
    ctx.lineTo(x0 + k * cell, y0 + k * cell);
    ctx.lineTo(x0 + k * cell, y0 + (k - 1) * cell);
  }
  ctx.closePath();
  ctx.clip();
  ctx.strokeStyle = palette.hatch;
  ctx.lineWidth = 1;
  ctx.beginPath();
  const size = n * cell;
  for (let d = -size; d < size; d += HATCH_SPACING) {
    ctx.moveTo(x0 + d, y0);
    ctx.lineTo(x0 + d + size, y0 + size);
  }
  ctx.stroke();
  ctx.restore();
}

const HATCH_SPACING = 6;

let scratch: HTMLCanvasElement | undefined;

/** Draws an image scaled into (x, y, width, height) of ctx: each cell a sharp rectangle, or averaged when `smooth`. */
export function drawImageScaled(
  ctx: CanvasRenderingContext2D, image: ImageData, x: number, y: number, width: number, height: number, smooth = false,
): void {
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
  const [width, height] = [Math.round(cssWidth * dpr), Math.round(cssHeight * dpr)];
  // Setting the size, even to the same value, reallocates the bitmap: a head switch at the same size only clears it.
  const same = canvas.width === width && canvas.height === height;
  if (!same) {
    canvas.width = width;
    canvas.height = height;
    canvas.style.width = `${cssWidth}px`;
    canvas.style.height = `${cssHeight}px`;
  }
  const ctx = canvas.getContext('2d');
  ctx?.setTransform(1, 0, 0, 1, 0, 0);
  if (same) ctx?.clearRect(0, 0, width, height);
  ctx?.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

export const cssRgb = ([r, g, b]: Rgb): string => `rgb(${r}, ${g}, ${b})`;
