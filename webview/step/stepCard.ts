// Runs in the webview: the step-by-step card for one cell of the current head, with the model's own numbers —
// q_i and k_j, their elementwise product, the sum, ÷√d, the mask, exp, the row's softmax denominator and the
// weight, checked against the model's own attention value (|Δ|); then Σ_j w_ij v_j, this head's output for
// token i, with the tokens that contribute most. The arithmetic is shared/cellSteps.ts.
import type { ModelFacts, Token } from '../../shared/attentionResult';
import { cellSteps, tokenOutput, type CellSteps, type TokenOutput } from '../../shared/cellSteps';
import type { ResultSummary, StepShown } from '../../shared/protocol';
import { headFormula } from '../../shared/headFormula';
import { MODEL_SETTINGS } from '../../shared/whatIf';
import { BarStrip, sharedScale } from './barStrip';
import { el } from '../dom';
import { num, quoted, sig, tiny } from '../format';
import type { HeadData } from '../headCache';
import { describeRef, sameRef } from '../headRef';
import { markStages, type StageId } from '../chrome/stages';
import type { PanelState } from '../state';
import type { Palette } from '../canvas/theme';
import * as l10n from '../l10n';

export interface StepCardEvents {
  pick(query: number | undefined, key: number | undefined): void;
  /** The card now shows this cell. */
  shown(step: StepShown): void;
}

const TOP_CONTRIBUTORS = 5;
/** Float models agree with the float64 recomputation to about 1e-7; beyond this the card explains why. */
const FLOAT_AGREEMENT = 1e-5;

export class StepCard {
  readonly element: HTMLElement;
  private readonly querySelect: HTMLSelectElement;
  private readonly keySelect: HTMLSelectElement;
  private readonly hint: HTMLElement;
  private readonly body: HTMLElement;
  private readonly title: HTMLElement;
  private readonly vectors: { q: BarStrip; k: BarStrip; product: BarStrip; output: BarStrip };
  private readonly componentLine: HTMLElement;
  private readonly steps: HTMLOListElement;
  private readonly check: HTMLElement;
  private readonly outputLine: HTMLElement;
  private readonly contributors: HTMLTableSectionElement;
  private current: { steps: CellSteps; output: TokenOutput; palette: Palette } | undefined;
  private lit: number | undefined;

  constructor(private readonly events: StepCardEvents) {
    this.querySelect = el('select', { className: 'qkv-select', attrs: { id: 'qkv-step-query' } });
    this.keySelect = el('select', { className: 'qkv-select', attrs: { id: 'qkv-step-key' } });
    const changed = () => events.pick(indexOf(this.querySelect), indexOf(this.keySelect));
    this.querySelect.addEventListener('change', changed);
    this.keySelect.addEventListener('change', changed);
    const hover = (c: number | undefined) => this.hoverComponent(c);
    this.vectors = {
      q: new BarStrip('q_i', hover),
      k: new BarStrip('k_j', hover),
      product: new BarStrip('q_i ⊙ k_j', hover),
      output: new BarStrip('o_i', () => undefined),
    };
    this.hint = el('p', { className: 'qkv-note qkv-step__hint' });
    this.title = el('h3', { className: 'qkv-step__title' });
    this.componentLine = el('p', { className: 'qkv-step__component', attrs: { 'aria-live': 'polite' } });
    this.steps = el('ol', { className: 'qkv-step__list', attrs: { start: '3' } });
    this.check = el('p', { className: 'qkv-step__check', attrs: { role: 'status' } });
    this.outputLine = el('p', { className: 'qkv-step__formula' });
    this.contributors = el('tbody');
    this.body = el('div', { className: 'qkv-step__body' }, [
      this.title,
      markStages(el('div', { className: 'qkv-step__vectors' }, [
        el('p', { className: 'qkv-step__caption', text: l10n.t('1. q_i and k_j: this head’s query for token i and key for token j') }),
        this.vectors.q.element, this.vectors.k.element,
      ]), 'wq', 'q', 'split'),
      markStages(el('div', { className: 'qkv-step__vectors' }, [
        el('p', { className: 'qkv-step__caption', text: l10n.t('2. elementwise product q_i ⊙ k_j') }),
        this.vectors.product.element,
      ]), 'scores'),
      this.componentLine,
      this.steps,
      this.check,
      markStages(el('div', { className: 'qkv-step__output' }, [
        el('h3', { className: 'qkv-step__title', text: l10n.t('On to the output: Σ_j w_ij · v_j') }),
        this.outputLine,
        this.vectors.output.element,
        el('table', { className: 'qkv-table qkv-step__contributors' }, [
          el('caption', {
            className: 'qkv-note',
            text: l10n.t('Tokens that contribute most to o_i (share = the part of o_i along its own direction; shares sum to 1)'),
          }),
          el('thead', {}, [el('tr', {}, [l10n.t('Key token'), l10n.t('Weight w_ij'), '‖w_ij v_j‖', l10n.t('Share of o_i')]
            .map((h) => el('th', { text: h, attrs: { scope: 'col' } })))]),
          this.contributors,
        ]),
      ]), 'values'),
    ]);
    this.element = el('section', { className: 'qkv-step', attrs: { 'aria-labelledby': 'qkv-step-heading' } }, [
      el('div', { className: 'qkv-section-head' }, [
        el('h2', { className: 'qkv-section-title', text: l10n.t('Step by step: one cell'), attrs: { id: 'qkv-step-heading' } }),
        el('span', { className: 'qkv-note', text: l10n.t('the model’s own q, k and v for this head, computed in float64') }),
      ]),
      el('div', { className: 'qkv-step__pickers' }, [
        el('label', { text: l10n.t('Query i '), attrs: { for: 'qkv-step-query' } }), this.querySelect,
        el('label', { text: l10n.t('Key j '), attrs: { for: 'qkv-step-key' } }), this.keySelect,
      ]),
      this.hint,
      this.body,
    ]);
    let width = 0;
    new ResizeObserver(() => {
      if (this.element.clientWidth === width) return;
      width = this.element.clientWidth;
      this.drawVectors();
    }).observe(this.element);
  }

  render(state: PanelState, previous: PanelState): void {
    const { summary, query, key } = state;
    if (!summary) return;
    if (summary !== previous.summary || this.querySelect.options.length === 0) this.fillPickers(summary.tokens);
    this.querySelect.value = query === undefined ? '' : String(query);
    this.keySelect.value = key === undefined ? '' : String(key);
    const head = state.shown?.resultId === summary.resultId && sameRef(state.shown.ref, state.ref) ? state.shown : undefined;
    const ready = head !== undefined && query !== undefined && key !== undefined;
    this.body.hidden = !ready;
    this.hint.hidden = ready;
    if (!ready) {
      this.current = undefined;
      this.hint.textContent = head
        ? l10n.t('Click a heatmap cell, or a query token and then a key token above, or choose them here.')
        : l10n.t('Loading {0}…', describeRef(state.ref, summary.model));
      return;
    }
    const changed = head !== previous.shown || query !== previous.query || key !== previous.key || summary !== previous.summary ||
      state.palette !== previous.palette || state.tab !== previous.tab;
    if (changed && state.tab === 'step') this.show(summary, head, query, key, state.palette);
  }

  private fillPickers(tokens: readonly Token[]): void {
    for (const select of [this.querySelect, this.keySelect]) {
      select.replaceChildren(
        el('option', { text: '—', attrs: { value: '' } }),
        ...tokens.map((t, i) => el('option', { text: `${i + 1}: ${t.display}`, attrs: { value: String(i) } })),
      );
    }
  }

  private show(summary: ResultSummary, head: HeadData, query: number, key: number, palette: Palette): void {
    const { model, tokens } = summary;
    const n = head.n;
    const d = model.headDim;
    const cell = { q: head.q, k: head.k, n, d, causal: model.causal, formula: headFormula(model, head, n) };
    const steps = cellSteps(cell, query, key, MODEL_SETTINGS, l10n);
    const output = tokenOutput(head.probs.subarray(query * n, (query + 1) * n), head.v, n, d, query);
    this.current = { steps, output, palette };
    const [qi, kj] = [tokens[query].display, tokens[key].display];
    this.title.textContent =
      l10n.t('{0} (query {1}) → {2} (key {3}) · {4} · d = {5}',
        quoted(qi), query + 1, quoted(kj), key + 1, describeRef(head.ref, model), d);
    this.vectors.q.setLabel(`q_${query + 1} (${quoted(qi)})`);
    this.vectors.k.setLabel(`k_${key + 1} (${quoted(kj)})`);
    this.drawVectors();
    this.hoverComponent(undefined);
    this.steps.replaceChildren(...this.stepItems(steps, model, tokens, n));
    const modelWeight = head.probs[query * n + key];
    this.check.replaceChildren(...checkLine(steps.weight, modelWeight, model));
    this.outputLine.textContent =
      l10n.t('o_{0} = Σ_j w_{0},j · v_j: this head’s output for {1}, {2} numbers, ‖o‖ = {3}.', query + 1, quoted(qi), d, sig(output.norm));
    this.contributors.replaceChildren(...output.contributions.slice(0, TOP_CONTRIBUTORS).map((c) => el('tr', {}, [
      el('th', { text: `${c.token + 1}: ${tokens[c.token].display}`, attrs: { scope: 'row' } }),
      el('td', { text: num(c.weight) }),
      el('td', { text: sig(c.norm) }),
      el('td', { text: `${(c.share * 100).toFixed(1)}%` }),
    ])));
    this.events.shown({
      resultId: head.resultId, ref: head.ref, query, key, weight: steps.weight, modelWeight, text: weightText(steps.weight),
    });
  }

  private drawVectors(): void {
    if (!this.current) return;
    const { steps, output, palette } = this.current;
    const width = Math.max(160, (this.element.clientWidth || document.documentElement.clientWidth) - 160);
    const qk = sharedScale(steps.q, steps.k);
    this.vectors.q.draw(steps.q, qk, palette, width, this.lit);
    this.vectors.k.draw(steps.k, qk, palette, width, this.lit);
    this.vectors.product.draw(steps.products, sharedScale(steps.products), palette, width, this.lit);
    this.vectors.output.draw(output.output, sharedScale(output.output), palette, width);
  }

  private hoverComponent(c: number | undefined): void {
    const steps = this.current?.steps;
    if (!steps) return;
    if (c !== this.lit) {
      this.lit = c;
      this.drawVectors();
    }
    this.componentLine.textContent = c === undefined
      ? l10n.t('Hover a bar for its exact value. {0} components; bars on one scale, ±{1} for q and k.',
        steps.d, sig(sharedScale(steps.q, steps.k), 3))
      : l10n.t('component {0} of {1}: q = {2} · k = {3} → q·k = {4}',
        c + 1, steps.d, sig(steps.q[c], 6), sig(steps.k[c], 6), sig(steps.products[c], 6));
  }

  private stepItems(s: CellSteps, model: ModelFacts, tokens: readonly Token[], n: number): HTMLElement[] {
    const visible = model.causal ? s.query + 1 : n;
    const shifted = s.shift !== 0 ? ` − ${sig(s.shift)}` : '';
    const items: [string, string, StageId][] = [
      ['sum', `q·k = Σ_c q_c k_c = ${sig(s.dot, 6)}`, 'scores'],
      ...formulaItems(s),
      ['mask', s.mask === 0
        ? l10n.t('+ 0 (key {0} is visible to query {1}) = {2}', s.key + 1, s.query + 1, sig(s.logit, 6))
        : `+ −∞ (${s.maskReason}) = −∞`, 'scores'],
      ['exp', s.mask === 0 ? `exp(${sig(s.logit, 6)}${shifted}) = ${sig(s.exp, 6)}` : 'exp(−∞) = 0', 'softmax'],
      ['denominator', visible === 1
        ? l10n.t('Σ_j exp(s_{0},j{1}) over the 1 visible key of row {0} = {2}', s.query + 1, shifted, sig(s.denominator, 6))
        : l10n.t('Σ_j exp(s_{0},j{1}) over the {3} visible keys of row {0} = {2}', s.query + 1, shifted, sig(s.denominator, 6), visible),
        'softmax'],
      ['weight', `w = ${sig(s.exp, 6)} / ${sig(s.denominator, 6)} = ${weightText(s.weight)}`, 'softmax'],
    ];
    const note = s.shift !== 0
      ? l10n.t(' (every logit of the row is shifted by its maximum, {0}, so exp stays finite; the shift cancels)', sig(s.shift))
      : '';
    return items.map(([name, text, stage]) => markStages(el('li', { className: `qkv-step__item qkv-step__item--${name}` }, [
      el('span', { className: 'qkv-step__name', text: stepName(name) }),
      el('span', { className: 'qkv-step__formula', text: name === 'exp' ? text + note : text }),
    ]), stage));
  }
}

const weightText = (w: number): string => w.toFixed(6);

/** A line's name as the card shows it (the class name keeps the English one). */
function stepName(name: string): string {
  const names: Record<string, string> = {
    sum: l10n.t('sum'), scale: l10n.t('scale'), 'soft-cap': l10n.t('soft-cap'), bias: l10n.t('bias'), mask: l10n.t('mask'),
    exp: 'exp', denominator: l10n.t('denominator'), weight: l10n.t('weight'),
  };
  return names[name] ?? name;
}

/** The model's own formula, one term a line: "× scale 1/√8", "soft-cap 50·tanh(…)", "+ ALiBi bias −1.50". */
function formulaItems(s: CellSteps): [string, string, StageId][] {
  const scale = Math.abs(s.scale * Math.sqrt(s.d) - 1) < 1e-6
    ? `q·k / √d = ${sig(s.dot, 6)} / √${s.d} = ${sig(s.dot, 6)} / ${sig(Math.sqrt(s.d), 5)} = ${sig(s.times, 6)}`
    : `q·k × scale ${sig(s.scale, 6)} = ${sig(s.dot, 6)} × ${sig(s.scale, 6)} = ${sig(s.times, 6)}`;
  const items: [string, string, StageId][] = [['scale', scale, 'scores']];
  if (s.softcap) {
    const capped = `${sig(s.softcap.cap)} · tanh(${sig(s.times, 6)} / ${sig(s.softcap.cap)}) = ${sig(s.softcap.value, 6)}`;
    items.push(['soft-cap', capped, 'scores']);
  }
  if (s.bias) {
    items.push(['bias', `+ ${s.bias.label} ${sig(s.bias.value, 3)} = ${sig((s.softcap?.value ?? s.times) + s.bias.value, 6)}`, 'scores']);
  }
  return items;
}

function indexOf(select: HTMLSelectElement): number | undefined {
  return select.value === '' ? undefined : Number(select.value);
}

/** The card's weight against the model's own value, and why they may differ. */
function checkLine(weight: number, modelWeight: number, model: ModelFacts): (Node | string)[] {
  const delta = Math.abs(weight - modelWeight);
  const verdict = delta <= FLOAT_AGREEMENT ? l10n.t('the same') : l10n.t('close');
  const why = model.quantizedScores
    // eslint-disable-next-line max-len -- one literal: scripts/l10n-export.mjs collects l10n.t messages whole
    ? l10n.t('This model computes Q·Kᵀ on 8-bit integers (dynamic quantization), so its own value carries that rounding; the card computes in float64 from the same q and k, which is why |Δ| is visible (up to ~1e-3).')
    : l10n.t('The model computed in float32, the card in float64.');
  return [
    el('strong', { text: l10n.t('Model’s own value: {0}', modelWeight.toFixed(6)) }),
    ` · |Δ| = ${tiny(delta)} (${verdict}). ${why}`,
  ];
}
