// Runs in the webview: the one connection to the extension host. acquireVsCodeApi() is called here, exactly once.
// Incoming messages arrive as window 'message' events (event.data is the message); anything malformed is dropped.
import type { FromWebview, HeadRef, ResultSummary, ToWebview, WebviewState } from '../shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface HostConnection {
  post(message: FromWebview): void;
  /** What setState saved before a reload, if it still fits the protocol. */
  savedState(): WebviewState | undefined;
  saveState(state: WebviewState): void;
  onMessage(handler: (message: ToWebview) => void): void;
}

export function connectToHost(): HostConnection {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    savedState: () => {
      const state = api.getState() as Partial<WebviewState> | undefined;
      return state && isRef(state.ref) ? { ref: state.ref, text: state.text, model: state.model } : undefined;
    },
    saveState: (state) => api.setState(state),
    onMessage: (handler) =>
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        const message = checkToWebview(event.data);
        if (message) handler(message);
        else console.warn('QKV Scope: ignored a message that does not fit the protocol', event.data);
      }),
  };
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isRef = (v: unknown): v is HeadRef =>
  typeof v === 'object' && v !== null && isIndex((v as HeadRef).layer) && isIndex((v as HeadRef).head);

/** A light shape check: the host is trusted, but a wrong message must not break the panel. */
function checkToWebview(data: unknown): ToWebview | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const m = data as Partial<Record<string, unknown>> & { type?: unknown };
  switch (m.type) {
    case 'summary': {
      const s = m.summary as Partial<ResultSummary> | undefined;
      return s && isIndex(s.resultId) && Array.isArray(s.tokens) && typeof s.model === 'object' && isRef(m.show)
        ? (data as ToWebview)
        : undefined;
    }
    case 'head': {
      const t = m.tensors as Record<string, unknown> | undefined;
      const buffers = t && ['probs', 'q', 'k', 'v'].every((kind) => t[kind] instanceof ArrayBuffer) && (t.scores === undefined || t.scores instanceof ArrayBuffer);
      return buffers && isIndex(m.requestId) && isIndex(m.resultId) && isRef(m.ref) ? (data as ToWebview) : undefined;
    }
    case 'status': {
      const state = (m.status as { state?: unknown } | undefined)?.state;
      return state === 'idle' || state === 'running' || state === 'error' ? (data as ToWebview) : undefined;
    }
    case 'show':
      return isRef(m.ref) ? (data as ToWebview) : undefined;
    case 'layer':
      return isIndex(m.requestId) && isIndex(m.resultId) && isIndex(m.layer) && m.probs instanceof ArrayBuffer ? (data as ToWebview) : undefined;
    case 'positions': {
      const p = m.positions as { source?: unknown; dim?: unknown; firstRow?: unknown; data?: unknown } | null | undefined;
      const fits = p === null || (p !== undefined && typeof p.source === 'string' && isIndex(p.dim) && isIndex(p.firstRow) && p.data instanceof ArrayBuffer);
      return fits && isIndex(m.requestId) && isIndex(m.resultId) ? (data as ToWebview) : undefined;
    }
    case 'clickCell':
      return isRef(m.ref) && isIndex(m.row) && isIndex(m.col) ? (data as ToWebview) : undefined;
    default:
      return undefined;
  }
}
