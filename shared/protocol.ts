// Runs in both the extension host and the webview: every message between them, typed each way, and the one place
// that checks them — parseFromWebview on the host, parseToWebview in the webview (webviewState.ts checks what a
// reload brings back). Each parser builds a fresh object from the fields it checked, so nothing else slips through.
// The webview sends `ready` first; the host never posts before that. Requests carry an id and replies name it.
import type { ModelFacts, Token } from './attentionResult';
import { parseEditorFromWebview, parseEditorToWebview, type EditorFromWebview, type EditorToWebview } from './editorProtocol';
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
  /** Encoder–decoder models: the translation the model wrote; `tokens` and the `layer…` tensors are the encoder's, over `text`. */
  readonly translation?: TranslationLine;
}

export interface TranslationLine {
  readonly text: string;
  /** "length": cut at the length limit before the model ended the sentence. */
  readonly stopped: 'end' | 'length';
  /** What the decoder read: its start token, then each generated token (the rows of the decoder and cross views). */
  readonly tokens: readonly Token[];
  readonly layers: number;
  readonly heads: number;
  readonly headDim: number;
}

/** The three attentions of an encoder–decoder model; "encoder" is the result's own `layers`. */
export type AttentionKind = 'encoder' | 'decoder' | 'cross';
export const ATTENTION_KINDS: readonly AttentionKind[] = ['encoder', 'decoder', 'cross'];
/** The kinds the host sends with `translationHeads`. */
export type DecoderKind = Exclude<AttentionKind, 'encoder'>;
const DECODER_KINDS: readonly DecoderKind[] = ['decoder', 'cross'];

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

/** The views of the panel, one tab each. */
export type ViewTab = 'heatmap' | 'step' | 'whatif' | 'heads' | 'positions';
export const VIEW_TABS: readonly ViewTab[] = ['heatmap', 'step', 'whatif', 'heads', 'positions'];

/** "head": linear 0 → the largest value of the head on screen; "unit": linear 0 → 1, comparable across heads. */
export type ScaleMode = 'head' | 'unit';

/** The heatmap's colours: the theme's own ramp, or a colour-blind-safe sequential map (setting qkvScope.colorScale). */
export type ColourScale = 'theme' | 'viridis' | 'cividis';
export const COLOUR_SCALES: readonly ColourScale[] = ['theme', 'viridis', 'cividis'];

/** Export Image: PNG at twice the screen's resolution, or SVG with real vectors and text. */
export type ImageFormat = 'png' | 'svg';
/** A larger picture is refused (a 512-token SVG heatmap is about 20 MB). */
export const MAX_IMAGE_BYTES = 256 * 1024 * 1024;

export type PanelStatus =
  | { readonly state: 'idle' }
  | { readonly state: 'running'; readonly message: string }
  | { readonly state: 'error'; readonly message: string }
  /** The analysed text was edited in the editor: the result no longer matches it (the panel offers a re-run). */
  | { readonly state: 'stale'; readonly message: string };

export type ToWebview =
  /**
   * A new result. `heads` is the layer of `show`, packed as in `layerHeads`, so that the first picture needs no
   * request back to the host (live update repaints per keystroke).
   */
  | { readonly type: 'summary'; readonly summary: ResultSummary; readonly show: HeadRef;
    readonly heads?: { readonly layer: number; readonly buffer: ArrayBuffer } }
  /**
   * Every head of one layer in one transferable buffer, so that switching heads never waits on the host:
   * float32 probs [heads × n × n], then q, k and v [heads × n × headDim] each, then — only when the model adds more
   * than a mask — scores [heads × n × n]; exactly that long.
   */
  | { readonly type: 'layerHeads'; readonly requestId: number; readonly resultId: number; readonly layer: number;
    readonly buffer: ArrayBuffer }
  /**
   * Every head of one decoder layer, decoder self-attention or cross-attention, in one buffer: probs
   * [heads × t × cols], q [heads × t × headDim], then k and v [heads × cols × headDim], where t is the translation's
   * tokens and cols is t (decoder) or the source's tokens (cross); exactly that long.
   */
  | { readonly type: 'translationHeads'; readonly requestId: number; readonly resultId: number; readonly kind: DecoderKind;
    readonly layer: number; readonly buffer: ArrayBuffer }
  /** The panel's settings (qkvScope.colorScale). */
  | { readonly type: 'settings'; readonly colourScale: ColourScale }
  | { readonly type: 'head'; readonly requestId: number; readonly resultId: number; readonly ref: HeadRef; readonly tensors: HeadTensors }
  | { readonly type: 'status'; readonly status: PanelStatus }
  /** Switch the view to this head (a command, or a test, asked for it). */
  | { readonly type: 'show'; readonly ref: HeadRef }
  /** The attention of every head of one layer: probs [heads × n × n] float32, exactly heads·n·n long. */
  | { readonly type: 'layer'; readonly requestId: number; readonly resultId: number; readonly layer: number; readonly probs: ArrayBuffer }
  /** The answer to requestPositions; null when the model has no learned position table that could be found. */
  | { readonly type: 'positions'; readonly requestId: number; readonly resultId: number; readonly positions: PositionsPayload | null }
  /** Draw the current view as a picture and send it back as `image`. */
  | { readonly type: 'renderImage'; readonly requestId: number; readonly format: ImageFormat }
  /** Switch a translator's panel to this kind, as the kind switch would (tests and scripts). */
  | { readonly type: 'showKind'; readonly kind: AttentionKind }
  /** Click this heatmap cell as a person would (tests and scripts): it opens the step-by-step card. */
  | { readonly type: 'clickCell'; readonly ref: HeadRef; readonly row: number; readonly col: number }
  | EditorToWebview;

export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'requestHead'; readonly requestId: number; readonly resultId: number; readonly ref: HeadRef }
  /** Every head of these layers, ahead of time: answered with one `layerHeads` each. */
  | { readonly type: 'requestLayerHeads'; readonly requestId: number; readonly resultId: number; readonly layers: readonly number[] }
  /** The head on screen changed: export "current head / layer" follows it. */
  | { readonly type: 'showing'; readonly ref: HeadRef }
  | { readonly type: 'export' }
  /** The Export Image… button. */
  | { readonly type: 'exportImage' }
  /** The answer to renderImage: the file's bytes (PNG, or SVG as UTF-8) and what it shows, for its name. */
  | { readonly type: 'image'; readonly requestId: number; readonly format: ImageFormat; readonly data: ArrayBuffer; readonly title: string }
  /** renderImage could not be done: one sentence saying why. */
  | { readonly type: 'imageFailed'; readonly requestId: number; readonly reason: string }
  /**
   * The heatmap of this head is on screen: sent from the animation frame after each paint, for timing and tests.
   * `inputMs`: from the key, click or host `show` that asked for this head to that frame, when one did. `frameAt`:
   * when that frame ran, in milliseconds since 1970 (performance.timeOrigin + performance.now()), so the host can
   * time a keystroke → frame without the trip back.
   */
  | {
    readonly type: 'painted'; readonly resultId: number; readonly ref: HeadRef; readonly tokens: number; readonly inputMs?: number;
    readonly frameAt?: number;
  }
  /** The attention of every head of these layers (the all-heads grid): answered with one `layer` message each. */
  | { readonly type: 'requestLayers'; readonly requestId: number; readonly resultId: number; readonly layers: readonly number[] }
  /** Every head of one decoder layer of this kind: answered with `translationHeads`. */
  | { readonly type: 'requestTranslationHeads'; readonly requestId: number; readonly resultId: number; readonly kind: DecoderKind;
    readonly layer: number }
  /** The model's position vectors of the tokens (the Positions view): answered with `positions`. */
  | { readonly type: 'requestPositions'; readonly requestId: number; readonly resultId: number }
  /** A translator's panel shows this kind of attention for this head: rows × cols weights (tests and scripts). */
  | { readonly type: 'kindShown'; readonly resultId: number; readonly kind: AttentionKind; readonly ref: HeadRef; readonly rows: number;
    readonly cols: number }
  /** The step-by-step card is on screen with these numbers. */
  | ({ readonly type: 'stepShown' } & StepShown)
  | EditorFromWebview;


export const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
export const isRef = (v: unknown): v is HeadRef =>
  typeof v === 'object' && v !== null && isIndex((v as HeadRef).layer) && isIndex((v as HeadRef).head);
/** No model has this many layers; a longer list is not a real request. */
const MAX_LAYER_LIST = 1024;
const isLayerList = (v: unknown): v is number[] => Array.isArray(v) && v.length <= MAX_LAYER_LIST && v.every(isIndex);
export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isObject = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null;
export const oneOf = <T extends string>(values: readonly T[], v: unknown): v is T => values.includes(v as T);
const isBuffer = (v: unknown): v is ArrayBuffer => v instanceof ArrayBuffer;
/** No text in a message is longer than this. */
export const MAX_TEXT = 1_000_000;

/** The host trusts nothing from the webview: anything that does not fit the protocol is rejected here. */
export function parseFromWebview(message: unknown): FromWebview | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as { type?: unknown; requestId?: unknown; resultId?: unknown; ref?: unknown };
  switch (m.type) {
    case 'ready':
    case 'export':
    case 'exportImage':
      return { type: m.type };
    case 'imageFailed': {
      const { reason } = message as { reason?: unknown };
      return isIndex(m.requestId) && typeof reason === 'string'
        ? { type: 'imageFailed', requestId: m.requestId, reason: reason.slice(0, 300) } : undefined;
    }
    case 'image': {
      const i = message as { format?: unknown; data?: unknown; title?: unknown };
      return isIndex(m.requestId) && (i.format === 'png' || i.format === 'svg') && isBuffer(i.data) &&
        i.data.byteLength <= MAX_IMAGE_BYTES &&
        typeof i.title === 'string'
        ? { type: 'image', requestId: m.requestId, format: i.format, data: i.data, title: i.title.slice(0, 200) }
        : undefined;
    }
    case 'showing':
      return isRef(m.ref) ? { type: 'showing', ref: m.ref } : undefined;
    case 'painted': {
      const p = message as { tokens?: unknown; inputMs?: unknown; frameAt?: unknown };
      if (!isIndex(m.resultId) || !isRef(m.ref) || !isIndex(p.tokens)) return undefined;
      const painted = { type: 'painted', resultId: m.resultId, ref: { layer: m.ref.layer, head: m.ref.head }, tokens: p.tokens } as const;
      return {
        ...painted,
        ...(isNumber(p.inputMs) && p.inputMs >= 0 ? { inputMs: p.inputMs } : {}),
        ...(isNumber(p.frameAt) && p.frameAt > 0 ? { frameAt: p.frameAt } : {}),
      };
    }
    case 'requestHead':
      return isIndex(m.requestId) && isIndex(m.resultId) && isRef(m.ref)
        ? { type: 'requestHead', requestId: m.requestId, resultId: m.resultId, ref: m.ref }
        : undefined;
    case 'requestLayerHeads': {
      const { layers } = message as { layers?: unknown };
      return isIndex(m.requestId) && isIndex(m.resultId) && isLayerList(layers)
        ? { type: 'requestLayerHeads', requestId: m.requestId, resultId: m.resultId, layers: [...layers] }
        : undefined;
    }
    case 'requestLayers': {
      const { layers } = message as { layers?: unknown };
      return isIndex(m.requestId) && isIndex(m.resultId) && isLayerList(layers)
        ? { type: 'requestLayers', requestId: m.requestId, resultId: m.resultId, layers: [...layers] }
        : undefined;
    }
    case 'requestTranslationHeads': {
      const { kind, layer } = message as { kind?: unknown; layer?: unknown };
      return isIndex(m.requestId) && isIndex(m.resultId) && oneOf(DECODER_KINDS, kind) && isIndex(layer)
        ? { type: 'requestTranslationHeads', requestId: m.requestId, resultId: m.resultId, kind, layer }
        : undefined;
    }
    case 'kindShown': {
      const k = message as { kind?: unknown; rows?: unknown; cols?: unknown };
      return isIndex(m.resultId) && oneOf(ATTENTION_KINDS, k.kind) && isRef(m.ref) && isIndex(k.rows) && isIndex(k.cols)
        ? { type: 'kindShown', resultId: m.resultId, kind: k.kind, ref: { layer: m.ref.layer, head: m.ref.head }, rows: k.rows,
          cols: k.cols }
        : undefined;
    }
    case 'requestPositions':
      return isIndex(m.requestId) && isIndex(m.resultId)
        ? { type: 'requestPositions', requestId: m.requestId, resultId: m.resultId } : undefined;
    case 'stepShown': {
      const s = message as Partial<Record<keyof StepShown, unknown>>;
      return isIndex(s.resultId) && isRef(s.ref) && isIndex(s.query) && isIndex(s.key) && isNumber(s.weight) &&
        isNumber(s.modelWeight) && typeof s.text === 'string'
        ? { type: 'stepShown', resultId: s.resultId, ref: s.ref, query: s.query, key: s.key, weight: s.weight, modelWeight: s.modelWeight,
          text: s.text.slice(0, 200) }
        : undefined;
    }
    default:
      return parseEditorFromWebview(message);
  }
}

const isTokenList = (v: unknown): v is Token[] => Array.isArray(v) && v.every((t) => isObject(t) && typeof t.display === 'string');
const isTranslationLine = (v: unknown): v is TranslationLine =>
  isObject(v) && typeof v.text === 'string' && v.text.length <= MAX_TEXT && (v.stopped === 'end' || v.stopped === 'length') &&
  isTokenList(v.tokens) && isIndex(v.layers) && isIndex(v.heads) && isIndex(v.headDim);
const isSummary = (v: unknown): v is ResultSummary =>
  isObject(v) && isIndex(v.resultId) && isObject(v.model) && typeof v.text === 'string' && v.text.length <= MAX_TEXT &&
  isTokenList(v.tokens) && Array.isArray(v.stats) && (v.translation === undefined || isTranslationLine(v.translation));

const isPositions = (v: unknown): v is PositionsPayload | null =>
  v === null || (isObject(v) && typeof v.source === 'string' && isIndex(v.dim) && isIndex(v.firstRow) && isBuffer(v.data));

const isHeadTensors = (v: unknown): v is HeadTensors =>
  isObject(v) && isBuffer(v.probs) && isBuffer(v.q) && isBuffer(v.k) && isBuffer(v.v) && (v.scores === undefined || isBuffer(v.scores));
const isStatus = (v: unknown): v is PanelStatus =>
  isObject(v) &&
    (v.state === 'idle' || ((v.state === 'running' || v.state === 'error' || v.state === 'stale') && typeof v.message === 'string'));

/**
 * The webview trusts the host, but a message that does not fit must not break the panel: it is dropped here.
 * Sizes are checked against the summary where the tensors are used (headCache.ts, layerHeads.ts).
 */
export function parseToWebview(message: unknown): ToWebview | undefined {
  if (!isObject(message)) return undefined;
  const m = message;
  const ids = isIndex(m.requestId) && isIndex(m.resultId) ? { requestId: m.requestId, resultId: m.resultId } : undefined;
  switch (m.type) {
    case 'summary':
      if (!isSummary(m.summary) || !isRef(m.show)) return undefined;
      // Heads that do not fit are left out; the panel then asks for them.
      return isObject(m.heads) && isIndex(m.heads.layer) && isBuffer(m.heads.buffer)
        ? { type: 'summary', summary: m.summary, show: m.show, heads: { layer: m.heads.layer, buffer: m.heads.buffer } }
        : { type: 'summary', summary: m.summary, show: m.show };
    case 'head':
      return ids && isRef(m.ref) && isHeadTensors(m.tensors)
        ? { type: 'head', ...ids, ref: m.ref, tensors: m.tensors }
        : undefined;
    case 'layerHeads':
      return ids && isIndex(m.layer) && isBuffer(m.buffer)
        ? { type: 'layerHeads', ...ids, layer: m.layer, buffer: m.buffer }
        : undefined;
    case 'translationHeads':
      return ids && oneOf(DECODER_KINDS, m.kind) && isIndex(m.layer) && isBuffer(m.buffer)
        ? { type: 'translationHeads', ...ids, kind: m.kind, layer: m.layer, buffer: m.buffer }
        : undefined;
    case 'settings':
      return oneOf(COLOUR_SCALES, m.colourScale) ? { type: 'settings', colourScale: m.colourScale } : undefined;
    case 'status':
      return isStatus(m.status) ? { type: 'status', status: m.status } : undefined;
    case 'show':
      return isRef(m.ref) ? { type: 'show', ref: m.ref } : undefined;
    case 'layer':
      return ids && isIndex(m.layer) && isBuffer(m.probs)
        ? { type: 'layer', ...ids, layer: m.layer, probs: m.probs }
        : undefined;
    case 'positions':
      return ids && isPositions(m.positions)
        ? { type: 'positions', ...ids, positions: m.positions }
        : undefined;
    case 'renderImage':
      return isIndex(m.requestId) && (m.format === 'png' || m.format === 'svg')
        ? { type: 'renderImage', requestId: m.requestId, format: m.format } : undefined;
    case 'showKind':
      return oneOf(ATTENTION_KINDS, m.kind) ? { type: 'showKind', kind: m.kind } : undefined;
    case 'clickCell':
      return isRef(m.ref) && isIndex(m.row) && isIndex(m.col) ? { type: 'clickCell', ref: m.ref, row: m.row, col: m.col } : undefined;
    default:
      return parseEditorToWebview(message);
  }
}
