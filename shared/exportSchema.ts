// Runs everywhere: the JSON export format, shared by the CLI and the extension, and a checker for it.
// Readable with json.load + numpy.array and no custom code.

export const EXPORT_FORMAT = 'qkv-scope.attention';
/**
 * 2: the model's `scale` (and `softcap`, `additive_term`), and per-head `scores` where the model adds a bias.
 * 3: encoder–decoder models add `translation`: the generated text and tokens, decoder self-attention and cross-attention.
 */
export const EXPORT_VERSION = 3;

export interface ExportModel {
  readonly id: string;
  readonly architecture: string;
  readonly layers: number;
  readonly heads: number;
  readonly head_dim: number;
  readonly hidden_size: number;
  readonly causal: boolean;
  readonly max_positions: number | null;
  readonly quantized_scores: boolean;
  /** The ONNX file that ran, relative to the model folder ("onnx/model.onnx"), when known. */
  readonly onnx_file?: string;
  /** Grouped-query attention: for each query head, the K/V head it shares. Absent when every head has its own. */
  readonly kv_head_of?: readonly number[];
  /** The factor the model multiplies q·k by (1/√head_dim for most models, 1 for T5). */
  readonly scale: number;
  /** Soft-capping: score = softcap · tanh(q·k · scale / softcap). Absent when the model has none. */
  readonly softcap?: number;
  /** What the model adds to the scores besides the mask ("ALiBi bias"); then each head carries `scores`. */
  readonly additive_term?: string;
  /** Fused attention operators the graph used, opened up into standard operators before the run; absent when none. */
  readonly fused?: readonly string[];
  /** Where the graph, the numbers and config.json disagreed (causality, K/V heads): one sentence each; absent when none. */
  readonly notes?: readonly string[];
}

export interface ExportToken {
  readonly index: number;
  readonly id: number;
  /** The vocabulary entry ("Ġpizza"). */
  readonly piece: string;
  /** How QKV Scope shows it ("␣pizza"). */
  readonly display: string;
  /** [start, end) in `text`, in UTF-16 code units (JavaScript and VS Code string indices). */
  readonly start: number;
  readonly end: number;
  readonly special: boolean;
}

export interface ExportHead {
  readonly head: number;
  /** [n][n]: row = query token, column = key token; rows sum to 1. */
  readonly attention: number[][];
  /** [n][head_dim] each, as they enter Q·Kᵀ and P·V. */
  readonly q: number[][];
  readonly k: number[][];
  readonly v: number[][];
  /** [n][n]: the Softmax input (scale, bias and mask applied); only when the model adds more than a mask. */
  readonly scores?: number[][];
}

export interface ExportLayer {
  readonly layer: number;
  readonly heads: ExportHead[];
}

/**
 * An encoder–decoder model's translation of `text`. The export's own `tokens` and `layers` are the source and the
 * encoder's self-attention; here t is the number of translated tokens (the decoder's start token first) and s the
 * number of source tokens.
 */
export interface ExportTranslation {
  readonly text: string;
  /** "end": the model ended the sentence; "length": cut at the length limit. */
  readonly stopped: 'end' | 'length';
  readonly layers: number;
  readonly heads: number;
  readonly head_dim: number;
  /** The factor decoder self-attention multiplies q·k by (1 for T5), and the same for cross-attention. */
  readonly scale: number;
  readonly cross_scale: number;
  /** What decoder self-attention adds besides the causal mask (T5's "relative position bias"); then its heads carry `scores`. */
  readonly additive_term?: string;
  /** The language it was asked to write (M2M100 "fr", NLLB "fra_Latn", a T5 task's target), when the model offers a choice. */
  readonly target_lang?: string;
  /** Offsets are into the translation's `text`. */
  readonly tokens: ExportToken[];
  /** Decoder self-attention (causal): attention [t][t], q, k, v [t][head_dim]. */
  readonly decoder_layers: ExportLayer[];
  /** Cross-attention: attention [t][s] (translated token → source token), q [t][head_dim], k and v [s][head_dim]. */
  readonly cross_layers: ExportLayer[];
}

export interface AttentionExport {
  readonly format: typeof EXPORT_FORMAT;
  readonly version: typeof EXPORT_VERSION;
  readonly model: ExportModel;
  readonly text: string;
  readonly tokens: ExportToken[];
  readonly layers: ExportLayer[];
  readonly translation?: ExportTranslation;
}

/** Which part of a result to export; a missing list means all. */
export interface ExportSelection {
  readonly layers?: readonly number[];
  readonly heads?: readonly number[];
}

/** Checks that parsed JSON is a well-formed export, with every matrix of the right shape. Throws on the first problem. */
export function checkExport(value: unknown): AttentionExport {
  const fail = (what: string): never => {
    throw new Error(`Not a ${EXPORT_FORMAT} v${EXPORT_VERSION} export: ${what}`);
  };
  const doc = value as Partial<AttentionExport> | null;
  if (!doc || typeof doc !== 'object') fail('not a JSON object');
  if (doc!.format !== EXPORT_FORMAT) fail(`format is ${JSON.stringify(doc!.format)}`);
  if (doc!.version !== EXPORT_VERSION) fail(`version is ${JSON.stringify(doc!.version)}`);
  const { model, tokens, layers, text } = doc as AttentionExport;
  if (typeof text !== 'string') fail('text is missing');
  if (!model || typeof model.head_dim !== 'number' || typeof model.heads !== 'number' ||
    typeof model.scale !== 'number') fail('model facts are missing');
  checkTokens(tokens, text, '', fail);
  const n = tokens.length;
  checkLayers(layers, { rows: n, keys: n, headDim: model.head_dim, scores: model.additive_term !== undefined }, '', fail);
  const t = (doc as AttentionExport).translation;
  if (t !== undefined) {
    if (typeof t.text !== 'string' || typeof t.head_dim !== 'number') fail('translation text or head_dim is missing');
    checkTokens(t.tokens, t.text, 'translation ', fail);
    const rows = t.tokens.length;
    checkLayers(t.decoder_layers, { rows, keys: rows, headDim: t.head_dim, scores: false }, 'decoder ', fail);
    checkLayers(t.cross_layers, { rows, keys: n, headDim: t.head_dim, scores: false }, 'cross ', fail);
  }
  return doc as AttentionExport;
}

function checkTokens(tokens: unknown, text: string, what: string, fail: (what: string) => never): void {
  if (!Array.isArray(tokens)) fail(`${what}tokens are missing`);
  (tokens as ExportToken[]).forEach((t, i) => {
    if (t.index !== i || typeof t.id !== 'number' || !(t.start >= 0 && t.end >= t.start && t.end <= text.length)) {
      fail(`${what}token ${i} is malformed`);
    }
  });
}

/** attention (and scores) [rows][keys], q [rows][headDim], k and v [keys][headDim] in every head. */
function checkLayers(layers: unknown, shape: { rows: number; keys: number; headDim: number; scores: boolean }, what: string,
  fail: (what: string) => never): void {
  if (!Array.isArray(layers)) fail(`${what}layers are missing`);
  for (const layer of layers as ExportLayer[]) {
    for (const head of layer.heads ?? fail(`${what}layer ${layer.layer} has no heads`)) {
      const where = `${what}layer ${layer.layer} head ${head.head}`;
      checkMatrix(head.attention, shape.rows, shape.keys, `${where} attention`, fail);
      checkMatrix(head.q, shape.rows, shape.headDim, `${where} q`, fail);
      for (const kind of ['k', 'v'] as const) checkMatrix(head[kind], shape.keys, shape.headDim, `${where} ${kind}`, fail);
      if (shape.scores || head.scores !== undefined) checkMatrix(head.scores, shape.rows, shape.keys, `${where} scores`, fail);
    }
  }
}

function checkMatrix(m: unknown, rows: number, cols: number, what: string, fail: (what: string) => never): void {
  if (!Array.isArray(m) || m.length !== rows) fail(`${what} does not have ${rows} rows`);
  for (const row of m as unknown[]) {
    if (!Array.isArray(row) || row.length !== cols) fail(`${what} has a row that is not ${cols} long`);
  }
}
