// Runs in the webview: the kind switch of a translator and the decoder layers behind it. Choosing "decoder" or
// "cross" asks the host for the current layer of that kind (one buffer, every head), once per result; a layer
// switch asks for the next one, and All heads for every layer. What arrives is checked against the summary before it is held.
import type { AttentionKind, ToWebview } from '../../shared/protocol';
import type { TranslationFocus } from './translationView';
import type { HostConnection } from '../messaging';
import type { Store } from '../state';
import { checkTranslationHeads, kindShape, layerKey } from './translationHeads';

export class TranslationController {
  private readonly asked = new Set<string>();
  private resultId: number | undefined;
  private nextRequestId = 1_000_000;

  constructor(private readonly host: HostConnection, private readonly store: Store) {
    // A new result forgets what was asked; a new layer or kind may need a request.
    store.subscribe((state, previous) => {
      if (state.summary?.resultId !== this.resultId) {
        this.resultId = state.summary?.resultId;
        this.asked.clear();
        if (state.decoderLayers.size > 0 || state.focus) store.update({ decoderLayers: new Map(), focus: undefined });
        if (!state.summary?.translation && state.kind !== 'encoder') store.update({ kind: 'encoder' });
      }
      if (state.kind !== previous.kind || state.ref.layer !== previous.ref.layer || state.summary !== previous.summary ||
        state.tab !== previous.tab) this.fetch();
      if (state.kind !== previous.kind || state.ref !== previous.ref || state.decoderLayers !== previous.decoderLayers) this.report();
    });
  }

  setKind(kind: AttentionKind): void {
    if (kind === 'encoder' || this.store.state.summary?.translation) this.store.update({ kind });
  }

  /** A token picked in the decoder or cross view: framed here, selected in the editor, which paints by it. */
  focus(focus: TranslationFocus, also?: TranslationFocus): void {
    const summary = this.store.state.summary;
    if (!summary?.translation) return;
    this.store.update({ focus });
    this.host.post({ type: 'focusToken', resultId: summary.resultId, ...focus, ...(also ? { also } : {}) });
  }

  receive(message: ToWebview): void {
    if (message.type === 'focusToken') {
      const { summary } = this.store.state;
      const count = message.side === 'source' ? summary?.tokens.length : summary?.translation?.tokens.length;
      if (message.resultId === summary?.resultId && message.token < (count ?? 0)) {
        this.store.update({ focus: { side: message.side, token: message.token } });
      }
      return;
    }
    if (message.type === 'showKind') {
      this.setKind(message.kind);
      this.report(); // also when that kind was already on screen
    }
    if (message.type !== 'translationHeads') return;
    const { summary, decoderLayers } = this.store.state;
    if (!summary || message.resultId !== summary.resultId) return;
    const values = checkTranslationHeads(summary, message.kind, message.layer, message.buffer);
    if (typeof values === 'string') {
      console.warn(`QKV Scope: dropped ${message.kind} layer ${message.layer}: ${values}`);
      return;
    }
    this.store.update({ decoderLayers: new Map(decoderLayers).set(layerKey(message.kind, message.layer), values) });
  }

  /** Tells the host which kind is on screen, once its weights are here (tests wait for it). */
  private report(): void {
    const { summary, kind, ref, decoderLayers } = this.store.state;
    if (!summary?.translation) return;
    const n = summary.tokens.length;
    const shape = kind === 'encoder' ? { rows: n, cols: n }
      : decoderLayers.has(layerKey(kind, ref.layer)) ? kindShape(summary, kind)
      : undefined;
    if (shape) this.host.post({ type: 'kindShown', resultId: summary.resultId, kind, ref, rows: shape.rows, cols: shape.cols });
  }

  /** The current layer of the kind on screen; every layer of it for All heads. */
  private fetch(): void {
    const { summary, kind, ref, tab } = this.store.state;
    if (!summary?.translation || kind === 'encoder') return;
    const layers = tab === 'heads' ? [...Array(summary.translation.layers).keys()] : [ref.layer];
    for (const layer of layers.filter((l) => l < (summary.translation?.layers ?? 0))) {
      const key = layerKey(kind, layer);
      if (this.asked.has(key)) continue;
      this.asked.add(key);
      this.host.post({ type: 'requestTranslationHeads', requestId: this.nextRequestId++, resultId: summary.resultId, kind, layer });
    }
  }
}
