// Runs in Node: which ONNX file of a model folder (or hub repository) QKV Scope runs, in order of preference.

export type Precision = 'full' | 'quantized';
export const PRECISIONS: readonly Precision[] = ['full', 'quantized'];

/**
 * Unfused single-graph exports only. decoder_model_merged.onnx is never chosen: it hides attention inside
 * If subgraphs, which the surgery does not follow. decoder_with_past_model.onnx needs a real cache.
 */
const FULL = ['onnx/model.onnx', 'onnx/decoder_model.onnx', 'model.onnx', 'decoder_model.onnx'];
const QUANTIZED = FULL.map((f) => f.replace(/\.onnx$/, '_quantized.onnx'));

/** The wanted precision first; the other one only when a model has no file of the wanted kind. */
export function graphCandidates(precision: Precision): readonly string[] {
  return precision === 'quantized' ? [...QUANTIZED, ...FULL] : [...FULL, ...QUANTIZED];
}

export function isPrecision(value: unknown): value is Precision {
  return value === 'full' || value === 'quantized';
}

/** One sentence for "no usable graph", naming what was looked for. */
export function noGraphMessage(model: string, where: string, precision: Precision): string {
  return `Model "${model}" has no ONNX graph QKV Scope can read in ${where} (looked for ${graphCandidates(precision).join(', ')}). ` +
    'Merged decoders (decoder_model_merged.onnx) are not supported: they hide attention inside If subgraphs.';
}
