// Runs in the extension host: the hub models offered in "Select Model", with what the picker says about each.
// Ids, graph files and sizes were read from each repository's file listing on huggingface.co (main branch);
// a size we could not confirm is null and shown as unknown. Sizes are the Hub's decimal MB.

export interface CuratedModel {
  readonly id: string;
  /** config.json model_type. */
  readonly architecture: string;
  readonly causal: boolean;
  readonly layers: number;
  readonly heads: number;
  /** Grouped-query attention: fewer K/V heads than query heads. */
  readonly kvHeads?: number;
  /** The graph QKV Scope downloads at each precision, and its size in bytes (null: not confirmed). */
  readonly files: { readonly full: GraphFile; readonly quantized: GraphFile };
}

export interface GraphFile {
  readonly file: string;
  readonly bytes: number | null;
  /** A translator's encoder graph, downloaded beside its decoder. */
  readonly encoder?: GraphFile;
}

const MB = 1e6;

export const CURATED_MODELS: readonly CuratedModel[] = [
  {
    id: 'Xenova/distilgpt2', architecture: 'gpt2', causal: true, layers: 6, heads: 12,
    files: { full: { file: 'onnx/decoder_model.onnx', bytes: 329 * MB },
      quantized: { file: 'onnx/decoder_model_quantized.onnx', bytes: 83.5 * MB } },
  },
  {
    id: 'Xenova/gpt2', architecture: 'gpt2', causal: true, layers: 12, heads: 12,
    files: { full: { file: 'onnx/model.onnx', bytes: 501 * MB }, quantized: { file: 'onnx/model_quantized.onnx', bytes: null } },
  },
  {
    id: 'Xenova/bert-base-uncased', architecture: 'bert', causal: false, layers: 12, heads: 12,
    files: { full: { file: 'onnx/model.onnx', bytes: 438 * MB }, quantized: { file: 'onnx/model_quantized.onnx', bytes: 111 * MB } },
  },
  {
    id: 'Xenova/distilbert-base-uncased', architecture: 'distilbert', causal: false, layers: 6, heads: 12,
    files: { full: { file: 'onnx/model.onnx', bytes: 268 * MB }, quantized: { file: 'onnx/model_quantized.onnx', bytes: 67.7 * MB } },
  },
  {
    id: 'Xenova/roberta-base', architecture: 'roberta', causal: false, layers: 12, heads: 12,
    files: { full: { file: 'onnx/model.onnx', bytes: 499 * MB }, quantized: { file: 'onnx/model_quantized.onnx', bytes: 126 * MB } },
  },
  {
    // Llama family with grouped-query attention: 9 query heads share 3 K/V heads.
    id: 'HuggingFaceTB/SmolLM-135M-Instruct', architecture: 'llama', causal: true, layers: 30, heads: 9, kvHeads: 3,
    files: { full: { file: 'onnx/model.onnx', bytes: 539 * MB }, quantized: { file: 'onnx/model_quantized.onnx', bytes: 136 * MB } },
  },
  // Translators (Marian, 6 + 6 layers × 8 heads): the decoder and the encoder beside it are downloaded.
  ...['Xenova/opus-mt-en-fr', 'Xenova/opus-mt-fr-en'].map((id): CuratedModel => ({
    id, architecture: 'marian', causal: false, layers: 6, heads: 8,
    files: {
      full: { file: 'onnx/decoder_model.onnx', bytes: 224 * MB, encoder: { file: 'onnx/encoder_model.onnx', bytes: 199 * MB } },
      quantized: { file: 'onnx/decoder_model_quantized.onnx', bytes: 57 * MB,
        encoder: { file: 'onnx/encoder_model_quantized.onnx', bytes: 50.1 * MB } },
    },
  })),
];

/** The size the curated list states for a file of a model at its main revision, or null when it does not say. */
export function curatedFileBytes(repo: string, revision: string, file: string): number | null {
  if (revision !== 'main') return null;
  const model = CURATED_MODELS.find((m) => m.id === repo);
  const graphs = model ? [model.files.full, model.files.quantized].flatMap((g) => (g.encoder ? [g, g.encoder] : [g])) : [];
  return graphs.find((g) => g.file === file)?.bytes ?? null;
}

/** What choosing a graph downloads in all: the graph, and a translator's encoder; null when a size is not known. */
export function downloadBytes(graph: GraphFile): number | null {
  if (graph.bytes === null) return null;
  if (!graph.encoder) return graph.bytes;
  return graph.encoder.bytes === null ? null : graph.bytes + graph.encoder.bytes;
}
