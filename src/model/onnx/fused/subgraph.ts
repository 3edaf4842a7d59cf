// Runs in the engine worker (Node): writes the standard-operator nodes that replace one fused attention node.
// Only operators whose meaning is the same in every opset from 11 on are used (no Unsqueeze, Squeeze, Split or
// ReduceSum, whose axes moved from attributes to inputs), so the nodes fit the model's own opset unchanged.
import { onnx } from 'onnx-proto';

const { FLOAT, INT64 } = onnx.TensorProto.DataType;
const AttrType = onnx.AttributeProto.AttributeType;

/** An attribute of a node we write: an integer, an integer list, a float (`{ float }`) or a tensor (`{ tensor }`). */
export type AttributeValue = number | readonly number[] | { readonly float: number } | { readonly tensor: onnx.ITensorProto };
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** The nodes of one opened-up fused node, named after it so that the layer number in its name survives. */
export class Subgraph {
  readonly nodes: onnx.INodeProto[] = [];
  private readonly prefix: string;
  private count = 0;

  /** Every new tensor and node is named `${prefixOf(fusedName)}/…`. */
  constructor(fusedName: string) {
    this.prefix = Subgraph.prefixOf(fusedName);
  }

  static prefixOf(fusedName: string): string {
    return `${fusedName}/qkv_scope_open`;
  }

  /** Adds one node and returns the name of its (first) output; `outputs` fixes the output names. */
  op(opType: string, inputs: readonly string[], attributes: Attributes = {}, outputs?: readonly string[]): string {
    const name = `${this.prefix}/${opType}_${this.count++}`;
    const output = outputs ?? [`${name}/output_0`];
    this.nodes.push({ opType, name, input: [...inputs], output: [...output], attribute: toAttributes(attributes) });
    return output[0];
  }

  /** A constant int64 tensor: a 1-D list, or a scalar (0-D) when given a plain number. */
  ints(values: number | readonly number[]): string {
    const scalar = typeof values === 'number';
    const list = scalar ? [values] : values;
    return this.constant({ dataType: INT64, dims: scalar ? [] : [list.length], int64Data: list.map(Number) });
  }

  /** A constant float32 scalar. */
  scalar(value: number): string {
    return this.constant({ dataType: FLOAT, dims: [], floatData: [value] });
  }

  /** Dimension `axis` of `tensor`'s shape as a 0-D int64 (for Range) or, with `asList`, a 1-D list of one. */
  dim(tensor: string, axis: number, asList = false): string {
    return this.op('Gather', [this.op('Shape', [tensor]), this.ints(asList ? [axis] : axis)], { axis: 0 });
  }

  /** Reshape with a constant target (0 copies the input's dimension, −1 takes the rest). */
  reshape(tensor: string, shape: readonly number[]): string {
    return this.op('Reshape', [tensor, this.ints(shape)]);
  }

  transpose(tensor: string, perm: readonly number[]): string {
    return this.op('Transpose', [tensor], { perm });
  }

  /** The slice [start, end) of the last axis `axis` (given as a non-negative index), by gathering its indices. */
  take(tensor: string, axis: number, start: number, end: number): string {
    return this.op('Gather', [tensor, this.ints(range(start, end))], { axis });
  }

  /** Inserts an axis of length 1 at `axis` into a tensor of rank `rank` (what Unsqueeze does, in any opset). */
  insertAxis(tensor: string, rank: number, axis: number): string {
    const shape = this.op('Shape', [tensor]);
    const pick = (from: number, to: number) => this.op('Gather', [shape, this.ints(range(from, to))], { axis: 0 });
    const parts = [...(axis > 0 ? [pick(0, axis)] : []), this.ints([1]), ...(axis < rank ? [pick(axis, rank)] : [])];
    return this.op('Reshape', [tensor, this.op('Concat', parts, { axis: 0 })]);
  }

  /** Axis `axis` from `start` to its end (Slice, opset 10 and later). */
  sliceFrom(tensor: string, axis: number, start: number): string {
    return this.op('Slice', [tensor, this.ints([start]), this.ints([Number.MAX_SAFE_INTEGER]), this.ints([axis])]);
  }

  cast(tensor: string, to: number): string {
    return this.op('Cast', [tensor], { to });
  }

  private constant(tensor: onnx.ITensorProto): string {
    return this.op('Constant', [], { value: { tensor } });
  }
}

export function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}

function toAttributes(attributes: Attributes): onnx.IAttributeProto[] {
  return Object.entries(attributes).map(([name, value]): onnx.IAttributeProto => {
    if (typeof value === 'number') return { name, type: AttrType.INT, i: value };
    if (isList(value)) return { name, type: AttrType.INTS, ints: [...value] };
    if ('float' in value) return { name, type: AttrType.FLOAT, f: value.float };
    return { name, type: AttrType.TENSOR, t: value.tensor };
  });
}

function isList(value: AttributeValue): value is readonly number[] {
  return Array.isArray(value);
}
