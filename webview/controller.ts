// Runs in the webview: what the panel does with each message from the host, and how it asks for head tensors.
// Switching heads never re-runs the model: it is a requestHead, answered from the host's copy of the result,
// and a head already received is shown from the cache without asking again.
import type { HeadRef, ResultSummary, ToWebview } from '../shared/protocol';
import { HeadCache, toHeadData } from './headCache';
import { clampRef, refKey, sameRef, stepRef, type Axis } from './headRef';
import type { HostConnection } from './messaging';
import type { ScaleMode, Store } from './state';

const CACHED_HEADS = 32;

export class PanelController {
  private nextRequestId = 1;
  private readonly cache = new HeadCache(CACHED_HEADS);
  /** Heads asked for and not yet answered: refKey → requestId. */
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly host: HostConnection,
    private readonly store: Store,
  ) {}

  receive(message: ToWebview): void {
    switch (message.type) {
      case 'summary':
        this.useSummary(message.summary, message.show);
        break;
      case 'head':
        this.useHead(message);
        break;
      case 'status':
        this.store.update({ status: message.status });
        break;
      case 'show':
        this.select(message.ref);
        break;
    }
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

  /** Shows a head: at once from the cache, or after the host answers the request. */
  select(wanted: HeadRef): void {
    const { summary, ref: current } = this.store.state;
    if (!summary) {
      this.store.update({ ref: wanted }); // kept until a summary arrives
      return;
    }
    const ref = clampRef(wanted, summary.model);
    const cached = this.cache.get(ref);
    const changed = !sameRef(ref, current);
    this.store.update(cached ? { ref, shown: cached } : { ref });
    if (!cached) this.request(summary, ref);
    if (changed) this.announce(summary, ref);
  }

  private useSummary(summary: ResultSummary, show: HeadRef): void {
    const previous = this.store.state.summary;
    if (previous?.resultId !== summary.resultId) {
      this.cache.clear();
      this.pending.clear();
    }
    const ref = clampRef(show, summary.model);
    const cached = this.cache.get(ref);
    this.store.update({ summary, ref, shown: cached });
    if (!cached) this.request(summary, ref);
    this.announce(summary, ref);
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

  /** Tells the host which head is on screen (export follows it) and saves the view for a reload. */
  private announce(summary: ResultSummary, ref: HeadRef): void {
    this.host.post({ type: 'showing', ref });
    this.host.saveState({ ref, text: summary.text, model: summary.model.id });
  }
}
