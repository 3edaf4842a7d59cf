// Runs in the webview: builds the whole panel inside #app and routes each state change to the part it concerns.
// Above the tabs, kept short so the picture starts within the first screenful: one row with the model, the
// layer/head controls and the export buttons; the shapes strip folded to one line; the tokens as one compact row
// (pick query and key there; the heatmap's own labels name every row and column too). Below: one tab per view —
// Heatmap, Step by step, What if, All heads, Positions. Before any result it shows a short empty state.
import type { AttentionKind, HeadRef, StepShown } from '../shared/protocol';
import { KindSwitch } from './chrome/kindSwitch';
import type { TranslationFocus } from './translation/translationView';
import { TranslationTabs } from './translation/translationTabs';
import type { WhatIfSettings } from '../shared/whatIf';
import { AttentionView, type AttentionViewEvents } from './heatmap/attentionView';
import { Controls, type ControlActions } from './chrome/controls';
import { el } from './dom';
import { HeadsView } from './heads/headsView';
import { ModelLine } from './chrome/modelLine';
import { PositionsView } from './positions/positionsView';
import { ShapesStrip } from './chrome/shapesStrip';
import type { StageId } from './chrome/stages';
import type { PanelState, ViewTab } from './state';
import { StatusLine } from './chrome/statusLine';
import { StepCard } from './step/stepCard';
import { TabBar } from './chrome/tabs';
import { TokenStrip } from './chrome/tokenStrip';
import { WhatIfView } from './whatIf/whatIfView';
import * as l10n from './l10n';

export type PanelEvents = ControlActions & Omit<AttentionViewEvents, 'hover'> & {
  exportJson(): void;
  exportImage(): void;
  setTab(tab: ViewTab): void;
  pickToken(index: number): void;
  /** Query and key from the step card's pickers. */
  pickPair(query: number | undefined, key: number | undefined): void;
  stepShown(step: StepShown): void;
  setWhatIf(settings: WhatIfSettings): void;
  select(ref: HeadRef): void;
  setOverlay(heads: readonly number[]): void;
  setStage(stage: StageId | undefined): void;
  /** "Run again" after the editor text changed. */
  rerun(): void;
  /** The encoder · decoder · cross switch of a translator. */
  setKind(kind: AttentionKind): void;
  /** A token picked in a translator's decoder or cross view (a label, or a cell's row and column). */
  focusToken(focus: TranslationFocus, also?: TranslationFocus): void;
};

export class PanelView {
  private readonly modelLine: ModelLine;
  private readonly status: StatusLine;
  private readonly controls: Controls;
  private readonly tokens: TokenStrip;
  private readonly shapes: ShapesStrip;
  private readonly tabs: TabBar;
  private readonly attention: AttentionView;
  private readonly step: StepCard;
  private readonly whatIf: WhatIfView;
  private readonly heads: HeadsView;
  private readonly positions = new PositionsView();
  private readonly kinds: KindSwitch;
  private readonly translation: TranslationTabs;
  /**
   * What the kind switch hides when it is on decoder or cross: the source's token row and the encoder's views that
   * TranslationTabs stands in for (Positions stays: it is the source's).
   */
  private readonly encoderParts: readonly HTMLElement[];
  private readonly empty: HTMLElement;
  private readonly result: HTMLElement;

  constructor(private readonly root: HTMLElement, events: PanelEvents) {
    this.status = new StatusLine(() => events.rerun());
    this.controls = new Controls(events);
    this.kinds = new KindSwitch((kind) => events.setKind(kind));
    this.translation = new TranslationTabs(events);
    this.controls.element.append(this.kinds.element);
    this.modelLine = new ModelLine(
      { exportJson: () => events.exportJson(), exportImage: () => events.exportImage() },
      this.controls.element,
    );
    this.tokens = new TokenStrip((index) => events.pickToken(index));
    this.shapes = new ShapesStrip((stage) => events.setStage(stage));
    this.attention = new AttentionView({ ...events, hover: (cell) => this.tokens.highlight(cell?.row, cell?.col) });
    this.step = new StepCard({ pick: (query, key) => events.pickPair(query, key), shown: (step) => events.stepShown(step) });
    this.whatIf = new WhatIfView((settings) => events.setWhatIf(settings));
    this.heads = new HeadsView({
      select: (ref) => events.select(ref),
      pickQuery: (index) => events.pickPair(index, undefined),
      overlay: (heads) => events.setOverlay(heads),
    });
    this.tabs = new TabBar({
      heatmap: this.attention.element,
      step: this.step.element,
      whatif: this.whatIf.element,
      heads: this.heads.element,
      positions: this.positions.element,
    }, (tab) => events.setTab(tab));
    this.empty = el('section', { className: 'qkv-empty' }, [
      el('h1', { className: 'qkv-empty__title', text: 'QKV Scope' }),
      el('p', { text: l10n.t('Select text in an editor and run QKV Scope: Show Attention.') }),
      el('p', { className: 'qkv-note', text: "You will see the tokens the model read and the real attention of each layer and head." }),
    ]);
    this.result = el('div', { className: 'qkv-result' }, [
      el('div', { className: 'qkv-subbar' }, [this.shapes.element, this.modelLine.actions]),
      this.tokens.element,
      this.tabs.element,
      this.attention.element,
      this.step.element,
      this.whatIf.element,
      this.heads.element,
      ...this.translation.elements,
      this.positions.element,
    ]);
    this.encoderParts = [this.tokens.element, this.attention.element, this.step.element, this.whatIf.element, this.heads.element];
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
      this.modelLine.render(summary.model, summary.translation);
      this.tokens.render(summary.tokens);
      this.shapes.render(summary.model, summary.tokens.length);
    }
    if (summary && (summary !== previous.summary || state.query !== previous.query || state.key !== previous.key)) {
      this.tokens.showPicks(state.query, state.key);
    }
    this.controls.render(summary?.model, state.ref);
    this.kinds.render(summary?.translation !== undefined, state.kind);
    const encoder = state.kind === 'encoder' || !summary?.translation;
    for (const part of this.encoderParts) part.classList.toggle('qkv-hidden-by-kind', !encoder);
    this.translation.render(state);
    this.tabs.render(state.tab);
    this.attention.render(state, previous);
    this.step.render(state, previous);
    this.whatIf.render(state, previous);
    this.heads.render(state, previous);
    this.positions.render(state, previous);
    if (state.stage !== previous.stage || state.stage !== undefined) this.light(state.stage);
  }

  /** Lights every part of the views that shows the hovered stage of the shapes strip. */
  private light(stage: StageId | undefined): void {
    this.shapes.show(stage);
    for (const element of this.root.querySelectorAll<HTMLElement>('[data-stages]')) {
      element.classList.toggle('is-stage-lit', stage !== undefined && (element.dataset.stages ?? '').split(' ').includes(stage));
    }
  }
}
