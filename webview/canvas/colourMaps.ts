// Runs in the webview: the colour-blind-safe sequential maps of setting qkvScope.colorScale, as nine evenly spaced
// stops of matplotlib's viridis and cividis (linear between stops, within 2/255 of the full tables). Unlike the
// theme's ramp they do not start at the background, so a zero weight is a colour of its own in every theme.
import type { ColourScale } from '../../shared/protocol';
import type { Rgb } from './heatColor';

const hex = (code: string): Rgb =>
  [Number.parseInt(code.slice(0, 2), 16), Number.parseInt(code.slice(2, 4), 16), Number.parseInt(code.slice(4, 6), 16)];

const VIRIDIS = ['440154', '472d7b', '3b528b', '2c728e', '21918c', '28ae80', '5ec962', 'addc30', 'fde725'].map(hex);
const CIVIDIS = ['00224e', '123570', '3b496c', '575d6d', '707173', '8a8779', 'a69d75', 'c4b56c', 'fee838'].map(hex);

/** The stops from 0 to the maximum: the theme's two colours, or a fixed colour-blind-safe map. */
export function rampStops(scale: ColourScale, low: Rgb, high: Rgb): readonly Rgb[] {
  return scale === 'viridis' ? VIRIDIS : scale === 'cividis' ? CIVIDIS : [low, high];
}

export const COLOUR_SCALE_NAMES: Readonly<Record<ColourScale, string>> = { theme: 'theme colour', viridis: 'viridis', cividis: 'cividis' };
