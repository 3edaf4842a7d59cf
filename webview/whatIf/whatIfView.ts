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
import * as l10n from '../l10n';

/** Room for three matrices side by side, each with its label band. */
const COLUMNS = 3;

export class WhatIfView {
  readonly element: HTMLElement;
  private readonly controls: WhatIfControls;
  private readonly reading: HTMLElement;
  private readonly change: HTMLElement;
  private readonly status: HTMLElement;
  private readonly actual = new MatrixView(l10n.t('The model’s attention'), l10n.t('what the model computed'), 'qkv-whatif__actual');
  private readonly variant = new MatrixView(l10n.t('What if'), '', 'qkv-whatif__variant');
  private readonly difference =
    new MatrixView(l10n.t('Difference'), l10n.t('what-if − model: blue gained weight, red lost it'), 'qkv-whatif__difference');
  private readonly matrices: HTMLElement;
  /** What is on screen, to draw again at a new width. */
  private last: Parameters<WhatIfView['show']> | undefined;

  constructor(onChange: (settings: WhatIfSettings) => void) {
    this.controls = new WhatIfControls(onChange);
    this.reading = el('p', { className: 'qkv-whatif__reading', attrs: { 'aria-live': 'polite' } });
    this.change = el('p', { className: 'qkv-whatif__change' });
    this.status = el('p', { className: 'qkv-note' });
    const matrices = el('div', { className: 'qkv-whatif__matrices' }, [this.actual.element, this.variant.element, this.difference.element]);
    this.matrices = markStages(matrices, 'scores', 'softmax');
    this.element = el('section', { className: 'qkv-whatif', attrs: { 'aria-labelledby': 'qkv-whatif-heading' } }, [
      el('div', { className: 'qkv-section-head' }, [
        el('h2', {
          className: 'qkv-section-title', text: l10n.t('What if: change the formula of this head'), attrs: { id: 'qkv-whatif-heading' },
        }),
      ]),
      el('p', {
        className: 'qkv-whatif__honest',
        // eslint-disable-next-line max-len -- one literal: scripts/l10n-export.mjs collects l10n.t messages whole
        text: l10n.t('This recomputes one head in isolation, from the model’s real Q, K and V. It does not re-run the network: the layers after this one still see the model’s original attention.'),
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
    this.status.textContent = head ? describeRef(head.ref, summary.model) : l10n.t('Loading {0}…', describeRef(state.ref, summary.model));
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
    const reading = { settings, causal: model.causal, n, d, labels, model: head.probs, variant: ours, modelScale: formula.scale };
    this.reading.textContent = whatIfReading(reading, l10n);
    const moved = outputChange(headOutputs(head.probs, head.v, n, d), headOutputs(ours, head.v, n, d), n, d);
    const share = moved.meanNorm > 0
      ? l10n.t(' ({0}% of the mean ‖o_i‖, {1})', Math.round((moved.mean / moved.meanNorm) * 100), sig(moved.meanNorm))
      : '';
    this.change.textContent = l10n.t('Output of this head: mean ‖Δo_i‖ = {0}{1}; largest for {2}: {3}.',
      sig(moved.mean), share, quoted(labels[moved.largestAt]), sig(moved.perToken[moved.largestAt]));

    const width = Math.max(180, Math.floor(((this.element.clientWidth || document.documentElement.clientWidth) - 24 * COLUMNS) / COLUMNS));
    const cell = (values: ArrayLike<number>, what: string) => (i: number, j: number, v: number) =>
      l10n.t('{0} → {1}: {2} {3} (model {4}, what-if {5})',
        labels[i], labels[j], what, num(v), num(head.probs[i * n + j]), num(ours[i * n + j]));
    const common = { rows: n, cols: n, palette, tokens, maxWidth: width };
    const max = Math.max(largestMagnitude(head.probs), largestMagnitude(ours));
    this.actual.paint({
      ...common, values: head.probs, ramp: { kind: 'sequential', max },
      description: l10n.t('The model’s attention, {0} by {0}', n), readout: cell(head.probs, l10n.t('weight')),
    });
    this.variant.setCaption(l10n.t('recomputed with the formula above; same colour scale as the model’s'));
    this.variant.paint({
      ...common, values: ours, ramp: { kind: 'sequential', max },
      description: l10n.t('What-if attention, {0} by {0}', n), readout: cell(ours, l10n.t('weight')),
    });
    const spread = Math.max(largestMagnitude(diff), 1e-6);
    this.difference.setCaption(l10n.t('what-if − model, ±{0}: blue gained weight, red lost it', sig(spread, 3)));
    this.difference.paint({
      ...common, values: diff, ramp: { kind: 'diverging', max: spread },
      description: l10n.t('Difference, largest {0}', sig(spread)), readout: cell(diff, l10n.t('change')),
    });
  }
}
