// Runs in the extension host: the one attention panel of a window, its life cycle and its side of the protocol.
import * as vscode from 'vscode';
import type { AttentionResult } from '../../shared/attentionResult';
import type { TextSide, TokenPlace } from '../../shared/editorProtocol';
import {
  parseFromWebview, type AttentionKind, type HeadRef, type ImageFormat, type PanelStatus, type ResultSummary, type StepShown,
  type ToWebview,
} from '../../shared/protocol';
import { parseWebviewState } from '../../shared/webviewState';
import { readSettings, SECTION } from '../settings';
import { summarize } from '../../shared/resultSummary';
import { PendingImages, type RenderedImage } from './imageRequests';
import { layerHeadsBuffer } from './layerPayload';
import { describe } from './messageLog';
import { tensorReplies } from './tensorReplies';
import { panelHtml } from './panelHtml';
import type { FocusedToken, KindShown, ResultSource } from './panelEvents';
export type { FocusedToken, KindShown, ResultSource } from './panelEvents';

export interface Painted {
  readonly resultId: number;
  readonly ref: HeadRef;
  readonly tokens: number;
  /** Milliseconds from the input that asked for this head to the frame that shows it, measured in the webview. */
  readonly inputMs?: number;
  /** When the webview's frame showed it, in milliseconds since 1970 (its clock and the host's are the machine's). */
  readonly frameAt?: number;
}

export class AttentionPanel implements vscode.Disposable {
  static readonly viewType = 'qkvScope.attention';

  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private ready = false;
  private current: { readonly result: AttentionResult; readonly summary: ResultSummary; readonly source: ResultSource } | undefined;
  private showing: HeadRef = { layer: 0, head: 0 };
  /** The head the webview last said it shows. */
  private announced: HeadRef | undefined;
  private status: PanelStatus = { state: 'idle' };
  private nextResultId = 1;
  private readonly paintEmitter = new vscode.EventEmitter<Painted>();
  private readonly exportEmitter = new vscode.EventEmitter<void>();
  private readonly stepEmitter = new vscode.EventEmitter<StepShown>();
  private readonly imageEmitter = new vscode.EventEmitter<void>();
  private readonly images = new PendingImages();
  /** Fires after the webview has drawn a heatmap: used for timing and by the tests. */
  readonly onDidPaint = this.paintEmitter.event;
  /** The panel's Export button was clicked. */
  readonly onDidRequestExport = this.exportEmitter.event;
  /** The webview rendered a step-by-step card: its numbers, for the tests. */
  readonly onDidShowStep = this.stepEmitter.event;
  private readonly headEmitter = new vscode.EventEmitter<HeadRef>();
  private readonly queryEmitter = new vscode.EventEmitter<{ readonly resultId: number; readonly query: number | undefined }>();
  private readonly revealEmitter = new vscode.EventEmitter<{ readonly resultId: number; readonly token: number }>();
  private readonly rerunEmitter = new vscode.EventEmitter<void>();
  private readonly kindEmitter = new vscode.EventEmitter<KindShown>();
  private readonly focusEmitter = new vscode.EventEmitter<FocusedToken>();
  /** A translator's panel: a source or translated token was picked in the decoder or cross view. */
  readonly onDidFocusToken = this.focusEmitter.event;
  private kindNow: AttentionKind = 'encoder'; // what a translator's panel shows; encoder for any other model
  /** A translator's panel shows a kind of attention (encoder, decoder, cross) for a head. */
  readonly onDidShowKind = this.kindEmitter.event;
  /** The person switched layer or head in the panel. */
  readonly onDidShowHead = this.headEmitter.event;
  /** The query token picked in the panel changed (undefined: none). */
  readonly onDidPickQuery = this.queryEmitter.event;
  /** A token was clicked in the panel: the editor selects it. */
  readonly onDidRevealToken = this.revealEmitter.event;
  /** "Run again" on the panel's "text changed" line. */
  readonly onDidRequestRerun = this.rerunEmitter.event;
  /** The query picked from the editor, sent again after the summary when the webview reloads. */
  private pickedQuery: { readonly resultId: number; readonly query: number } | undefined;
  /** The panel's Export Image… button was clicked. */
  readonly onDidRequestImage = this.imageEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    /** Runs restored text again, with the model of the qkvScope.model setting (never one the webview names). */
    private readonly rerun: (text: string) => void,
  ) {}

  /** Shows a new result, keeping the layer and head on screen when the new model has them. */
  show(result: AttentionResult, source: ResultSource): void {
    const summary = summarize(result, this.nextResultId++);
    this.current = { result, summary, source };
    if (!result.translation) this.kindNow = 'encoder';
    if (this.showing.layer >= result.model.layers || this.showing.head >= result.model.heads) this.showing = { layer: 0, head: 0 };
    this.setStatus({ state: 'idle' });
    // A visible panel stays as it is: revealing it again is a round trip to the window on every keystroke of live update.
    if (this.panel) {
      if (!this.panel.visible) this.panel.reveal(undefined, true);
    } else this.attach(vscode.window.createWebviewPanel(AttentionPanel.viewType, 'QKV Scope',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }));
    this.postSummary();
  }

  setStatus(status: PanelStatus): void {
    const same = status.state === this.status.state &&
      (status.state === 'idle' || (this.status.state !== 'idle' && status.message === this.status.message));
    this.status = status;
    // Every result sets idle again: while typing with live update that would be one more message per keystroke.
    if (this.ready && !same) this.post({ type: 'status', status });
  }

  /** Asks the webview to switch to a head, as if the person had used the controls. */
  showHead(ref: HeadRef): boolean {
    const model = this.current?.result.model;
    if (!model || ref.layer >= model.layers || ref.head >= model.heads) return false;
    this.showing = ref;
    if (this.ready) this.post({ type: 'show', ref });
    return true;
  }

  /** The editor cursor picked this query token: the panel makes it its query. */
  pickQuery(resultId: number, query: number): void {
    if (resultId !== this.current?.summary.resultId) return;
    this.pickedQuery = { resultId, query };
    if (this.ready) this.post({ type: 'pickQuery', resultId, query });
  }

  /** A translator's decoder or cross view: the editor cursor is on this token, which the panel frames. */
  focusToken(side: TextSide, token: number): void {
    const id = this.current?.result.translation && this.current.summary.resultId;
    if (id && this.ready) this.post({ type: 'focusToken', resultId: id, side, token });
  }

  /** The kind of attention on screen: encoder, or a translator's decoder or cross. */
  get kind(): AttentionKind { return this.kindNow; }

  /** Clicks a token chip or heatmap label in the webview, as a person would (tests); false when it cannot. */
  clickToken(token: number, place: TokenPlace): boolean {
    const current = this.current;
    const count = Math.max(current?.result.tokens.length ?? 0, current?.result.translation?.tokens.length ?? 0);
    if (!current || !this.ready || token >= count) return false;
    this.post({ type: 'clickToken', resultId: current.summary.resultId, token, place });
    return true;
  }

  /** Clicks "Run again" on the panel's "text changed" line, as a person would (tests); false when it cannot. */
  clickRerun(): boolean {
    if (!this.ready || this.status.state !== 'stale') return false;
    this.post({ type: 'clickRerun' });
    return true;
  }

  /** Brings the panel to the front (the status bar item); opens it again on the last result when it was closed. */
  reveal(): boolean {
    if (this.panel) this.panel.reveal(undefined, false);
    else if (this.current) this.attach(vscode.window.createWebviewPanel(AttentionPanel.viewType, 'QKV Scope',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }));
    return this.panel !== undefined;
  }

  /** Switches a translator's panel to this kind of attention, as the kind switch would; false when it cannot. */
  showKind(kind: AttentionKind): boolean {
    if (!this.ready || !this.current?.result.translation) return false;
    this.post({ type: 'showKind', kind });
    return true;
  }

  /** Clicks a heatmap cell in the webview, as a person would (it opens the step-by-step card); false when it cannot. */
  clickCell(ref: HeadRef, row: number, col: number): boolean {
    const current = this.current;
    const n = current?.result.tokens.length ?? 0;
    if (!current || !this.ready || row >= n || col >= n || ref.layer >= current.result.model.layers ||
      ref.head >= current.result.model.heads) return false;
    this.post({ type: 'clickCell', ref, row, col });
    return true;
  }

  /** The result on screen and the head the person is looking at. */
  get shown(): { readonly result: AttentionResult; readonly ref: HeadRef; readonly resultId: number } | undefined {
    return this.current && { result: this.current.result, ref: this.showing, resultId: this.current.summary.resultId };
  }

  /** What the panel's status line says (tests). */
  get currentStatus(): PanelStatus {
    return this.status;
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** Asks the webview to draw its current view as a picture; undefined when there is no result on screen. */
  renderImage(format: ImageFormat): Promise<RenderedImage> | undefined {
    if (!this.ready || !this.current) return undefined;
    return this.images.request((requestId) => this.post({ type: 'renderImage', requestId, format }));
  }

  /** VS Code restored a panel after a reload: adopt it, and run its text again if it remembers one. */
  restore(panel: vscode.WebviewPanel, saved: unknown): void {
    this.panel?.dispose();
    const state = parseWebviewState(saved);
    if (saved !== undefined && !state) this.log.warn(`Ignored a restored panel state that does not fit: ${typeof saved}`);
    if (state) this.showing = state.ref;
    this.attach(panel);
    // The text is run again with the qkvScope.model setting: saved state never chooses the model.
    if (state?.text !== undefined && state.text.trim() !== '') this.rerun(state.text);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const emitter of [this.paintEmitter, this.exportEmitter, this.stepEmitter, this.imageEmitter, this.headEmitter, this.queryEmitter,
      this.revealEmitter, this.rerunEmitter, this.kindEmitter, this.focusEmitter]) emitter.dispose();
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    this.announced = undefined;
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')] };
    panel.webview.html = panelHtml(panel.webview, this.extensionUri);
    this.panelDisposables = [
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      panel.onDidDispose(() => this.detach()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${SECTION}.colorScale`)) this.postSettings();
      }),
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
        this.postSettings();
        if (this.status.state !== 'idle') this.post({ type: 'status', status: this.status });
        this.postSummary();
        break;
      case 'requestHead':
      case 'requestLayerHeads':
      case 'requestLayers':
      case 'requestPositions':
      case 'requestTranslationHeads':
        if (this.current) for (const reply of tensorReplies(this.current.result, this.current.summary.resultId, message)) this.post(reply);
        break;
      case 'stepShown':
        this.stepEmitter.fire(message);
        break;
      case 'kindShown':
        if (message.resultId === this.current?.summary.resultId) this.kindNow = message.kind;
        this.kindEmitter.fire(message);
        break;
      case 'showing':
        this.showing = message.ref;
        // The webview says so after every new result too; only a change of head is news.
        if (this.announced?.layer === message.ref.layer && this.announced.head === message.ref.head) break;
        this.announced = message.ref;
        this.headEmitter.fire(message.ref);
        break;
      case 'picked':
        this.queryEmitter.fire({ resultId: message.resultId, query: message.query ?? undefined });
        break;
      case 'revealToken':
        this.revealEmitter.fire({ resultId: message.resultId, token: message.token });
        break;
      case 'rerun':
        this.rerunEmitter.fire();
        break;
      case 'focusToken':
        this.focusEmitter.fire(message);
        break;
      case 'export':
        this.exportEmitter.fire();
        break;
      case 'painted':
        this.paintEmitter.fire({ resultId: message.resultId, ref: message.ref, tokens: message.tokens, inputMs: message.inputMs,
          frameAt: message.frameAt });
        break;
      case 'exportImage':
        this.imageEmitter.fire();
        break;
      case 'image':
        this.images.settle(message.requestId, { format: message.format, data: new Uint8Array(message.data), title: message.title });
        break;
      case 'imageFailed':
        this.images.settle(message.requestId, new Error(message.reason));
        break;
    }
  }

  private postSettings(): void {
    if (this.ready) this.post({ type: 'settings', colourScale: readSettings().colorScale });
  }

  private postSummary(): void {
    if (!this.ready || !this.current) return;
    const { resultId } = this.current.summary;
    const heads = { layer: this.showing.layer, buffer: layerHeadsBuffer(this.current.result, this.showing.layer) };
    this.post({ type: 'summary', summary: this.current.summary, show: this.showing, heads });
    if (this.pickedQuery?.resultId === resultId) this.post({ type: 'pickQuery', resultId, query: this.pickedQuery.query });
  }

  private post(message: ToWebview): void {
    this.log.debug('host → webview', describe(message));
    void this.panel?.webview.postMessage(message);
  }
}
