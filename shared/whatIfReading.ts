// Runs everywhere: the what-if lab's one-line reading, in plain language, computed from the numbers — what the
// variation changes in the formula, and what that did to this head's attention compared with the model's.
import { largestDifference, meanEntropy, isModelSettings, scaleText, scaleValue, topKey, type WhatIfSettings } from './whatIf';

export interface ReadingInput {
  readonly settings: WhatIfSettings;
  /** The model's own mask is causal. */
  readonly causal: boolean;
  readonly n: number;
  readonly d: number;
  /** How each token is shown ("␣it"). */
  readonly labels: readonly string[];
  /** The model's attention [n × n]. */
  readonly model: ArrayLike<number>;
  /** The what-if attention [n × n]. */
  readonly variant: ArrayLike<number>;
  /** The model's own scale; 1/√d when absent. */
  readonly modelScale?: number;
}

const ENTROPY_SAME = 0.05;

export function whatIfReading(input: ReadingInput): string {
  const { settings, n, model, variant } = input;
  const biggest = largestDifference(model, variant);
  if (isModelSettings(settings)) {
    return `The model’s own formula: this reproduces its attention (largest difference ${biggest.value.toExponential(1)}).`;
  }
  const what = [...formulaChanges(input)];
  const effects = [entropyEffect(input), topKeyEffect(input)];
  if (biggest.value > 0.005) {
    const [i, j] = [Math.floor(biggest.index / n), biggest.index % n];
    effects.push(`biggest change: ${quote(input.labels[i])} → ${quote(input.labels[j])} ${fixed(model[biggest.index])} → ${fixed(variant[biggest.index])}`);
  }
  return `${what.join('; ')}. Effect: ${effects.join('; ')}.`;
}

/** One fragment per setting that differs from the model's. */
function* formulaChanges(input: ReadingInput): Generator<string> {
  const { settings, causal, n, d, variant } = input;
  switch (settings.scoring) {
    case 'squaredDot':
      yield 'squared dot product (sign kept): large scores grow much faster than small ones';
      break;
    case 'negatedDot':
      yield 'negated dot product: each token now prefers the keys it matched least';
      break;
    case 'cosine':
      yield 'cosine similarity: vector lengths no longer count, every score lies between −1 and 1 before scaling';
      break;
    case 'dot':
      break;
  }
  if (settings.scale.kind !== 'sqrtD') {
    const model = input.modelScale ?? 1 / Math.sqrt(d);
    const times = scaleValue(settings.scale, d, model) / model;
    yield `scale ${scaleText(settings.scale, d, model)} instead of ${scaleText({ kind: 'sqrtD' }, d, model)}: scores ${fixed(times, 2)}× the model’s`;
  }
  if (settings.temperature !== 1) {
    yield `temperature ${settings.temperature}: logits divided by ${settings.temperature}, so softmax is ${settings.temperature > 1 ? 'flatter' : 'sharper'}`;
  }
  const last = n - 1;
  switch (settings.mask.kind) {
    case 'model':
      break;
    case 'none':
      yield causal
        ? `no mask: each token can now also see the tokens after it (on average ${percent(laterShare(variant, n))} of a row’s weight goes there)`
        : 'no mask: the same as this bidirectional model’s own';
      break;
    case 'causal':
      yield causal
        ? 'causal: the same as this model’s own mask'
        : `causal: each token can now only see itself and the tokens before it; the first token attends only to itself (weight ${fixed(variant[0])})`;
      break;
    case 'antiCausal':
      yield `anti-causal: each token can now only see itself and the tokens after it; the last token attends only to itself (weight ${fixed(variant[last * n + last])})`;
      break;
    case 'window':
      yield `window of ${settings.mask.size}: each token sees only keys fewer than ${settings.mask.size} positions away${causal ? ' and not after it' : ''}`;
      break;
  }
}

function entropyEffect({ model, variant, n }: ReadingInput): string {
  const [before, after] = [meanEntropy(model, n), meanEntropy(variant, n)];
  const numbers = `mean entropy ${fixed(before, 2)} → ${fixed(after, 2)} nats`;
  if (Math.abs(after - before) < ENTROPY_SAME) return `about as spread out as before (${numbers})`;
  return after < before ? `attention is sharper (${numbers})` : `attention is flatter (${numbers})`;
}

function topKeyEffect({ model, variant, n }: ReadingInput): string {
  let changed = 0;
  for (let i = 0; i < n; i++) if (topKey(model, n, i) !== topKey(variant, n, i)) changed++;
  return `the strongest key changed for ${changed} of ${n} tokens`;
}

/** Mean over rows of the weight on keys after the query. */
function laterShare(probs: ArrayLike<number>, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) total += probs[i * n + j];
  return n ? total / n : 0;
}

const fixed = (x: number, digits = 2): string => x.toFixed(digits);
const percent = (x: number): string => `${Math.round(x * 100)}%`;
const quote = (label: string): string => `“${label}”`;
