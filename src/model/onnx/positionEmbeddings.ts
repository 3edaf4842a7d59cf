// Runs in the engine worker (Node): finds a model's learned position embeddings in its decoded ONNX graph — the
// initializer behind the position-embedding Gather — and copies the table out, so the graph can be let go.
//
// Found by structure: a Gather whose table is a 2-D float initializer and whose indices depend on no input but
// position ids or the attention mask (the token embedding's indices come from input_ids, the token-type
// embedding's from token_type_ids), or whose name says "position" (RoBERTa computes position ids from input_ids).
// Among several, a name that says "position" wins. Rotary tables (cos/sin caches) and token-type tables are not
// position embeddings and are skipped. A table stored as float16 and cast to float32 inside the graph (the embedded
// model, tools/onnx_half.py) is found behind its Cast.
import { onnx } from 'onnx-proto';
import type { PositionVectors } from '../../../shared/attentionResult';
import type { ModelConfig } from '../modelConfig';
import { halfToFloat } from './constantValue';
import { inputsBehind } from './blockKind';
import { indexGraph } from './onnxGraph';

export interface PositionTable {
  /** The initializer's name, e.g. "transformer.wpe.weight". */
  readonly source: string;
  readonly rows: number;
  readonly dim: number;
  /** [rows × dim] row-major, a copy that owns its buffer. */
  readonly data: Float32Array;
  /** Row of position 0: 0, except RoBERTa-style models, whose positions start after the padding index. */
  readonly firstRow: number;
}

/** Inputs whose values may feed the position ids. */
const POSITION_INPUT = /position|attention_mask|cache_position/i;
const POSITION_NAME = /pos|wpe/i;
const ROTARY_NAME = /rotary|cos_cached|sin_cached|inv_freq|\bcos\b|\bsin\b/i;
/** Token-type (segment) tables are indexed by constants too, in exports without token_type_ids. */
const SEGMENT_NAME = /token_type|segment/i;
/** T5's relative position bias is a [buckets × heads] table gathered by bucket: a term of the scores, not a position vector. */
const RELATIVE_NAME = /relative_attention_bias|rel_embeddings/i;

export function findPositionTable(graph: onnx.IGraphProto, config: ModelConfig): PositionTable | undefined {
  const ix = indexGraph(graph);
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const candidates: { tensor: onnx.ITensorProto; named: boolean; source: string }[] = [];
  for (const node of graph.node ?? []) {
    if (node.opType !== 'Gather') continue;
    const tensor = initializerBehindCast(ix, initializers, node.input?.[0] ?? '');
    const name = tensor?.name ?? '';
    if (!tensor || tensor.dims?.length !== 2 || Number(tensor.dims[0]) < 2 || ROTARY_NAME.test(name) || SEGMENT_NAME.test(name) ||
      RELATIVE_NAME.test(name) || !isFloatTable(tensor)) continue;
    const named = POSITION_NAME.test(name);
    const inputs = inputsBehind(ix, node.input?.[1] ?? '');
    // RoBERTa-style exports compute position ids from input_ids, so a name that says "position" is enough.
    // The source is the table the Gather reads: the initializer, or the float32 tensor its Cast writes.
    if (named || [...inputs].every((input) => POSITION_INPUT.test(input))) {
      candidates.push({ tensor, named, source: node.input?.[0] ?? name });
    }
  }
  candidates.sort((a, b) => Number(b.named) - Number(a.named));
  const chosen = candidates[0]?.tensor;
  const source = candidates[0]?.source;
  const data = chosen && floatValues(chosen);
  if (!chosen || !data) return undefined;
  const [rows, dim] = (chosen.dims ?? []).map(Number);
  if (data.length !== rows * dim) return undefined;
  return { source: source || 'position embeddings', rows, dim, data, firstRow: config.firstPositionRow };
}

const { FLOAT, FLOAT16 } = onnx.TensorProto.DataType;

/** The initializer named `tensor`, or the one a Cast turns into `tensor`. */
function initializerBehindCast(ix: ReturnType<typeof indexGraph>, initializers: ReadonlyMap<string, onnx.ITensorProto>,
  tensor: string): onnx.ITensorProto | undefined {
  const direct = initializers.get(tensor);
  if (direct) return direct;
  const cast = ix.producer(tensor);
  return cast?.opType === 'Cast' ? initializers.get(cast.input?.[0] ?? '') : undefined;
}

function isFloatTable(tensor: onnx.ITensorProto): boolean {
  return (tensor.dataType === FLOAT || tensor.dataType === FLOAT16) && tensor.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL;
}

/** The values as float32, from raw little-endian bytes or from float_data; undefined when stored elsewhere. */
function floatValues(tensor: onnx.ITensorProto): Float32Array | undefined {
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    if (tensor.dataType === FLOAT) return Float32Array.from({ length: raw.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
    return Float32Array.from({ length: raw.byteLength / 2 }, (_, i) => halfToFloat(view.getUint16(i * 2, true)));
  }
  if (tensor.dataType === FLOAT && tensor.floatData?.length) return Float32Array.from(tensor.floatData);
  // float16 without raw bytes is stored bit-for-bit in int32_data.
  if (tensor.dataType === FLOAT16 && tensor.int32Data?.length) return Float32Array.from(tensor.int32Data, (bits) => halfToFloat(bits));
  return undefined;
}

/** The result's position vectors for n tokens; undefined when there is no table or it is shorter. */
export function positionVectors(table: PositionTable | undefined, n: number): PositionVectors | undefined {
  const data = table && positionRows(table, n);
  return data && { source: table!.source, dim: table!.dim, firstRow: table!.firstRow, data };
}

/** Rows for positions 0…n−1, as the model adds them; undefined when the table is shorter. */
export function positionRows(table: PositionTable, n: number): Float32Array | undefined {
  const start = table.firstRow;
  if (start + n > table.rows) return undefined;
  return table.data.slice(start * table.dim, (start + n) * table.dim);
}
