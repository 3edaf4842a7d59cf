// Runs in both the extension host and the webview: every message between them, typed each way.
// The webview sends `ready` first; the host never posts before that. Requests carry an id and replies name it.
import type { ModelFacts, Token } from './attentionResult';
import type { HeadStats } from './headStats';

/** Everything the panel needs before any tensor: small, sent once per result. */
export interface ResultSummary {
  /** Changes with every run, so late replies for an older result can be recognised and dropped. */
  readonly resultId: number;
  readonly model: ModelFacts;
  readonly text: string;
  readonly tokens: readonly Token[];
  /** stats[layer][head] */
  readonly stats: readonly (readonly HeadStats[])[];
  /** Encoder–decoder models: the translation the model wrote (the tensors shown are the encoder's, over `text`). */
  readonly translation?: TranslationLine;
}

export interface TranslationLine {
  readonly text: string;
  /** "length": cut at the length limit before the model ended the sentence. */
  readonly stopped: 'end' | 'length';
}

/** The tensors of one head. Buffers are exactly as long as their data: probs n·n, q/k/v n·headDim float32. */
export interface HeadTensors {
  readonly probs: ArrayBuffer;
  readonly q: ArrayBuffer;
  readonly k: ArrayBuffer;
  readonly v: ArrayBuffer;
  /** The Softmax input [n × n], when the model adds more than a scale and a mask (ModelFacts.additiveTerm). */
  readonly scores?: ArrayBuffer;
}

export interface HeadRef {
  readonly layer: number;
  readonly head: number;
}

/** The model's learned position vectors of the tokens, [n × dim] float32, exactly n·dim long. */
export interface PositionsPayload {
  /** The initializer they were read from, e.g. "transformer.wpe.weight". */
  readonly source: string;
  readonly dim: number;
  /** The table row of position 0. */
  readonly firstRow: number;
  readonly data: ArrayBuffer;
}

/** What the step-by-step card shows, reported after it renders: for tests and scripts. */
export interface StepShown {
  readonly resultId: number;
  readonly ref: HeadRef;
  readonly query: number;
  readonly key: number;
  /** The card's final weight, recomputed from q, k and the row (float64). */
  readonly weight: number;
  /** The model's own attention value for the cell. */
  readonly modelWeight: number;
  /** The weight as the card prints it. */
  readonly text: string;
}

export type PanelStatus =
  | { readonly state: 'idle' }
  | { readonly state: 'running'; readonly message: string }
  | { readonly state: 'error'; readonly message: string };

export type ToWebview =
  | { readonly type: 'summary'; readonly summary: ResultSummary; readonly show: HeadRef }
  | { readonly type: 'head'; readonly requestId: number; readonly resultId: number; readonly ref: HeadRef; readonly tensors: HeadTensors }
  | { readonly type: 'status'; readonly status: PanelStatus }
  /** Switch the view to this head (a command, or a test, asked for it). */
  | { readonly type: 'show'; readonly ref: HeadRef }
  /** The attention of every head of one layer: probs [heads × n × n] float32, exactly heads·n·n long. */
  | { readonly type: 'layer'; readonly requestId: number; readonly resultId: number; readonly layer: number; readonly probs: ArrayBuffer }
  /** The answer to requestPositions; null when the model has no learned position table that could be found. */
  | { readonly type: 'positions'; readonly requestId: number; readonly resultId: number; readonly positions: PositionsPayload | null }
  /** Click this heatmap cell as a person would (tests and scripts): it opens the step-by-step card. */
  | { readonly type: 'clickCell'; readonly ref: HeadRef; readonly row: number; readonly col: number };

export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'requestHead'; readonly requestId: number; readonly resultId: number; readonly ref: HeadRef }
  /** The head on screen changed: export "current head / layer" follows it. */
  | { readonly type: 'showing'; readonly ref: HeadRef }
  | { readonly type: 'export' }
  /** The heatmap of this head is on screen: sent after each paint, for timing and for tests. */
  | { readonly type: 'painted'; readonly resultId: number; readonly ref: HeadRef; readonly tokens: number }
  /** The attention of every head of these layers (the all-heads grid): answered with one `layer` message each. */
  | { readonly type: 'requestLayers'; readonly requestId: number; readonly resultId: number; readonly layers: readonly number[] }
  /** The model's position vectors of the tokens (the Positions view): answered with `positions`. */
  | { readonly type: 'requestPositions'; readonly requestId: number; readonly resultId: number }
  /** The step-by-step card is on screen with these numbers. */
  | ({ readonly type: 'stepShown' } & StepShown);

/** What the webview keeps with getState/setState, so a reload restores the same view. */
export interface WebviewState {
  readonly ref: HeadRef;
  readonly text?: string;
  readonly model?: string;
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isRef = (v: unknown): v is HeadRef =>
  typeof v === 'object' && v !== null && isIndex((v as HeadRef).layer) && isIndex((v as HeadRef).head);
/** No model has this many layers; a longer list is not a real request. */
const MAX_LAYER_LIST = 1024;
const isLayerList = (v: unknown): v is number[] => Array.isArray(v) && v.length <= MAX_LAYER_LIST && v.every(isIndex);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The host trusts nothing from the webview: anything that does not fit the protocol is rejected here. */
export function parseFromWebview(message: unknown): FromWebview | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as { type?: unknown; requestId?: unknown; resultId?: unknown; ref?: unknown };
  switch (m.type) {
    case 'ready':
    case 'export':
      return { type: m.type };
    case 'showing':
      return isRef(m.ref) ? { type: 'showing', ref: m.ref } : undefined;
    case 'painted': {
      const p = message as { tokens?: unknown };
      return isIndex(m.resultId) && isRef(m.ref) && isIndex(p.tokens)
        ? { type: 'painted', resultId: m.resultId, ref: m.ref, tokens: p.tokens }
        : undefined;
    }
    case 'requestHead':
      return isIndex(m.requestId) && isIndex(m.resultId) && isRef(m.ref)
        ? { type: 'requestHead', requestId: m.requestId, resultId: m.resultId, ref: m.ref }
        : undefined;
    case 'requestLayers': {
      const { layers } = message as { layers?: unknown };
      return isIndex(m.requestId) && isIndex(m.resultId) && isLayerList(layers)
        ? { type: 'requestLayers', requestId: m.requestId, resultId: m.resultId, layers: [...layers] }
        : undefined;
    }
    case 'requestPositions':
      return isIndex(m.requestId) && isIndex(m.resultId) ? { type: 'requestPositions', requestId: m.requestId, resultId: m.resultId } : undefined;
    case 'stepShown': {
      const s = message as Partial<Record<keyof StepShown, unknown>>;
      return isIndex(s.resultId) && isRef(s.ref) && isIndex(s.query) && isIndex(s.key) && isNumber(s.weight) &&
        isNumber(s.modelWeight) && typeof s.text === 'string'
        ? { type: 'stepShown', resultId: s.resultId, ref: s.ref, query: s.query, key: s.key, weight: s.weight, modelWeight: s.modelWeight, text: s.text.slice(0, 200) }
        : undefined;
    }
    default:
      return undefined;
  }
}

/** Longest text a restored panel runs again, in UTF-16 units: as long as any text the engine accepts. */
const MAX_RESTORED_TEXT = 1 << 20;

/**
 * Saved webview state, restored after a reload, is as untrusted as any message. Only the head on screen and the
 * text are taken; a saved model is ignored, since the model always comes from the qkvScope.model setting.
 */
export function parseWebviewState(state: unknown): { readonly ref?: HeadRef; readonly text?: string } | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const s = state as { ref?: unknown; text?: unknown };
  const ref = isRef(s.ref) && s.ref.layer < MAX_LAYER_LIST && s.ref.head < MAX_LAYER_LIST ? { layer: s.ref.layer, head: s.ref.head } : undefined;
  const text = typeof s.text === 'string' && s.text.trim() !== '' && s.text.length <= MAX_RESTORED_TEXT ? s.text : undefined;
  return { ...(ref ? { ref } : {}), ...(text !== undefined ? { text } : {}) };
}
