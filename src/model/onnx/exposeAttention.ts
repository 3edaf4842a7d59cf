// Runs in the engine worker (Node): adds the attention tensors of every block as extra graph outputs.
import { onnx } from 'onnx-proto';
import { QkvError } from '../../../shared/errors';
import { TENSOR_KINDS } from '../../../shared/attentionResult';
import * as path from 'node:path';
import { checkExternalData, externalDataFiles } from './externalData';
import { decodeModel } from './onnxGraph';
import { findAttention, FUSED_ATTENTION_OPS, type AttentionSite } from './findAttention';

export interface ExposedModel {
  /** The original model bytes with the patch appended. */
  readonly bytes: Uint8Array;
  /** Attention blocks in graph order; outputName(i, kind) names their tensors. */
  readonly sites: readonly AttentionSite[];
  /** The decoded original graph, for anything else read from the weights (position embeddings). */
  readonly graph: onnx.IGraphProto;
  /** The graph computes in float16 or on quantized scores: its numbers agree with a float64 recompute less closely. */
  readonly lowPrecision: boolean;
}

export function outputName(site: number, kind: ExposedKind): string {
  return `qkv_scope.${site}.${kind}`;
}

/**
 * Finds the attention blocks and returns model bytes that also output probs, q, k and v of each, as float32.
 *
 * The original bytes are kept untouched and a second serialized ModelProto holding only the new nodes and
 * outputs is appended: protobuf merges repeated fields of the same message, so this equals an edited model
 * without re-encoding hundreds of megabytes of weights. Original nodes and outputs are unchanged.
 */
export function exposeAttention(bytes: Uint8Array, modelLabel: string, graphPath?: string): ExposedModel {
  const graph = decodeGraph(bytes, modelLabel, graphPath);
  if (graphPath) checkExternalData(externalDataFiles(graph), graphPath, modelLabel);
  const sites = findAttention(graph);
  if (sites.length === 0) throw new QkvError('no-attention', explainNoAttention(graph, modelLabel));

  const nodes: onnx.INodeProto[] = [];
  const outputs: onnx.IValueInfoProto[] = [];
  sites.forEach((site, i) => {
    for (const kind of EXPOSED_KINDS) {
      const name = outputName(i, kind);
      // Kᵀ leaves as it is and the run swaps its last two axes: that works for 3-D and 4-D alike.
      nodes.push(castToFloat(site[kind], name));
      outputs.push({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } });
    }
  });
  const tail = onnx.ModelProto.encode({ graph: { node: nodes, output: outputs } }).finish();
  const patched = new Uint8Array(bytes.byteLength + tail.byteLength);
  patched.set(bytes, 0);
  patched.set(tail, bytes.byteLength);
  return { bytes: patched, sites, graph, lowPrecision: usesFloat16(graph) || sites.some((site) => site.quantizedScores) };
}

/** Decodes a graph, or says in one sentence that the file is not one. */
export function decodeGraph(bytes: Uint8Array, modelLabel: string, graphPath?: string): onnx.IGraphProto {
  const file = graphPath ? path.basename(graphPath) : 'the graph';
  let model: onnx.ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    throw new QkvError('model-invalid', `${modelLabel}: ${file} is not a readable ONNX model (${(error as Error).message}).`);
  }
  if (!model.graph) throw new QkvError('model-invalid', `${modelLabel}: ${file} has no graph.`);
  return model.graph;
}

function usesFloat16(graph: onnx.IGraphProto): boolean {
  const half = onnx.TensorProto.DataType.FLOAT16;
  return (graph.initializer ?? []).some((t) => t.dataType === half) || (graph.input ?? []).some((v) => v.type?.tensorType?.elemType === half);
}

/** Every tensor of a block that the patched graph outputs: the Softmax input (scores) besides probs, q, k and v. */
export const EXPOSED_KINDS = ['scores', ...TENSOR_KINDS] as const;
export type ExposedKind = (typeof EXPOSED_KINDS)[number];

/** A Cast to float32 both names the output and makes float16 models report float32. */
function castToFloat(input: string, output: string): onnx.INodeProto {
  return {
    opType: 'Cast',
    name: `${output}.cast`,
    input: [input],
    output: [output],
    attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: onnx.TensorProto.DataType.FLOAT }],
  };
}

/** Decoding loops whose decoder runs inside a subgraph; the exported decoder itself is the file to use. */
const WRAPPERS = new Set(['BeamSearch', 'GreedySearch', 'Sampling', 'WhisperBeamSearch', 'If', 'Loop', 'Scan']);

/** One true sentence for a graph with no attention block we can read. */
export function explainNoAttention(graph: onnx.IGraphProto, modelLabel: string): string {
  const ops = new Set((graph.node ?? []).map((n) => n.opType ?? ''));
  const fused = [...ops].filter((op) => FUSED_ATTENTION_OPS.has(op));
  const wrapper = (graph.node ?? []).find((n) => WRAPPERS.has(n.opType ?? ''));
  if (fused.length > 0) {
    return `${modelLabel}: attention is computed inside fused ${fused.join(', ')} operators, which expose no attention ` +
      'probabilities. Use an export without fused attention (for example an unoptimized optimum export).';
  }
  if (wrapper && (wrapper.opType === 'If' || wrapper.opType === 'Loop' || wrapper.opType === 'Scan')) {
    return `${modelLabel}: attention sits inside ${wrapper.opType} subgraphs (a merged decoder, decoder_model_merged.onnx). ` +
      'Use decoder_model.onnx or model.onnx from the same export instead.';
  }
  if (wrapper) {
    return `${modelLabel}: the decoder runs inside a ${wrapper.opType} node (a generation loop exported by onnxruntime's convert_generation). ` +
      'Use the decoder graph it was built from (decoder_model.onnx or model.onnx, without the search) instead.';
  }
  if (!ops.has('Softmax')) return `${modelLabel}: the graph has no Softmax, so it has no attention to show.`;
  return `${modelLabel}: no Softmax in the graph sits between a Q·Kᵀ MatMul and a MatMul with V, so no attention block was found.`;
}
