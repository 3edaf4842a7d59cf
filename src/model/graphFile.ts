// Runs in Node: which ONNX file of a model folder (or hub repository) QKV Scope runs, in order of preference.

/**
 * transformers.js's dtype names, each with its file suffix (model_fp16.onnx, model_q4.onnx…), plus our two older
 * names: "full" (fp32, falling back to q8) and "quantized" (q8, falling back to fp32).
 */
const DTYPE_SUFFIX = {
  fp32: '', fp16: '_fp16', q8: '_quantized', int8: '_int8', uint8: '_uint8', q4: '_q4', q4f16: '_q4f16', bnb4: '_bnb4',
} as const;
export type DType = keyof typeof DTYPE_SUFFIX;
export type Precision = 'full' | 'quantized' | DType;
export const PRECISIONS: readonly Precision[] = ['full', 'quantized', ...(Object.keys(DTYPE_SUFFIX) as DType[])];

/**
 * Unfused single-graph exports only. decoder_model_merged.onnx is never chosen: it hides attention inside
 * If subgraphs, which the surgery does not follow. decoder_with_past_model.onnx needs a real cache.
 */
const BASES = ['onnx/model', 'onnx/decoder_model', 'model', 'decoder_model'];

/** The files of exactly this precision, in order of preference. */
export function graphsOf(precision: Precision): readonly string[] {
  const dtype: DType = precision === 'full' ? 'fp32' : precision === 'quantized' ? 'q8' : precision;
  return BASES.map((base) => `${base}${DTYPE_SUFFIX[dtype]}.onnx`);
}

/**
 * An encoder–decoder export (Marian, T5, BART… in transformers.js's layout) has its encoder beside its decoder, in the
 * same precision: onnx/decoder_model_quantized.onnx → onnx/encoder_model_quantized.onnx. Undefined for other graphs.
 */
export function encoderGraphFor(graphFile: string): string | undefined {
  const match = /^(.*?)decoder_model([^/]*\.onnx)$/.exec(graphFile);
  return match ? `${match[1]}encoder_model${match[2]}` : undefined;
}

/** The wanted precision first; for "full" and "quantized", the other one when a model has no file of the wanted kind. */
export function graphCandidates(precision: Precision): readonly string[] {
  if (precision === 'full') return [...graphsOf('fp32'), ...graphsOf('q8')];
  if (precision === 'quantized') return [...graphsOf('q8'), ...graphsOf('fp32')];
  return graphsOf(precision);
}

export function isPrecision(value: unknown): value is Precision {
  return typeof value === 'string' && (PRECISIONS as readonly string[]).includes(value);
}

/** One sentence for "no usable graph", naming what was looked for. */
export function noGraphMessage(model: string, where: string, precision: Precision): string {
  return `Model "${model}" has no ONNX graph QKV Scope can read in ${where} (looked for ${graphCandidates(precision).join(', ')}). ` +
    'Merged decoders (decoder_model_merged.onnx) are not supported: they hide attention inside If subgraphs.';
}
