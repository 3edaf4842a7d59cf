// Runs in the webview: the colour legend above the heatmap. The bar is drawn with the canvas toolkit's own colours,
// so it shows exactly the ramp the cells use (theme, viridis or cividis); a causal model adds the masked swatch; the
// caption states the scale: linear, from 0 to a stated maximum.
import type { ColourScale } from '../../shared/protocol';
import { hatchMasked, sequentialColour, sizeCanvas } from '../canvas/matrixPaint';
import { el } from '../dom';
import type { ScaleMode } from '../state';
import type { Palette } from '../canvas/theme';
import * as l10n from '../l10n';

const BAR_WIDTH = 160;
const BAR_HEIGHT = 10;
const SWATCH = 12;

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
  private readonly captionLine: HTMLElement;
  private readonly captionDetail: HTMLElement;
  private readonly masked: HTMLElement;
  private readonly maskedSwatch: HTMLCanvasElement;

  constructor(onScale: (mode: ScaleMode) => void) {
    this.bar = el('canvas', { className: 'qkv-legend__bar', attrs: { 'aria-hidden': 'true' } });
    this.maxLabel = el('span', { className: 'qkv-legend__end' });
    this.caption = el('span');
    this.captionDetail = el('span', { className: 'qkv-visually-hidden' });
    this.captionLine = el('p', { className: 'qkv-legend__caption' }, [this.caption, this.captionDetail]);
    this.fixed = el('input', { attrs: { type: 'checkbox', id: 'qkv-scale-fixed' } });
    this.maskedSwatch = el('canvas', { className: 'qkv-legend__swatch', attrs: { 'aria-hidden': 'true' } });
    const maskedTitle = l10n.t('A causal model never looks ahead: these cells are masked, not small weights');
    this.masked = el('span', { className: 'qkv-legend__ramp', attrs: { title: maskedTitle } }, [
      this.maskedSwatch,
      l10n.t('masked'),
    ]);
    this.fixed.addEventListener('change', () => onScale(this.fixed.checked ? 'unit' : 'head'));
    const row = el('div', { className: 'qkv-legend__row' }, [
        el('span', { className: 'qkv-legend__ramp' }, [el('span', { className: 'qkv-legend__end', text: '0' }), this.bar, this.maxLabel]),
        this.masked,
        el('label', { className: 'qkv-legend__toggle', attrs: { for: 'qkv-scale-fixed' } }, [this.fixed, l10n.t('Fixed 0–1 scale')]),
    ]);
    this.element = el('div', { className: 'qkv-legend', attrs: { role: 'group', 'aria-label': l10n.t('Colour scale') } }, [
      row, this.captionLine,
    ]);

  }

  /** A control at the end of the caption's line (the heatmap's Table toggle), where a narrow panel has room. */
  addControl(element: HTMLElement): void {
    this.captionLine.append(element);
  }

  /** A note that follows the caption on its line (the heatmap's axes). */
  note(element: HTMLElement): void {
    this.captionLine.append(element);
  }

  render({ palette, scale, scaleMax, causal }: LegendView): void {
    this.bar.width = BAR_WIDTH;
    this.bar.height = BAR_HEIGHT;
    const ctx = this.bar.getContext('2d');
    for (let x = 0; ctx && x < BAR_WIDTH; x++) {
      const [r, g, b] = sequentialColour((x / (BAR_WIDTH - 1)) * scaleMax, scaleMax, palette);
      ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
      ctx.fillRect(x, 0, 1, BAR_HEIGHT);
    }
    this.bar.title = l10n.t('Colour scale: {0} (setting qkvScope.colorScale)', colourScaleName(palette.scale));
    this.masked.hidden = !causal;
    const swatch = sizeCanvas(this.maskedSwatch, SWATCH, SWATCH);
    if (swatch && causal) {
      const [r, g, b] = palette.masked;
      swatch.fillStyle = `rgb(${r}, ${g}, ${b})`;
      swatch.fillRect(0, 0, SWATCH, SWATCH);
      // One cell of a 2 × 2 causal grid, scaled so its masked corner fills the swatch.
      hatchMasked(swatch, -SWATCH, 0, SWATCH, 2, palette);
    }
    const max = scaleMax.toFixed(4);
    this.maxLabel.textContent = scale === 'unit' ? '1' : max;
    this.fixed.checked = scale === 'unit';
    this.caption.textContent =
      scale === 'unit'
        ? l10n.t('Linear scale, fixed 0 to 1: the same for every head.')
        : l10n.t("Linear scale, 0 to {0}: this head's largest value, not 0–1.", max);
    // The causal detail is one hover (or one screen-reader sentence) away, so the caption stays on one line.
    this.captionLine.title = scale === 'head' && causal
      ? l10n.t('Row 1 is left out of the maximum: in a causal model the first token can only attend to itself, so it is always 1.')
      : '';
    this.captionDetail.textContent = this.captionLine.title ? ` ${this.captionLine.title}` : '';
  }
}

/** The colour scale's name in the tooltip. */
function colourScaleName(scale: ColourScale): string {
  return scale === 'theme' ? l10n.t('theme colour') : scale;
}
