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

export class PositionsView {
  readonly element: HTMLElement;
  private readonly sinusoidal = new MatrixView('Sinusoidal PE(pos, i)', '', 'qkv-positions__sin');
  private readonly sinusoidalSim = new MatrixView('Sinusoidal: cosine similarity between positions', '', 'qkv-positions__sin-sim');
  private readonly learned = new MatrixView('Learned position embeddings', '', 'qkv-positions__learned');
  private readonly learnedSim = new MatrixView('Learned: cosine similarity between positions', '', 'qkv-positions__learned-sim');
  private readonly note: HTMLElement;
  private readonly learnedColumn: HTMLElement;
  private last: Parameters<PositionsView['draw']> | undefined;

  constructor() {
    this.note = el('p', { className: 'qkv-positions__note', attrs: { role: 'status' } });
    this.learnedColumn = el('div', { className: 'qkv-positions__column' }, [this.learned.element, this.learnedSim.element]);
    this.element = el('section', { className: 'qkv-positions', attrs: { 'aria-labelledby': 'qkv-positions-title' } }, [
      el('div', { className: 'qkv-section-head' }, [
        el('h2', { className: 'qkv-section-title', text: 'Positions', attrs: { id: 'qkv-positions-title' } }),
        el('span', { className: 'qkv-note', text: 'PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)) · blue positive, red negative' }),
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
    if (state.tab === previous.tab && summary === previous.summary && state.positions === previous.positions && state.palette === previous.palette) return;
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
    this.sinusoidal.setCaption(`${n} positions × d = ${d} (this model’s d_model), values in [−1, 1]`);
    this.sinusoidal.paint({ values: pe, rows: n, cols: d, ramp: { kind: 'diverging', max: 1 }, palette, tokens, maxWidth: width,
      description: `Sinusoidal position encoding, ${n} positions by ${d} dimensions`, readout: rowReadout('Sinusoidal') });
    const peSim = cosineSimilarity(pe, n, d);
    this.sinusoidalSim.setCaption('near positions are alike, far ones less: the pattern depends only on the distance');
    this.sinusoidalSim.paint({ values: peSim, rows: n, cols: n, ramp: { kind: 'diverging', max: 1 }, palette, tokens, maxWidth: width,
      description: `Cosine similarity of sinusoidal positions, ${n} by ${n}`, readout: simReadout('Sinusoidal') });

    this.learnedColumn.hidden = !positions;
    if (positions === undefined) {
      this.note.textContent = 'Loading the model’s position embeddings…';
      return;
    }
    if (positions === null) {
      this.note.textContent = `${shortModelName(model.id)} has no learned position-embedding table that QKV Scope could find in its weights ` +
        '(it may use rotary or relative positions, or none). The sinusoidal reference is shown alone.';
      return;
    }
    const { data, dim, source, firstRow } = positions;
    const rows = `rows ${firstRow}…${firstRow + n - 1} of ${source} [${dim} wide]`;
    const offset = firstRow > 0 ? ` (positions 0…${n - 1}: this model’s positions start after the padding index)` : '';
    this.note.textContent = `${shortModelName(model.id)} learns its positions: ${rows}${offset}, added to the token embeddings before layer 1.`;
    // A few dimensions of a learned table are often far larger than the rest: the colours use the 99th percentile
    // of |x| (larger values are drawn at full colour), and the caption says so.
    const max = largestMagnitude(data);
    const scale = percentileMagnitude(data, 0.99) || max;
    const clipped = scale < max ? `colours ±${num(scale, 3)} (99th percentile of |x|; the largest, ${num(max, 3)}, is drawn at full colour)` : `colours ±${num(max, 3)}`;
    this.learned.setCaption(`${n} positions × ${dim}, read from the model’s weights (${source}); ${clipped}`);
    this.learned.paint({ values: data, rows: n, cols: dim, ramp: { kind: 'diverging', max: scale }, palette, tokens, maxWidth: width,
      description: `Learned position embeddings, ${n} positions by ${dim} dimensions`, readout: rowReadout('Learned') });
    const sim = cosineSimilarity(data, n, dim);
    this.learnedSim.setCaption('the same similarity for what the model learned');
    this.learnedSim.paint({ values: sim, rows: n, cols: n, ramp: { kind: 'diverging', max: 1 }, palette, tokens, maxWidth: width,
      description: `Cosine similarity of learned positions, ${n} by ${n}`, readout: simReadout('Learned') });
  }
}
