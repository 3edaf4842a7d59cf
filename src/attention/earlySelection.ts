// Runs in the engine worker (Node): an export's layer and head choice checked as soon as the model is loaded,
// before the forward pass, so "--layers 5" on a 2-layer model is refused without running it.
import { QkvError } from '../../shared/errors';
import type { ExportSelection } from '../../shared/exportSchema';
import type { LoadedModel } from '../model/loadModel';

export function checkSelectionEarly(model: LoadedModel, selection: ExportSelection | undefined): void {
  const check = (wanted: readonly number[] | undefined, count: number | null, what: string) => {
    const bad = count === null ? [] : (wanted ?? []).filter((i) => i >= count);
    if (bad.length > 0) throw new QkvError('bad-argument', `No ${what} ${bad.join(', ')}: the model has ${what}s 0 to ${count! - 1}.`);
  };
  check(selection?.layers, model.sites.length, 'layer');
  check(selection?.heads, model.config.heads, 'head');
}
