// Runs in Node (the CLI's `inspect`): a causal block's local window (GPT-Neo's local layers, Gemma 2's and
// Mistral's sliding window), read from the attention a run produced rather than from the config, which may not
// say (or may say it for other layers).

/**
 * The window w of a causal layer whose every head gives exactly 0 to the keys at distance ≥ w behind the query
 * (query i sees keys i − w + 1 … i) and something to each nearer key; null when the layer sees its whole past, or
 * when the run was too short to tell (no key was w or more behind).
 * `probs` holds the layer's heads one after another, each [n × n], row = query.
 */
export function localWindow(probs: ArrayLike<number>, heads: number, n: number): number | null {
  let nearestHidden = Infinity; // the smallest distance i − j with a zero weight, over every head
  let farthestSeen = 0; // the largest distance with a non-zero weight
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const d = i - j;
        if (probs[(h * n + i) * n + j] === 0) nearestHidden = Math.min(nearestHidden, d);
        else farthestSeen = Math.max(farthestSeen, d);
      }
    }
  }
  // A window: everything nearer than the first hidden distance is seen, and nothing at or beyond it is.
  return nearestHidden !== Infinity && farthestSeen < nearestHidden ? nearestHidden : null;
}
