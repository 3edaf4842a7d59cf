// Runs in the webview: the colour legend above the heatmap. The bar is drawn with heatColor itself, so it shows
// exactly the ramp the cells use, and the caption states the scale: linear, from 0 to a stated maximum.
import { el } from './dom';
import { heatColor } from './heatColor';
import type { ScaleMode } from './state';
import type { Palette } from './theme';
import * as l10n from './l10n';

const BAR_WIDTH = 160;
const BAR_HEIGHT = 10;

export interface LegendView {
  readonly palette: Palette;
  readonly scale: ScaleMode;
  /** The value drawn in the top colour. */
  readonly scaleMax: number;
  readonly causal: boolean;
}

export class Legend {
  readonly element: HTMLElement;
  private readonly bar: HTMLCanvasElement;
  private readonly maxLabel: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly fixed: HTMLInputElement;

  constructor(onScale: (mode: ScaleMode) => void) {
    this.bar = el('canvas', { className: 'qkv-legend__bar', attrs: { 'aria-hidden': 'true' } });
    this.maxLabel = el('span', { className: 'qkv-legend__end' });
    this.caption = el('p', { className: 'qkv-legend__caption' });
    this.fixed = el('input', { attrs: { type: 'checkbox', id: 'qkv-scale-fixed' } });
    this.fixed.addEventListener('change', () => onScale(this.fixed.checked ? 'unit' : 'head'));
    this.element = el('div', { className: 'qkv-legend', attrs: { role: 'group', 'aria-label': l10n.t('Colour scale') } }, [
      el('div', { className: 'qkv-legend__row' }, [
        el('span', { className: 'qkv-legend__ramp' }, [el('span', { className: 'qkv-legend__end', text: '0' }), this.bar, this.maxLabel]),
        el('label', { className: 'qkv-legend__toggle', attrs: { for: 'qkv-scale-fixed' } }, [this.fixed, l10n.t('Fixed 0–1 scale')]),
      ]),
      this.caption,
    ]);
  }

  render({ palette, scale, scaleMax, causal }: LegendView): void {
    this.bar.width = BAR_WIDTH;
    this.bar.height = BAR_HEIGHT;
    const ctx = this.bar.getContext('2d');
    for (let x = 0; ctx && x < BAR_WIDTH; x++) {
      const [r, g, b] = heatColor((x / (BAR_WIDTH - 1)) * scaleMax, scaleMax, palette.low, palette.high);
      ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
      ctx.fillRect(x, 0, 1, BAR_HEIGHT);
    }
    const max = scaleMax.toFixed(4);
    this.maxLabel.textContent = scale === 'unit' ? '1' : max;
    this.fixed.checked = scale === 'unit';
    this.caption.textContent =
      scale === 'unit'
        ? l10n.t('Linear scale, fixed 0 to 1: the same for every head.')
        : causal
          ? l10n.t("Linear scale, 0 to {0}: this head's largest value after row 1 (always 1 in a causal model). Not a fixed 0–1 scale.", max)
          : l10n.t("Linear scale, 0 to {0}: this head's largest value. Not a fixed 0–1 scale.", max);
  }
}
