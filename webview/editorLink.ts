// Runs in the webview: the panel's side of the link with the editor text. It tells the host which query token is
// picked (the editor paint follows it) and which token was clicked (the editor selects it), and it takes the
// query the editor cursor picked. Clicks the host asks for (tests) go through the real chips and canvas.
import type { TokenPlace } from '../shared/editorProtocol';
import type { ToWebview } from '../shared/protocol';
import type { HostConnection } from './messaging';
import type { Store } from './state';

export type LabelAxis = 'row' | 'column';

export class EditorLinkHooks {
  constructor(
    private readonly host: HostConnection,
    private readonly store: Store,
  ) {
    store.subscribe((state, previous) => {
      const summary = state.summary;
      // A new result resets the picks on both sides by itself; only a change within one result is news.
      if (!summary || summary.resultId !== previous.summary?.resultId || state.query === previous.query) return;
      host.post({ type: 'picked', resultId: summary.resultId, query: state.query ?? null });
    });
  }

  /** A token was clicked in the panel: the editor selects its range. */
  reveal(token: number | undefined): void {
    const summary = this.store.state.summary;
    if (summary && token !== undefined) this.host.post({ type: 'revealToken', resultId: summary.resultId, token });
  }

  /** A heatmap label was clicked: a row picks the query, a column the key. */
  pickLabel(axis: LabelAxis, index: number): void {
    this.store.update(axis === 'row' ? { query: index } : { key: index });
    this.reveal(index);
  }

  receive(message: ToWebview): void {
    if (message.type === 'clickRerun') {
      document.querySelector<HTMLButtonElement>('.qkv-status__rerun:not([hidden])')?.click();
      return;
    }
    const summary = this.store.state.summary;
    if (message.type !== 'pickQuery' && message.type !== 'clickToken') return;
    if (!summary || message.resultId !== summary.resultId) return;
    if (message.type === 'pickQuery') {
      if (message.query < summary.tokens.length && message.query !== this.store.state.query) this.store.update({ query: message.query });
    } else if (!click(message.token, message.place, this.store.state.kind !== 'encoder')) {
      console.warn(`QKV Scope: could not click token ${message.token} (${message.place})`);
    }
  }
}

/**
 * Clicks a token chip, or a heatmap row or column label, the way a pointer does; `decoder`: the label of a
 * translator's decoder or cross heatmap (rows: the translation; columns: the source, or the translation).
 */
function click(token: number, place: TokenPlace, decoder: boolean): boolean {
  if (place === 'chip') {
    const chip = document.querySelectorAll<HTMLButtonElement>('.qkv-token__pick')[token];
    chip?.click();
    return chip !== undefined;
  }
  const canvas = document.querySelector<HTMLCanvasElement>(decoder ? '.qkv-translation__canvas' : 'canvas[data-n]');
  const { originX, originY, cell } = canvas?.dataset ?? {};
  if (!canvas || originX === undefined || originY === undefined || cell === undefined) return false;
  const centre = (origin: string) => Number(origin) + (token + 0.5) * Number(cell);
  const [x, y] = place === 'row' ? [Number(originX) - 4, centre(originY)] : [centre(originX), Number(originY) - 4];
  const rect = canvas.getBoundingClientRect();
  canvas.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: rect.left + x, clientY: rect.top + y }));
  return true;
}
