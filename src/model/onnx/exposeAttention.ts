// Runs in the engine worker (Node): adds the attention tensors of every block as extra graph outputs.
import { onnx } from 'onnx-proto';
import { QkvError } from '../../../shared/errors';
import { TENSOR_KINDS, type TensorKind } from '../../../shared/attentionResult';
import { decodeModel } from './onnxGraph';
import { findAttention, FUSED_ATTENTION_OPS, type AttentionSite } from './findAttention';
import { UnsupportedFusedNode } from './fused/fusedNode';
import { openFusedAttention } from './fused/openFused';

export interface ExposedModel {
  /** The original model bytes with the patch appended. */
  readonly bytes: Uint8Array;
  /** Attention blocks in graph order; outputName(i, kind) names their tensors. */
  readonly sites: readonly AttentionSite[];
  /** The decoded graph (fused nodes opened up), for anything else read from the weights (position embeddings). */
  readonly graph: onnx.IGraphProto;
  /** The fused attention operators that were opened up, one per node ("com.microsoft.Attention"); empty when none. */
  readonly fused: readonly string[];
}

export function outputName(site: number, kind: TensorKind): string {
  return `qkv_scope.${site}.${kind}`;
}

/**
 * Finds the attention blocks and returns model bytes that also output probs, q, k and v of each, as float32.
 *
 * The original bytes are kept untouched and a second serialized ModelProto holding only the new nodes and
 * outputs is appended: protobuf merges repeated fields of the same message, so this equals an edited model
 * without re-encoding hundreds of megabytes of weights. Original nodes and outputs are unchanged.
 */
export function exposeAttention(bytes: Uint8Array, modelLabel: string): ExposedModel {
  let model: onnx.ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    throw new QkvError('model-invalid', `${modelLabel}: model.onnx is not a readable ONNX model (${(error as Error).message}).`);
  }
  const graph = model.graph;
  if (!graph) throw new QkvError('model-invalid', `${modelLabel}: model.onnx has no graph.`);
  const fused = openFused(graph, modelLabel);
  // Opening up removes nodes, which an appended patch cannot do: the model is encoded again (graph only, small
  // next to its weights when they live in external data).
  const base = fused.length > 0 ? onnx.ModelProto.encode(model).finish() : bytes;
  const sites = findAttention(graph);
  if (sites.length === 0) throw new QkvError('no-attention', explainNoAttention(graph, modelLabel));

  const nodes: onnx.INodeProto[] = [];
  const outputs: onnx.IValueInfoProto[] = [];
  sites.forEach((site, i) => {
    for (const kind of TENSOR_KINDS) {
      const name = outputName(i, kind);
      const source = site[kind];
      if (kind === 'k' && site.kIsTransposed) {
        const untransposed = `${name}.untransposed`;
        nodes.push(transposeLastTwo(source, untransposed, `${name}.transpose`));
        nodes.push(castToFloat(untransposed, name));
      } else {
        nodes.push(castToFloat(source, name));
      }
      outputs.push({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } });
    }
  });
  const tail = onnx.ModelProto.encode({ graph: { node: nodes, output: outputs } }).finish();
  const patched = new Uint8Array(base.byteLength + tail.byteLength);
  patched.set(base, 0);
  patched.set(tail, base.byteLength);
  return { bytes: patched, sites, graph, fused };
}

function openFused(graph: onnx.IGraphProto, modelLabel: string): string[] {
  try {
    return openFusedAttention(graph);
  } catch (error) {
    if (error instanceof UnsupportedFusedNode) throw new QkvError('no-attention', `${modelLabel}: ${error.message}`);
    throw error;
  }
}

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

function transposeLastTwo(input: string, output: string, name: string): onnx.INodeProto {
  return {
    opType: 'Transpose',
    name,
    input: [input],
    output: [output],
    attribute: [{ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [0, 1, 3, 2] }],
  };
}

function explainNoAttention(graph: onnx.IGraphProto, modelLabel: string): string {
  const ops = new Set((graph.node ?? []).map((n) => n.opType ?? ''));
  const fused = [...ops].filter((op) => FUSED_ATTENTION_OPS.has(op));
  if (fused.length > 0) {
    return `${modelLabel}: attention is computed inside fused ${fused.join(', ')} operators, which expose no attention ` +
      'probabilities. Use an export without fused attention (for example an unoptimized optimum export).';
  }
  if (ops.has('If') || ops.has('Loop')) {
    return `${modelLabel}: attention sits inside If/Loop subgraphs (a merged decoder). Use model.onnx or decoder_model.onnx instead.`;
  }
  if (!ops.has('Softmax')) return `${modelLabel}: the graph has no Softmax, so it has no attention to show.`;
  return `${modelLabel}: no Softmax in the graph sits between a Q·Kᵀ MatMul and a MatMul with V, so no attention block was found.`;
}
