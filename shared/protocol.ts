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
}

/** The tensors of one head. Buffers are exactly as long as their data: probs n·n, q/k/v n·headDim float32. */
export interface HeadTensors {
  readonly probs: ArrayBuffer;
  readonly q: ArrayBuffer;
  readonly k: ArrayBuffer;
  readonly v: ArrayBuffer;
}

export interface HeadRef {
  readonly layer: number;
  readonly head: number;
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
  | { readonly type: 'show'; readonly ref: HeadRef };

export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'requestHead'; readonly requestId: number; readonly resultId: number; readonly ref: HeadRef }
  /** The head on screen changed: export "current head / layer" follows it. */
  | { readonly type: 'showing'; readonly ref: HeadRef }
  | { readonly type: 'export' }
  /** The heatmap of this head is on screen: sent after each paint, for timing and for tests. */
  | { readonly type: 'painted'; readonly resultId: number; readonly ref: HeadRef; readonly tokens: number };

/** What the webview keeps with getState/setState, so a reload restores the same view. */
export interface WebviewState {
  readonly ref: HeadRef;
  readonly text?: string;
  readonly model?: string;
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isRef = (v: unknown): v is HeadRef =>
  typeof v === 'object' && v !== null && isIndex((v as HeadRef).layer) && isIndex((v as HeadRef).head);

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
    default:
      return undefined;
  }
}
