// Runs in the webview: builds the whole panel inside #app and routes each state change to the part it concerns.
// Before any result it shows a short empty state.
import { AttentionView, type AttentionViewEvents } from './attentionView';
import { Controls, type ControlActions } from './controls';
import { el } from './dom';
import { ModelLine } from './modelLine';
import type { PanelState } from './state';
import { StatusLine } from './statusLine';
import { TokenStrip } from './tokenStrip';

export type PanelEvents = ControlActions & Omit<AttentionViewEvents, 'hover'> & { exportJson(): void };

export class PanelView {
  private readonly modelLine: ModelLine;
  private readonly status = new StatusLine();
  private readonly controls: Controls;
  private readonly tokens = new TokenStrip();
  private readonly attention: AttentionView;
  private readonly empty: HTMLElement;
  private readonly result: HTMLElement;

  constructor(root: HTMLElement, events: PanelEvents) {
    this.modelLine = new ModelLine(() => events.exportJson());
    this.controls = new Controls(events);
    this.attention = new AttentionView({
      ...events,
      hover: (cell) => this.tokens.highlight(cell?.row, cell?.col),
    });
    this.empty = el('section', { className: 'qkv-empty' }, [
      el('h1', { className: 'qkv-empty__title', text: 'QKV Scope' }),
      el('p', { text: 'Select text in an editor and run QKV Scope: Show Attention.' }),
      el('p', { className: 'qkv-note', text: "You will see the tokens the model read and the real attention of each layer and head." }),
    ]);
    this.result = el('div', { className: 'qkv-result' }, [this.controls.element, this.tokens.element, this.attention.element]);
    this.result.hidden = true;
    this.modelLine.element.hidden = true;
    root.replaceChildren(this.modelLine.element, this.status.element, this.empty, this.result);
  }

  render(state: PanelState, previous: PanelState): void {
    const { summary } = state;
    if (state.status !== previous.status) this.status.render(state.status);
    this.empty.hidden = summary !== undefined;
    this.result.hidden = summary === undefined;
    this.modelLine.element.hidden = summary === undefined;
    if (summary && summary !== previous.summary) {
      this.modelLine.render(summary.model, summary.tokens.length);
      this.tokens.render(summary.tokens);
    }
    this.controls.render(summary?.model, state.ref);
    this.attention.render(state, previous);
  }
}
