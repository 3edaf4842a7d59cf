// Runs in Node (engine worker, CLI inspect): finds every attention block of an ONNX graph by its structure,
//   Softmax ← {Add, Sub, Mul, Div, Where, Cast, Reshape, Tanh}* ← MatMul(Q, Kᵀ)
//   Softmax → {Cast, Reshape, Dropout, Identity}* → MatMul(P, V),
// never by node names, so it works on any exporter's naming, in 4-D [B, H, S, S] and 3-D [B·H, S, S] layouts.
import { onnx } from 'onnx-proto';
import { scalarValue } from './constantValue';
import { indexGraph, type GraphIndex } from './onnxGraph';

/** One attention block: the names of the tensors that hold its scores, probabilities, Q, Kᵀ (or K) and V. */
export interface AttentionSite {
  /** Layer number read from the node name when it has one ("h.3", "layer.3", "layers.3"), else graph order. */
  readonly layer: number;
  readonly softmaxNode: string;
  /** Softmax input: the scores after scale, bias and mask, [B, H, S, S] or [B·H, S, S]. */
  readonly scores: string;
  /** Softmax output [B, H, S, S] or [B·H, S, S]. */
  readonly probs: string;
  /** Q as it enters Q·Kᵀ, with any constant scale stripped: [B, H, S, D] or [B·H, S, D]. */
  readonly q: string;
  /** K as it enters Q·Kᵀ, constant scale stripped. Either Kᵀ (…, D, S) or, when its transpose was found, K itself. */
  readonly k: string;
  readonly kIsTransposed: boolean;
  /** V as it enters P·V: [B, H, S, D] or [B·H, S, D]. */
  readonly v: string;
  /** Q·Kᵀ is a MatMulInteger on dynamically quantized Q and K. */
  readonly quantizedScores: boolean;
  /**
   * The factor the graph multiplies q·k by (the constants stripped from Q and K and those on the way to the
   * Softmax); null when the graph computes it from something we cannot read, and the run measures it instead.
   */
  readonly scale: number | null;
  /** Soft-capping: scores = cap · tanh(scaled / cap) (Gemma 2); null when the graph has none. */
  readonly softcap: number | null;
  /** Constant factors the graph applied to Q and K before a Reshape or Transpose: the run divides them out. */
  readonly qFactor: number;
  readonly kFactor: number;
}

/** Ops that can sit between Q·Kᵀ and Softmax: scaling, masking, bias, soft-capping, clamping (OPT), type casts, 3-D ↔ 4-D. */
const SCORE_PATH_OPS = new Set(['Add', 'Sub', 'Mul', 'Div', 'Where', 'Cast', 'Identity', 'Reshape', 'Tanh', 'Max', 'Min']);
/** Ops that can sit between Softmax and P·V. */
const PROBS_PATH_OPS = new Set(['Cast', 'Identity', 'DynamicQuantizeLinear', 'Reshape', 'Dropout']);
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
    const scoresTensor = node.input?.[0] ?? '';
    const probs = node.output?.[0] ?? '';
    const path = findScoresPath(ix, scoresTensor, 0);
    const context = findContextMatMul(ix, probs, 0);
    if (!path || !context) continue;
    const scoresMatMul = path[path.length - 1];
    const q = stripConstantScale(ix, quantizedSource(ix, scoresMatMul.input?.[0] ?? ''));
    const kT = stripConstantScale(ix, quantizedSource(ix, scoresMatMul.input?.[1] ?? ''));
    const k = untranspose(ix, kT.tensor);
    const onPath = pathFactors(ix, path.slice(0, -1));
    const factors = [q.factor, kT.factor, onPath.factor];
    sites.push({
      layer: layerFromName(node.name ?? '') ?? sites.length,
      softmaxNode: node.name ?? '',
      scores: scoresTensor,
      probs,
      q: q.tensor,
      k: k ?? kT.tensor,
      kIsTransposed: k === undefined,
      v: stripConstantScale(ix, quantizedSource(ix, context.input?.[1] ?? '')).tensor,
      quantizedScores: scoresMatMul.opType === 'MatMulInteger',
      scale: factors.some((f) => f === null) ? null : factors.reduce((a: number, b) => a * b!, 1),
      softcap: onPath.softcap,
      qFactor: q.inside,
      kFactor: kT.inside,
    });
  }
  return sites;
}

/** Walks back from the Softmax input to the product of two activations; returns the nodes on the way, MatMul last. */
function findScoresPath(ix: GraphIndex, tensor: string, depth: number): onnx.INodeProto[] | undefined {
  const node = ix.producer(tensor);
  if (!node || depth > SEARCH_DEPTH) return undefined;
  const inputs = node.input ?? [];
  if (MATMULS.has(node.opType ?? '') && !ix.isStatic(inputs[0] ?? '') && !ix.isStatic(inputs[1] ?? '')) return [node];
  if (!SCORE_PATH_OPS.has(node.opType ?? '')) return undefined;
  // Reshape's second input and Where's condition are never the scores.
  const candidates = node.opType === 'Reshape' ? inputs.slice(0, 1) : node.opType === 'Where' ? inputs.slice(1) : inputs;
  for (const input of candidates) {
    if (ix.isStatic(input)) continue;
    const found = findScoresPath(ix, input, depth + 1);
    if (found) return [node, ...found];
  }
  return undefined;
}

/**
 * The constant factor on the path from Q·Kᵀ to the Softmax (Mul or Div by a constant), and a soft-cap
 * Div(c) → Tanh → Mul(c) when there is one. A factor that is static but unreadable makes the scale unknown.
 */
function pathFactors(ix: GraphIndex, path: readonly onnx.INodeProto[]): { factor: number | null; softcap: number | null } {
  let factor: number | null = 1;
  let softcap: number | null = null;
  const tanhAt = path.findIndex((n) => n.opType === 'Tanh');
  path.forEach((node, i) => {
    if (tanhAt >= 0 && (i === tanhAt - 1 || i === tanhAt + 1)) {
      // path runs from the Softmax backwards: tanhAt − 1 is the Mul(c) after tanh, tanhAt + 1 the Div(c) before it.
      const cap = constantOperand(ix, node);
      if (cap?.value !== undefined && i === tanhAt - 1) softcap = node.opType === 'Div' ? 1 / cap.value : cap.value;
      return;
    }
    if (node.opType !== 'Mul' && node.opType !== 'Div') return;
    const operand = constantOperand(ix, node);
    if (operand === undefined) return; // a Mul by a mask (non-static) is not a scale
    if (operand.value === undefined) factor = null;
    else if (factor !== null) factor *= node.opType === 'Div' ? 1 / operand.value : operand.value;
  });
  return { factor, softcap };
}

/** The static operand of a binary node and its value (undefined when it cannot be read). */
function constantOperand(ix: GraphIndex, node: onnx.INodeProto): { value: number | undefined } | undefined {
  const [a = '', b = ''] = node.input ?? [];
  if (ix.isStatic(b) && !ix.isStatic(a)) return { value: scalarValue(ix, b) };
  if (node.opType === 'Mul' && ix.isStatic(a) && !ix.isStatic(b)) return { value: scalarValue(ix, a) };
  return undefined;
}

/** Walks forward from the Softmax output to the MatMul that weighs V. */
function findContextMatMul(ix: GraphIndex, tensor: string, depth: number): onnx.INodeProto | undefined {
  if (depth > SEARCH_DEPTH) return undefined;
  for (const consumer of ix.consumers(tensor)) {
    if (MATMULS.has(consumer.opType ?? '') && consumer.input?.[0] === tensor) return consumer;
    if (PROBS_PATH_OPS.has(consumer.opType ?? '') && consumer.input?.[0] === tensor) {
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

/** Ops that only move values: a constant factor behind them still scales the tensor in front. */
const LAYOUT_OPS = new Set(['Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Cast', 'Identity']);

interface Stripped {
  readonly tensor: string;
  /** Every constant factor found, null when one cannot be read. */
  readonly factor: number | null;
  /** The part of `factor` still inside `tensor` (behind a Reshape or Transpose): the run divides it out. */
  readonly inside: number;
}

/**
 * Strips multiplications by constants (the SDPA export scales Q and Kᵀ by d^-¼ each) and casts, so that Q and K
 * are the projections themselves; the stripped factor goes into the block's scale. A factor behind a Reshape or
 * Transpose (BART scales q_proj's output before splitting the heads) cannot be stripped by picking an earlier tensor,
 * so it is recorded as `inside` and divided out after the run.
 */
function stripConstantScale(ix: GraphIndex, start: string): Stripped {
  let tensor = start;
  let factor: number | null = 1;
  let inside = 1;
  let behindLayout = false;
  let cursor = start;
  for (let depth = 0; depth < SEARCH_DEPTH; depth++) {
    const node = ix.producer(cursor);
    const op = node?.opType ?? '';
    const operand = node && (op === 'Mul' || op === 'Div') ? constantOperand(ix, node) : undefined;
    if (node && operand) {
      const [a = '', b = ''] = node.input ?? [];
      cursor = ix.isStatic(b) ? a : b;
      const value = operand.value === undefined ? undefined : op === 'Div' ? 1 / operand.value : operand.value;
      if (value === undefined) factor = null;
      else if (factor !== null) factor *= value;
      if (behindLayout && value !== undefined) inside *= value;
      if (!behindLayout) tensor = cursor;
    } else if (node && LAYOUT_OPS.has(op) && !(op === 'Cast' && narrows(node))) {
      cursor = node.input?.[0] ?? '';
      if (op === 'Cast' || op === 'Identity') {
        if (!behindLayout) tensor = cursor;
      } else {
        behindLayout = true;
      }
    } else {
      break;
    }
  }
  return { tensor, factor: inside === 1 || factor !== null ? factor : null, inside };
}

/** A Cast to float16 or bfloat16 rounds: the values after it are the ones the model uses. */
function narrows(cast: onnx.INodeProto): boolean {
  const to = Number(cast.attribute?.find((a) => a.name === 'to')?.i ?? 0);
  return to === onnx.TensorProto.DataType.FLOAT16 || to === onnx.TensorProto.DataType.BFLOAT16;
}

/** When Kᵀ is a plain swap of the last two axes of K (3-D or 4-D), returns K itself, so no extra node is needed. */
function untranspose(ix: GraphIndex, kT: string): string | undefined {
  const node = ix.producer(kT);
  if (node?.opType !== 'Transpose') return undefined;
  const perm = node.attribute?.find((a) => a.name === 'perm')?.ints?.map(Number);
  const swapsLastTwo = perm !== undefined && (perm.join() === '0,1,3,2' || perm.join() === '0,2,1');
  return swapsLastTwo ? (node.input?.[0] ?? undefined) : undefined;
}

function layerFromName(name: string): number | undefined {
  const match = /(?:^|\/)(?:layer|layers|h|block|blocks|layer_\._)\.?(\d+)\//.exec(name);
  return match ? Number(match[1]) : undefined;
}
