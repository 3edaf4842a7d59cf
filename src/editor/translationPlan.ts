// Runs in the extension host (no VS Code API): what the editor paint shows for a translator. The cursor on a
// translated token paints the source tokens it reads (its row of the cross-attention), or, in the decoder view,
// the translated tokens before it (its row of the decoder's self-attention); the cursor on a source token paints
// the translated tokens that read it (its column of the cross-attention).
import type { AttentionResult, Token, Translation } from '../../shared/attentionResult';
import type { TextSide } from '../../shared/editorProtocol';
import type { DecoderKind, HeadRef } from '../../shared/protocol';
import { ENGLISH, type Translator } from '../../shared/l10nStrings';
import { planWeights, refLabel, tokenLabel, type PaintPlan } from './paintPlan';

/** The token the cursor (or a panel pick) is on, and in which text. */
export interface TranslationFocus {
  readonly side: TextSide;
  readonly token: number;
}

export interface TranslationPaintPlan {
  /** The text whose tokens get the paint; the focused token is outlined in its own text. */
  readonly painted: TextSide;
  readonly plan: PaintPlan;
}

/** Undefined when the head or the token does not exist in this result. */
export function planTranslationPaint(
  result: AttentionResult, kind: DecoderKind, ref: HeadRef, focus: TranslationFocus, l10n: Translator = ENGLISH,
): TranslationPaintPlan | undefined {
  const t = result.translation;
  if (!t || ref.layer >= t.layers || ref.head >= t.heads) return undefined;
  const [s, n] = [result.tokens.length, t.tokens.length];
  if (focus.token >= (focus.side === 'source' ? s : n)) return undefined;
  const source = (index: number) => tokenLabel(result.text, result.tokens[index]);
  const target = (index: number) => tokenLabel(t.text, t.tokens[index]);
  const cross = t.cross[ref.layer].probs.subarray(ref.head * n * s, (ref.head + 1) * n * s);
  // A source token is read only through the cross-attention, whichever view the panel is on.
  const crossWeights = kind === 'cross' || focus.side === 'source';
  const head = `${refLabel(ref, l10n)} · ${crossWeights ? l10n.t('cross-attention') : l10n.t('decoder')}`;
  const line = (reader: string, read: string, weight: number) => `${head} · ${reader} → ${read} ${weight.toFixed(3)}`;

  if (focus.side === 'source') {
    // A column: how much each translated token reads this source token. Columns do not sum to 1.
    const j = focus.token;
    return {
      painted: 'target',
      plan: planWeights({
        ref, query: j, weights: Float32Array.from({ length: n }, (_, i) => cross[i * s + j]),
        visible: () => true,
        line: (key, weight) => line(target(key), source(j), weight),
        rank: (text, rank, of) => l10n.t('{0} · rank {1} of {2} among the translated tokens reading {3}', text, rank, of, source(j)),
        masked: () => '',
      }),
    };
  }
  const i = focus.token;
  if (kind === 'cross') {
    return { painted: 'source', plan: rowPlan(ref, i, cross.subarray(i * s, (i + 1) * s), () => true, target, source, line, l10n) };
  }
  return { painted: 'target', plan: rowPlan(ref, i, decoderRow(t, ref, i), (key) => key <= i, target, target, line, l10n) };
}

/** The row of translated token `i` in the decoder's self-attention (causal: keys after it are masked). */
function decoderRow(t: Translation, ref: HeadRef, i: number): Float32Array {
  const n = t.tokens.length;
  return t.decoder[ref.layer].probs.subarray(ref.head * n * n + i * n, ref.head * n * n + (i + 1) * n);
}

function rowPlan(
  ref: HeadRef, i: number, row: Float32Array, visible: (key: number) => boolean, reader: (index: number) => string,
  read: (index: number) => string, line: (reader: string, read: string, weight: number) => string, l10n: Translator,
): PaintPlan {
  return planWeights({
    ref, query: i, weights: row, visible,
    line: (key, weight) => line(reader(i), read(key), weight),
    rank: (text, rank, of) => l10n.t('{0} · rank {1} of {2} in the row of {3}', text, rank, of, reader(i)),
    masked: (key) =>
      // eslint-disable-next-line max-len -- one literal: scripts/l10n-export.mjs collects l10n.t messages whole
      l10n.t('{0} · {1} → {2}: nothing. A causal model reads only the tokens up to the query; {2} comes after {1}, so the mask sets its weight to 0.',
        refLabel(ref, l10n), reader(i), read(key)),
  });
}

/** The tokens of one side of a translator's result, and the text their offsets point into. */
export function sideTokens(result: AttentionResult, side: TextSide): { readonly text: string; readonly tokens: readonly Token[] } {
  const t = result.translation;
  return side === 'target' && t ? { text: t.text, tokens: t.tokens } : { text: result.text, tokens: result.tokens };
}
