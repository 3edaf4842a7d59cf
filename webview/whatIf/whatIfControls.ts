// Runs in the webview: the what-if lab's controls — scoring, scale, softmax temperature and mask — as labelled
// native form controls, and a button back to the model's own formula.
import type { ModelFacts } from '../../shared/attentionResult';
import { MIN_TEMPERATURE, MODEL_SETTINGS, type MaskChoice, type ScaleChoice, type Scoring, type WhatIfSettings } from '../../shared/whatIf';
import { el } from '../dom';
import * as l10n from '../l10n';

type MaskKind = MaskChoice['kind'];
type ScaleKind = ScaleChoice['kind'];

const MAX_TEMPERATURE = 5;
const DEFAULT_CUSTOM_SCALE = 0.5;
const DEFAULT_WINDOW = 3;

export class WhatIfControls {
  readonly element: HTMLElement;
  private readonly scoring: HTMLSelectElement;
  private readonly scale: HTMLSelectElement;
  private readonly customScale: HTMLInputElement;
  private readonly temperature: HTMLInputElement;
  private readonly temperatureValue: HTMLOutputElement;
  private readonly mask: HTMLSelectElement;
  private readonly window: HTMLInputElement;
  /** The model (causal or not) the mask options were written for. */
  private maskFor: boolean | undefined;

  constructor(private readonly onChange: (settings: WhatIfSettings) => void) {
    this.scoring = select('qkv-whatif-scoring', Object.entries(scoringLabels()));
    this.scale = select('qkv-whatif-scale', [
      ['sqrtD', l10n.t('the model’s own')], ['one', l10n.t('1 (no scaling)')], ['custom', l10n.t('custom…')],
    ]);
    this.customScale = el('input', {
      className: 'qkv-number',
      attrs: { type: 'number', id: 'qkv-whatif-custom-scale', step: '0.05', min: '0', 'aria-label': l10n.t('Custom scale') },
    });
    this.temperature = el('input', {
      className: 'qkv-range',
      attrs: { type: 'range', id: 'qkv-whatif-temperature', min: '0.1', max: String(MAX_TEMPERATURE), step: '0.1' },
    });
    this.temperatureValue = el('output', { className: 'qkv-whatif__value', attrs: { for: 'qkv-whatif-temperature' } });
    this.mask = select('qkv-whatif-mask', []);
    this.window = el('input', {
      className: 'qkv-number',
      attrs: { type: 'number', id: 'qkv-whatif-window', min: '1', step: '1', 'aria-label': l10n.t('Window size k') },
    });
    for (const control of [this.scoring, this.scale, this.customScale, this.temperature, this.mask, this.window]) {
      control.addEventListener(control === this.temperature ? 'input' : 'change', () => this.onChange(this.read()));
    }
    const reset = el('button', {
      className: 'qkv-button qkv-button--secondary', text: l10n.t('Back to the model’s formula'), attrs: { type: 'button' },
    });
    reset.addEventListener('click', () => this.onChange(MODEL_SETTINGS));
    this.element = el('div', { className: 'qkv-whatif__controls', attrs: { role: 'group', 'aria-label': l10n.t('Formula') } }, [
      field(l10n.t('Scoring'), this.scoring),
      field(l10n.t('Scale'), this.scale, this.customScale),
      field(l10n.t('Softmax temperature'), this.temperature, this.temperatureValue),
      field(l10n.t('Mask'), this.mask, this.window),
      reset,
    ]);
  }

  render(settings: WhatIfSettings, model: ModelFacts, n: number): void {
    if (this.maskFor !== model.causal) this.fillMask(model.causal);
    this.scoring.value = settings.scoring;
    this.scale.value = settings.scale.kind;
    this.customScale.hidden = settings.scale.kind !== 'custom';
    this.customScale.value = String(settings.scale.kind === 'custom' ? settings.scale.value : DEFAULT_CUSTOM_SCALE);
    this.temperature.value = String(settings.temperature);
    this.temperatureValue.textContent = `T = ${settings.temperature.toFixed(1)}`;
    this.mask.value = settings.mask.kind;
    this.window.hidden = settings.mask.kind !== 'window';
    this.window.max = String(Math.max(1, n));
    this.window.value = String(settings.mask.kind === 'window' ? settings.mask.size : Math.min(DEFAULT_WINDOW, Math.max(1, n)));
  }

  private fillMask(causal: boolean): void {
    this.maskFor = causal;
    this.mask.replaceChildren(...([
      ['model', causal ? l10n.t('the model’s own (causal)') : l10n.t('the model’s own (none)')],
      ['none', l10n.t('none: every token sees every token')],
      ['causal', l10n.t('causal: hide keys after the query (upper right −∞)')],
      ['antiCausal', l10n.t('anti-causal: hide keys before the query (lower left −∞)')],
      ['window', l10n.t('window of k tokens')],
    ] as const).map(([value, text]) => el('option', { text, attrs: { value } })));
  }

  private read(): WhatIfSettings {
    const scaleKind = this.scale.value as ScaleKind;
    const custom = Number(this.customScale.value);
    const scale: ScaleChoice = scaleKind === 'custom'
      ? { kind: 'custom', value: Number.isFinite(custom) && custom >= 0 ? custom : DEFAULT_CUSTOM_SCALE }
      : { kind: scaleKind };
    const maskKind = this.mask.value as MaskKind;
    const size = Math.max(1, Math.round(Number(this.window.value)) || DEFAULT_WINDOW);
    const mask: MaskChoice = maskKind === 'window' ? { kind: 'window', size } : { kind: maskKind };
    const temperature = Math.min(MAX_TEMPERATURE, Math.max(MIN_TEMPERATURE, Number(this.temperature.value) || 1));
    return { scoring: this.scoring.value as Scoring, scale, temperature: Math.round(temperature * 100) / 100, mask };
  }
}

function select(id: string, options: readonly (readonly [string, string])[]): HTMLSelectElement {
  return el('select', { className: 'qkv-select', attrs: { id } }, options.map(([value, text]) => el('option', { text, attrs: { value } })));
}

function field(label: string, control: HTMLElement, ...extra: HTMLElement[]): HTMLElement {
  return el('div', { className: 'qkv-field' }, [
    el('label', { className: 'qkv-field__label', text: label, attrs: { for: control.id } }), control, ...extra,
  ]);
}

/** The scoring functions as the menu names them. */
function scoringLabels(): Record<Scoring, string> {
  return {
    dot: l10n.t('dot product q·k (the model’s)'),
    squaredDot: l10n.t('squared dot product, sign kept: sign(q·k)·(q·k)²'),
    negatedDot: l10n.t('negated dot product −q·k'),
    cosine: l10n.t('cosine similarity q·k / (‖q‖‖k‖)'),
  };
}
