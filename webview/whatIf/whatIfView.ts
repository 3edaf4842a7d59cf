// Runs in the webview: the what-if lab for the current head. It recomputes attention from the model's real Q and K
// under the chosen formula (shared/whatIf.ts), and shows the model's actual matrix, the what-if matrix and their
// difference side by side, a one-line reading of what changed, and how far the head's output vectors moved.
import type { ResultSummary } from '../../shared/protocol';
import { headOutputs, largestMagnitude, outputChange, whatIfAttention, type WhatIfSettings } from '../../shared/whatIf';
import { whatIfReading } from '../../shared/whatIfReading';
import { headFormula } from '../../shared/headFormula';
import { el } from '../dom';
import { num, quoted, sig } from '../format';
import type { HeadData } from '../headCache';
import { describeRef, sameRef } from '../headRef';
import { MatrixView, redrawOnResize } from '../canvas/matrixView';
import { markStages } from '../chrome/stages';
import type { PanelState } from '../state';
import type { Palette } from '../canvas/theme';
import { WhatIfControls } from './whatIfControls';

/** Room for three matrices side by side, each with its label band. */
const COLUMNS = 3;

export class WhatIfView {
  readonly element: HTMLElement;
  private readonly controls: WhatIfControls;
  private readonly reading: HTMLElement;
  private readonly change: HTMLElement;
  private readonly status: HTMLElement;
  private readonly actual = new MatrixView('The model’s attention', 'what the model computed', 'qkv-whatif__actual');
  private readonly variant = new MatrixView('What if', '', 'qkv-whatif__variant');
  private readonly difference = new MatrixView('Difference', 'what-if − model: blue gained weight, red lost it', 'qkv-whatif__difference');
  private readonly matrices: HTMLElement;
  /** What is on screen, to draw again at a new width. */
  private last: Parameters<WhatIfView['show']> | undefined;

  constructor(onChange: (settings: WhatIfSettings) => void) {
    this.controls = new WhatIfControls(onChange);
    this.reading = el('p', { className: 'qkv-whatif__reading', attrs: { 'aria-live': 'polite' } });
    this.change = el('p', { className: 'qkv-whatif__change' });
    this.status = el('p', { className: 'qkv-note' });
    this.matrices = markStages(el('div', { className: 'qkv-whatif__matrices' }, [this.actual.element, this.variant.element, this.difference.element]), 'scores', 'softmax');
    this.element = el('section', { className: 'qkv-whatif', attrs: { 'aria-labelledby': 'qkv-whatif-heading' } }, [
      el('div', { className: 'qkv-section-head' }, [
        el('h2', { className: 'qkv-section-title', text: 'What if: change the formula of this head', attrs: { id: 'qkv-whatif-heading' } }),
      ]),
      el('p', {
        className: 'qkv-whatif__honest',
        text: 'This recomputes one head in isolation, from the model’s real Q, K and V. It does not re-run the network: ' +
          'the layers after this one still see the model’s original attention.',
      }),
      this.controls.element,
      this.status,
      this.reading,
      this.change,
      this.matrices,
    ]);
    redrawOnResize(this.element, () => this.last && this.show(...this.last));
  }

  render(state: PanelState, previous: PanelState): void {
    const { summary } = state;
    if (!summary) return;
    this.controls.render(state.whatIf, summary.model, summary.tokens.length);
    const head = state.shown?.resultId === summary.resultId && sameRef(state.shown.ref, state.ref) ? state.shown : undefined;
    this.status.textContent = head ? describeRef(head.ref, summary.model) : `Loading ${describeRef(state.ref, summary.model)}…`;
    this.matrices.hidden = !head;
    const changed = head !== previous.shown || state.whatIf !== previous.whatIf || state.palette !== previous.palette ||
      summary !== previous.summary || state.tab !== previous.tab;
    if (head && changed && state.tab === 'whatif') this.show(summary, head, state.whatIf, state.palette);
  }

  private show(summary: ResultSummary, head: HeadData, settings: WhatIfSettings, palette: Palette): void {
    this.last = [summary, head, settings, palette];
    const { model, tokens } = summary;
    const n = head.n;
    const d = model.headDim;
    const formula = headFormula(model, head, n);
    const ours = whatIfAttention({ q: head.q, k: head.k, n, d, causal: model.causal, formula }, settings);
    const diff = ours.map((x, i) => x - head.probs[i]);
    const labels = tokens.map((t) => t.display);
    this.reading.textContent = whatIfReading({ settings, causal: model.causal, n, d, labels, model: head.probs, variant: ours, modelScale: formula.scale });
    const moved = outputChange(headOutputs(head.probs, head.v, n, d), headOutputs(ours, head.v, n, d), n, d);
    const share = moved.meanNorm > 0 ? ` (${Math.round((moved.mean / moved.meanNorm) * 100)}% of the mean ‖o_i‖, ${sig(moved.meanNorm)})` : '';
    this.change.textContent =
      `Output of this head: mean ‖Δo_i‖ = ${sig(moved.mean)}${share}; largest for ${quoted(labels[moved.largestAt])}: ${sig(moved.perToken[moved.largestAt])}.`;

    const width = Math.max(180, Math.floor(((this.element.clientWidth || document.documentElement.clientWidth) - 24 * COLUMNS) / COLUMNS));
    const cell = (values: ArrayLike<number>, what: string) => (i: number, j: number, v: number) =>
      `${labels[i]} → ${labels[j]}: ${what} ${num(v)} (model ${num(head.probs[i * n + j])}, what-if ${num(ours[i * n + j])})`;
    const common = { rows: n, cols: n, palette, tokens, maxWidth: width };
    const max = Math.max(largestMagnitude(head.probs), largestMagnitude(ours));
    this.actual.paint({ ...common, values: head.probs, ramp: { kind: 'sequential', max }, description: `The model’s attention, ${n} by ${n}`, readout: cell(head.probs, 'weight') });
    this.variant.setCaption('recomputed with the formula above; same colour scale as the model’s');
    this.variant.paint({ ...common, values: ours, ramp: { kind: 'sequential', max }, description: `What-if attention, ${n} by ${n}`, readout: cell(ours, 'weight') });
    const spread = Math.max(largestMagnitude(diff), 1e-6);
    this.difference.setCaption(`what-if − model, ±${sig(spread, 3)}: blue gained weight, red lost it`);
    this.difference.paint({ ...common, values: diff, ramp: { kind: 'diverging', max: spread }, description: `Difference, largest ${sig(spread)}`, readout: cell(diff, 'change') });
  }
}
