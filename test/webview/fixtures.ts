// Test support (Node): results for the webview tests. The small ones are real — the attention engine runs the
// fixture models on a sentence — and only the 512-token stress case is synthetic.
import type { AttentionEngine } from '../../src/attention/attentionEngine';
import { headSlice, TENSOR_KINDS, type AttentionResult, type ModelFacts, type Token } from '../../shared/attentionResult';
import { headStatsOf, type HeadStats } from '../../shared/headStats';
import type { HeadRef, ResultSummary } from '../../shared/protocol';
import { summarize } from '../../shared/resultSummary';
import { fixtureDir, PIZZA } from '../unit/support';
import type { Fixture, HeadArrays } from './harness';

export { PIZZA };

/** Runs a fixture model (e.g. "tiny-gpt2", "tiny-bert") or "embedded" on `text` and packs the result as the host would. */
export async function realFixture(engine: AttentionEngine, model: string, resultId: number, text = PIZZA): Promise<Fixture> {
  const result = await engine.run({ text, model: model === 'embedded' ? model : fixtureDir(model), maxTokens: 512 });
  const positions = result.positions ? { ...result.positions, data: result.positions.data.slice() } : null;
  return { summary: summarize(result, resultId), heads: allHeads(result), positions };
}

function allHeads(result: AttentionResult): Record<string, HeadArrays> {
  const heads: Record<string, HeadArrays> = {};
  for (let layer = 0; layer < result.model.layers; layer++) {
    for (let head = 0; head < result.model.heads; head++) {
      const [probs, q, k, v] = TENSOR_KINDS.map((kind) => headSlice(result, layer, head, kind).slice());
      const scores = result.layers[layer].scores ? headSlice(result, layer, head, 'scores').slice() : undefined;
      heads[`${layer}:${head}`] = { probs, q, k, v, ...(scores ? { scores } : {}) };
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
  const random = seeded(12345);
  const probs = randomCausal(n, random);
  const stats = headStatsOf(probs, n);
  const summary = syntheticSummary(n, resultId, () => stats);
  return { summary, heads: { '0:0': { probs, q: vectors(n, random), k: vectors(n, random), v: vectors(n, random) } } };
}

/**
 * The same shape with every one of the 12 × 12 heads filled (each its own random causal matrix), for the
 * all-heads grid: `layers` holds probs [12 × n × n] per layer. Only head (0, 0) has q, k and v.
 */
export function syntheticGridFixture(n: number, resultId: number): Fixture {
  const random = seeded(54321);
  const layers: Record<number, Float32Array> = {};
  const stats = Array.from({ length: SYNTHETIC_MODEL.layers }, (_, layer) => {
    const all = new Float32Array(SYNTHETIC_MODEL.heads * n * n);
    const perHead = Array.from({ length: SYNTHETIC_MODEL.heads }, (_, head) => {
      const probs = randomCausal(n, random);
      all.set(probs, head * n * n);
      return headStatsOf(probs, n);
    });
    layers[layer] = all;
    return perHead;
  });
  const summary = syntheticSummary(n, resultId, (layer, head) => stats[layer][head]);
  const probs = layers[0].slice(0, n * n);
  return { summary, layers, heads: { '0:0': { probs, q: vectors(n, random), k: vectors(n, random), v: vectors(n, random) } } };
}

/**
 * The same shape with every head of the first `layers` layers filled — probs, q, k and v — for switching heads as a
 * person does (bench/headSwitch.ts): the webview holds each layer in one buffer.
 */
export function syntheticHeadsFixture(n: number, layers: number, resultId: number): Fixture {
  const random = seeded(777);
  const heads: Record<string, HeadArrays> = {};
  for (let layer = 0; layer < layers; layer++) {
    for (let head = 0; head < SYNTHETIC_MODEL.heads; head++) {
      heads[`${layer}:${head}`] = { probs: randomCausal(n, random), q: vectors(n, random), k: vectors(n, random), v: vectors(n, random) };
    }
  }
  const stats = Object.fromEntries(Object.entries(heads).map(([key, head]) => [key, headStatsOf(head.probs, n)]));
  const empty = headStatsOf(heads['0:0'].probs, n);
  const summary = syntheticSummary(n, resultId, (layer, head) => stats[`${layer}:${head}`] ?? empty);
  return { summary: { ...summary, model: { ...summary.model, layers } }, heads };
}

const SYNTHETIC_MODEL: ModelFacts = {
  id: 'synthetic/gpt2-small-shaped', architecture: 'gpt2', layers: 12, heads: 12, headDim: 64, hiddenSize: 768,
  causal: true, maxPositions: 1024, quantizedScores: false,
};

function syntheticSummary(n: number, resultId: number, statsOf: (layer: number, head: number) => HeadStats): ResultSummary {
  const model = SYNTHETIC_MODEL;
  const words = ['The', '␣pizza', '␣came', '␣out', '␣of', '␣the', '␣oven', '␣and', '␣it', '␣tasted', '␣good', '.'];
  const tokens: Token[] = Array.from({ length: n }, (_, i) => ({
    id: i, piece: words[i % words.length], display: i === 0 ? '<|endoftext|>' : words[i % words.length],
    start: 0, end: 0, special: i === 0,
  }));
  return {
    resultId, model, text: tokens.map((t) => t.display).join(''), tokens,
    stats: Array.from({ length: model.layers }, (_, layer) => Array.from({ length: model.heads }, (_, head) => statsOf(layer, head))),
  };
}

function seeded(start: number): () => number {
  let seed = start;
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
}

/** Causal rows of random weights that sum to 1, with a strong first-token sink. */
function randomCausal(n: number, random: () => number): Float32Array {
  const probs = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j <= i; j++) sum += probs[i * n + j] = random() ** 4 + (j === 0 ? 2 : 0);
    for (let j = 0; j <= i; j++) probs[i * n + j] /= sum;
  }
  return probs;
}

const vectors = (n: number, random: () => number) => Float32Array.from({ length: n * SYNTHETIC_MODEL.headDim }, () => random() * 2 - 1);
