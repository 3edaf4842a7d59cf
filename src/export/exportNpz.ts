// Runs in Node: an AttentionResult as a NumPy .npz (np.load-ready): one float32 array per layer and kind,
// layer{L}_attention [heads, n, n] and layer{L}_q, _k, _v [heads, n, head_dim] (and _scores where the model adds a term),
// for encoder–decoder models also decoder_layer{L}_* and cross_layer{L}_*, plus meta.json with the model, the text, the
// tokens (and the translation's), and which layers and heads the arrays hold. Much smaller and faster to write than the JSON.
import type { AttentionResult, LayerTensors, TensorKind } from '../../shared/attentionResult';
import { EXPORT_VERSION, type ExportSelection } from '../../shared/exportSchema';
import { exportModelFacts, exportTokens, exportTranslationFacts, resolveSelection } from './exportJson';
import { float32Bytes, npyHeader, zipChunks, type ZipMember } from './npyZip';

export const NPZ_FORMAT = 'qkv-scope.attention-npz';

/** Array names as in the JSON export: "attention" for the probabilities; "scores" only where the model adds a term. */
const KINDS: readonly { kind: TensorKind | 'scores'; name: string }[] = [
  { kind: 'probs', name: 'attention' }, { kind: 'q', name: 'q' }, { kind: 'k', name: 'k' }, { kind: 'v', name: 'v' },
  { kind: 'scores', name: 'scores' },
];

const ARRAYS = 'layer{L}_attention [heads, n, n]; layer{L}_q, layer{L}_k, layer{L}_v [heads, n, head_dim]; ' +
  'layer{L}_scores [heads, n, n] where the model adds a term; float32';
const TRANSLATION_ARRAYS = 'decoder_layer{L}_attention [heads, t, t], decoder_layer{L}_q, _k, _v [heads, t, head_dim] ' +
  '(and decoder_layer{L}_scores where the decoder adds a term); cross_layer{L}_attention [heads, t, s], cross_layer{L}_q ' +
  '[heads, t, head_dim], cross_layer{L}_k, _v [heads, s, head_dim]; t translated tokens, s source tokens';

export function* npzChunks(result: AttentionResult, selection: ExportSelection = {}): Generator<Uint8Array> {
  yield* zipChunks(npzMembers(result, selection));
}

function* npzMembers(result: AttentionResult, selection: ExportSelection): Generator<ZipMember> {
  const { layers, heads } = resolveSelection(result, selection);
  const n = result.tokens.length;
  const t = result.translation;
  const meta = {
    format: NPZ_FORMAT, version: EXPORT_VERSION, model: exportModelFacts(result), text: result.text,
    tokens: exportTokens(result), layers, heads, arrays: ARRAYS,
    ...(t ? { translation: { ...exportTranslationFacts(t), arrays: TRANSLATION_ARRAYS } } : {}),
  };
  yield { name: 'meta.json', chunks: [Buffer.from(JSON.stringify(meta, null, 1), 'utf8')] };
  const grid = { heads, total: result.model.heads, headDim: result.model.headDim };
  yield* blockMembers('', result.layers, layers, { ...grid, rows: n, keys: n });
  if (t) {
    const pick = (count: number) => layers.filter((i) => i < count);
    const decoder = { heads: heads.filter((h) => h < t.heads), total: t.heads, headDim: t.headDim, rows: t.tokens.length };
    yield* blockMembers('decoder_', t.decoder, pick(t.decoder.length), { ...decoder, keys: decoder.rows });
    yield* blockMembers('cross_', t.cross, pick(t.cross.length), { ...decoder, keys: n });
  }
}

/** The chosen heads of one kind of block: probs (and scores) [rows × keys], q [rows × headDim], k and v [keys × headDim]. */
interface BlockGrid {
  readonly heads: readonly number[];
  readonly total: number;
  readonly headDim: number;
  readonly rows: number;
  readonly keys: number;
}

function* blockMembers(prefix: string, all: readonly LayerTensors[], layers: readonly number[], grid: BlockGrid): Generator<ZipMember> {
  for (const layer of layers) {
    for (const { kind, name } of KINDS) {
      const tensor = all[layer][kind];
      if (!tensor) continue;
      const rows = kind === 'k' || kind === 'v' ? grid.keys : grid.rows;
      const width = kind === 'probs' || kind === 'scores' ? grid.keys : grid.headDim;
      const data = headsOf(tensor, grid.heads, grid.total, rows * width);
      yield { name: `${prefix}layer${layer}_${name}.npy`, chunks: [npyHeader([grid.heads.length, rows, width]), float32Bytes(data)] };
    }
  }
}

/** The chosen heads of a [heads, …] tensor: the tensor itself when all are chosen, else a copy of those heads. */
function headsOf(tensor: Float32Array, heads: readonly number[], total: number, perHead: number): Float32Array {
  if (heads.length === total) return tensor;
  const out = new Float32Array(heads.length * perHead);
  heads.forEach((head, i) => out.set(tensor.subarray(head * perHead, (head + 1) * perHead), i * perHead));
  return out;
}
