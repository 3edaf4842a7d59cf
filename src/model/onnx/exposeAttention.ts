// Runs in the engine worker (Node): adds the attention tensors of every block as extra graph outputs.
import { onnx } from 'onnx-proto';
import { QkvError } from '../../../shared/errors';
import { TENSOR_KINDS } from '../../../shared/attentionResult';
import * as path from 'node:path';
import { checkExternalData, externalDataFiles } from './externalData';
import { decodeModel } from './onnxGraph';
import { findAttention, FUSED_ATTENTION_OPS, type AttentionSite } from './findAttention';
import { UnsupportedFusedNode } from './fused/fusedNode';
import { fusedOrigin, openFusedAttention, type OpenedNode } from './fused/openFused';
import { innerDecoder } from './innerDecoder';

export interface ExposedModel {
  /** The original model bytes with the patch appended. */
  readonly bytes: Uint8Array;
  /** Attention blocks in graph order; outputName(i, kind) names their tensors. */
  readonly sites: readonly AttentionSite[];
  /** The decoded graph (fused nodes opened up), for anything else read from the weights (position embeddings). */
  readonly graph: onnx.IGraphProto;
  /** The fused attention operators that were opened up, one per node ("com.microsoft.Attention"); empty when none. */
  readonly fused: readonly string[];
  /** For each site, the fused operator it was opened from; undefined for a block in standard operators. */
  readonly fusedOrigin: readonly (string | undefined)[];
  /** The graph computes in float16 or on quantized scores: its numbers agree with a float64 recompute less closely. */
  readonly lowPrecision: boolean;
  /** The graph is a generation loop ("BeamSearch"…) and these are the bytes and blocks of the decoder it holds. */
  readonly insideWrapper?: string;
}

const OUTPUT_PREFIX = 'qkv_scope.';

export function outputName(site: number, kind: ExposedKind): string {
  return `${OUTPUT_PREFIX}${site}.${kind}`;
}

/** The outputs surgery added, among a patched session's outputs. */
export function exposedOutputs(session: { readonly outputNames: readonly string[] }): string[] {
  return session.outputNames.filter((name) => name.startsWith(OUTPUT_PREFIX));
}

/**
 * Finds the attention blocks and returns model bytes that also output probs, q, k and v of each, as float32.
 *
 * The original bytes are kept untouched and a second serialized ModelProto holding only the new nodes and
 * outputs is appended: protobuf merges repeated fields of the same message, so this equals an edited model
 * without re-encoding hundreds of megabytes of weights. Original nodes and outputs are unchanged.
 */
export function exposeAttention(bytes: Uint8Array, modelLabel: string, graphPath?: string): ExposedModel {
  const model = decodeChecked(bytes, modelLabel, graphPath);
  const graph = model.graph!;
  if (graphPath) checkExternalData(externalDataFiles(graph), graphPath, modelLabel);
  const opened = openFused(model, modelLabel);
  const fused = opened.map((node) => node.op);
  // Opening up removes nodes, which an appended patch cannot do: the model is encoded again (small when its
  // weights live in external data, a copy of them otherwise).
  const base = fused.length > 0 ? onnx.ModelProto.encode(model).finish() : bytes;
  const sites = findAttention(graph);
  if (sites.length === 0) {
    const inner = innerDecoder(model);
    if (inner) return { ...exposeAttention(inner.bytes, `${modelLabel} (the decoder inside ${inner.wrapper})`, graphPath), insideWrapper: inner.wrapper };
    throw new QkvError('no-attention', explainNoAttention(graph, modelLabel));
  }

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
  const patched = new Uint8Array(base.byteLength + tail.byteLength);
  patched.set(base, 0);
  patched.set(tail, base.byteLength);
  const origins = sites.map((site) => fusedOrigin(opened, site.softmaxNode));
  return { bytes: patched, sites, graph, fused, fusedOrigin: origins, lowPrecision: usesFloat16(graph) || sites.some((site) => site.quantizedScores) };
}

/** Opens up fused attention in place; an attribute combination we do not implement is refused in one sentence. */
export function openFused(model: onnx.IModelProto, modelLabel: string): OpenedNode[] {
  try {
    return openFusedAttention(model);
  } catch (error) {
    if (error instanceof UnsupportedFusedNode) throw new QkvError('no-attention', `${modelLabel}: ${error.message}`);
    throw error;
  }
}

/** Decodes a graph, or says in one sentence that the file is not one. */
export function decodeGraph(bytes: Uint8Array, modelLabel: string, graphPath?: string): onnx.IGraphProto {
  return decodeChecked(bytes, modelLabel, graphPath).graph!;
}

/** Decodes a model that has a graph, or says in one sentence that the file is not one. */
export function decodeChecked(bytes: Uint8Array, modelLabel: string, graphPath?: string): onnx.ModelProto {
  const file = graphPath ? path.basename(graphPath) : 'the graph';
  let model: onnx.ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    throw new QkvError('model-invalid', `${modelLabel}: ${file} is not a readable ONNX model (${(error as Error).message}).`);
  }
  if (!model.graph) throw new QkvError('model-invalid', `${modelLabel}: ${file} has no graph.`);
  return model;
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
    return `${modelLabel}: attention is computed inside fused ${fused.join(', ')} operators, which QKV Scope does not open up ` +
      '(it opens Attention, MultiHeadAttention, GroupQueryAttention and ONNX Attention). Use an export without fused attention ' +
      '(for example an unoptimized optimum export).';
  }
  if (wrapper && (wrapper.opType === 'If' || wrapper.opType === 'Loop' || wrapper.opType === 'Scan')) {
    return `${modelLabel}: attention sits inside ${wrapper.opType} subgraphs (a merged decoder, decoder_model_merged.onnx). ` +
      'Use decoder_model.onnx or model.onnx from the same export instead.';
  }
  if (wrapper) {
    return `${modelLabel}: the decoder runs inside a ${wrapper.opType} node (a generation loop exported by onnxruntime's convert_generation) ` +
      'and holds no decoder graph QKV Scope can read. Use the decoder graph it was built from (decoder_model.onnx or model.onnx, without the search) instead.';
  }
  if (!ops.has('Softmax')) return `${modelLabel}: the graph has no Softmax, so it has no attention to show.`;
  return `${modelLabel}: no Softmax in the graph sits between a Q·Kᵀ MatMul and a MatMul with V, so no attention block was found.`;
}
