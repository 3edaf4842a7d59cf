// Runs in the webview: what the panel does with each message from the host, how it asks for tensors, and the
// actions of the learning views (tabs, token picks, the what-if formula). Switching heads never re-runs the
// model. When a result arrives the webview asks for the current layer and its neighbours (all layers when small)
// as one buffer each (layerHeads.ts), so switching heads is a repaint that never waits on the host; a head of a
// layer not held yet is a requestHead, answered from the host's copy of the result. The all-heads grid asks for
// every layer at once, the Positions view for the position vectors, each once per result and only when its tab opens.
import type { HeadRef, ResultSummary, StepShown, ToWebview } from '../shared/protocol';
import type { WebviewState } from '../shared/webviewState';
import { MODEL_SETTINGS, type WhatIfSettings } from '../shared/whatIf';
import { HeadCache, toHeadData, type HeadData } from './headCache';
import { headOfLayer, LayerStore, layerBytes, prefetchOrder, unpackLayerHeads, type LayerHeads, type LayerShape } from './layerHeads';
import { clampRef, refKey, sameRef, stepRef, type Axis } from './headRef';
import { readPalette } from './canvas/theme';
import { answerRenderImage } from './exportImage/imageRequest';
import { markInput } from './inputTiming';
import type { HostConnection } from './messaging';
import { picksFor } from './savedView';
import type { StageId } from './chrome/stages';
import type { PanelState, ScaleMode, Store, ViewTab } from './state';

/** What a new result resets: the picks, the what-if formula stays. */
const RESULT_RESET: Partial<PanelState> = {
  query: undefined, key: undefined, layers: new Map(), positions: undefined, overlay: [], click: undefined,
};

const CACHED_HEADS = 32;
/** Memory for whole layers held ahead of time: 512 tokens of a 12-head, d=64 model take 17 MB a layer. */
const LAYER_BUDGET_BYTES = 192 * 1024 * 1024;

export class PanelController {
  private nextRequestId = 1;
  private readonly cache = new HeadCache(CACHED_HEADS);
  private readonly layerHeads = new LayerStore(LAYER_BUDGET_BYTES);
  /** Layers asked for as layerHeads and not yet answered. */
  private readonly layerHeadsAsked = new Set<number>();
  /** Heads asked for and not yet answered: refKey → requestId. */
  private readonly pending = new Map<string, number>();
  /** Layers asked for (all heads at once) and positions asked for, for the current result. */
  private readonly layersAsked = new Set<number>();
  private positionsAsked = false;

  constructor(
    private readonly host: HostConnection,
    private readonly store: Store,
    /** The view saved before a reload: its picks come back with the first summary of the same text. */
    private saved: WebviewState | undefined,
  ) {}

  receive(message: ToWebview): void {
    switch (message.type) {
      case 'summary':
        this.useSummary(message.summary, message.show, message.heads);
        break;
      case 'head':
        this.useHead(message);
        break;
      case 'layerHeads':
        this.useLayerHeads(message);
        break;
      case 'settings':
        if (message.colourScale !== this.store.state.colourScale) {
          this.store.update({ colourScale: message.colourScale, palette: readPalette(message.colourScale) });
        }
        break;
      case 'renderImage':
        void answerRenderImage(this.store.state, message.requestId, message.format, (reply) => this.host.post(reply));
        break;
      case 'status':
        this.store.update({ status: message.status });
        break;
      case 'show':
        markInput();
        this.select(message.ref);
        break;
      case 'layer':
        this.useLayer(message);
        break;
      case 'positions':
        this.usePositions(message);
        break;
      case 'clickCell':
        this.store.update({ tab: 'heatmap', click: { ref: message.ref, row: message.row, col: message.col } });
        this.select(message.ref);
        break;
    }
  }

  setTab(tab: ViewTab): void {
    this.store.update({ tab });
    this.fetchFor(tab);
  }

  /**
   * A token chip was clicked: the first pick is the query i, the next the key j; a third starts over. Picking a
   * key from the heatmap tab opens the step-by-step card. In All heads a click always picks the query: its row
   * is what the grid shows.
   */
  pickToken(index: number): void {
    const { query, key, tab } = this.store.state;
    if (query === undefined || key !== undefined || tab === 'heads') this.store.update({ query: index, key: undefined });
    else this.store.update({ key: index, tab: tab === 'heatmap' ? 'step' : tab });
  }

  /** Query and key together (a heatmap cell, the card's pickers); `open` switches to the step-by-step card. */
  pickCell(query: number | undefined, key: number | undefined, open: boolean): void {
    this.store.update(open ? { query, key, tab: 'step' } : { query, key });
  }

  setWhatIf(whatIf: WhatIfSettings = MODEL_SETTINGS): void {
    this.store.update({ whatIf });
  }

  setStage(stage: StageId | undefined): void {
    if (stage !== this.store.state.stage) this.store.update({ stage });
  }

  setOverlay(overlay: readonly number[]): void {
    this.store.update({ overlay });
  }

  /** The pending host click was done; the card reports what it shows. */
  clicked(): void {
    this.store.update({ click: undefined });
  }

  reportStep(step: StepShown): void {
    this.host.post({ type: 'stepShown', ...step });
  }

  step(axis: Axis, delta: number): void {
    const model = this.store.state.summary?.model;
    if (model) this.select(stepRef(this.store.state.ref, model, axis, delta));
  }

  setScale(scale: ScaleMode): void {
    this.store.update({ scale });
  }

  exportJson(): void {
    if (this.store.state.summary) this.host.post({ type: 'export' });
  }

  /** The Export Image… button: the host asks where to save, then sends renderImage. */
  exportImage(): void {
    if (this.store.state.summary) this.host.post({ type: 'exportImage' });
  }

  /** Shows a head: at once from the cache, or after the host answers the request. */
  select(wanted: HeadRef): void {
    const { summary, ref: current } = this.store.state;
    if (!summary) {
      this.store.update({ ref: wanted }); // kept until a summary arrives
      return;
    }
    const ref = clampRef(wanted, summary.model);
    const cached = this.held(summary, ref);
    const changed = !sameRef(ref, current);
    this.store.update(cached ? { ref, shown: cached } : { ref });
    if (!cached) this.request(summary, ref);
    if (ref.layer !== current.layer) this.prefetch(summary, ref.layer);
    if (changed) this.announce(ref);
  }

  /** A head already here: received alone, or part of a held layer. */
  private held(summary: ResultSummary, ref: HeadRef): HeadData | undefined {
    const cached = this.cache.get(ref);
    if (cached) return cached;
    const layer = this.layerHeads.get(ref.layer);
    if (!layer || layer.resultId !== summary.resultId) return undefined;
    const head = headOfLayer(layer, ref, shapeOf(summary), summary.model.causal);
    this.cache.put(head);
    return head;
  }

  /** Asks for the layers worth holding around `layer` that are neither held nor on their way. */
  private prefetch(summary: ResultSummary, layer: number): void {
    const shape = shapeOf(summary);
    const wanted = prefetchOrder(layer, summary.model.layers, layerBytes(shape))
      .filter((l) => !this.layerHeads.has(l) && !this.layerHeadsAsked.has(l));
    if (wanted.length === 0) return;
    for (const l of wanted) this.layerHeadsAsked.add(l);
    this.host.post({ type: 'requestLayerHeads', requestId: this.nextRequestId++, resultId: summary.resultId, layers: wanted });
  }

  private useLayerHeads(message: ToWebview & { type: 'layerHeads' }): void {
    const summary = this.store.state.summary;
    if (!summary || message.resultId !== summary.resultId) return;
    this.layerHeadsAsked.delete(message.layer);
    const layer = this.holdLayer(summary, message.layer, message.buffer);
    if (!layer) return;
    const { ref, shown, layers } = this.store.state;
    const patch: { -readonly [K in keyof PanelState]?: PanelState[K] } = {};
    if (!layers.has(layer.layer)) patch.layers = new Map(layers).set(layer.layer, layer.probs);
    const shownHere = shown && shown.resultId === summary.resultId && sameRef(shown.ref, ref);
    if (ref.layer === layer.layer && !shownHere) patch.shown = this.held(summary, ref);
    if (Object.keys(patch).length > 0) this.store.update(patch);
  }

  /** Unpacks and holds the heads of one layer; undefined (and a warning) when they do not fit the summary. */
  private holdLayer(summary: ResultSummary, index: number, buffer: ArrayBuffer): LayerHeads | undefined {
    const layer = index < summary.model.layers ? unpackLayerHeads(summary.resultId, index, buffer, shapeOf(summary)) : 'no such layer';
    if (typeof layer === 'string') {
      console.warn(`QKV Scope: dropped the heads of layer ${index}: ${layer}`);
      return undefined;
    }
    this.layerHeads.put(layer);
    return layer;
  }

  private useSummary(summary: ResultSummary, show: HeadRef, heads?: { readonly layer: number; readonly buffer: ArrayBuffer }): void {
    const previous = this.store.state.summary;
    const fresh = previous?.resultId !== summary.resultId;
    if (fresh) {
      this.cache.clear();
      this.layerHeads.clear();
      this.layerHeadsAsked.clear();
      this.pending.clear();
      this.layersAsked.clear();
      this.positionsAsked = false;
    }
    // The shown layer's heads come with a new result: the first picture needs no request.
    const early = fresh && heads ? this.holdLayer(summary, heads.layer, heads.buffer) : undefined;
    const ref = clampRef(show, summary.model);
    const cached = this.held(summary, ref);
    const picks = picksFor(this.saved, summary.text, summary.tokens.length);
    this.saved = undefined;
    this.store.update({
      ...(fresh ? RESULT_RESET : {}),
      ...(early ? { layers: new Map([[early.layer, early.probs]]) } : {}),
      ...picks, summary, ref, shown: cached,
    });
    if (!cached) this.request(summary, ref);
    this.prefetch(summary, ref.layer);
    this.announce(ref);
    this.fetchFor(this.store.state.tab);
  }

  /** The all-heads grid needs every layer; the Positions view needs the position vectors. */
  private fetchFor(tab: ViewTab): void {
    const summary = this.store.state.summary;
    if (!summary) return;
    if (tab === 'heads') {
      const layers = [...Array(summary.model.layers).keys()].filter((layer) => !this.layersAsked.has(layer));
      if (layers.length === 0) return;
      for (const layer of layers) this.layersAsked.add(layer);
      this.host.post({ type: 'requestLayers', requestId: this.nextRequestId++, resultId: summary.resultId, layers });
    } else if (tab === 'positions' && !this.positionsAsked) {
      this.positionsAsked = true;
      this.host.post({ type: 'requestPositions', requestId: this.nextRequestId++, resultId: summary.resultId });
    }
  }

  private useLayer(message: ToWebview & { type: 'layer' }): void {
    const summary = this.store.state.summary;
    if (!summary || message.resultId !== summary.resultId) return;
    const { heads } = summary.model;
    const n = summary.tokens.length;
    const probs = new Float32Array(message.probs);
    if (probs.length !== heads * n * n || message.layer >= summary.model.layers) {
      console.warn(`QKV Scope: dropped layer ${message.layer}: ${probs.length} values, expected ${heads}×${n}×${n}`);
      return;
    }
    const layers = new Map(this.store.state.layers);
    layers.set(message.layer, probs);
    this.store.update({ layers });
  }

  private usePositions(message: ToWebview & { type: 'positions' }): void {
    const summary = this.store.state.summary;
    if (!summary || message.resultId !== summary.resultId) return;
    const p = message.positions;
    const data = p && new Float32Array(p.data);
    const fits = p && data && p.dim > 0 && data.length === summary.tokens.length * p.dim;
    const positions = fits ? { resultId: summary.resultId, source: p.source, dim: p.dim, firstRow: p.firstRow, data } : null;
    this.store.update({ positions });
  }

  private useHead(message: ToWebview & { type: 'head' }): void {
    const summary = this.store.state.summary;
    if (!summary || message.resultId !== summary.resultId) return; // a late reply for an older result
    const key = refKey(message.ref);
    if (this.pending.get(key) === message.requestId) this.pending.delete(key);
    const { tokens, model } = summary;
    const head = toHeadData(summary.resultId, message.ref, message.tensors, tokens.length, model.headDim, model.causal);
    if (typeof head === 'string') {
      console.warn(`QKV Scope: dropped layer ${message.ref.layer} head ${message.ref.head}: ${head}`);
      return;
    }
    this.cache.put(head);
    if (sameRef(head.ref, this.store.state.ref)) this.store.update({ shown: head });
  }

  private request(summary: ResultSummary, ref: HeadRef): void {
    if (this.pending.has(refKey(ref))) return;
    const requestId = this.nextRequestId++;
    this.pending.set(refKey(ref), requestId);
    this.host.post({ type: 'requestHead', requestId, resultId: summary.resultId, ref });
  }

  /** Tells the host which head is on screen (export follows it). */
  private announce(ref: HeadRef): void {
    this.host.post({ type: 'showing', ref });
  }
}

const shapeOf = (summary: ResultSummary): LayerShape =>
  ({ heads: summary.model.heads, n: summary.tokens.length, headDim: summary.model.headDim });
