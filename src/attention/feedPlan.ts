// Runs in Node (engine worker, CLI inspect): how each input of a graph will be fed, decided from the graph's own
// metadata (name, element type, shape) and structure, not from one exporter's conventions.
import type { onnx } from 'onnx-proto';
import { QkvError } from '../../shared/errors';
import { describeInput, graphInputs, type GraphInput } from '../model/onnx/graphInputs';
import { maskForm, tableRowsFor, type MaskForm } from '../model/onnx/maskForm';
import { indexGraph } from '../model/onnx/onnxGraph';

export type FeedRole =
  | { readonly kind: 'ids'; readonly tableRows?: number }
  | { readonly kind: 'mask'; readonly form: MaskForm }
  /** A 1-D mask index: the number of real tokens per sequence. */
  | { readonly kind: 'mask-length' }
  | { readonly kind: 'token-types' }
  | { readonly kind: 'positions' }
  | { readonly kind: 'past' }
  /** Probe only: a bare attention block's hidden states, or any other input (weights, scales) filled at random. */
  | { readonly kind: 'hidden' }
  | { readonly kind: 'random' };

export interface PlannedInput extends GraphInput {
  readonly role: FeedRole;
}

export interface FeedPlan {
  readonly inputs: readonly PlannedInput[];
  /** The sequence length the graph fixes in its id input's shape; null when any length goes. */
  readonly fixedLength: number | null;
  /** The graph has a mask, so a fixed length can be reached by padding. */
  readonly canPad: boolean;
}

const IDS = /(^|_)(input_ids|ids|input)$|^input_ids/i;
const TOKEN_TYPES = /token_type|segment/i;
const POSITIONS = /position|^positions$/i;
const PAST = /past/i;
const MASK = /mask/i;
const INTEGER = new Set(['int64', 'int32']);
const FLOAT = new Set(['float32', 'float16', 'float64']);

/**
 * The plan for every input, or one sentence naming the input QKV Scope cannot fill.
 * With `probe`, inputs that text cannot fill (hidden states, weights fed as inputs) are filled at random.
 */
export function planFeeds(graph: onnx.IGraphProto, modelLabel: string, probe = false): FeedPlan {
  const ix = indexGraph(graph);
  const planned: PlannedInput[] = [];
  function roleOf(input: GraphInput): FeedRole {
    const { name, type, dims } = input;
    const integer = INTEGER.has(type);
    if (MASK.test(name) && (integer || FLOAT.has(type) || type === 'bool')) {
      return dims.length === 1 && integer
        ? { kind: 'mask-length' }
        : { kind: 'mask', form: type === 'bool' || integer ? boolForm(maskForm(graph, name, ix)) : maskForm(graph, name, ix) };
    }
    if (integer && TOKEN_TYPES.test(name)) return { kind: 'token-types' };
    if (integer && POSITIONS.test(name)) return { kind: 'positions' };
    if (FLOAT.has(type) && PAST.test(name) && (dims.length === 4 || dims.length === 5)) return { kind: 'past' };
    if (integer && IDS.test(name)) return { kind: 'ids', tableRows: tableRowsFor(graph, name, ix) };
    if (probe && FLOAT.has(type) && dims.length === 3 && typeof dims[2] === 'number' &&
      !planned.some((p) => p.role.kind === 'hidden')) return { kind: 'hidden' };
    if (probe && type !== 'string' && type !== 'unknown') return { kind: 'random' };
    throw new QkvError('model-invalid',
      `${modelLabel} needs an input "${name}" (${describeInput(input)}) that QKV Scope cannot fill from text.`);
  }
  // One input at a time: roleOf reads `planned` so that only the first float [B, S, width] input is the hidden states.
  for (const input of graphInputs(graph)) planned.push({ ...input, role: roleOf(input) });
  const ids = planned.find((p) => p.role.kind === 'ids');
  if (!ids && !probe) throw new QkvError('model-invalid',
    `${modelLabel} has no token id input (its inputs are ${planned.map((p) => p.name).join(', ')}), so it cannot read text.`);
  const fixed = ids?.dims[1];
  return {
    inputs: planned,
    fixedLength: typeof fixed === 'number' ? fixed : null,
    canPad: planned.some((p) => p.role.kind === 'mask' || p.role.kind === 'mask-length'),
  };
}

/** Integer and bool masks are 0/1 masks; an Add on them still means "1 keeps" (HF adds (1 − mask)·min later). */
function boolForm(form: MaskForm): MaskForm {
  return form === 'hide' ? 'hide' : 'keep';
}

/** The length the graph will run at for n real tokens, or one sentence saying why it cannot. */
export function runLength(plan: FeedPlan, n: number, modelLabel: string): number {
  if (plan.fixedLength === null || plan.fixedLength === n) return n;
  if (n > plan.fixedLength) {
    throw new QkvError('too-long',
      `${modelLabel} reads exactly ${plan.fixedLength} tokens (fixed in the graph); the text is ${n} tokens. Select less text.`);
  }
  if (!plan.canPad) {
    throw new QkvError('model-invalid',
      `${modelLabel} reads exactly ${plan.fixedLength} tokens (fixed in the graph) and has no attention mask to pad with; ` +
      `the text is ${n} tokens.`);
  }
  return plan.fixedLength;
}

/** How an input will be fed, in words, for `qkv-scope inspect`. */
export function feedText(input: PlannedInput): string {
  const role = input.role;
  switch (role.kind) {
    case 'ids': {
      const table = role.tableRows ? ` (embedding table of ${role.tableRows} rows)` : '';
      return `token ids${table}, padded with the pad token when the length is fixed`;
    }
    case 'mask': return role.form === 'additive' ? 'additive mask: 0 for a visible key, the lowest float for a hidden one'
      : role.form === 'hide' ? 'mask: true hides a key' : 'mask: 1 for each real token, 0 for padding (and for later keys when causal)';
    case 'mask-length': return 'mask index: the number of real tokens';
    case 'token-types': return 'token types: all 0 (one segment)';
    case 'positions': return 'positions 0, 1, 2, …';
    case 'past': return 'empty past state (length 0)';
    case 'hidden': return 'random hidden states in [−1, 1] (probe)';
    case 'random': return 'random values (probe)';
  }
}
