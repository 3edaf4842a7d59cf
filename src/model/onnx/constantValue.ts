// Runs in Node (engine worker, CLI inspect): the value of a constant scalar in a graph (a scale such as 1/√d or
// 8, a soft-capping limit), read from an initializer or a Constant node and simple arithmetic on them.
import { onnx } from 'onnx-proto';
import type { GraphIndex } from './onnxGraph';

const { DataType } = onnx.TensorProto;

/** The tensor's single value (or the value all its elements share), or undefined when it is not a readable constant. */
export function scalarValue(ix: GraphIndex, tensor: string, depth = 0): number | undefined {
  if (depth > 8) return undefined;
  const initializer = ix.initializer(tensor);
  if (initializer) return uniformValue(initializer);
  const node = ix.producer(tensor);
  if (!node) return undefined;
  const [a = '', b = ''] = node.input ?? [];
  const value = (name: string) => scalarValue(ix, name, depth + 1);
  switch (node.opType) {
    case 'Constant': {
      const attribute = node.attribute?.[0];
      if (!attribute) return undefined;
      if (attribute.name === 'value_float') return attribute.f ?? undefined;
      if (attribute.name === 'value_int') return Number(attribute.i);
      return attribute.t ? uniformValue(attribute.t) : undefined;
    }
    case 'Cast': case 'Identity': case 'Squeeze': case 'Unsqueeze': case 'Reshape': case 'Expand': return value(a);
    case 'Sqrt': return apply(value(a), Math.sqrt);
    case 'Reciprocal': return apply(value(a), (x) => 1 / x);
    case 'Neg': return apply(value(a), (x) => -x);
    case 'Mul': return both(value(a), value(b), (x, y) => x * y);
    case 'Div': return both(value(a), value(b), (x, y) => x / y);
    case 'Add': return both(value(a), value(b), (x, y) => x + y);
    case 'Sub': return both(value(a), value(b), (x, y) => x - y);
    case 'Pow': return both(value(a), value(b), (x, y) => x ** y);
    default: return undefined;
  }
}

function apply(x: number | undefined, f: (x: number) => number): number | undefined {
  return x === undefined ? undefined : f(x);
}

function both(x: number | undefined, y: number | undefined, f: (x: number, y: number) => number): number | undefined {
  return x === undefined || y === undefined ? undefined : f(x, y);
}

/** Every element, as numbers (booleans as 0 and 1); undefined for other types or for data stored outside the graph. */
export function tensorValues(t: onnx.ITensorProto): number[] | undefined {
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const read: Record<number, [number, (offset: number) => number]> = {
      [DataType.FLOAT]: [4, (o) => view.getFloat32(o, true)],
      [DataType.DOUBLE]: [8, (o) => view.getFloat64(o, true)],
      [DataType.FLOAT16]: [2, (o) => halfToFloat(view.getUint16(o, true))],
      [DataType.INT64]: [8, (o) => Number(view.getBigInt64(o, true))],
      [DataType.INT32]: [4, (o) => view.getInt32(o, true)],
      [DataType.BOOL]: [1, (o) => view.getUint8(o)],
      [DataType.UINT8]: [1, (o) => view.getUint8(o)],
      [DataType.INT8]: [1, (o) => view.getInt8(o)],
    };
    const reader = read[t.dataType ?? -1];
    if (!reader) return undefined;
    const [width, at] = reader;
    return Array.from({ length: raw.byteLength / width }, (_, i) => at(i * width));
  }
  if (t.floatData?.length) return [...t.floatData];
  if (t.doubleData?.length) return [...t.doubleData];
  if (t.int64Data?.length) return t.int64Data.map(Number);
  if (t.int32Data?.length) return t.dataType === DataType.FLOAT16 ? t.int32Data.map(halfToFloat) : [...t.int32Data];
  return undefined;
}

function uniformValue(t: onnx.ITensorProto): number | undefined {
  const values = tensorValues(t);
  if (!values || values.length === 0 || values.length > 4096) return undefined;
  return values.every((v) => v === values[0]) ? values[0] : undefined;
}

export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
