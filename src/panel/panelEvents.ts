// Runs in the extension host: what a translator's panel events carry (attentionPanel.ts), and what a result came from.
import type { FromWebview } from '../../shared/protocol';

/** What produced a result: enough to run it again after a reload. */
export interface ResultSource {
  readonly text: string;
  readonly model: string;
}

/** A translator's panel shows a kind of attention for a head (rows × cols weights). */
export type KindShown = Omit<Extract<FromWebview, { type: 'kindShown' }>, 'type'>;
/** A translator's panel picked a source or translated token in the decoder or cross view. */
export type FocusedToken = Omit<Extract<FromWebview, { type: 'focusToken' }>, 'type'>;
