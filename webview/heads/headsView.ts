// Runs in the webview: the "All heads" tab — the grid of every layer × head with layer aggregates, the sortable
// per-head statistics, and the head view (lines from queries to keys). It asks for nothing itself: the controller
// requests every layer when the tab opens, and this view draws what has arrived.
import type { HeadRef } from '../../shared/protocol';
import { ArcsView } from './arcsView';
import { el } from '../dom';
import { sameRef } from '../headRef';
import { HeadsGrid, STAT_LABELS, type StatKey } from './headsGrid';
import { HeadStatsTable } from './headStatsTable';
import { markStages } from '../chrome/stages';
import type { PanelState } from '../state';
import * as l10n from '../l10n';

export interface HeadsViewEvents {
  select(ref: HeadRef): void;
  pickQuery(index: number): void;
  overlay(heads: readonly number[]): void;
}

export class HeadsView {
  readonly element: HTMLElement;
  readonly grid: HeadsGrid;
  private readonly table: HeadStatsTable;
  private readonly arcs: ArcsView;
  private readonly statSelect: HTMLSelectElement;
  private readonly caption: HTMLElement;
  private state: PanelState | undefined;
  private drawnWidth = 0;

  constructor(events: HeadsViewEvents) {
    this.grid = new HeadsGrid(events.select);
    this.table = new HeadStatsTable(events.select);
    this.arcs = new ArcsView(events);
    this.statSelect = el('select', { className: 'qkv-select', attrs: { id: 'qkv-grid-stat' } },
      (Object.entries(STAT_LABELS) as [StatKey, string][]).map(([value, text]) => el('option', { text, attrs: { value } })));
    this.statSelect.addEventListener('change', () => this.redraw());
    this.caption = el('p', { className: 'qkv-note', attrs: { 'aria-live': 'polite' } });
    this.element = el('section', { className: 'qkv-heads', attrs: { 'aria-labelledby': 'qkv-heads-title' } }, [
      el('div', { className: 'qkv-section-head' }, [
        el('h2', { className: 'qkv-section-title', text: l10n.t('All heads'), attrs: { id: 'qkv-heads-title' } }),
        el('label', { className: 'qkv-note', text: l10n.t('number under each head: '), attrs: { for: 'qkv-grid-stat' } }),
        this.statSelect,
      ]),
      this.caption,
      markStages(this.grid.element, 'softmax'),
      this.table.element,
      this.arcs.element,
    ]);
    new ResizeObserver(() => {
      if (this.state?.tab === 'heads' && this.element.clientWidth !== this.drawnWidth) this.redraw();
    }).observe(this.element);
  }

  render(state: PanelState, previous: PanelState): void {
    this.state = state;
    const { summary } = state;
    if (!summary || state.tab !== 'heads') return;
    const opened = previous.tab !== 'heads';
    if (opened || summary !== previous.summary || state.query !== previous.query || state.palette !== previous.palette) {
      this.redraw();
      return;
    }
    if (state.layers !== previous.layers) {
      // Layers arrive one message each: paint just the new ones.
      this.redraw(new Set([...state.layers.keys()].filter((layer) => state.layers.get(layer) !== previous.layers.get(layer))));
      return;
    }
    if (!sameRef(state.ref, previous.ref)) {
      this.grid.mark(state.ref);
      this.table.render(summary, state.ref);
    }
    if (!sameRef(state.ref, previous.ref) || state.overlay !== previous.overlay || state.shown !== previous.shown) this.drawArcs(state);
  }

  private redraw(only?: ReadonlySet<number>): void {
    const state = this.state;
    const summary = state?.summary;
    if (!state || !summary) return;
    this.drawnWidth = this.element.clientWidth;
    const width = this.drawnWidth || document.documentElement.clientWidth;
    const { layers, model } = { layers: state.layers, model: summary.model };
    const query = state.query;
    this.caption.textContent = layers.size < model.layers
      ? l10n.t('Loading {0} of {1} layers…', model.layers - layers.size, model.layers)
      : l10n.t('{0} layers × {1} heads, each on its own 0 → max scale; the last two columns are the layer’s mean and max over heads.',
        model.layers, model.heads) +
        (query === undefined
          ? l10n.t(' Click a token to see its row in every head.')
          : l10n.t(' Row of {0} (token {1}) highlighted in every head.', summary.tokens[query].display, query + 1));
    this.grid.draw({ summary, layers, ref: state.ref, query, palette: state.palette, stat: this.statSelect.value as StatKey, width }, only);
    this.table.render(summary, state.ref);
    this.drawArcs(state);
  }

  private drawArcs(state: PanelState): void {
    const summary = state.summary!;
    const n = summary.tokens.length;
    const layer = state.layers.get(state.ref.layer);
    const slice = (head: number) => layer?.subarray(head * n * n, (head + 1) * n * n);
    const current = slice(state.ref.head) ?? (state.shown && sameRef(state.shown.ref, state.ref) ? state.shown.probs : undefined);
    const heads = [
      ...(current ? [{ head: state.ref.head, probs: current }] : []),
      ...state.overlay.filter((h) => h !== state.ref.head && h < summary.model.heads).flatMap((head) => {
        const probs = slice(head);
        return probs ? [{ head, probs }] : [];
      }),
    ];
    this.arcs.renderPicker(summary.model.heads, state.ref, state.overlay, state.palette);
    const width = this.element.clientWidth || document.documentElement.clientWidth;
    this.arcs.draw({ tokens: summary.tokens, heads, query: state.query, palette: state.palette, width });
  }
}
