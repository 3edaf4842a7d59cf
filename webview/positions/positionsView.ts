// Runs in the webview: the Positions tab — the sinusoidal encoding of "Attention is all you need" over the
// tokens' positions and d_model, next to what the loaded model really adds (its learned position embeddings, read
// from its weights by the host), and the cosine similarity between positions for each. When the model has no
// position table we could find, it says so and still shows the sinusoidal reference.
import { cosineSimilarity, percentileMagnitude, sinusoidalPositions } from '../../shared/positions';
import type { ResultSummary } from '../../shared/protocol';
import { largestMagnitude } from '../../shared/whatIf';
import { el } from '../dom';
import { num } from '../format';
import { MatrixView, redrawOnResize } from '../canvas/matrixView';
import { shortModelName } from '../chrome/modelLine';
import type { PanelState, PositionsData } from '../state';
import type { Palette } from '../canvas/theme';
import * as l10n from '../l10n';

export class PositionsView {
  readonly element: HTMLElement;
  private readonly sinusoidal = new MatrixView(l10n.t('Sinusoidal PE(pos, i)'), '', 'qkv-positions__sin');
  private readonly sinusoidalSim = new MatrixView(l10n.t('Sinusoidal: cosine similarity between positions'), '', 'qkv-positions__sin-sim');
  private readonly learned = new MatrixView(l10n.t('Learned position embeddings'), '', 'qkv-positions__learned');
  private readonly learnedSim = new MatrixView(l10n.t('Learned: cosine similarity between positions'), '', 'qkv-positions__learned-sim');
  private readonly note: HTMLElement;
  private readonly learnedColumn: HTMLElement;
  private last: Parameters<PositionsView['draw']> | undefined;

  constructor() {
    this.note = el('p', { className: 'qkv-positions__note', attrs: { role: 'status' } });
    this.learnedColumn = el('div', { className: 'qkv-positions__column' }, [this.learned.element, this.learnedSim.element]);
    this.element = el('section', { className: 'qkv-positions', attrs: { 'aria-labelledby': 'qkv-positions-title' } }, [
      el('div', { className: 'qkv-section-head' }, [
        el('h2', { className: 'qkv-section-title', text: l10n.t('Positions'), attrs: { id: 'qkv-positions-title' } }),
        el('span', {
          className: 'qkv-note',
          text: l10n.t('PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)) · blue positive, red negative'),
        }),
      ]),
      this.note,
      el('div', { className: 'qkv-positions__columns' }, [
        el('div', { className: 'qkv-positions__column' }, [this.sinusoidal.element, this.sinusoidalSim.element]),
        this.learnedColumn,
      ]),
    ]);
    redrawOnResize(this.element, () => this.last && this.draw(...this.last));
  }

  render(state: PanelState, previous: PanelState): void {
    const { summary } = state;
    if (!summary || state.tab !== 'positions') return;
    const same = state.tab === previous.tab && summary === previous.summary && state.positions === previous.positions;
    if (same && state.palette === previous.palette) return;
    this.draw(summary, state.positions, state.palette);
  }

  private draw(summary: ResultSummary, positions: PositionsData | null | undefined, palette: Palette): void {
    this.last = [summary, positions, palette];
    const { tokens, model } = summary;
    const n = tokens.length;
    const d = model.hiddenSize;
    const width = Math.max(220, Math.floor(((this.element.clientWidth || document.documentElement.clientWidth) - 32) / 2));
    const pe = sinusoidalPositions(n, d);
    const rowReadout = (what: string) => (pos: number, c: number, v: number) =>
      `${what}: position ${pos} (${tokens[pos].display}), dimension ${c}: ${num(v)}`;
    const simReadout = (what: string) => (a: number, b: number, v: number) =>
      `${what}: cos(position ${a} ${tokens[a].display}, position ${b} ${tokens[b].display}) = ${num(v)}`;
    this.sinusoidal.setCaption(l10n.t('{0} positions × d = {1} (this model’s d_model), values in [−1, 1]', n, d));
    this.sinusoidal.paint({ values: pe, rows: n, cols: d, ramp: { kind: 'diverging', max: 1 }, palette, tokens, maxWidth: width,
      description: l10n.t('Sinusoidal position encoding, {0} positions by {1} dimensions', n, d), readout: rowReadout('Sinusoidal') });
    const peSim = cosineSimilarity(pe, n, d);
    this.sinusoidalSim.setCaption(l10n.t('near positions are alike, far ones less: the pattern depends only on the distance'));
    this.sinusoidalSim.paint({ values: peSim, rows: n, cols: n, ramp: { kind: 'diverging', max: 1 }, palette, tokens, maxWidth: width,
      description: l10n.t('Cosine similarity of sinusoidal positions, {0} by {0}', n), readout: simReadout('Sinusoidal') });

    this.learnedColumn.hidden = !positions;
    if (positions === undefined) {
      this.note.textContent = l10n.t('Loading the model’s position embeddings…');
      return;
    }
    if (positions === null) {
      // eslint-disable-next-line max-len -- one literal: scripts/l10n-export.mjs collects l10n.t messages whole
      this.note.textContent = l10n.t('{0} has no learned position-embedding table that QKV Scope could find in its weights (it may use rotary or relative positions, or none). The sinusoidal reference is shown alone.', shortModelName(model.id));
      return;
    }
    const { data, dim, source, firstRow } = positions;
    const rows = l10n.t('rows {0}…{1} of {2} [{3} wide]', firstRow, firstRow + n - 1, source, dim);
    const offset = firstRow > 0 ? l10n.t(' (positions 0…{0}: this model’s positions start after the padding index)', n - 1) : '';
    this.note.textContent =
      l10n.t('{0} learns its positions: {1}{2}, added to the token embeddings before layer 1.', shortModelName(model.id), rows, offset);
    // A few dimensions of a learned table are often far larger than the rest: the colours use the 99th percentile
    // of |x| (larger values are drawn at full colour), and the caption says so.
    const max = largestMagnitude(data);
    const scale = percentileMagnitude(data, 0.99) || max;
    const clipped = scale < max
      ? l10n.t('colours ±{0} (99th percentile of |x|; the largest, {1}, is drawn at full colour)', num(scale, 3), num(max, 3))
      : l10n.t('colours ±{0}', num(max, 3));
    this.learned.setCaption(l10n.t('{0} positions × {1}, read from the model’s weights ({2}); {3}', n, dim, source, clipped));
    this.learned.paint({ values: data, rows: n, cols: dim, ramp: { kind: 'diverging', max: scale }, palette, tokens, maxWidth: width,
      description: l10n.t('Learned position embeddings, {0} positions by {1} dimensions', n, dim), readout: rowReadout('Learned') });
    const sim = cosineSimilarity(data, n, dim);
    this.learnedSim.setCaption(l10n.t('the same similarity for what the model learned'));
    this.learnedSim.paint({ values: sim, rows: n, cols: n, ramp: { kind: 'diverging', max: 1 }, palette, tokens, maxWidth: width,
      description: l10n.t('Cosine similarity of learned positions, {0} by {0}', n), readout: simReadout('Learned') });
  }
}
