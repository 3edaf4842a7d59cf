// Runs in the webview: the head view — the tokens twice, queries on the left and keys on the right, joined by
// lines whose thickness is the attention weight. With a query picked, only its lines are drawn; otherwise every
// query's, faint where weak. Several heads of the layer can be overlaid, each in its own colour (a legend names
// them, so colour is not the only key: the current head is also drawn solid, the others dashed).
import type { Token } from '../../shared/attentionResult';
import type { HeadRef } from '../../shared/protocol';
import { topKey } from '../../shared/whatIf';
import { el } from '../dom';
import { sizeCanvas } from '../canvas/matrixPaint';
import type { Palette } from '../canvas/theme';
import * as l10n from '../l10n';

export interface ArcsPicture {
  readonly tokens: readonly Token[];
  /** Heads to draw, the current one first: its index in the layer and probs [n × n]. */
  readonly heads: readonly { readonly head: number; readonly probs: ArrayLike<number> }[];
  readonly query: number | undefined;
  readonly palette: Palette;
  readonly width: number;
}

const ROW = 18;
const FONT_PX = 12;
const LABEL = 150;
const MAX_LINE = 10;
/** Weights below this are not drawn when every query is shown: they would only be noise. */
const FAINT = 0.02;
/** Room for a weight ("0.114") right of a key label. */
const WEIGHT_PX = 44;

export class ArcsView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly legend: HTMLElement;
  private readonly picker: HTMLElement;
  private picture: ArcsPicture | undefined;

  constructor(private readonly events: { pickQuery(index: number): void; overlay(heads: readonly number[]): void }) {
    this.canvas = el('canvas', { className: 'qkv-arcs__canvas', attrs: { role: 'img' } });
    this.legend = el('p', { className: 'qkv-note qkv-arcs__legend' });
    this.picker = el('div', { className: 'qkv-arcs__picker', attrs: { role: 'group', 'aria-label': l10n.t('Heads drawn together') } });
    this.element = el('section', { className: 'qkv-arcs', attrs: { 'aria-labelledby': 'qkv-arcs-title' } }, [
      el('div', { className: 'qkv-section-head' }, [
        el('h2', { className: 'qkv-section-title', text: l10n.t('Head view'), attrs: { id: 'qkv-arcs-title' } }),
        el('span', {
          className: 'qkv-note',
          text: l10n.t('queries left, keys right, thickness = weight · click a query token to follow it'),
        }),
      ]),
      this.picker,
      this.legend,
      this.canvas,
    ]);
    this.canvas.addEventListener('click', (event) => {
      const n = this.picture?.tokens.length ?? 0;
      const row = Math.floor((event.offsetY - ROW / 2) / ROW);
      if (event.offsetX < LABEL + 8 && row >= 0 && row < n) this.events.pickQuery(row);
    });
  }

  /** The overlay checkboxes for the heads of the current layer. */
  renderPicker(heads: number, ref: HeadRef, overlay: readonly number[], palette: Palette): void {
    const others = [...Array(heads).keys()].filter((h) => h !== ref.head);
    const intro = el('span', {
      className: 'qkv-note', text: l10n.t('Layer {0}, head {1} (solid); also draw:', ref.layer + 1, ref.head + 1),
    });
    this.picker.replaceChildren(intro, ...others.map((h) => {
      const id = `qkv-arcs-head-${h}`;
      const box = el('input', { attrs: { type: 'checkbox', id } });
      box.checked = overlay.includes(h);
      box.addEventListener('change', () => this.events.overlay(box.checked ? [...overlay, h] : overlay.filter((o) => o !== h)));
      const swatch = el('span', { className: 'qkv-swatch', attrs: { 'aria-hidden': 'true' } });
      const slot = overlay.indexOf(h);
      if (slot >= 0) swatch.style.background = palette.series[(slot + 1) % palette.series.length];
      return el('label', { className: 'qkv-arcs__head', attrs: { for: id } }, [box, swatch, `H${h + 1}`]);
    }));
  }

  draw(p: ArcsPicture): void {
    this.picture = p;
    const n = p.tokens.length;
    const width = Math.max(360, Math.min(p.width, 640));
    const height = (n + 1) * ROW;
    const ctx = sizeCanvas(this.canvas, width, height);
    if (!ctx) return;
    const left = LABEL + 8;
    const right = width - LABEL - 8;
    const y = (i: number) => (i + 1) * ROW;
    p.heads.forEach(({ probs }, slot) => {
      ctx.strokeStyle = p.palette.series[slot % p.palette.series.length];
      ctx.setLineDash(slot === 0 ? [] : [5, 3]);
      for (let i = 0; i < n; i++) {
        if (p.query !== undefined && i !== p.query) continue;
        for (let j = 0; j < n; j++) {
          const w = probs[i * n + j];
          if (w <= 0 || (p.query === undefined && w < FAINT)) continue;
          ctx.globalAlpha = p.query === undefined ? Math.min(1, 0.15 + w) : 0.9;
          ctx.lineWidth = Math.max(0.5, w * MAX_LINE);
          ctx.beginPath();
          ctx.moveTo(left, y(i));
          ctx.bezierCurveTo((left + right) / 2, y(i), (left + right) / 2, y(j), right, y(j));
          ctx.stroke();
        }
      }
    });
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
    ctx.font = `${FONT_PX}px ${p.palette.monoFont}`;
    ctx.textBaseline = 'middle';
    p.tokens.forEach((token, i) => {
      const picked = i === p.query;
      ctx.font = `${picked ? 'bold ' : ''}${FONT_PX}px ${p.palette.monoFont}`;
      ctx.fillStyle = p.palette.text;
      ctx.globalAlpha = p.query === undefined || picked ? 1 : 0.6;
      ctx.textAlign = 'right';
      ctx.fillText(token.display, left - 6, y(i), LABEL);
      ctx.globalAlpha = 1;
      ctx.textAlign = 'left';
      ctx.fillText(token.display, right + 6, y(i), LABEL - WEIGHT_PX);
      const weights = p.query === undefined ? undefined : p.heads[0]?.probs;
      if (weights) {
        // The current head's weight as text beside each key, so thickness is never the only channel.
        ctx.fillStyle = p.palette.muted;
        ctx.textAlign = 'right';
        ctx.fillText(weights[p.query! * n + i].toFixed(3), width - 2, y(i));
      }
    });
    const strongest = p.query === undefined || !p.heads[0] ? undefined : topKey(p.heads[0].probs, n, p.query);
    this.legend.textContent = p.query === undefined
      ? l10n.t('Every query’s lines (weights under {0} left out). Pick a query token to follow one.', FAINT)
      : l10n.t('{0} attends most to {1} in the current head.', p.tokens[p.query].display,
        strongest === undefined ? '—' : `${p.tokens[strongest].display} (${(p.heads[0].probs[p.query * n + strongest]).toFixed(3)})`);
    this.canvas.setAttribute('aria-label', l10n.t('Head view: {0} query tokens joined to {0} key tokens. ', n) + this.legend.textContent);
  }
}
