// Runs in the webview: the panel's state in one place. Views subscribe and redraw what changed.
import type { TextSide } from '../shared/editorProtocol';
import type { AttentionKind, ColourScale, HeadRef, PanelStatus, ResultSummary, ScaleMode, ViewTab } from '../shared/protocol';
import type { WhatIfSettings } from '../shared/whatIf';
import type { HeadData } from './headCache';
import type { StageId } from './chrome/stages';
import type { Palette } from './canvas/theme';

export type { ColourScale, ScaleMode, ViewTab };

/** The model's position vectors of the tokens, [n × dim]. */
export interface PositionsData {
  readonly resultId: number;
  readonly source: string;
  readonly dim: number;
  /** The table row of position 0. */
  readonly firstRow: number;
  readonly data: Float32Array;
}

/** A heatmap click asked for by the host (tests and scripts), done once that head is painted. */
export interface PendingClick {
  readonly ref: HeadRef;
  readonly row: number;
  readonly col: number;
}

export interface PanelState {
  readonly summary: ResultSummary | undefined;
  /** The head the person asked for. */
  readonly ref: HeadRef;
  /** The head whose tensors are on screen; it lags `ref` while a request is in flight. */
  readonly shown: HeadData | undefined;
  readonly status: PanelStatus;
  readonly scale: ScaleMode;
  /** The heatmap's colours (setting qkvScope.colorScale). */
  readonly colourScale: ColourScale;
  readonly palette: Palette;
  readonly tab: ViewTab;
  /** The token picked as query i (token strip, heatmap click, step card); undefined before any pick. */
  readonly query: number | undefined;
  /** The token picked as key j. */
  readonly key: number | undefined;
  /** The what-if lab's formula. */
  readonly whatIf: WhatIfSettings;
  /** Every head's attention of the layers received for the current result: layer → probs [heads × n × n]. */
  readonly layers: ReadonlyMap<number, Float32Array>;
  /** The model's position vectors: undefined until they arrive, null when the model has none that could be found. */
  readonly positions: PositionsData | null | undefined;
  /** The stage of the shapes strip under the pointer: the views light up their matching part. */
  readonly stage: StageId | undefined;
  /** Heads of the current layer drawn together in the head view, besides the current one. */
  readonly overlay: readonly number[];
  readonly click: PendingClick | undefined;
  /** A translator's attention on screen: the encoder's (every tab), the decoder's self-attention or the cross-attention. */
  readonly kind: AttentionKind;
  /** A translator's decoder layers received for the current result: "decoder:2" / "cross:2" → translationHeads values. */
  readonly decoderLayers: ReadonlyMap<string, Float32Array>;
  /**
   * A translator's decoder or cross view: the token framed in the heatmap, a row (target) or a column (source),
   * picked in the panel or by the editor cursor.
   */
  readonly focus: { readonly side: TextSide; readonly token: number } | undefined;
}

export type Listener = (state: PanelState, previous: PanelState) => void;

export class Store {
  private current: PanelState;
  private readonly listeners: Listener[] = [];

  constructor(initial: PanelState) {
    this.current = initial;
  }

  get state(): PanelState {
    return this.current;
  }

  update(patch: Partial<PanelState>): void {
    const previous = this.current;
    this.current = { ...previous, ...patch };
    for (const listener of this.listeners) listener(this.current, previous);
  }

  /** Calls the listener after every update, with the state before it. */
  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }
}
