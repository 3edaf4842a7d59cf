// Test helpers for opened-up fused attention: feeds from a graph's declared inputs, the same for the fused and the
// opened graph, and the distance between two runs' outputs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { halfToFloat } from '../../src/model/onnx/constantValue';
import { floatToHalf } from '../../src/model/onnx/float16';
import { packageRoot } from '../../src/model/packageRoot';
import { seededRandom } from '../../src/attention/seededRandom';

const { FLOAT, FLOAT16, INT32, INT64, BOOL } = onnx.TensorProto.DataType;

export const FUSED_FIXTURES = path.join(packageRoot(), 'test', 'fixtures', 'fused');
export const REAL_GRAPHS = path.join(packageRoot(), '..', 'shared', 'real-graphs');


/** Values for one input: a flat list of numbers (ints, 0/1 for booleans, floats), or undefined for random floats. */
export type FeedValues = Record<string, readonly number[]>;

/**
 * Feeds for every graph input of declared fixed shape (symbolic dimensions take `dims[name]` or `sizes[param]`):
 * `values` where given, else uniform floats in [−1, 1) for float inputs.
 */
export function graphFeeds(
  graph: onnx.IGraphProto, values: FeedValues, sizes: Record<string, number> = {}, seed = 7,
): Record<string, ort.Tensor> {
  const random = seededRandom(seed);
  const feeds: Record<string, ort.Tensor> = {};
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  for (const input of graph.input ?? []) {
    const name = input.name ?? '';
    if (initializers.has(name)) continue;
    const type = input.type?.tensorType;
    const dims = (type?.shape?.dim ?? []).map((d) => {
      if ((d as onnx.TensorShapeProto.Dimension).value === 'dimValue') return Number(d.dimValue);
      const size = sizes[d.dimParam ?? ''];
      if (size === undefined) throw new Error(`input ${name}: no size for dimension ${d.dimParam}`);
      return size;
    });
    const count = dims.reduce((a, b) => a * b, 1);
    const given = values[name];
    const flat = given ?? Array.from({ length: count }, () => random() * 2 - 1);
    if (flat.length !== count) throw new Error(`input ${name}: ${flat.length} values for shape [${dims}]`);
    feeds[name] = tensorOf(type?.elemType ?? FLOAT, flat, dims);
  }
  return feeds;
}

function tensorOf(elemType: number, flat: readonly number[], dims: number[]): ort.Tensor {
  switch (elemType) {
    case FLOAT: return new ort.Tensor('float32', Float32Array.from(flat), dims);
    case FLOAT16: return new ort.Tensor('float16', Uint16Array.from(flat, floatToHalf), dims);
    case INT32: return new ort.Tensor('int32', Int32Array.from(flat), dims);
    case INT64: return new ort.Tensor('int64', BigInt64Array.from(flat, (v) => BigInt(v)), dims);
    case BOOL: return new ort.Tensor('bool', Uint8Array.from(flat), dims);
    default: throw new Error(`no feed for element type ${elemType}`);
  }
}

/** The integer and boolean inputs a fused fixture stores in its metadata ("qkv_scope.feeds"). */
export function storedFeeds(model: onnx.IModelProto): FeedValues {
  const prop = model.metadataProps?.find((p) => p.key === 'qkv_scope.feeds');
  return prop?.value ? (JSON.parse(prop.value) as FeedValues) : {};
}

export function asNumbers(tensor: ort.Tensor): Float64Array {
  const data = tensor.data;
  if (tensor.type === 'float16' && data instanceof Uint16Array) return Float64Array.from(data, halfToFloat);
  if (data instanceof BigInt64Array) return Float64Array.from(data, Number);
  return Float64Array.from(data as ArrayLike<number>);
}

export interface Difference {
  readonly maxAbs: number;
  /** Largest absolute difference over the largest reference magnitude. */
  readonly rel: number;
}

export function difference(reference: ort.Tensor, actual: ort.Tensor): Difference {
  const a = asNumbers(reference);
  const b = asNumbers(actual);
  if (a.length !== b.length) throw new Error(`sizes differ: ${a.length} vs ${b.length}`);
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  if (a.some(Number.isNaN) || b.some(Number.isNaN)) return { maxAbs: NaN, rel: NaN };
  return { maxAbs, rel: scale > 0 ? maxAbs / scale : maxAbs };
}

/** Worst difference over the named outputs. */
export function worstDifference(names: readonly string[], reference: ort.InferenceSession.OnnxValueMapType,
  actual: ort.InferenceSession.OnnxValueMapType): Difference {
  let worst: Difference = { maxAbs: 0, rel: 0 };
  for (const name of names) {
    const d = difference(reference[name] as ort.Tensor, actual[name] as ort.Tensor);
    if (!(d.rel <= worst.rel) || Number.isNaN(d.rel)) worst = { maxAbs: Math.max(worst.maxAbs, d.maxAbs), rel: d.rel };
    else worst = { maxAbs: Math.max(worst.maxAbs, d.maxAbs), rel: worst.rel };
  }
  return worst;
}

export function exists(file: string): boolean {
  return fs.existsSync(file);
}

export function format(d: Difference): string {
  return `max abs ${d.maxAbs.toExponential(2)}, rel ${d.rel.toExponential(2)}`;
}
