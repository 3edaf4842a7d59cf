// Runs in the webview: the two painters of Export Image and the file bytes they make. The SVG is real vectors —
// one <rect> per run of same-coloured cells in a row, <text> for every label and title, a hatch pattern clipped to
// the masked cells — and the PNG is the same layout on a canvas at twice the CSS pixel size.
import type { ImageFormat } from '../../shared/protocol';
import { rampColour, type Rgb } from '../canvas/heatColor';
import { drawImageScaled, hatchMasked, matrixImage, sequentialColour } from '../canvas/matrixPaint';
import type { Palette } from '../canvas/theme';
import { layoutFigure, type Figure, type FigureMatrix, type Painter, type TextStyle } from './figure';

const PNG_SCALE = 2;

/** The file's bytes: a PNG at 2×, or an SVG document in UTF-8. */
export async function renderFigure(figure: Figure, format: ImageFormat): Promise<ArrayBuffer> {
  const measureCanvas = document.createElement('canvas').getContext('2d');
  const font = (style: Pick<TextStyle, 'size' | 'bold' | 'mono'>) =>
    `${style.bold ? 'bold ' : ''}${style.size}px ${style.mono ? figure.palette.monoFont : 'sans-serif'}`;
  const measure = (text: string) => {
    if (!measureCanvas) return text.length * 7;
    measureCanvas.font = font({ size: 12, mono: true });
    return measureCanvas.measureText(text).width;
  };
  const layout = layoutFigure(figure, measure);
  if (format === 'svg') {
    const svg = new SvgPainter();
    layout.draw(svg);
    const bytes = new TextEncoder().encode(svg.document(layout.width, layout.height, figure.title));
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }
  const canvas = document.createElement('canvas');
  canvas.width = layout.width * PNG_SCALE;
  canvas.height = layout.height * PNG_SCALE;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas for the picture');
  ctx.scale(PNG_SCALE, PNG_SCALE);
  layout.draw(new CanvasPainter(ctx, font));
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the canvas could not encode a PNG');
  return blob.arrayBuffer();
}

const css = ([r, g, b]: Rgb): string => `rgb(${r},${g},${b})`;

/** The colour of one cell: the screen's colour tables for the sequential ramp, the theme's pair for a signed one. */
function cellColour(m: FigureMatrix, value: number, palette: Palette): Rgb {
  const { kind, max } = m.ramp;
  if (kind === 'sequential') return sequentialColour(value, max, palette);
  const t = max > 0 ? Math.abs(value) / max : 0;
  return rampColour([palette.low, value >= 0 ? palette.high : palette.negative], t);
}

class CanvasPainter implements Painter {
  constructor(private readonly ctx: CanvasRenderingContext2D, private readonly font: (style: TextStyle) => string) {}

  rect(x: number, y: number, width: number, height: number, fill: Rgb): void {
    this.ctx.fillStyle = css(fill);
    this.ctx.fillRect(x, y, width, height);
  }

  text(x: number, y: number, text: string, style: TextStyle): void {
    const { ctx } = this;
    ctx.save();
    ctx.font = this.font(style);
    ctx.fillStyle = style.colour;
    ctx.textAlign = style.anchor === 'end' ? 'right' : 'left';
    ctx.translate(x, y);
    if (style.vertical) ctx.rotate(-Math.PI / 2);
    ctx.fillText(text, 0, 0);
    ctx.restore();
  }

  cells(m: FigureMatrix, x: number, y: number, cell: number, palette: Palette): void {
    const image = matrixImage(m.values, m.offset, m.rows, m.cols, m.ramp, palette, undefined, m.causal);
    drawImageScaled(this.ctx, image, x, y, m.cols * cell, m.rows * cell);
    if (m.causal && m.rows === m.cols) hatchMasked(this.ctx, x, y, cell, m.rows, palette);
  }

  ramp(x: number, y: number, width: number, height: number, palette: Palette): void {
    for (let i = 0; i < width; i++) this.rect(x + i, y, 1, height, rampColour(palette.ramp, i / (width - 1)));
  }

  maskedSwatch(x: number, y: number, size: number, palette: Palette): void {
    this.rect(x, y, size, size, palette.masked);
    hatchMasked(this.ctx, x - size, y, size, 2, palette);
  }
}

const escapeXml = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

class SvgPainter implements Painter {
  private readonly parts: string[] = [];
  private readonly defs: string[] = [];
  private clips = 0;
  private hatchId: string | undefined;

  rect(x: number, y: number, width: number, height: number, fill: Rgb): void {
    this.parts.push(`<rect x="${x}" y="${y}" width="${width}" height="${height}" fill="${css(fill)}"/>`);
  }

  text(x: number, y: number, text: string, style: TextStyle): void {
    const transform = style.vertical ? ` transform="rotate(-90 ${x} ${y})"` : '';
    const family = style.mono ? 'monospace' : 'sans-serif';
    this.parts.push(
      `<text x="${x}" y="${y}" font-family="${family}" font-size="${style.size}"${style.bold ? ' font-weight="bold"' : ''} ` +
      `fill="${style.colour}" text-anchor="${style.anchor}"${transform} xml:space="preserve">${escapeXml(text)}</text>`,
    );
  }

  cells(m: FigureMatrix, x: number, y: number, cell: number, palette: Palette): void {
    for (let i = 0; i < m.rows; i++) {
      // One rectangle per run of equal colours: a causal row's masked tail is a single <rect>.
      let start = 0;
      let colour = this.colourAt(m, i, 0, palette);
      for (let j = 1; j <= m.cols; j++) {
        const next = j < m.cols ? this.colourAt(m, i, j, palette) : undefined;
        if (next && next[0] === colour[0] && next[1] === colour[1] && next[2] === colour[2]) continue;
        this.rect(x + start * cell, y + i * cell, (j - start) * cell, cell, colour);
        if (next) [start, colour] = [j, next];
      }
    }
    if (m.causal && m.rows === m.cols && m.rows > 1) this.hatch(x, y, cell, m.rows, palette);
  }

  ramp(x: number, y: number, width: number, height: number, palette: Palette): void {
    const id = `ramp${this.clips++}`;
    const stops = palette.ramp.map((c, i) => `<stop offset="${i / (palette.ramp.length - 1)}" stop-color="${css(c)}"/>`).join('');
    this.defs.push(`<linearGradient id="${id}">${stops}</linearGradient>`);
    this.parts.push(`<rect x="${x}" y="${y}" width="${width}" height="${height}" fill="url(#${id})"/>`);
  }

  maskedSwatch(x: number, y: number, size: number, palette: Palette): void {
    this.rect(x, y, size, size, palette.masked);
    this.parts.push(`<rect x="${x}" y="${y}" width="${size}" height="${size}" fill="url(#${this.hatchPattern(palette)})"/>`);
  }

  document(width: number, height: number, title: string): string {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
      `<title>${escapeXml(title)}</title><defs>${this.defs.join('')}</defs>${this.parts.join('\n')}</svg>\n`;
  }

  private colourAt(m: FigureMatrix, i: number, j: number, palette: Palette): Rgb {
    return m.causal && j > i ? palette.masked : cellColour(m, m.values[m.offset + i * m.cols + j], palette);
  }

  private hatchPattern(palette: Palette): string {
    if (!this.hatchId) {
      this.hatchId = 'hatch';
      this.defs.push(`<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
        `<line x1="0" y1="0" x2="0" y2="6" stroke="${palette.hatch}" stroke-width="1"/></pattern>`);
    }
    return this.hatchId;
  }

  /** The masked staircase above the diagonal, filled with the hatch pattern. */
  private hatch(x: number, y: number, cell: number, n: number, palette: Palette): void {
    const points = [[x + cell, y], [x + n * cell, y], [x + n * cell, y + (n - 1) * cell]];
    for (let k = n - 1; k >= 1; k--) points.push([x + k * cell, y + k * cell], [x + k * cell, y + (k - 1) * cell]);
    this.parts.push(`<polygon points="${points.map(([px, py]) => `${px},${py}`).join(' ')}" fill="url(#${this.hatchPattern(palette)})"/>`);
  }
}
