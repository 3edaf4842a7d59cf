// Runs in the engine worker (Node): an index over an ONNX graph for walking it by structure.
import { onnx } from 'onnx-proto';

/** Ops whose output is known before the model sees any input when all their inputs are. */
const SHAPE_OPS = new Set(['Shape', 'Size', 'ConstantOfShape', 'Constant']);

export interface GraphIndex {
  readonly graph: onnx.IGraphProto;
  /** The node that writes each tensor. */
  producer(tensor: string): onnx.INodeProto | undefined;
  /** The nodes that read each tensor. */
  consumers(tensor: string): readonly onnx.INodeProto[];
  /**
   * True when a tensor does not depend on the input values: weights, constants and shape arithmetic.
   * Scaling by a static tensor is a constant scale; a MatMul of two non-static tensors is an activation product.
   */
  isStatic(tensor: string): boolean;
  /** The initializer of that name, if any. */
  initializer(tensor: string): onnx.ITensorProto | undefined;
}

export function decodeModel(bytes: Uint8Array): onnx.ModelProto {
  // A plain Uint8Array view (not a Buffer) makes protobufjs slice with subarray and avoids its deprecated `new Buffer(0)`.
  return onnx.ModelProto.decode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

export function indexGraph(graph: onnx.IGraphProto): GraphIndex {
  const producers = new Map<string, onnx.INodeProto>();
  const consumers = new Map<string, onnx.INodeProto[]>();
  const initializerByName = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const initializers = new Set(initializerByName.keys());
  const inputs = new Set((graph.input ?? []).map((v) => v.name ?? ''));
  for (const node of graph.node ?? []) {
    for (const out of node.output ?? []) producers.set(out, node);
    for (const inp of node.input ?? []) {
      const list = consumers.get(inp);
      if (list) list.push(node);
      else consumers.set(inp, [node]);
    }
  }

  const staticMemo = new Map<string, boolean>();
  const isStatic = (tensor: string): boolean => {
    if (tensor === '' || initializers.has(tensor)) return true;
    if (inputs.has(tensor)) return false;
    const known = staticMemo.get(tensor);
    if (known !== undefined) return known;
    staticMemo.set(tensor, false); // guards against cycles while we recurse
    const node = producers.get(tensor);
    const result = node !== undefined && (SHAPE_OPS.has(node.opType ?? '') || (node.input ?? []).every(isStatic));
    staticMemo.set(tensor, result);
    return result;
  };

  return {
    graph,
    producer: (tensor) => producers.get(tensor),
    consumers: (tensor) => consumers.get(tensor) ?? [],
    isStatic,
    initializer: (tensor) => initializerByName.get(tensor),
  };
}
