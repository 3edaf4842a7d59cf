// Runs in the extension host: the one attention panel of a window, its life cycle and its side of the protocol.
import * as vscode from 'vscode';
import type { AttentionResult } from '../../shared/attentionResult';
import {
  parseFromWebview, type FromWebview, type HeadRef, type PanelStatus, type ResultSummary, type StepShown, type ToWebview, parseWebviewState,
} from '../../shared/protocol';
import { summarize } from '../../shared/resultSummary';
import { headTensors, payloadBytes } from './headPayload';
import { layerProbs, positionsPayload } from './layerPayload';
import { panelHtml } from './panelHtml';

/** What produced a result: enough to run it again after a reload. */
export interface ResultSource {
  readonly text: string;
  readonly model: string;
}

export interface Painted {
  readonly resultId: number;
  readonly ref: HeadRef;
  readonly tokens: number;
}

export class AttentionPanel implements vscode.Disposable {
  static readonly viewType = 'qkvScope.attention';

  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private ready = false;
  private current: { readonly result: AttentionResult; readonly summary: ResultSummary; readonly source: ResultSource } | undefined;
  private showing: HeadRef = { layer: 0, head: 0 };
  private status: PanelStatus = { state: 'idle' };
  private nextResultId = 1;
  private readonly paintEmitter = new vscode.EventEmitter<Painted>();
  private readonly exportEmitter = new vscode.EventEmitter<void>();
  private readonly stepEmitter = new vscode.EventEmitter<StepShown>();
  /** Fires after the webview has drawn a heatmap: used for timing and by the tests. */
  readonly onDidPaint = this.paintEmitter.event;
  /** The panel's Export button was clicked. */
  readonly onDidRequestExport = this.exportEmitter.event;
  /** The webview rendered a step-by-step card: its numbers, for the tests. */
  readonly onDidShowStep = this.stepEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    /** Runs a source again; used when VS Code restores the panel after a reload. */
    /** Runs restored text again, with the model of the qkvScope.model setting (never one the webview names). */
    private readonly rerun: (text: string) => void,
  ) {}

  /** Shows a new result, keeping the layer and head on screen when the new model has them. */
  show(result: AttentionResult, source: ResultSource): void {
    const summary = summarize(result, this.nextResultId++);
    this.current = { result, summary, source };
    if (this.showing.layer >= result.model.layers || this.showing.head >= result.model.heads) this.showing = { layer: 0, head: 0 };
    this.setStatus({ state: 'idle' });
    if (this.panel) this.panel.reveal(undefined, true);
    else this.attach(vscode.window.createWebviewPanel(AttentionPanel.viewType, 'QKV Scope', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }));
    this.postSummary();
  }

  setStatus(status: PanelStatus): void {
    this.status = status;
    if (this.ready) this.post({ type: 'status', status });
  }

  /** Asks the webview to switch to a head, as if the person had used the controls. */
  showHead(ref: HeadRef): boolean {
    const model = this.current?.result.model;
    if (!model || ref.layer >= model.layers || ref.head >= model.heads) return false;
    this.showing = ref;
    if (this.ready) this.post({ type: 'show', ref });
    return true;
  }

  /** Clicks a heatmap cell in the webview, as a person would (it opens the step-by-step card); false when it cannot. */
  clickCell(ref: HeadRef, row: number, col: number): boolean {
    const current = this.current;
    const n = current?.result.tokens.length ?? 0;
    if (!current || !this.ready || row >= n || col >= n || ref.layer >= current.result.model.layers || ref.head >= current.result.model.heads) return false;
    this.post({ type: 'clickCell', ref, row, col });
    return true;
  }

  /** The result on screen and the head the person is looking at. */
  get shown(): { readonly result: AttentionResult; readonly ref: HeadRef; readonly resultId: number } | undefined {
    return this.current && { result: this.current.result, ref: this.showing, resultId: this.current.summary.resultId };
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** VS Code restored a panel after a reload: adopt it, and run its text again if it remembers one. */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    this.panel?.dispose();
    const restored = parseWebviewState(state);
    if (state !== undefined && !restored) this.log.warn(`Ignored a restored panel state that does not fit: ${typeof state}`);
    if (restored?.ref) this.showing = restored.ref;
    this.attach(panel);
    if (restored?.text !== undefined) this.rerun(restored.text);
  }

  dispose(): void {
    this.panel?.dispose();
    this.paintEmitter.dispose();
    this.exportEmitter.dispose();
    this.stepEmitter.dispose();
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')] };
    panel.webview.html = panelHtml(panel.webview, this.extensionUri);
    this.panelDisposables = [
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      panel.onDidDispose(() => this.detach()),
    ];
  }

  private detach(): void {
    for (const d of this.panelDisposables) d.dispose();
    this.panelDisposables = [];
    this.panel = undefined;
    this.ready = false;
  }

  private receive(raw: unknown): void {
    const message = parseFromWebview(raw);
    if (!message) {
      this.log.warn('Ignored a message from the webview that does not fit the protocol:', JSON.stringify(raw)?.slice(0, 200));
      return;
    }
    this.log.debug('webview → host', describe(message));
    switch (message.type) {
      case 'ready':
        // A webview (re)loads whenever it becomes visible again: send it everything it needs, once more.
        this.ready = true;
        if (this.status.state !== 'idle') this.post({ type: 'status', status: this.status });
        this.postSummary();
        break;
      case 'requestHead': {
        const current = this.current;
        if (!current || message.resultId !== current.summary.resultId) return; // for a result that was replaced
        const { layer, head } = message.ref;
        if (layer >= current.result.model.layers || head >= current.result.model.heads) return;
        this.post({ type: 'head', requestId: message.requestId, resultId: message.resultId, ref: message.ref, tensors: headTensors(current.result, message.ref) });
        break;
      }
      case 'requestLayers': {
        const current = this.current;
        if (!current || message.resultId !== current.summary.resultId) return;
        for (const layer of new Set(message.layers)) {
          if (layer >= current.result.model.layers) continue;
          this.post({ type: 'layer', requestId: message.requestId, resultId: message.resultId, layer, probs: layerProbs(current.result, layer) });
        }
        break;
      }
      case 'requestPositions': {
        const current = this.current;
        if (!current || message.resultId !== current.summary.resultId) return;
        this.post({ type: 'positions', requestId: message.requestId, resultId: message.resultId, positions: positionsPayload(current.result) });
        break;
      }
      case 'stepShown':
        this.stepEmitter.fire(message);
        break;
      case 'showing':
        this.showing = message.ref;
        break;
      case 'export':
        this.exportEmitter.fire();
        break;
      case 'painted':
        this.paintEmitter.fire({ resultId: message.resultId, ref: message.ref, tokens: message.tokens });
        break;
    }
  }

  private postSummary(): void {
    if (this.ready && this.current) this.post({ type: 'summary', summary: this.current.summary, show: this.showing });
  }

  private post(message: ToWebview): void {
    this.log.debug('host → webview', describe(message));
    void this.panel?.webview.postMessage(message);
  }
}

/** One line per message for the log: types and sizes, never megabytes of numbers. */
function describe(message: ToWebview | FromWebview): string {
  switch (message.type) {
    case 'summary':
      return `summary #${message.summary.resultId}: ${message.summary.tokens.length} tokens, ${message.summary.model.layers}×${message.summary.model.heads} heads, show L${message.show.layer} H${message.show.head}`;
    case 'head':
      return `head #${message.requestId} L${message.ref.layer} H${message.ref.head}: ${payloadBytes(message.tensors)} bytes`;
    case 'layer':
      return `layer #${message.requestId} L${message.layer}: ${message.probs.byteLength} bytes`;
    case 'positions':
      return `positions #${message.requestId}: ${message.positions ? `${message.positions.source}, ${message.positions.data.byteLength} bytes` : 'none'}`;
    default:
      return JSON.stringify(message);
  }
}
