// Runs in the webview: the colours a canvas needs, read from the --vscode-* variables (through the --qkv-* names
// in styles.css), and a watcher that re-reads them when VS Code changes theme. A canvas does not follow CSS by itself.
import type { ColourScale } from '../../shared/protocol';
import { rampStops } from './colourMaps';
import { rampColour, type Rgb } from './heatColor';

export interface Palette {
  /** Colour of 0 attention: the editor background, so empty cells read as empty. */
  readonly low: Rgb;
  /** Colour of the scale's maximum. */
  readonly high: Rgb;
  /** The sequential scale's stops from 0 to the maximum (setting qkvScope.colorScale): [low, high] for the theme's. */
  readonly ramp: readonly Rgb[];
  /** Which sequential scale `ramp` is. */
  readonly scale: ColourScale;
  /** Fill of a masked cell (a causal model's future): a shade apart from any zero weight, with `hatch` lines over it. */
  readonly masked: Rgb;
  readonly hatch: string;
  /** Colour of the most negative value on a signed (diverging) scale. */
  readonly negative: Rgb;
  /** Distinct CSS colours for heads drawn together (the head view). */
  readonly series: readonly string[];
  /** CSS colours for canvas text and lines. */
  readonly text: string;
  readonly muted: string;
  readonly frame: string;
  /** The editor's font, for token labels. */
  readonly monoFont: string;
}

const SERIES = ['--qkv-series-1', '--qkv-series-2', '--qkv-series-3', '--qkv-series-4', '--qkv-series-5', '--qkv-series-6'];

/** Reads the palette now. Colours are resolved by the browser, so any CSS colour syntax a theme uses works. */
export function readPalette(scale: ColourScale = 'theme'): Palette {
  const probe = document.createElement('span');
  probe.className = 'qkv-probe';
  document.body.append(probe);
  const resolve = (variable: string): string => {
    probe.style.color = `var(${variable})`;
    return getComputedStyle(probe).color;
  };
  const low = toRgb(resolve('--qkv-heat-low'), [255, 255, 255]);
  const high = toRgb(resolve('--qkv-heat-high'), [26, 133, 255]);
  const text = toRgb(resolve('--qkv-text'), [128, 128, 128]);
  const palette: Palette = {
    low,
    high,
    ramp: rampStops(scale, low, high),
    scale,
    masked: rampColour([low, text], 0.14),
    hatch: cssOf(rampColour([low, text], 0.45)),
    negative: toRgb(resolve('--qkv-heat-negative'), [241, 76, 76]),
    series: SERIES.map((name) => resolve(name)),
    text: resolve('--qkv-text'),
    muted: resolve('--qkv-muted'),
    frame: resolve('--qkv-border'),
    monoFont: getComputedStyle(document.documentElement).getPropertyValue('--qkv-mono').trim() || 'monospace',
  };
  probe.remove();
  return palette;
}

/**
 * Calls `onChange` when the theme changes: VS Code swaps the body class (vscode-light, vscode-dark,
 * vscode-high-contrast, vscode-high-contrast-light) and rewrites the --vscode-* variables in the html style;
 * two themes of the same kind differ only in the variables, so both are watched.
 */
export function watchTheme(onChange: () => void): void {
  const observer = new MutationObserver(() => onChange());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}

const cssOf = ([r, g, b]: Rgb): string => `rgb(${r}, ${g}, ${b})`;

/** "rgb(31, 31, 31)" or "rgba(…)" → [31, 31, 31]. */
function toRgb(css: string, fallback: Rgb): Rgb {
  const parts = css.match(/[\d.]+/g);
  if (!parts || parts.length < 3) return fallback;
  const [r, g, b] = parts.map((part) => Math.round(Number(part)));
  return [r, g, b];
}
