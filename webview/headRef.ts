// Runs in the webview: moving between heads. Both axes wrap around (the last head steps to the first, and back),
// for the buttons and the keyboard alike.
import type { ModelFacts } from '../shared/attentionResult';
import type { HeadRef } from '../shared/protocol';
import * as l10n from './l10n';

export type Axis = 'layer' | 'head';

export const refKey = (ref: HeadRef): string => `${ref.layer}:${ref.head}`;

export const sameRef = (a: HeadRef | undefined, b: HeadRef | undefined): boolean =>
  a !== undefined && b !== undefined && a.layer === b.layer && a.head === b.head;

const clampIndex = (value: number, count: number): number => Math.min(Math.max(0, Math.trunc(value) || 0), Math.max(0, count - 1));

/** The nearest head that exists in this model. */
export function clampRef(ref: HeadRef, model: ModelFacts): HeadRef {
  return { layer: clampIndex(ref.layer, model.layers), head: clampIndex(ref.head, model.heads) };
}

/** One step along an axis, wrapping at both ends. */
export function stepRef(ref: HeadRef, model: ModelFacts, axis: Axis, delta: number): HeadRef {
  const count = axis === 'layer' ? model.layers : model.heads;
  const next = (((ref[axis] + delta) % count) + count) % count;
  return axis === 'layer' ? { layer: next, head: ref.head } : { layer: ref.layer, head: next };
}

/** "Layer 3 / 12 · Head 5 / 12": 1-based, as people count. */
export function describeRef(ref: HeadRef, model: ModelFacts): string {
  return l10n.t('Layer {0} / {1} · Head {2} / {3}', ref.layer + 1, model.layers, ref.head + 1, model.heads);
}
