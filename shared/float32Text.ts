// Runs everywhere: the shortest decimal text that reads back as the same float32.

/**
 * JSON has no float32, so we write the fewest significant digits (1 to 9) that parse back, through Math.fround,
 * to exactly the same float32. Digits are monotonic (if p digits round-trip, p + 1 do), so we binary-search p.
 * Non-finite values have no JSON form and are written as null.
 */
export function float32Text(value: number): string {
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  if (!Number.isFinite(value)) return 'null';
  let lo = 1;
  let hi = 9; // 9 significant digits always identify a float32
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Math.fround(Number(value.toPrecision(mid))) === value) hi = mid;
    else lo = mid + 1;
  }
  return trimExponent(value.toPrecision(lo));
}

/** toPrecision writes "1.5e-7" and "1.5e+21"; JSON accepts both, we drop the redundant "+". */
function trimExponent(text: string): string {
  return text.replace('e+', 'e');
}
