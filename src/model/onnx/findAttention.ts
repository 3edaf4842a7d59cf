// Runs in the engine worker (Node): finds every attention block of an ONNX graph by its structure,
//   Softmax ← {Add, Sub, Mul, Div, Where, Cast}* ← MatMul(Q, Kᵀ)   and   Softmax → {Cast}* → MatMul(P, V),
// never by node names, so it works on any exporter's naming.
import { onnx } from 'onnx-proto';
import { indexGraph, type GraphIndex } from './onnxGraph';

/** One attention block: the names of the tensors that hold its probabilities, Q, Kᵀ (or K) and V. */
export interface AttentionSite {
  /** Layer number read from the node name when it has one ("h.3", "layer.3", "layers.3"), else graph order. */
  readonly layer: number;
  readonly softmaxNode: string;
  /** Softmax output [B, H, S, S]. */
  readonly probs: string;
  /** Q as it enters Q·Kᵀ, with any constant scale stripped: [B, H, S, D]. */
  readonly q: string;
  /** K as it enters Q·Kᵀ, constant scale stripped. Either Kᵀ [B, H, D, S] or, when its transpose was found, K itself. */
  readonly k: string;
  readonly kIsTransposed: boolean;
  /** V as it enters P·V: [B, H, S, D]. */
  readonly v: string;
  /** Q·Kᵀ is a MatMulInteger on dynamically quantized Q and K. */
  readonly quantizedScores: boolean;
}

/** Ops that can sit between Q·Kᵀ and Softmax: scaling, masking, bias, type casts, soft-capping (tanh). */
const SCORE_PATH_OPS = new Set(['Add', 'Sub', 'Mul', 'Div', 'Where', 'Cast', 'Identity', 'Tanh']);
/** Ops that can sit between Softmax and P·V. */
const PROBS_PATH_OPS = new Set(['Cast', 'Identity', 'DynamicQuantizeLinear']);
/** Fused kernels that compute attention internally, with no Softmax to read. */
export const FUSED_ATTENTION_OPS = new Set([
  'Attention', 'MultiHeadAttention', 'GroupQueryAttention', 'PackedAttention', 'PackedMultiHeadAttention',
  'DecoderMaskedMultiHeadAttention', 'DecoderMaskedSelfAttention', 'SparseAttention', 'LongformerAttention',
]);
const MATMULS = new Set(['MatMul', 'MatMulInteger']);
const SEARCH_DEPTH = 12;

export function findAttention(graph: onnx.IGraphProto): AttentionSite[] {
  const ix = indexGraph(graph);
  const sites: AttentionSite[] = [];
  for (const node of graph.node ?? []) {
    if (node.opType !== 'Softmax') continue;
    const probs = node.output?.[0] ?? '';
    const scores = findScoresMatMul(ix, node.input?.[0] ?? '', 0);
    const context = findContextMatMul(ix, probs, 0);
    if (!scores || !context) continue;
    const q = stripConstantScale(ix, quantizedSource(ix, scores.input?.[0] ?? ''));
    const kT = stripConstantScale(ix, quantizedSource(ix, scores.input?.[1] ?? ''));
    const k = untranspose(ix, kT);
    sites.push({
      layer: layerFromName(node.name ?? '') ?? sites.length,
      softmaxNode: node.name ?? '',
      probs,
      q,
      k: k ?? kT,
      kIsTransposed: k === undefined,
      v: stripConstantScale(ix, quantizedSource(ix, context.input?.[1] ?? '')),
      quantizedScores: scores.opType === 'MatMulInteger',
    });
  }
  return sites;
}

/** Walks back from the Softmax input to the product of two activations. */
function findScoresMatMul(ix: GraphIndex, tensor: string, depth: number): onnx.INodeProto | undefined {
  const node = ix.producer(tensor);
  if (!node || depth > SEARCH_DEPTH) return undefined;
  const inputs = node.input ?? [];
  if (MATMULS.has(node.opType ?? '') && !ix.isStatic(inputs[0] ?? '') && !ix.isStatic(inputs[1] ?? '')) return node;
  if (!SCORE_PATH_OPS.has(node.opType ?? '')) return undefined;
  for (const input of inputs) {
    if (ix.isStatic(input)) continue;
    const found = findScoresMatMul(ix, input, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Walks forward from the Softmax output to the MatMul that weighs V. */
function findContextMatMul(ix: GraphIndex, tensor: string, depth: number): onnx.INodeProto | undefined {
  if (depth > SEARCH_DEPTH) return undefined;
  for (const consumer of ix.consumers(tensor)) {
    if (MATMULS.has(consumer.opType ?? '') && consumer.input?.[0] === tensor) return consumer;
    if (PROBS_PATH_OPS.has(consumer.opType ?? '')) {
      const found = findContextMatMul(ix, consumer.output?.[0] ?? '', depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** For a MatMulInteger input, the float tensor that DynamicQuantizeLinear quantized. */
function quantizedSource(ix: GraphIndex, tensor: string): string {
  const node = ix.producer(tensor);
  return node?.opType === 'DynamicQuantizeLinear' ? (node.input?.[0] ?? tensor) : tensor;
}

/**
 * Strips multiplications by constants (the SDPA export scales Q and Kᵀ by d^-¼ each) and casts,
 * so that Q and K are the projections themselves and the usual q·k/√d holds.
 */
function stripConstantScale(ix: GraphIndex, tensor: string): string {
  for (;;) {
    const node = ix.producer(tensor);
    if (!node) return tensor;
    const [a = '', b = ''] = node.input ?? [];
    const op = node.opType;
    if ((op === 'Mul' || op === 'Div') && ix.isStatic(b) && !ix.isStatic(a)) tensor = a;
    else if (op === 'Mul' && ix.isStatic(a) && !ix.isStatic(b)) tensor = b;
    else if (op === 'Identity' || (op === 'Cast' && !narrows(node))) tensor = a;
    else return tensor;
  }
}

/** A Cast to float16 or bfloat16 rounds: the values after it are the ones the model uses. */
function narrows(cast: onnx.INodeProto): boolean {
  const to = Number(cast.attribute?.find((a) => a.name === 'to')?.i ?? 0);
  return to === onnx.TensorProto.DataType.FLOAT16 || to === onnx.TensorProto.DataType.BFLOAT16;
}

/** When Kᵀ is a plain swap of the last two axes of K, returns K itself, so no extra node is needed. */
function untranspose(ix: GraphIndex, kT: string): string | undefined {
  const node = ix.producer(kT);
  if (node?.opType !== 'Transpose') return undefined;
  const perm = node.attribute?.find((a) => a.name === 'perm')?.ints?.map(Number);
  const swapsLastTwo = perm !== undefined && perm.length === 4 && perm.join() === '0,1,3,2';
  return swapsLastTwo ? (node.input?.[0] ?? undefined) : undefined;
}

function layerFromName(name: string): number | undefined {
  const match = /(?:^|\/)(?:layer|layers|h|block|blocks)\.(\d+)\//.exec(name);
  return match ? Number(match[1]) : undefined;
}
