// Runs in the webview: the view kept with setState — tab, layer and head, query and key, what-if formula, scale —
// so that after a reload, or when the panel is hidden and shown again, it comes back as the person left it.
// shared/protocol.ts checks what comes back (parseWebviewState); the picks wait for the summary of the same text.
import type { WebviewState } from '../shared/webviewState';
import type { HostConnection } from './messaging';
import type { PanelState, Store } from './state';

/** What the saved view sets before any result arrives (the picks are applied with the summary: see picksFor). */
export function restoredState(saved: WebviewState | undefined): Partial<PanelState> {
  if (!saved) return {};
  return {
    ref: saved.ref,
    ...(saved.tab ? { tab: saved.tab } : {}),
    ...(saved.whatIf ? { whatIf: saved.whatIf } : {}),
    ...(saved.scale ? { scale: saved.scale } : {}),
  };
}

/** The saved query and key, when the result is of the text they were picked in and they still exist. */
export function picksFor(saved: WebviewState | undefined, text: string, tokens: number): Pick<PanelState, 'query' | 'key'> | undefined {
  if (!saved || saved.text !== text) return undefined;
  const fits = (index: number | undefined) => (index !== undefined && index < tokens ? index : undefined);
  return { query: fits(saved.query), key: fits(saved.key) };
}

/** Saves the view whenever a part of it changes. */
export function saveOnChange(store: Store, host: HostConnection): void {
  store.subscribe((state, previous) => {
    const { summary } = state;
    if (!summary) return;
    const changed = state.summary !== previous.summary || state.ref !== previous.ref || state.tab !== previous.tab ||
      state.query !== previous.query || state.key !== previous.key || state.whatIf !== previous.whatIf || state.scale !== previous.scale;
    if (!changed) return;
    host.saveState({
      ref: state.ref, text: summary.text, model: summary.model.id, tab: state.tab,
      ...(state.query !== undefined ? { query: state.query } : {}),
      ...(state.key !== undefined ? { key: state.key } : {}),
      whatIf: state.whatIf, scale: state.scale,
    });
  });
}
