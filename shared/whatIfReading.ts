// Runs everywhere: the what-if lab's one-line reading, in plain language, computed from the numbers — what the
// variation changes in the formula, and what that did to this head's attention compared with the model's.
import { ENGLISH, type Translator } from './l10nStrings';
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

/** `l10n`: the language to write in (the webview passes its own; English otherwise). */
export function whatIfReading(input: ReadingInput, l10n: Translator = ENGLISH): string {
  const { settings, n, model, variant } = input;
  const biggest = largestDifference(model, variant);
  if (isModelSettings(settings)) {
    return l10n.t('The model’s own formula: this reproduces its attention (largest difference {0}).', biggest.value.toExponential(1));
  }
  const what = [...formulaChanges(input, l10n)];
  const effects = [entropyEffect(input, l10n), topKeyEffect(input, l10n)];
  if (biggest.value > 0.005) {
    const [i, j] = [Math.floor(biggest.index / n), biggest.index % n];
    effects.push(l10n.t('biggest change: {0} → {1} {2} → {3}', quote(input.labels[i], l10n), quote(input.labels[j], l10n),
      fixed(model[biggest.index]), fixed(variant[biggest.index])));
  }
  return l10n.t('{0}. Effect: {1}.', what.join(l10n.t('; ')), effects.join(l10n.t('; ')));
}

/** One fragment per setting that differs from the model's. */
function* formulaChanges(input: ReadingInput, l10n: Translator): Generator<string> {
  const { settings, causal, n, d, variant } = input;
  switch (settings.scoring) {
    case 'squaredDot':
      yield l10n.t('squared dot product (sign kept): large scores grow much faster than small ones');
      break;
    case 'negatedDot':
      yield l10n.t('negated dot product: each token now prefers the keys it matched least');
      break;
    case 'cosine':
      yield l10n.t('cosine similarity: vector lengths no longer count, every score lies between −1 and 1 before scaling');
      break;
    case 'dot':
      break;
  }
  if (settings.scale.kind !== 'sqrtD') {
    const model = input.modelScale ?? 1 / Math.sqrt(d);
    const times = scaleValue(settings.scale, d, model) / model;
    yield l10n.t('scale {0} instead of {1}: scores {2}× the model’s', scaleText(settings.scale, d, model),
      scaleText({ kind: 'sqrtD' }, d, model), fixed(times, 2));
  }
  if (settings.temperature !== 1) {
    yield settings.temperature > 1
      ? l10n.t('temperature {0}: logits divided by {0}, so softmax is flatter', settings.temperature)
      : l10n.t('temperature {0}: logits divided by {0}, so softmax is sharper', settings.temperature);
  }
  const last = n - 1;
  switch (settings.mask.kind) {
    case 'model':
      break;
    case 'none':
      yield causal
        ? l10n.t('no mask: each token can now also see the tokens after it (on average {0} of a row’s weight goes there)',
          percent(laterShare(variant, n), l10n))
        : l10n.t('no mask: the same as this bidirectional model’s own');
      break;
    case 'causal':
      yield causal
        ? l10n.t('causal: the same as this model’s own mask')
        : l10n.t('causal: each token can now only see itself and the tokens before it; the first token attends only to itself (weight {0})',
          fixed(variant[0]));
      break;
    case 'antiCausal':
      yield l10n.t(
        'anti-causal: each token can now only see itself and the tokens after it; the last token attends only to itself (weight {0})',
        fixed(variant[last * n + last]));
      break;
    case 'window':
      yield causal
        ? l10n.t('window of {0}: each token sees only keys fewer than {0} positions away and not after it', settings.mask.size)
        : l10n.t('window of {0}: each token sees only keys fewer than {0} positions away', settings.mask.size);
      break;
  }
}

function entropyEffect({ model, variant, n }: ReadingInput, l10n: Translator): string {
  const [before, after] = [meanEntropy(model, n), meanEntropy(variant, n)];
  const numbers = l10n.t('mean entropy {0} → {1} nats', fixed(before, 2), fixed(after, 2));
  if (Math.abs(after - before) < ENTROPY_SAME) return l10n.t('about as spread out as before ({0})', numbers);
  return after < before ? l10n.t('attention is sharper ({0})', numbers) : l10n.t('attention is flatter ({0})', numbers);
}

function topKeyEffect({ model, variant, n }: ReadingInput, l10n: Translator): string {
  let changed = 0;
  for (let i = 0; i < n; i++) if (topKey(model, n, i) !== topKey(variant, n, i)) changed++;
  return l10n.t('the strongest key changed for {0} of {1} tokens', changed, n);
}

/** Mean over rows of the weight on keys after the query. */
function laterShare(probs: ArrayLike<number>, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) total += probs[i * n + j];
  return n ? total / n : 0;
}

const fixed = (x: number, digits = 2): string => x.toFixed(digits);
const percent = (x: number, l10n: Translator): string => l10n.t('{0}%', Math.round(x * 100));
const quote = (label: string, l10n: Translator): string => l10n.t('“{0}”', label);
