// Runs in the webview: a picture for Export Image, laid out once and drawn by either painter (render.ts) — the title
// (model · layer · head), a subtitle, the colour legend (with the masked swatch of a causal model) and one or more
// matrices with their token labels. The layout is in CSS pixels; the PNG painter draws it at 2×.
import type { Rgb } from '../canvas/heatColor';
import type { Ramp } from '../canvas/matrixPaint';
import type { Palette } from '../canvas/theme';
import { labelStep } from '../heatmap/heatmapOverlay';

export interface FigureMatrix {
  readonly title: string;
  readonly rows: number;
  readonly cols: number;
  /** rows × cols values, row-major, from `offset`. */
  readonly values: ArrayLike<number>;
  readonly offset: number;
  readonly ramp: Ramp;
  /** Cells after the diagonal are masked (a causal model's own attention). */
  readonly causal: boolean;
  readonly rowLabels?: readonly string[];
  readonly colLabels?: readonly string[];
}

export interface Figure {
  /** model · layer · head: also the file's title. */
  readonly title: string;
  readonly subtitle: string;
  readonly matrices: readonly FigureMatrix[];
  /** Matrices per row. */
  readonly columns: number;
  /** Side of one cell, CSS pixels. */
  readonly cell: number;
  /** "Linear scale, 0 to 0.7471 …" */
  readonly legend: string;
  readonly palette: Palette;
}

/** What a painter can draw: the same calls make the SVG and the PNG. */
export interface Painter {
  rect(x: number, y: number, width: number, height: number, fill: Rgb): void;
  text(x: number, y: number, text: string, style: TextStyle): void;
  /** The matrix's cells, each a sharp square of `cell` pixels, masked cells in the masked colour and hatched. */
  cells(matrix: FigureMatrix, x: number, y: number, cell: number, palette: Palette): void;
  /** The legend's colour bar: the ramp from 0 (left) to the maximum (right). */
  ramp(x: number, y: number, width: number, height: number, palette: Palette): void;
  /** A masked swatch, hatched like the cells. */
  maskedSwatch(x: number, y: number, size: number, palette: Palette): void;
}

export interface TextStyle {
  readonly size: number;
  readonly colour: string;
  readonly anchor: 'start' | 'end';
  readonly bold?: boolean;
  /** Written upwards (column labels). */
  readonly vertical?: boolean;
  readonly mono?: boolean;
}

export const MARGIN = 16;
const TITLE_PX = 16;
const TEXT_PX = 12;
const LABEL_GAP = 6;
const GAP = 24;
const LEGEND_BAR = { width: 160, height: 10 };

export interface Layout {
  readonly width: number;
  readonly height: number;
  draw(painter: Painter): void;
}

/** Sizes every part with `measure` (text width in CSS pixels at TEXT_PX in the mono font) and returns the drawing. */
export function layoutFigure(figure: Figure, measure: (text: string) => number): Layout {
  const { palette, cell } = figure;
  const blocks = figure.matrices.map((m) => {
    const band = (labels?: readonly string[]) => (labels?.length ? Math.ceil(Math.max(...labels.map(measure))) + 2 * LABEL_GAP : 0);
    const left = band(m.rowLabels);
    const top = band(m.colLabels);
    const width = Math.max(left + m.cols * cell, Math.ceil(measure(m.title)));
    return { m, left, top, width, height: TEXT_PX + 8 + top + m.rows * cell };
  });
  const rows: (typeof blocks)[] = [];
  for (let i = 0; i < blocks.length; i += figure.columns) rows.push(blocks.slice(i, i + figure.columns));
  const header = TITLE_PX + 10 + TEXT_PX + 10 + LEGEND_BAR.height + 16;
  const rowHeights = rows.map((row) => Math.max(...row.map((b) => b.height)));
  const rowWidths = rows.map((row) => row.reduce((sum, b) => sum + b.width, 0) + GAP * (row.length - 1));
  const widest = Math.max(
    rowWidths.length ? Math.max(...rowWidths) : 0, measure(figure.legend) + LEGEND_BAR.width + 160, measure(figure.subtitle),
  );
  const width = Math.ceil(2 * MARGIN + widest);
  const height = Math.ceil(2 * MARGIN + header + rowHeights.reduce((sum, h) => sum + h, 0) + GAP * Math.max(0, rows.length - 1));
  const causal = figure.matrices.some((m) => m.causal);

  return {
    width,
    height,
    draw(painter) {
      painter.rect(0, 0, width, height, palette.low);
      const text = (x: number, y: number, s: string, style: Partial<TextStyle> = {}) =>
        painter.text(x, y, s, { size: TEXT_PX, colour: palette.text, anchor: 'start', ...style });
      let y = MARGIN + TITLE_PX;
      text(MARGIN, y, figure.title, { size: TITLE_PX, bold: true });
      y += 10 + TEXT_PX;
      text(MARGIN, y, figure.subtitle, { colour: palette.muted });
      y += 10;
      text(MARGIN, y + LEGEND_BAR.height, '0', { mono: true });
      painter.ramp(MARGIN + 14, y, LEGEND_BAR.width, LEGEND_BAR.height, palette);
      let x = MARGIN + 20 + LEGEND_BAR.width;
      text(x, y + LEGEND_BAR.height, figure.legend, { mono: true });
      x += measure(figure.legend) + 16;
      if (causal) {
        painter.maskedSwatch(x, y - 1, LEGEND_BAR.height + 2, palette);
        text(x + LEGEND_BAR.height + 8, y + LEGEND_BAR.height, 'masked');
      }
      y += LEGEND_BAR.height + 16;
      rows.forEach((row, r) => {
        let bx = MARGIN;
        for (const { m, left, top, width: blockWidth } of row) {
          text(bx, y + TEXT_PX, m.title, { bold: true });
          const gx = bx + left;
          const gy = y + TEXT_PX + 8 + top;
          painter.cells(m, gx, gy, cell, palette);
          // Labels thin out as on screen when cells are smaller than a line of text.
          const step = labelStep(cell);
          m.rowLabels?.forEach((label, i) =>
            i % step === 0 && text(gx - LABEL_GAP, gy + (i + 0.5) * cell + TEXT_PX / 3, label, { anchor: 'end', mono: true }));
          m.colLabels?.forEach((label, j) =>
            j % step === 0 && text(gx + (j + 0.5) * cell + TEXT_PX / 3, gy - LABEL_GAP, label, { vertical: true, mono: true }));
          bx += blockWidth + GAP;
        }
        y += rowHeights[r] + GAP;
      });
    },
  };
}
