// Runs in the webview (and in the webview tests, which check canvas pixels against it): the one colour mapping of
// every sequential picture. A ramp is a list of colour stops from 0 to the maximum, linear between stops: the
// theme's ramp is two stops — the editor background (0) and the theme's blue — and viridis and cividis have nine
// (colourMaps.ts).

/** An sRGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

/**
 * The colour at t ∈ [0, 1] along the stops (clamped; NaN gives the first stop).
 * @example rampColour([[0, 0, 0], [255, 255, 255]], 0.5) // → [128, 128, 128]
 */
export function rampColour(stops: readonly Rgb[], t: number): Rgb {
  const clamped = t > 0 ? Math.min(t, 1) : 0;
  const x = clamped * (stops.length - 1);
  const i = Math.min(Math.floor(x), stops.length - 2);
  const f = x - i;
  const [from, to] = [stops[i], stops[i + 1]];
  return [mix(from[0], to[0], f), mix(from[1], to[1], f), mix(from[2], to[2], f)];
}

/**
 * The colour of one attention value on a linear scale from 0 (`low`) to `max` (`high`): the theme's ramp.
 * Values at or below 0 (and NaN) give `low`; values at or above `max` give `high`; `max` ≤ 0 gives `low`.
 * @example heatColor(0.5, 1, [0, 0, 0], [255, 255, 255]) // → [128, 128, 128]
 */
export function heatColor(value: number, max: number, low: Rgb, high: Rgb): Rgb {
  return rampColour([low, high], max > 0 && value > 0 ? value / max : 0);
}

const mix = (from: number, to: number, t: number): number => Math.round(from + (to - from) * t);
