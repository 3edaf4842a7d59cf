// Runs in the webview (and in the webview tests, which check canvas pixels against it): the heatmap's one colour
// mapping. It is linear: 0 maps to `low` (the editor background, so a masked cell reads as empty), `max` to `high`.

/** An sRGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

/**
 * The colour of one attention value on a linear scale from 0 to `max`.
 * Values at or below 0 (and NaN) give `low`; values at or above `max` give `high`; `max` ≤ 0 gives `low`.
 * @example heatColor(0.5, 1, [0, 0, 0], [255, 255, 255]) // → [128, 128, 128]
 */
export function heatColor(value: number, max: number, low: Rgb, high: Rgb): Rgb {
  const t = max > 0 && value > 0 ? Math.min(value / max, 1) : 0;
  return [mix(low[0], high[0], t), mix(low[1], high[1], t), mix(low[2], high[2], t)];
}

const mix = (from: number, to: number, t: number): number => Math.round(from + (to - from) * t);
