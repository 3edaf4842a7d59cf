// Runs in Node (engine worker): the input tensors for one sequence, built from a FeedPlan (see feedPlan.ts).
// Text runs feed token ids; probes (`qkv-scope inspect --probe`) also fill hidden states and weights at random.
import type * as ort from 'onnxruntime-common';
import type { ElementType } from '../model/onnx/graphInputs';
import type { FeedPlan, PlannedInput } from './feedPlan';
import { ortBackend } from './ortBackend';

export interface FeedValues {
  /** The real token ids, n of them. */
  readonly ids: readonly number[];
  /** The length the graph runs at: n, or the graph's fixed length (the rest is padding). */
  readonly length: number;
  readonly padId: number;
  /** Causal models get a lower-triangular 4-D mask. */
  readonly causal: boolean;
  /** Uniform in [0, 1): the probe's source of random values. */
  readonly random?: () => number;
}

export function buildFeeds(plan: FeedPlan, values: FeedValues): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of plan.inputs) feeds[input.name] = feedFor(input, values);
  return feeds;
}

function feedFor(input: PlannedInput, v: FeedValues): ort.Tensor {
  const perToken = input.role.kind !== 'past' && input.role.kind !== 'random';
  const dims = input.dims.map((d, axis) => sizeOf(d, axis, v.length, perToken));
  const size = dims.reduce((a, b) => a * b, 1);
  const n = v.ids.length;
  const random = v.random ?? Math.random;
  const fill = (value: (index: number) => number) => tensor(input.type, Array.from({ length: size }, (_, i) => value(i)), dims);
  const lastDim = dims.at(-1) ?? 1;
  switch (input.role.kind) {
    case 'ids': return fill((i) => (i % lastDim < n ? v.ids[i % lastDim] : v.padId));
    case 'token-types': return fill(() => 0);
    case 'positions': return fill((i) => i % lastDim);
    case 'past': return fill(() => 0);
    case 'mask-length': return fill(() => n);
    case 'hidden': return fill(() => random() * 2 - 1);
    case 'random': return fill(() => randomValue(input, random));
    case 'mask': {
      const form = input.role.form;
      const rows = dims.length >= 3 ? dims.at(-2)! : 1;
      const visible = (i: number) => {
        const col = i % lastDim;
        const row = Math.floor(i / lastDim) % rows;
        return col < n && (!v.causal || dims.length < 3 || col <= row);
      };
      if (form === 'additive') return fill((i) => (visible(i) ? 0 : lowestOf(input.type)));
      return fill((i) => (visible(i) === (form === 'keep') ? 1 : 0));
    }
  }
}

/**
 * A free dimension: a total length is the run length, a past length 0, the batch 1. Past the batch axis, inputs with
 * one value per token (ids, masks, positions, hidden states) have the run length; other inputs only where the name
 * reads like a length, else 1 (symbols such as a quantization channel count broadcast from 1).
 */
function sizeOf(dim: number | string, axis: number, length: number, perToken: boolean): number {
  if (typeof dim === 'number') return dim;
  if (/\+|total/i.test(dim)) return length; // "past_sequence_length + sequence_length": the past is empty
  if (/past/i.test(dim)) return 0;
  if (axis === 0 || (/batch/i.test(dim) && !/seq|len/i.test(dim))) return 1; // not "max_seq_len_in_batch"
  return perToken || /seq|len|token|^\?$/i.test(dim) ? length : 1;
}

function randomValue(input: PlannedInput, random: () => number): number {
  switch (input.type) {
    case 'uint8': return Math.floor(random() * 256);
    case 'int8': return Math.floor(random() * 255) - 127;
    case 'int32': case 'int64': return 0;
    case 'bool': return random() < 0.5 ? 0 : 1;
    default: return /scale/i.test(input.name) ? 0.001 + random() * 0.01 : (random() * 2 - 1) * 0.1;
  }
}

function lowestOf(type: ElementType): number {
  return type === 'float16' ? -65504 : -3.4028234663852886e38;
}

function tensor(type: ElementType, values: number[], dims: number[]): ort.Tensor {
  // From the backend that runs the session: onnxruntime-web rejects onnxruntime-node's tensors, and the reverse.
  const { Tensor } = ortBackend().ort;
  switch (type) {
    case 'int64': return new Tensor('int64', BigInt64Array.from(values, (x) => BigInt(Math.trunc(x))), dims);
    case 'int32': return new Tensor('int32', Int32Array.from(values), dims);
    case 'int8': return new Tensor('int8', Int8Array.from(values), dims);
    case 'uint8': return new Tensor('uint8', Uint8Array.from(values), dims);
    case 'bool': return new Tensor('bool', Uint8Array.from(values, (x) => (x ? 1 : 0)), dims);
    case 'float16': return new Tensor('float16', Uint16Array.from(values, floatToHalf), dims);
    case 'float64': return new Tensor('float64', Float64Array.from(values), dims);
    default: return new Tensor('float32', Float32Array.from(values), dims);
  }
}

/** IEEE half-precision bits of a number, rounded to nearest even (values beyond ±65504 become ±65504). */
export function floatToHalf(value: number): number {
  const f32 = new Float32Array([Math.max(-65504, Math.min(65504, value))]);
  const bits = new Uint32Array(f32.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    const m = (mantissa | 0x800000) >> (1 - exponent);
    return sign | ((m + 0x1000) >> 13);
  }
  const rounded = (exponent << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  return sign | (rounded + (rest > 0x1000 || (rest === 0x1000 && (rounded & 1)) ? 1 : 0));
}
