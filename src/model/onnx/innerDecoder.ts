// Runs in Node (engine worker, CLI inspect): the decoder a generation loop holds. onnxruntime's convert_generation
// wraps a decoder graph in a BeamSearch, GreedySearch or Sampling node (its `decoder` attribute); that graph is an
// ordinary decoder, so it can be run on its own, one forward pass over the text, like decoder_model.onnx.
import { onnx } from 'onnx-proto';

const LOOPS = new Set(['BeamSearch', 'GreedySearch', 'Sampling', 'WhisperBeamSearch']);

export interface InnerDecoder {
  /** The wrapper's op type, e.g. "BeamSearch". */
  readonly wrapper: string;
  /** A standalone model: the decoder graph, with any outer initializers it reads, and the outer model's opsets. */
  readonly bytes: Uint8Array;
}

export function innerDecoder(model: onnx.IModelProto): InnerDecoder | undefined {
  const graph = model.graph;
  const node = graph?.node?.find((n) => LOOPS.has(n.opType ?? ''));
  const decoder = node?.attribute?.find((a) => a.name === 'decoder')?.g;
  if (!graph || !node || !decoder) return undefined;
  // A decoder subgraph may read weights the wrapper's graph holds (shared between encoder and decoder).
  const own = new Set([...(decoder.initializer ?? []), ...(decoder.input ?? [])].map((t) => t.name ?? ''));
  for (const n of decoder.node ?? []) for (const out of n.output ?? []) own.add(out);
  const used = new Set((decoder.node ?? []).flatMap((n) => n.input ?? []));
  const outer = (graph.initializer ?? []).filter((t) => used.has(t.name ?? '') && !own.has(t.name ?? ''));
  const standalone: onnx.IModelProto = {
    irVersion: model.irVersion,
    opsetImport: model.opsetImport,
    producerName: model.producerName,
    graph: { ...decoder, initializer: [...(decoder.initializer ?? []), ...outer] },
  };
  return { wrapper: node.opType ?? 'BeamSearch', bytes: onnx.ModelProto.encode(standalone).finish() };
}
