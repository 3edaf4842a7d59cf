// Runs in the webview: the panel's state in one place. Views subscribe and redraw what changed.
import type { HeadRef, PanelStatus, ResultSummary } from '../shared/protocol';
import type { HeadData } from './headCache';
import type { Palette } from './theme';

/** "head": linear 0 → the largest value of the head on screen; "unit": linear 0 → 1, comparable across heads. */
export type ScaleMode = 'head' | 'unit';

export interface PanelState {
  readonly summary: ResultSummary | undefined;
  /** The head the person asked for. */
  readonly ref: HeadRef;
  /** The head whose tensors are on screen; it lags `ref` while a request is in flight. */
  readonly shown: HeadData | undefined;
  readonly status: PanelStatus;
  readonly scale: ScaleMode;
  readonly palette: Palette;
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
