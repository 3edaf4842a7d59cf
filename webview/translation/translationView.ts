// Runs in the webview: a translator's decoder attention — decoder self-attention (translation × translation,
// causal) or cross-attention (translation rows × source columns) — as a heatmap labelled with the two token rows,
// and, for the clicked cell, the step-by-step arithmetic with q from the decoder and k from the encoder (cross) or
// the decoder (decoder), checked against the model's own weight. Shown instead of the tabs when the kind switch is
// not on "encoder".
import { cellSteps } from '../../shared/cellSteps';
import type { Token } from '../../shared/attentionResult';
import type { TextSide } from '../../shared/editorProtocol';
import type { ResultSummary } from '../../shared/protocol';
import { drawImageScaled, matrixImage, sizeCanvas, hatchMasked } from '../canvas/matrixPaint';
import { el } from '../dom';
import { num, sig } from '../format';
import { fitText } from '../heatmap/heatmapOverlay';
import * as l10n from '../l10n';
import type { PanelState } from '../state';
import { ReadingLines } from './readingLines';
import { decoderHead, layerKey, type DecoderHead } from './translationHeads';

const MAX_CELL = 44;
const MIN_CELL = 10;
const MAX_LABEL = 110;
/** The lines picture beside the heatmap (readingLines.ts), and the gap. */
const LINES_WIDTH = 490;

/** A token of a translator's texts: the source's (columns of cross) or the translation's (rows). */
export interface TranslationFocus {
  readonly side: TextSide;
  readonly token: number;
}

interface Layout {
  readonly left: number;
  readonly top: number;
  readonly cell: number;
}

export class TranslationView {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly readout: HTMLElement;
  private readonly step: HTMLElement;
  private readonly lines = new ReadingLines();
  private layout: Layout | undefined;
  private head: DecoderHead | undefined;
  private summary: ResultSummary | undefined;
  private picked: { readonly row: number; readonly col: number } | undefined;
  /** The state last painted, to repaint the picked cell's frame. */
  private state: PanelState | undefined;

  /** `focus`: a row or column label was clicked (or a cell: its row, and its column as `also`). */
  constructor(private readonly focus: (focus: TranslationFocus, also?: TranslationFocus) => void) {
    this.title = el('h3', { className: 'qkv-translation__title' });
    this.canvas = el('canvas', { className: 'qkv-translation__canvas', attrs: { role: 'img' } });
    this.readout = el('p', { className: 'qkv-note qkv-translation__readout', attrs: { 'aria-live': 'polite' } });
    this.step = el('div', { className: 'qkv-translation__step', attrs: { role: 'status' } });
    const pictures = el('div', { className: 'qkv-translation__pictures' }, [this.canvas, this.lines.element]);
    this.element = el('section', { className: 'qkv-translation', attrs: { 'aria-label': l10n.t('Decoder attention') } }, [
      this.title, pictures, this.readout, this.step,
    ]);
    this.element.hidden = true;
    this.canvas.addEventListener('mousemove', (event) => this.hover(this.cellAt(event.offsetX, event.offsetY)));
    this.canvas.addEventListener('click', (event) => this.click(event.offsetX, event.offsetY));
  }

  render(state: PanelState): void {
    const { summary, kind, ref } = state;
    const t = summary?.translation;
    if (!summary || !t || kind === 'encoder') return;
    const values = state.decoderLayers.get(layerKey(kind, ref.layer));
    const head = values && decoderHead(summary, kind, values, ref.head);
    const what = kind === 'cross'
      ? l10n.t('Cross-attention: each translated token (row) reading the source (columns)')
      : l10n.t('Decoder self-attention: each translated token (row) reading the translation so far (columns)');
    this.title.textContent = `${what} · ${l10n.t('Layer {0} / {1} · Head {2} / {3}', ref.layer + 1, t.layers, ref.head + 1, t.heads)}`;
    if (head !== this.head || summary !== this.summary) {
      if (summary !== this.summary || head?.kind !== this.head?.kind) this.picked = undefined;
      this.head = head;
      this.summary = summary;
    }
    this.state = state;
    this.paint(state);
    this.showStep();
  }

  /** Picks a cell as a click would: its arithmetic opens below the heatmap. */
  pick(row: number, col: number): void {
    if (!this.head || row >= this.head.rows || col >= this.head.cols) return;
    this.picked = { row, col };
    if (this.state) this.paint(this.state);
    this.showStep();
  }

  /** A cell opens its arithmetic and selects both its tokens; a label selects its token. */
  private click(x: number, y: number): void {
    const { layout, head } = this;
    if (!layout || !head) return;
    const colSide: TextSide = head.kind === 'cross' ? 'source' : 'target';
    const cell = this.cellAt(x, y);
    if (cell) {
      this.pick(cell.row, cell.col);
      this.focus({ side: 'target', token: cell.row }, { side: colSide, token: cell.col });
      return;
    }
    const row = Math.floor((y - layout.top) / layout.cell);
    const col = Math.floor((x - layout.left) / layout.cell);
    if (x < layout.left && row >= 0 && row < head.rows) this.focus({ side: 'target', token: row });
    else if (y < layout.top && col >= 0 && col < head.cols) this.focus({ side: colSide, token: col });
  }

  private labels(): { rows: readonly Token[]; cols: readonly Token[] } | undefined {
    const t = this.summary?.translation;
    if (!this.summary || !t || !this.head) return undefined;
    return { rows: t.tokens, cols: this.head.kind === 'cross' ? this.summary.tokens : t.tokens };
  }

  private paint(state: PanelState): void {
    const head = this.head;
    const labels = this.labels();
    if (!head || !labels) {
      this.layout = undefined;
      sizeCanvas(this.canvas, 1, 1);
      this.readout.textContent = l10n.t('Loading this head…');
      return;
    }
    const { palette } = state;
    const probe = this.canvas.getContext('2d');
    if (!probe) return;
    probe.font = `12px ${palette.monoFont}`;
    const widest = (tokens: readonly Token[]) =>
      Math.min(MAX_LABEL, Math.max(0, ...tokens.map((t) => probe.measureText(t.display).width)) + 8);
    const left = widest(labels.rows);
    const top = widest(labels.cols);
    const available = Math.max(200, (this.element.clientWidth || 640) - left - 8 - LINES_WIDTH);
    const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.floor(available / head.cols)));
    this.layout = { left, top, cell };
    // Where the grid is, for tests and scripts (as the encoder heatmap records it).
    Object.assign(this.canvas.dataset, {
      originX: String(left), originY: String(top), cell: String(cell), rows: String(head.rows), cols: String(head.cols),
    });
    const ctx = sizeCanvas(this.canvas, left + head.cols * cell + 4, top + head.rows * cell + 4);
    if (!ctx) return;
    let max = 0;
    for (const v of head.probs) max = Math.max(max, v);
    const scale = { kind: 'sequential', max: state.scale === 'unit' ? 1 : max } as const;
    const image = matrixImage(head.probs, 0, head.rows, head.cols, scale, palette, undefined, head.kind === 'decoder');
    drawImageScaled(ctx, image, left, top, head.cols * cell, head.rows * cell);
    if (head.kind === 'decoder') hatchMasked(ctx, left, top, cell, head.rows, palette);
    ctx.font = `12px ${palette.monoFont}`;
    ctx.fillStyle = palette.text;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    labels.rows.forEach((t, i) => ctx.fillText(fitText(ctx, t.display, left - 6), left - 4, top + (i + 0.5) * cell));
    ctx.save();
    ctx.textAlign = 'left';
    labels.cols.forEach((t, j) => {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      const dpr = window.devicePixelRatio || 1;
      ctx.setTransform(0, -dpr, dpr, 0, (left + (j + 0.5) * cell) * dpr, (top - 4) * dpr);
      ctx.fillText(fitText(ctx, t.display, top - 6), 0, 0);
    });
    ctx.restore();
    const focus = state.focus;
    const focusRow = focus?.side === 'target' ? focus.token : undefined;
    const focusCol = focus?.side === 'source' && head.kind === 'cross' ? focus.token : undefined;
    this.lines.paint(head, labels.rows, labels.cols, palette, focusRow ?? this.picked?.row, focusCol);
    ctx.strokeStyle = palette.frame;
    ctx.strokeRect(left - 0.5, top - 0.5, head.cols * cell + 1, head.rows * cell + 1);
    // The token the editor cursor (or a label click) is on: its whole row or column.
    ctx.strokeStyle = palette.text;
    ctx.setLineDash([4, 3]);
    const [width, height] = [head.cols * cell - 1, head.rows * cell - 1];
    if (focusRow !== undefined && focusRow < head.rows) ctx.strokeRect(left + 0.5, top + focusRow * cell + 0.5, width, cell - 1);
    if (focusCol !== undefined && focusCol < head.cols) ctx.strokeRect(left + focusCol * cell + 0.5, top + 0.5, cell - 1, height);
    ctx.setLineDash([]);
    this.canvas.dataset.focus = focus ? `${focus.side}:${focus.token}` : '';
    if (this.picked) {
      ctx.strokeStyle = palette.text;
      ctx.lineWidth = 2;
      ctx.strokeRect(left + this.picked.col * cell + 1, top + this.picked.row * cell + 1, cell - 2, cell - 2);
    }
    this.canvas.setAttribute('aria-label', head.kind === 'cross'
      ? l10n.t('{0} × {1} attention weights: rows translation, columns source', head.rows, head.cols)
      : l10n.t('{0} × {1} attention weights: rows and columns translation', head.rows, head.cols));
    this.readout.textContent = l10n.t('Hover a cell for its weight; click it for the arithmetic.');
  }

  private cellAt(x: number, y: number): { row: number; col: number } | undefined {
    const { layout, head } = this;
    if (!layout || !head) return undefined;
    const col = Math.floor((x - layout.left) / layout.cell);
    const row = Math.floor((y - layout.top) / layout.cell);
    return row >= 0 && col >= 0 && row < head.rows && col < head.cols ? { row, col } : undefined;
  }

  private hover(cell: { row: number; col: number } | undefined): void {
    const labels = this.labels();
    if (!cell || !labels || !this.head) return;
    const value = this.head.probs[cell.row * this.head.cols + cell.col];
    this.readout.textContent = l10n.t('«{0}» → «{1}»: {2}', labels.rows[cell.row].display, labels.cols[cell.col].display, num(value));
  }

  private showStep(): void {
    const head = this.head;
    const labels = this.labels();
    const pick = this.picked;
    if (!head || !labels || !pick) {
      this.step.replaceChildren(el('p', { className: 'qkv-note', text: l10n.t('Click a cell to see how its weight is computed.') }));
      delete this.step.dataset.weight;
      return;
    }
    const { row, col } = pick;
    const s = cellSteps({ q: head.q, k: head.k, n: head.cols, d: head.d, causal: head.kind === 'decoder' }, row, col);
    const modelWeight = head.probs[row * head.cols + col];
    const cross = head.kind === 'cross';
    const [query, key] = [labels.rows[row].display, labels.cols[col].display];
    this.step.dataset.weight = String(s.weight);
    this.step.dataset.modelWeight = String(modelWeight);
    this.step.dataset.row = String(row);
    this.step.dataset.col = String(col);
    this.step.replaceChildren(
      el('h4', { text: l10n.t('«{0}» reading «{1}»', query, key) }),
      el('ol', { className: 'qkv-step__list' }, [
        el('li', {
          text: cross
            ? l10n.t('q_i: the decoder\'s query for «{0}»; k_j: the key of «{1}» from the encoder (source) (d = {2})', query, key, head.d)
            : l10n.t('q_i: the decoder\'s query for «{0}»; k_j: the key of «{1}» from the decoder (d = {2})', query, key, head.d),
        }),
        el('li', { text: `q_i · k_j = ${sig(s.dot)}` }),
        el('li', { text: `× scale ${sig(s.scale)} = ${sig(s.times)}` }),
        el('li', { text: s.maskReason ? l10n.t('masked ({0}): −∞', s.maskReason) : l10n.t('mask: + 0 (visible)') }),
        el('li', { text: l10n.t('exp({0}) = {1}; ÷ the row\'s Σ exp {2}', sig(s.logit - s.shift), sig(s.exp), sig(s.denominator)) }),
        el('li', {
          className: 'qkv-translation__weight',
          text: l10n.t('weight w_ij = {0} — the model\'s own: {1} (|Δ| {2})',
            num(s.weight), num(modelWeight), Math.abs(s.weight - modelWeight).toExponential(1)),
        }),
      ]),
      el('p', {
        className: 'qkv-note',
        text: cross
          ? l10n.t('Then «{0}» takes Σ_j w_ij · v_j, with each v_j from the encoder (source).', query)
          : l10n.t('Then «{0}» takes Σ_j w_ij · v_j, with each v_j from the decoder.', query),
      }),
    );
  }
}
