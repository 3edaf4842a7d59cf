// Runs in the webview: the stages of multi-head attention with their real shapes for the model and text on screen,
// and which part of the other views each one matches. Views mark their parts with data-stages="…" and the panel
// lights them while the pointer (or focus) is on a stage of the shapes strip.
import type { ModelFacts } from '../../shared/attentionResult';
import * as l10n from '../l10n';

export type StageId = 'x' | 'wq' | 'q' | 'split' | 'scores' | 'softmax' | 'values' | 'concat' | 'wo';

export interface Stage {
  readonly id: StageId;
  readonly name: string;
  /** "[12 × 768]", with this model's and this text's numbers. */
  readonly shape: string;
  /** What the stage computes, in one sentence. */
  readonly meaning: string;
  /** Where it shows in the other views. */
  readonly lights: string;
}

/** The stages for a model and n tokens. d_model = hiddenSize, d_head = headDim. */
export function stagesOf(model: ModelFacts, n: number): readonly Stage[] {
  const { hiddenSize: dm, heads: h, headDim: dh } = model;
  return [
    {
      id: 'x', name: 'X', shape: `[${n} × ${dm}]`,
      meaning: l10n.t('one vector per token entering this layer (token + position embedding, then the layers before)'),
      lights: l10n.t('the tokens'),
    },
    {
      id: 'wq', name: 'W_Q', shape: `[${dm} × ${h * dh}]`,
      meaning: l10n.t('the learned query projection (W_K and W_V have the same shape)'),
      lights: l10n.t('the q vector of the step-by-step card comes out of it'),
    },
    {
      id: 'q', name: 'Q = X·W_Q', shape: `[${n} × ${h * dh}]`,
      meaning: l10n.t('every token’s query for all heads side by side (K and V likewise)'),
      lights: l10n.t('q_i and k_j in the step-by-step card'),
    },
    {
      id: 'split', name: 'split', shape: `[${h} × ${n} × ${dh}]`,
      meaning: l10n.t('cut into {0} heads of {1} numbers each', h, dh),
      lights: l10n.t('the current head in the grid, its q and k'),
    },
    {
      id: 'scores', name: 'QKᵀ/√d', shape: `[${h} × ${n} × ${n}]`,
      meaning: l10n.t('every query against every key, divided by √{0}, plus the mask', dh),
      lights: l10n.t('the dot product, scale and mask of the card; the what-if lab'),
    },
    {
      id: 'softmax', name: 'softmax', shape: `[${h} × ${n} × ${n}]`,
      meaning: l10n.t('each row turned into weights that sum to 1: the attention'),
      lights: l10n.t('the heatmap, the grid, exp ÷ denominator in the card'),
    },
    {
      id: 'values', name: '·V', shape: `[${h} × ${n} × ${dh}]`,
      meaning: l10n.t('each token’s weighted sum of the value vectors, per head'),
      lights: l10n.t('the head output in the card'),
    },
    {
      id: 'concat', name: 'concat', shape: `[${n} × ${h * dh}]`,
      meaning: l10n.t('the heads’ outputs side by side again'),
      lights: l10n.t('the whole layer row of the grid'),
    },
    {
      id: 'wo', name: 'W_O', shape: `[${h * dh} × ${dm}]`,
      meaning: l10n.t('the output projection mixes the heads back into the residual stream (its weights are not shown)'),
      lights: l10n.t('nothing on screen'),
    },
  ];
}

/** Marks an element as showing these stages. */
export function markStages(element: HTMLElement, ...stages: StageId[]): HTMLElement {
  element.dataset.stages = stages.join(' ');
  return element;
}
