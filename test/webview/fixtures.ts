// Test support (Node): results for the webview tests. The small ones are real — the attention engine runs the
// fixture models on a sentence — and only the 512-token stress case is synthetic.
import type { AttentionEngine } from '../../src/attention/attentionEngine';
import { headSlice, TENSOR_KINDS, type AttentionResult, type ModelFacts, type Token } from '../../shared/attentionResult';
import { headStatsOf } from '../../shared/headStats';
import type { HeadRef } from '../../shared/protocol';
import { summarize } from '../../shared/resultSummary';
import { fixtureDir, PIZZA } from '../unit/support';
import type { Fixture, HeadArrays } from './harness';

export { PIZZA };

/** Runs a fixture model (e.g. "tiny-gpt2", "tiny-bert") on `text` and packs the result as the host would. */
export async function realFixture(engine: AttentionEngine, model: string, resultId: number, text = PIZZA): Promise<Fixture> {
  const result = await engine.run({ text, model: fixtureDir(model), maxTokens: 512 });
  return { summary: summarize(result, resultId), heads: allHeads(result) };
}

function allHeads(result: AttentionResult): Record<string, HeadArrays> {
  const heads: Record<string, HeadArrays> = {};
  for (let layer = 0; layer < result.model.layers; layer++) {
    for (let head = 0; head < result.model.heads; head++) {
      const [probs, q, k, v] = TENSOR_KINDS.map((kind) => headSlice(result, layer, head, kind).slice());
      heads[`${layer}:${head}`] = { probs, q, k, v };
    }
  }
  return heads;
}

export function headOf(fixture: Fixture, ref: HeadRef): HeadArrays {
  return fixture.heads[`${ref.layer}:${ref.head}`];
}

export function maxOf(values: Float32Array): number {
  return values.reduce((max, v) => (v > max ? v : max), 0);
}

/**
 * A GPT-2-small-shaped result with n tokens and one head (layer 0, head 0): causal rows of random weights that
 * sum to 1, from a fixed seed. Only for size and speed tests: there is no model this large among the fixtures.
 */
export function syntheticFixture(n: number, resultId: number): Fixture {
  const model: ModelFacts = {
    id: 'synthetic/gpt2-small-shaped', architecture: 'gpt2', layers: 12, heads: 12, headDim: 64, hiddenSize: 768,
    causal: true, maxPositions: 1024, quantizedScores: false,
  };
  const words = ['The', '␣pizza', '␣came', '␣out', '␣of', '␣the', '␣oven', '␣and', '␣it', '␣tasted', '␣good', '.'];
  const tokens: Token[] = Array.from({ length: n }, (_, i) => ({
    id: i, piece: words[i % words.length], display: i === 0 ? '<|endoftext|>' : words[i % words.length],
    start: 0, end: 0, special: i === 0,
  }));
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const probs = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j <= i; j++) sum += probs[i * n + j] = random() ** 4 + (j === 0 ? 2 : 0);
    for (let j = 0; j <= i; j++) probs[i * n + j] /= sum;
  }
  const vectors = () => Float32Array.from({ length: n * model.headDim }, () => random() * 2 - 1);
  const stats = headStatsOf(probs, n);
  const summary = {
    resultId, model, text: tokens.map((t) => t.display).join(''), tokens,
    stats: Array.from({ length: model.layers }, () => Array.from({ length: model.heads }, () => stats)),
  };
  return { summary, heads: { '0:0': { probs, q: vectors(), k: vectors(), v: vectors() } } };
}
