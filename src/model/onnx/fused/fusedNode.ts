// Runs in the engine worker (Node): reading one fused attention node: its attributes, its optional inputs,
// and what the graph declares about the tensors around it (element type, rank).
import { onnx } from 'onnx-proto';
import type { GraphIndex } from '../onnxGraph';

/** A fused node uses an attribute combination we do not open up; the message names it in one sentence. */
export class UnsupportedFusedNode extends Error {
  constructor(readonly opType: string, readonly nodeName: string, readonly combination: string) {
    super(`the fused ${opType} node "${nodeName}" uses ${combination}, which QKV Scope does not open up yet.`);
  }
}

/** Ops whose output type is not their first input's. */
const INT64_OUTPUT = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin']);
const SEARCH_DEPTH = 64;
/** Ops whose output has their input's shape. */
const SAME_SHAPE = new Set(['Cast', 'Identity']);

export class FusedNode {
  readonly opType: string;
  readonly name: string;

  constructor(readonly node: onnx.INodeProto, private readonly ix: GraphIndex, private readonly types: TypeTable) {
    this.opType = `${node.domain === 'com.microsoft' ? 'com.microsoft' : 'ai.onnx'}.${node.opType ?? ''}`;
    this.name = node.name || (node.output?.[0] ?? opTypeLabel(node));
  }

  /** Input `i`, or '' when absent (optional inputs are left out or written as ''). */
  input(i: number): string {
    return this.node.input?.[i] ?? '';
  }

  has(i: number): boolean {
    return this.input(i) !== '';
  }

  output(i: number): string {
    return this.node.output?.[i] ?? '';
  }

  int(name: string, fallback: number): number {
    const a = this.attribute(name);
    return a?.i !== undefined && a.i !== null ? Number(a.i) : fallback;
  }

  float(name: string, fallback: number): number {
    const a = this.attribute(name);
    return a?.f !== undefined && a.f !== null && a.type === onnx.AttributeProto.AttributeType.FLOAT ? a.f : fallback;
  }

  ints(name: string): number[] | undefined {
    const a = this.attribute(name);
    return a?.ints && a.ints.length > 0 ? a.ints.map(Number) : undefined;
  }

  string(name: string): string | undefined {
    const a = this.attribute(name);
    return a?.s && a.s.length > 0 ? new TextDecoder().decode(a.s) : undefined;
  }

  refuse(combination: string): never {
    throw new UnsupportedFusedNode(this.opType, this.name, combination);
  }

  /** The declared rank of a tensor (inputs, outputs, value_info, initializers), followed back through casts. */
  rank(tensor: string): number | undefined {
    return this.declared(tensor)?.dims?.length;
  }

  /** The declared dimensions; a dimension the graph leaves symbolic is undefined. */
  dims(tensor: string): readonly (number | undefined)[] | undefined {
    return this.declared(tensor)?.dims;
  }

  private declared(tensor: string): TensorType | undefined {
    for (let depth = 0; depth < SEARCH_DEPTH; depth++) {
      const known = this.types.get(tensor);
      if (known?.dims) return known;
      const producer = this.ix.producer(tensor);
      if (!producer || !SAME_SHAPE.has(producer.opType ?? '')) return undefined;
      tensor = producer.input?.[0] ?? '';
    }
    return undefined;
  }

  /** The element type of a tensor: declared, or followed back through the nodes that make it. */
  elementType(tensor: string, depth = 0): number | undefined {
    const declared = this.types.get(tensor)?.elemType;
    if (declared) return declared;
    const producer = this.ix.producer(tensor);
    if (!producer || depth > SEARCH_DEPTH) return undefined;
    const op = producer.opType ?? '';
    if (op === 'Cast') return Number(producer.attribute?.find((a) => a.name === 'to')?.i ?? 0) || undefined;
    if (op === 'Constant') return producer.attribute?.find((a) => a.name === 'value')?.t?.dataType ?? undefined;
    if (INT64_OUTPUT.has(op)) return onnx.TensorProto.DataType.INT64;
    for (const input of producer.input ?? []) {
      if (input === '') continue;
      const found = this.elementType(input, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  private attribute(name: string): onnx.IAttributeProto | undefined {
    return this.node.attribute?.find((a) => a.name === name);
  }
}

export interface TensorType {
  readonly elemType?: number;
  /** Absent when the graph declares no shape. */
  readonly dims?: readonly (number | undefined)[];
}

export type TypeTable = ReadonlyMap<string, TensorType>;

/** Everything the graph declares about its tensors' types and ranks. */
export function typeTable(graph: onnx.IGraphProto): TypeTable {
  const table = new Map<string, TensorType>();
  for (const info of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) {
    const tensorType = info.type?.tensorType;
    if (!info.name || !tensorType) continue;
    const dims = tensorType.shape?.dim?.map((d) => ((d as onnx.TensorShapeProto.Dimension).value === 'dimValue'
      ? Number(d.dimValue) : undefined));
    table.set(info.name, { elemType: tensorType.elemType ?? undefined, dims: tensorType.shape ? dims ?? [] : undefined });
  }
  for (const init of graph.initializer ?? []) {
    if (init.name) table.set(init.name, { elemType: init.dataType ?? undefined, dims: (init.dims ?? []).map(Number) });
  }
  return table;
}

function opTypeLabel(node: onnx.INodeProto): string {
  return node.opType ?? 'attention';
}
