// Runs in Node: an AttentionResult as a NumPy .npz (np.load-ready): one float32 array per layer and kind,
// layer{L}_attention [heads, n, n] and layer{L}_q, _k, _v [heads, n, head_dim], plus meta.json with the model, the
// text, the tokens and which layers and heads the arrays hold. Much smaller and faster to write than the JSON.
import type { AttentionResult, TensorKind } from '../../shared/attentionResult';
import { EXPORT_VERSION, type ExportSelection } from '../../shared/exportSchema';
import { exportModelFacts, exportTokens, resolveSelection } from './exportJson';
import { float32Bytes, npyHeader, zipChunks, type ZipMember } from './npyZip';

export const NPZ_FORMAT = 'qkv-scope.attention-npz';

/** Array names as in the JSON export: "attention" for the probabilities. */
const KINDS: readonly { kind: TensorKind; name: string }[] = [
  { kind: 'probs', name: 'attention' }, { kind: 'q', name: 'q' }, { kind: 'k', name: 'k' }, { kind: 'v', name: 'v' },
];

export function* npzChunks(result: AttentionResult, selection: ExportSelection = {}): Generator<Uint8Array> {
  yield* zipChunks(npzMembers(result, selection));
}

function* npzMembers(result: AttentionResult, selection: ExportSelection): Generator<ZipMember> {
  const { layers, heads } = resolveSelection(result, selection);
  const n = result.tokens.length;
  const d = result.model.headDim;
  const meta = {
    format: NPZ_FORMAT, version: EXPORT_VERSION, model: exportModelFacts(result), text: result.text,
    tokens: exportTokens(result), layers, heads,
    arrays: 'layer{L}_attention [heads, n, n]; layer{L}_q, layer{L}_k, layer{L}_v [heads, n, head_dim]; float32',
  };
  yield { name: 'meta.json', chunks: [Buffer.from(JSON.stringify(meta, null, 1), 'utf8')] };
  for (const layer of layers) {
    for (const { kind, name } of KINDS) {
      const width = kind === 'probs' ? n : d;
      const data = headsOf(result.layers[layer][kind], heads, result.model.heads, n * width);
      yield { name: `layer${layer}_${name}.npy`, chunks: [npyHeader([heads.length, n, width]), float32Bytes(data)] };
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
