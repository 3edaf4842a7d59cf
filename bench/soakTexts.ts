// Runs in Node (benchmarks): varied texts for the soak benchmarks, the same in every run (seeded).
const SENTENCES = [
  'The pizza came out of the oven and it tasted good.',
  'Le chat dort sur le canapé pendant que la pluie tombe.',
  'Attention lets every token look at every other token.',
  'Café, naïve, Ångström: accents and 🍕 emoji too.',
  'def add(a, b):\n    return a + b',
  '東京タワーは高い。',
];

/** Text number `i` of a soak run: one to twelve sentences, picked by a small seeded generator. */
export function soakText(i: number): string {
  let x = (i + 1) * 2654435761 >>> 0;
  const next = () => (x = (Math.imul(x ^ (x >>> 15), 2246822507) + 1) >>> 0) / 4294967296;
  const count = 1 + Math.floor(next() * 12);
  return Array.from({ length: count }, () => SENTENCES[Math.floor(next() * SENTENCES.length)]).join(' ');
}
