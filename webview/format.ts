// Runs in the webview: numbers as the learning views print them — a real minus sign, −∞ for a masked logit, and
// enough digits to compare with the heatmap's four decimals.
import * as l10n from './l10n';

/** Fixed decimals with a typographic minus: "−0.4365", "−∞". */
export function num(x: number, digits = 4): string {
  if (x === -Infinity) return '−∞';
  if (x === Infinity) return '∞';
  if (Number.isNaN(x)) return 'NaN';
  const text = x.toFixed(digits);
  return text.startsWith('-') ? `−${text.slice(1)}` : text;
}

/** Four significant digits, switching to exponent form for very large or small magnitudes: "1.547", "3.1e−8". */
export function sig(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return num(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  const text = a >= 1e-3 && a < 1e6 ? Number(x.toPrecision(digits)).toString() : x.toExponential(digits - 1);
  return text.replace(/-/g, '−').replace('e+', 'e');
}

/** A small difference: "3.1e−8", or "0" when exactly equal. */
export function tiny(x: number): string {
  return x === 0 ? '0' : x.toExponential(1).replace(/-/g, '−').replace('e+', 'e');
}

/** "“␣it”": a token as text in a sentence. */
export const quoted = (display: string): string => l10n.t('“{0}”', display);
