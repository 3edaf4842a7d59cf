// Runs in the webview: what Export Image draws for the tab on screen — the what-if triplet on What if, every
// layer × head on All heads, and the current head's heatmap everywhere else — with the same colours, scale and
// labels as the screen.
import { whatIfAttention, largestMagnitude } from '../../shared/whatIf';
import { quoted } from '../format';
import { describeRef, sameRef } from '../headRef';
import type { PanelState } from '../state';
import type { Figure, FigureMatrix } from './figure';
import * as l10n from '../l10n';

/** Token labels are cut to this many characters in a picture. */
const LABEL_CHARS = 16;

/** The picture of the current view, or undefined while its data has not arrived. */
export function currentFigure(state: PanelState): Figure | undefined {
  const { summary, shown, palette } = state;
  if (!summary) return undefined;
  const { model, tokens } = summary;
  const n = tokens.length;
  const labels = tokens.map((t) => (t.display.length > LABEL_CHARS ? `${t.display.slice(0, LABEL_CHARS - 1)}…` : t.display));
  const name = model.id.split(/[\\/]/).filter(Boolean).pop() ?? model.id;
  const shortText = summary.text.length > 80 ? `${summary.text.slice(0, 79)}…` : summary.text;
  const axes = l10n.t('{0} · rows: queries · columns: keys', quoted(shortText));

  if (state.tab === 'heads') {
    const layers = [...state.layers.entries()].sort(([a], [b]) => a - b);
    if (layers.length === 0) return undefined;
    const matrices: FigureMatrix[] = layers.flatMap(([layer, probs]) => Array.from({ length: model.heads }, (_, head) => ({
      title: `L${layer + 1} H${head + 1}`, rows: n, cols: n, values: probs, offset: head * n * n, causal: model.causal,
      ramp: { kind: 'sequential', max: 1 } as const,
    })));
    return {
      title: l10n.t('{0} · all {1} layers × {2} heads', name, model.layers, model.heads), subtitle: axes, matrices, columns: model.heads,
      cell: Math.max(1, Math.floor(64 / n)), legend: l10n.t('Linear scale, fixed 0 to 1'), palette,
    };
  }

  const head = shown && shown.resultId === summary.resultId && sameRef(shown.ref, state.ref) ? shown : undefined;
  if (!head) return undefined;
  const title = `${name} · ${describeRef(head.ref, model)}`;
  const square = { rows: n, cols: n, offset: 0, rowLabels: labels, colLabels: labels };

  if (state.tab === 'whatif') {
    const ours = whatIfAttention({ q: head.q, k: head.k, n, d: model.headDim, causal: model.causal }, state.whatIf);
    const diff = ours.map((x, i) => x - head.probs[i]);
    const max = Math.max(largestMagnitude(head.probs), largestMagnitude(ours));
    const spread = Math.max(largestMagnitude(diff), 1e-6);
    return {
      title: l10n.t('{0} · what if', title), subtitle: axes, columns: 3, cell: Math.max(2, Math.min(20, Math.round(320 / n))), palette,
      legend: l10n.t('Linear scale, 0 to {0}; difference ±{1} (blue gained, red lost)', max.toFixed(4), spread.toPrecision(3)),
      matrices: [
        { ...square, title: l10n.t('The model’s attention'), values: head.probs, causal: model.causal, ramp: { kind: 'sequential', max } },
        { ...square, title: l10n.t('What if'), values: ours, causal: false, ramp: { kind: 'sequential', max } },
        { ...square, title: l10n.t('Difference'), values: diff, causal: false, ramp: { kind: 'diverging', max: spread } },
      ],
    };
  }

  const scaleMax = state.scale === 'unit' ? 1 : head.max;
  return {
    title, subtitle: axes, columns: 1, cell: Math.max(2, Math.min(28, Math.round(640 / n))), palette,
    legend: state.scale === 'unit'
      ? l10n.t('Linear scale, fixed 0 to 1')
      : l10n.t("Linear scale, 0 to {0} (this head's largest value)", scaleMax.toFixed(4)),
    matrices: [
      { ...square, title: l10n.t('Attention'), values: head.probs, causal: model.causal, ramp: { kind: 'sequential', max: scaleMax } },
    ],
  };
}
