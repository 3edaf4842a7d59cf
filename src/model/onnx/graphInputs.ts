// Runs in Node (engine worker, CLI inspect): the inputs a graph really asks for, read from its own metadata:
// name, element type and shape. Inputs backed by an initializer have a default and are never fed.
import { onnx } from 'onnx-proto';

/** Element types as onnxruntime-node names them. */
export type ElementType = 'float32' | 'float16' | 'float64' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool' | 'string' | 'unknown';

export interface GraphInput {
  readonly name: string;
  readonly type: ElementType;
  /** A number for a fixed size, the symbol ("batch_size", "sequence_length") or "?" for a free one. */
  readonly dims: readonly (number | string)[];
}

const { DataType } = onnx.TensorProto;
const TYPES = new Map<number, ElementType>([
  [DataType.FLOAT, 'float32'], [DataType.FLOAT16, 'float16'], [DataType.DOUBLE, 'float64'], [DataType.INT64, 'int64'],
  [DataType.INT32, 'int32'], [DataType.INT8, 'int8'], [DataType.UINT8, 'uint8'], [DataType.BOOL, 'bool'], [DataType.STRING, 'string'],
]);

export function graphInputs(graph: onnx.IGraphProto): GraphInput[] {
  const initialized = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  return (graph.input ?? []).filter((v) => !initialized.has(v.name ?? '')).map((v) => {
    const tensor = v.type?.tensorType;
    const dims = (tensor?.shape?.dim ??
      []).map((d) => (d.dimValue != null && Number(d.dimValue) > 0 ? Number(d.dimValue) : d.dimParam || '?'));
    return { name: v.name ?? '', type: TYPES.get(tensor?.elemType ?? -1) ?? 'unknown', dims };
  });
}

/** "int64 [batch_size, sequence_length]". */
export function describeInput(input: GraphInput): string {
  return `${input.type} [${input.dims.join(', ')}]`;
}
