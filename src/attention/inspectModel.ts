// Runs in Node (the CLI's `inspect`): what QKV Scope would do with a model folder or a bare .onnx file — the file
// that would run, how each input is fed, every attention block with its shape and formula, and what cannot be shown.
// Shapes and the formula are measured by one run on synthetic inputs (random ids below the embedding table's size,
// or random hidden states for a bare attention block), the same run `--probe` exports.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AttentionResult, Token } from '../../shared/attentionResult';
import { QkvError } from '../../shared/errors';
import { graphCandidates, type Precision } from '../model/graphFile';
import { createSession, firstLine } from '../model/loadModel';
import { readModelConfig, UNKNOWN_CONFIG, type ModelConfig } from '../model/modelConfig';
import { blockKind } from '../model/onnx/blockKind';
import { decodeChecked, exposeAttention, explainNoAttention, openFused } from '../model/onnx/exposeAttention';
import { fusedOrigin, type OpenedNode } from '../model/onnx/fused/openFused';
import { findAttention, type AttentionSite } from '../model/onnx/findAttention';
import { innerDecoder } from '../model/onnx/innerDecoder';
import { graphCausality } from '../model/onnx/maskCausality';
import { indexGraph } from '../model/onnx/onnxGraph';
import { feedText, planFeeds, type FeedPlan } from './feedPlan';
import { buildFeeds } from './feeds';
import { assembleResult, runSession } from './runAttention';
import { localWindow } from './localWindow';
import { seededRandom } from './seededRandom';

export interface InspectedInput {
  readonly name: string;
  readonly type: string;
  readonly shape: readonly (number | string)[];
  /** How it will be fed, in words; for a probe-only input, "(probe only)". */
  readonly feed: string;
}

export interface InspectedBlock {
  readonly layer: number;
  readonly kind: 'self' | 'cross';
  readonly heads: number | null;
  readonly kv_heads: number | null;
  readonly head_dim: number | null;
  readonly layout: '4-D' | '3-D' | null;
  readonly scale: number | null;
  /** What the scores get besides the scale: "mask", "ALiBi bias", "soft-cap 50"… */
  readonly additive: readonly string[];
  readonly causal: boolean | null;
  /** A causal block's local window, measured by the probe: query i sees keys i − window + 1 … i; null: its whole past. */
  readonly window: number | null;
  /** The fused operator the block was opened from, or null for a block in standard operators. */
  readonly fused: string | null;
}

export interface Inspection {
  readonly file: string;
  readonly inputs: readonly InspectedInput[];
  readonly blocks: readonly InspectedBlock[];
  /** Why the model cannot be shown (or the probe failed), in one sentence; null when it can. */
  readonly refusal: string | null;
  /** The probe's result, when the synthetic run succeeded. */
  readonly probe?: AttentionResult;
}

/** PATH is a model folder or a bare .onnx file. `tokens`: the length of the synthetic run. */
export async function inspectModel(target: string, tokens: number, precision: Precision = 'full'): Promise<Inspection> {
  const { graphPath, config } = locate(target, precision);
  const label = `Model "${target}"`;
  let bytes: Uint8Array = await fs.promises.readFile(graphPath);
  let model = decodeChecked(bytes, label, graphPath);
  let file = graphPath;
  // A generation loop (BeamSearch…) holding a decoder graph: inspect and probe that decoder.
  const inner = findAttention(model.graph!).length === 0 ? innerDecoder(model) : undefined;
  if (inner) {
    ({ bytes } = inner);
    model = decodeChecked(bytes, label, graphPath);
    file = `${graphPath} (the decoder inside ${inner.wrapper})`;
  }
  const graph = model.graph!;
  // Fused attention is opened up first, as a run does; a combination we do not open is the refusal.
  let opened: readonly OpenedNode[] = [];
  let fusedRefusal: string | null = null;
  try {
    opened = openFused(model, label);
  } catch (error) {
    if (!(error instanceof QkvError)) throw error;
    fusedRefusal = error.message;
  }
  const sites = fusedRefusal ? [] : findAttention(graph);
  // Text runs need every input fillable from text; the probe fills the rest at random.
  let textPlan: FeedPlan | undefined;
  let textRefusal: string | null = null;
  try {
    textPlan = planFeeds(graph, label);
  } catch (error) {
    textRefusal = (error as Error).message;
  }
  const plan = planFeeds(graph, label, true);
  const inputs = plan.inputs.map((input) => {
    const forText = textPlan?.inputs.find((p) => p.name === input.name);
    return { name: input.name, type: input.type, shape: input.dims, feed: feedText(forText ?? input) };
  });
  const ix = indexGraph(graph);
  const isPast = (name: string) => plan.inputs.some((p) => p.name === name && p.role.kind === 'past');
  const structural = (site: AttentionSite): InspectedBlock => ({
    layer: site.layer, kind: blockKind(ix, site.q, site.k, isPast), heads: null, kv_heads: null, head_dim: null, layout: null,
    scale: site.scale, additive: site.softcap ? [`soft-cap ${site.softcap}`] : [], causal: null, window: null,
    fused: fusedOrigin(opened, site.softmaxNode) ?? null,
  });
  if (sites.length === 0) return { file, inputs, blocks: [], refusal: fusedRefusal ?? explainNoAttention(graph, label) };
  try {
    const probe = await runProbe(bytes, graphPath, label, plan, sites, config, tokens);
    const blocks = sites.map((site, index) => measured(structural(site), probe.result, probe.rank[index], index, config));
    return { file, inputs, blocks: [...blocks].sort((a, b) => a.layer - b.layer), refusal: textRefusal, probe: probe.result };
  } catch (error) {
    const reason = error instanceof QkvError ? error.message : `${label}: the probe failed: ${firstLine(error)}`;
    return { file, inputs, blocks: sites.map(structural), refusal: reason };
  }
}

function measured(block: InspectedBlock, result: AttentionResult, rank: number, index: number, config: ModelConfig): InspectedBlock {
  const m = result.model;
  const layer = result.layers[index];
  const n = result.tokens.length;
  const masked = layer.probs.some((p) => p === 0);
  const additive = [...(masked ? ['mask'] : []), ...(m.additiveTerm ? [m.additiveTerm] : []), ...block.additive];
  return {
    ...block, heads: m.heads, kv_heads: m.kvHeadOf ? new Set(m.kvHeadOf).size : (config.kvHeads ?? m.heads), head_dim: m.headDim,
      layout: rank === 3 ? '3-D' : '4-D',
    scale: m.scale ?? block.scale, additive, causal: n > 1 ? m.causal : null,
    window: m.causal ? localWindow(layer.probs, m.heads, n) : null,
  };
}

async function runProbe(
  bytes: Uint8Array, graphPath: string, label: string, plan: FeedPlan, sites: readonly AttentionSite[], config: ModelConfig, n: number,
): Promise<{ result: AttentionResult; rank: number[] }> {
  const exposed = exposeAttention(bytes, label, graphPath);
  const session = await createSession(exposed.bytes, graphPath, label);
  try {
    const random = seededRandom(1);
    const ids = plan.inputs.find((p) => p.role.kind === 'ids');
    const rows = (ids?.role.kind === 'ids' ? ids.role.tableRows : undefined) ?? config.vocabSize ?? 100;
    const length = plan.fixedLength ?? n;
    const tokenIds = Array.from({ length: Math.min(n, length) }, () => Math.floor(random() * rows));
    const feeds = buildFeeds(plan, { ids: tokenIds, length, padId: config.padTokenId ?? 0, causal: config.causal ?? false, random });
    const outputs = await runSession(session, feeds, label);
    const folder = { id: graphPath, dir: path.dirname(graphPath), graphPath, graphFile: path.basename(graphPath) };
    const graphCausal = graphCausality(exposed.graph, exposed.sites);
    const loaded = { sites, config, folder, lowPrecision: exposed.lowPrecision, fused: exposed.fused, graphCausal };
    const { facts, layers } = assembleResult(loaded, outputs, length, tokenIds.length);
    const tokens: Token[] = tokenIds.map((id) => ({ id, piece: `#${id}`, display: `#${id}`, start: 0, end: 0, special: false }));
    const rank = sites.map((_, i) => outputs[`qkv_scope.${i}.probs`].dims.length);
    // assembleResult orders layers by layer number; keep the graph order here so index i is site i.
    const order = sites.map((site, index) => ({ site, index })).sort((a, b) => a.site.layer - b.site.layer).map((o) => o.index);
    const byGraphOrder = sites.map((_, i) => layers[order.indexOf(i)]);
    return { result: { model: facts, text: '', tokens, layers: byGraphOrder }, rank };
  } finally {
    await session.release();
  }
}

/** The graph file and the config beside it (none for a bare graph: every fact then comes from the graph). */
function locate(target: string, precision: Precision): { graphPath: string; config: ModelConfig } {
  const full = path.resolve(target);
  if (!fs.existsSync(full)) throw new QkvError('model-not-found', `${target} does not exist.`);
  const configFrom = (dir: string) => (fs.existsSync(path.join(dir, 'config.json'))
    ? readModelConfig(dir, `Model "${target}"`) : undefined);
  if (fs.statSync(full).isDirectory()) {
    const file = graphCandidates(precision).find((c) => fs.existsSync(path.join(full, c)));
    if (!file) throw new QkvError('model-not-found',
      `${target} holds no ONNX graph (looked for ${graphCandidates(precision).join(', ')}).`);
    return { graphPath: path.join(full, file), config: configFrom(full) ?? UNKNOWN_CONFIG };
  }
  if (!full.endsWith('.onnx')) throw new QkvError('bad-argument', `${target} is neither a model folder nor an .onnx file.`);
  const dir = path.dirname(full);
  return { graphPath: full, config: configFrom(dir) ?? configFrom(path.dirname(dir)) ?? UNKNOWN_CONFIG };
}

