// Runs in the engine worker (Node): the inputs an optimum-style ONNX export expects, for one unpadded sequence.
import type * as ort from 'onnxruntime-common';
import { QkvError } from '../../shared/errors';
import { headDimOf, keyValueHeadsOf, type RawConfig } from '../model/modelConfig';
import { ortBackend } from './ortBackend';

const PAST_INPUT = /^past_key_values\.\d+\.(key|value)$/;

export function buildFeeds(session: ort.InferenceSession, ids: readonly number[], config: RawConfig, modelId: string): Record<string, ort.Tensor> {
  const n = ids.length;
  // Tensors must come from the backend that runs the session: onnxruntime-web rejects onnxruntime-node's.
  const { Tensor } = ortBackend().ort;
  const int64 = (values: readonly number[]) => new Tensor('int64', BigInt64Array.from(values, BigInt), [1, n]);
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of session.inputNames) {
    if (name === 'input_ids') feeds[name] = int64(ids);
    else if (name === 'attention_mask') feeds[name] = int64(ids.map(() => 1));
    else if (name === 'token_type_ids') feeds[name] = int64(ids.map(() => 0));
    else if (name === 'position_ids') feeds[name] = int64(ids.map((_, i) => i));
    else if (PAST_INPUT.test(name)) feeds[name] = emptyPast(session, name, config, modelId);
    else throw new QkvError('model-invalid', `Model "${modelId}" needs an input "${name}" that QKV Scope does not know how to fill.`);
  }
  return feeds;
}

/** An empty cache ([1, kv_heads, 0, head_dim]): the whole selection is the prompt. */
function emptyPast(session: ort.InferenceSession, name: string, config: RawConfig, modelId: string): ort.Tensor {
  const meta = metadataDims(session, name);
  const heads = typeof meta?.[1] === 'number' ? meta[1] : keyValueHeadsOf(config);
  const headDim = typeof meta?.[3] === 'number' ? meta[3] : headDimOf(config);
  if (!heads || !headDim) {
    throw new QkvError('model-invalid', `Model "${modelId}": config.json does not say how many heads and dimensions "${name}" has.`);
  }
  const { Tensor } = ortBackend().ort;
  return new Tensor('float32', new Float32Array(0), [1, heads, 0, headDim]);
}

function metadataDims(session: ort.InferenceSession, name: string): readonly (number | string)[] | undefined {
  const index = session.inputNames.indexOf(name);
  const meta = session.inputMetadata?.[index];
  return meta && meta.isTensor ? meta.shape : undefined;
}
