// Runs in both the extension host and the webview: the view the webview keeps with getState/setState (and the
// serializer hands back after a reload), and its check. Each field is kept only when it fits, so an old or damaged
// state restores what it can and never breaks the panel.
import { isIndex, isNumber, isObject, isRef, MAX_TEXT, oneOf, VIEW_TABS, type HeadRef, type ScaleMode, type ViewTab } from './protocol';
import { MIN_TEMPERATURE, type MaskChoice, type ScaleChoice, type Scoring, type WhatIfSettings } from './whatIf';

/** What the webview keeps with getState/setState, so a reload or a hide/show restores the same view. */
export interface WebviewState {
  readonly ref: HeadRef;
  readonly text?: string;
  readonly model?: string;
  readonly tab?: ViewTab;
  readonly query?: number;
  readonly key?: number;
  readonly whatIf?: WhatIfSettings;
  readonly scale?: ScaleMode;
}

const SCORINGS: readonly Scoring[] = ['dot', 'squaredDot', 'negatedDot', 'cosine'];

function parseScale(v: unknown): ScaleChoice | undefined {
  if (!isObject(v)) return undefined;
  if (v.kind === 'sqrtD' || v.kind === 'one') return { kind: v.kind };
  return v.kind === 'custom' && isNumber(v.value) ? { kind: 'custom', value: v.value } : undefined;
}

function parseMask(v: unknown): MaskChoice | undefined {
  if (!isObject(v)) return undefined;
  if (v.kind === 'model' || v.kind === 'none' || v.kind === 'causal' || v.kind === 'antiCausal') return { kind: v.kind };
  return v.kind === 'window' && isIndex(v.size) && v.size > 0 ? { kind: 'window', size: v.size } : undefined;
}

function parseWhatIf(v: unknown): WhatIfSettings | undefined {
  if (!isObject(v) || !oneOf(SCORINGS, v.scoring) || !isNumber(v.temperature) || v.temperature < MIN_TEMPERATURE) return undefined;
  const scale = parseScale(v.scale);
  const mask = parseMask(v.mask);
  return scale && mask ? { scoring: v.scoring, scale, temperature: v.temperature, mask } : undefined;
}

/** What getState (or the serializer) brought back, if it names a head. */
export function parseWebviewState(v: unknown): WebviewState | undefined {
  if (!isObject(v) || !isRef(v.ref)) return undefined;
  const whatIf = parseWhatIf(v.whatIf);
  return {
    ref: { layer: v.ref.layer, head: v.ref.head },
    ...(typeof v.text === 'string' && v.text.length <= MAX_TEXT ? { text: v.text } : {}),
    ...(typeof v.model === 'string' && v.model.length <= 4096 ? { model: v.model } : {}),
    ...(oneOf(VIEW_TABS, v.tab) ? { tab: v.tab } : {}),
    ...(isIndex(v.query) ? { query: v.query } : {}),
    ...(isIndex(v.key) ? { key: v.key } : {}),
    ...(whatIf ? { whatIf } : {}),
    ...(v.scale === 'head' || v.scale === 'unit' ? { scale: v.scale } : {}),
  };
}
