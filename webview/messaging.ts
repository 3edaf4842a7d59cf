// Runs in the webview: the one connection to the extension host. acquireVsCodeApi() is called here, exactly once.
// Incoming messages arrive as window 'message' events (event.data is the message); shared/protocol.ts checks each
// one, and the saved state, the same way the host checks what the webview sends.
import { parseToWebview, type FromWebview, type ToWebview } from '../shared/protocol';
import { parseWebviewState, type WebviewState } from '../shared/webviewState';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface HostConnection {
  post(message: FromWebview): void;
  /** What setState saved before a reload, the fields that still fit the protocol. */
  savedState(): WebviewState | undefined;
  saveState(state: WebviewState): void;
  onMessage(handler: (message: ToWebview) => void): void;
}

export function connectToHost(): HostConnection {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    savedState: () => parseWebviewState(api.getState()),
    saveState: (state) => api.setState(state),
    onMessage: (handler) =>
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        const message = parseToWebview(event.data);
        if (message) handler(message);
        else console.warn('QKV Scope: ignored a message that does not fit the protocol', event.data);
      }),
  };
}
