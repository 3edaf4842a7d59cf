// Runs in the webview: the model view — every layer × head as a small canvas thumbnail of its attention, with the
// layer's mean and max over heads beside each row. A thumbnail is a button that selects its head; a chosen
// statistic is printed under it. With a query token picked, every thumbnail dims all rows but that one, so one
// glance shows which tokens it attends to in every head. The buttons are built once per result and size; a
// redraw only repaints the canvases (12 × 12 heads at 128 tokens: well under 200 ms).
import type { HeadStats } from '../../shared/headStats';
import type { HeadRef, ResultSummary } from '../../shared/protocol';
import { el } from '../dom';
import { describeRef } from '../headRef';
import { drawImageScaled, matrixImage, sizeCanvas } from '../canvas/matrixPaint';
import type { Palette } from '../canvas/theme';
import * as l10n from '../l10n';

export type StatKey = keyof HeadStats;

export const STAT_LABELS: Readonly<Record<StatKey, string>> = {
  entropy: l10n.t('entropy (nats)'),
  previousToken: l10n.t('previous token'),
  firstToken: l10n.t('first token (sink)'),
  self: l10n.t('self (diagonal)'),
};

export interface GridPicture {
  readonly summary: ResultSummary;
  /** layer → probs [heads × n × n]. */
  readonly layers: ReadonlyMap<number, Float32Array>;
  readonly ref: HeadRef;
  readonly query: number | undefined;
  readonly palette: Palette;
  readonly stat: StatKey;
  /** CSS pixels the grid may use. */
  readonly width: number;
}

/** The canvases of one layer row: its heads, then the mean and the max over heads. */
interface Row {
  readonly heads: HTMLButtonElement[];
  readonly stats: HTMLElement[];
  readonly mean: HTMLCanvasElement;
  readonly max: HTMLCanvasElement;
}

const MIN_THUMB = 28;
const MAX_THUMB = 96;
const LABEL_COLUMN = 36;
const GAP = 6;
/** How far rows other than the picked query fade toward the background. */
const DIM = 0.78;

export class HeadsGrid {
  readonly element: HTMLElement;
  private readonly grid: HTMLElement;
  private rows: Row[] = [];
  /** What the buttons were built for: a new result or thumbnail size rebuilds them. */
  private built = '';
  private image: ImageData | undefined;
  /** Mean and max over heads, computed once per layer's data. */
  private readonly aggregates = new WeakMap<Float32Array, [Float32Array, Float32Array]>();
  /** Time the last draw took, in ms (also in data-draw-ms, for the benchmark test). */
  lastDrawMs = 0;

  constructor(select: (ref: HeadRef) => void) {
    this.grid = el('div', { className: 'qkv-grid', attrs: { role: 'group', 'aria-label': l10n.t('Every layer and head') } });
    this.grid.addEventListener('click', (event) => {
      const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button.qkv-thumb');
      const [layer, head] = (button?.dataset.ref ?? '').split(':').map(Number);
      if (button && Number.isInteger(layer) && Number.isInteger(head)) select({ layer, head });
    });
    this.element = el('div', { className: 'qkv-grid-wrap' }, [this.grid]);
  }

  /** Paints every thumbnail (or only the layers in `only`); layers not received yet stay empty, as "loading". */
  draw(p: GridPicture, only?: ReadonlySet<number>): void {
    const started = performance.now();
    const { model, tokens } = p.summary;
    const n = tokens.length;
    const columns = model.heads + 2;
    const thumb = Math.max(MIN_THUMB, Math.min(MAX_THUMB, Math.floor((p.width - LABEL_COLUMN - columns * GAP) / columns)));
    const key = `${p.summary.resultId}:${thumb}`;
    if (key !== this.built) {
      this.build(p.summary, thumb);
      only = undefined;
    }
    this.built = key;
    for (let layer = 0; layer < model.layers; layer++) {
      if (only && !only.has(layer)) continue;
      const row = this.rows[layer];
      const probs = p.layers.get(layer);
      row.heads.forEach((button, head) => {
        const stats = p.summary.stats[layer]?.[head];
        row.stats[head].textContent = stats ? stats[p.stat].toFixed(2) : '';
        button.classList.toggle('is-loading', !probs);
        if (probs) this.paint(button.firstElementChild as HTMLCanvasElement, probs, head * n * n, n, thumb, p);
      });
      if (!probs) continue;
      const [mean, max] = this.aggregatesOf(probs, model.heads, n);
      this.paint(row.mean, mean, 0, n, thumb, p);
      this.paint(row.max, max, 0, n, thumb, p);
    }
    this.mark(p.ref);
    this.lastDrawMs = performance.now() - started;
    this.element.dataset.drawMs = this.lastDrawMs.toFixed(1);
    this.element.dataset.layers = String(p.layers.size);
  }

  /** Marks the selected head and its layer row (the "concat" stage) without repainting. */
  mark(ref: HeadRef): void {
    this.rows.forEach((row, layer) => row.heads.forEach((button, head) => {
      const selected = layer === ref.layer && head === ref.head;
      button.classList.toggle('is-selected', selected);
      button.setAttribute('aria-pressed', String(selected));
      if (selected) button.dataset.stages = 'split softmax';
      else if (layer === ref.layer) button.dataset.stages = 'concat';
      else delete button.dataset.stages;
    }));
  }

  private build(summary: ResultSummary, thumb: number): void {
    const { model, stats } = summary;
    this.grid.style.setProperty('--qkv-thumb', `${thumb}px`);
    this.grid.style.setProperty('--qkv-columns', String(model.heads + 2));
    const cells: HTMLElement[] = [el('span', { className: 'qkv-grid__corner', text: l10n.t('layer') })];
    for (let h = 0; h < model.heads; h++) cells.push(el('span', { className: 'qkv-grid__head', text: `H${h + 1}` }));
    cells.push(
      el('span', { className: 'qkv-grid__head', text: l10n.t('mean') }),
      el('span', { className: 'qkv-grid__head', text: l10n.t('max') }),
    );
    const canvas = (attrs: Record<string, string>) => {
      const c = el('canvas', { className: 'qkv-thumb__canvas', attrs });
      sizeCanvas(c, thumb, thumb);
      return c;
    };
    this.rows = Array.from({ length: model.layers }, (_, layer) => {
      const statSpans: HTMLElement[] = [];
      const heads = Array.from({ length: model.heads }, (_, head) => {
        const s = stats[layer]?.[head];
        const label = describeRef({ layer, head }, model) + (s ? l10n.t(': entropy {0}, previous token {1}, first token {2}, self {3}',
          s.entropy.toFixed(2), s.previousToken.toFixed(2), s.firstToken.toFixed(2), s.self.toFixed(2)) : '');
        const stat = el('span', { className: 'qkv-thumb__stat', attrs: { 'aria-hidden': 'true' } });
        statSpans.push(stat);
        const attrs = { type: 'button', 'data-ref': `${layer}:${head}`, 'aria-label': label, title: label };
        return el('button', { className: 'qkv-thumb', attrs }, [
          canvas({ 'aria-hidden': 'true' }),
          stat,
        ]);
      });
      const aggregate = (what: string) => {
        const label = l10n.t('Layer {0}: {1} over heads', layer + 1, what);
        const c = canvas({ role: 'img', 'aria-label': label });
        const element = el('div', { className: 'qkv-thumb qkv-thumb--aggregate', attrs: { title: label } }, [
          c, el('span', { className: 'qkv-thumb__stat' }),
        ]);
        return { c, element };
      };
      const [mean, max] = [aggregate('mean'), aggregate('max')];
      cells.push(el('span', { className: 'qkv-grid__layer', text: `L${layer + 1}` }), ...heads, mean.element, max.element);
      return { heads, stats: statSpans, mean: mean.c, max: max.c };
    });
    this.grid.replaceChildren(...cells);
  }

  /** One n × n matrix into a thumbnail, on its own 0 → max scale; rows other than the query dimmed. */
  private paint(canvas: HTMLCanvasElement, probs: Float32Array, offset: number, n: number, size: number, p: GridPicture): void {
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    let max = 0;
    for (let i = p.summary.model.causal && n > 1 ? n : 0; i < n * n; i++) if (probs[offset + i] > max) max = probs[offset + i];
    const image = (this.image = matrixImage(probs, offset, n, n, { kind: 'sequential', max: max || 1 }, p.palette, this.image));
    const query = p.query !== undefined && p.query < n ? p.query : undefined;
    if (query !== undefined) dimRows(image, n, query, p.palette);
    ctx.clearRect(0, 0, size, size);
    // Many tokens in few pixels: let the browser average them rather than drop rows.
    drawImageScaled(ctx, image, 0, 0, size, size, n > size);
    if (query !== undefined) {
      ctx.strokeStyle = p.palette.text;
      ctx.lineWidth = 1;
      ctx.strokeRect(0.5, Math.floor((query / n) * size) + 0.5, size - 1, Math.max(1, Math.round(size / n)));
    }
  }

  private aggregatesOf(probs: Float32Array, heads: number, n: number): [Float32Array, Float32Array] {
    let both = this.aggregates.get(probs);
    if (!both) {
      both = aggregates(probs, heads, n);
      this.aggregates.set(probs, both);
    }
    return both;
  }
}

function dimRows(image: ImageData, n: number, query: number, palette: Palette): void {
  const [r, g, b] = palette.low;
  const data = image.data;
  for (let i = 0; i < n; i++) {
    if (i === query) continue;
    for (let p = i * n * 4, end = (i + 1) * n * 4; p < end; p += 4) {
      data[p] += (r - data[p]) * DIM;
      data[p + 1] += (g - data[p + 1]) * DIM;
      data[p + 2] += (b - data[p + 2]) * DIM;
    }
  }
}

/** Mean and max over the heads of a layer, [n × n] each. */
function aggregates(probs: Float32Array, heads: number, n: number): [Float32Array, Float32Array] {
  const size = n * n;
  const mean = new Float32Array(size);
  const max = new Float32Array(size);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < size; i++) {
      const v = probs[h * size + i];
      mean[i] += v / heads;
      if (v > max[i]) max[i] = v;
    }
  }
  return [mean, max];
}
