// Runs in Node (CLI): reads the command line into a typed request, or says plainly what is wrong with it.
import { parseArgs } from 'node:util';
import { QkvError } from '../../shared/errors';
import { DEFAULT_MAX_TOKENS } from '../../shared/limits';
import type { ExportFormat } from '../export/exportJson';
import { isPrecision, type Precision } from '../model/graphFile';

export const USAGE = `Usage: qkv-scope (--text "…" | --file F) [--model embedded|DIR|hub-id[@revision]] [--out attention.json]
                 [--format json|npz] [--layers 0,1] [--heads 0-3] [--max-tokens N] [--precision P]
                 [--hub-endpoint URL] [--cache-dir DIR] [--offline] [--max-download MB]
                 [--target-lang CODE] [--source-lang CODE]
       qkv-scope inspect PATH [--json] [--probe [--tokens N] --out F]   (qkv-scope inspect --help)

Runs a transformer on the text and prints, for every layer and head, where attention goes.
  --text TEXT        the text to read
  --file F           read the text from file F instead ("-" reads standard input); one final newline is dropped
  --model M          "embedded" (default), a model folder, or a hub id such as Xenova/gpt2 (optionally @revision)
  --out F            write the attention, Q, K and V to F
  --format FORMAT    "json" (qkv-scope.attention v2) or "npz" (NumPy arrays for np.load); default: npz when F ends
                     in .npz, else json
  --layers LIST      layers to export, e.g. 0,1 or 0-3 (default: all)
  --heads LIST       heads to export, e.g. 2 or 0-3,7 (default: all)
  --max-tokens N     refuse longer text (default ${DEFAULT_MAX_TOKENS})
  --precision P      "full" (default: onnx/model.onnx) or "quantized" (onnx/model_quantized.onnx), which fall back
                     on each other, or a transformers.js dtype: fp32, fp16, q8, int8, uint8, q4, q4f16, bnb4
  --hub-endpoint URL download hub models from this mirror (default: $HF_ENDPOINT, else https://huggingface.co)
  --cache-dir DIR    keep downloaded models here (default: $XDG_CACHE_HOME/qkv-scope/models or ~/.cache/qkv-scope/models)
  --offline          never use the network: hub models must already be in the cache
  --max-download MB  largest file to download for a hub model (default 4000 MB)
  --target-lang CODE translation models that write several languages: the one to write, e.g. fr (M2M100),
                     fra_Latn (NLLB), or a T5 task's target language
  --source-lang CODE the language of the text, for the models above (default: the tokenizer's, or the only task)
  -h, --help         show this help`;

export interface CliOptions {
  readonly help: boolean;
  readonly text?: string;
  readonly file?: string;
  readonly model: string;
  readonly out?: string;
  readonly format: ExportFormat;
  readonly layers?: number[];
  readonly heads?: number[];
  readonly maxTokens: number;
  readonly precision: Precision;
  readonly hubEndpoint?: string;
  readonly cacheDir?: string;
  readonly offline: boolean;
  /** Bytes; undefined: the default ceiling. */
  readonly maxDownloadBytes?: number;
  readonly targetLang?: string;
  readonly sourceLang?: string;
}

export function parseCliArgs(argv: readonly string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        text: { type: 'string' },
        file: { type: 'string' },
        model: { type: 'string', default: 'embedded' },
        out: { type: 'string' },
        format: { type: 'string' },
        layers: { type: 'string' },
        heads: { type: 'string' },
        'max-tokens': { type: 'string' },
        precision: { type: 'string', default: 'full' },
        'hub-endpoint': { type: 'string' },
        'cache-dir': { type: 'string' },
        offline: { type: 'boolean', default: false },
        'max-download': { type: 'string' },
        'target-lang': { type: 'string' },
        'source-lang': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new QkvError('bad-argument', (error as Error).message);
  }
  if (values.help) return { help: true, model: 'embedded', format: 'json', maxTokens: DEFAULT_MAX_TOKENS, precision: 'full',
    offline: false };
  if (values.text === undefined && values.file === undefined) throw new QkvError('bad-argument', 'Give the text with --text or --file.');
  if (values.text !== undefined && values.file !== undefined) throw new QkvError('bad-argument', 'Give either --text or --file, not both.');
  if (values.out === '') throw new QkvError('bad-argument', '--out needs a file name.');
  if (!isPrecision(values.precision)) throw new QkvError('bad-argument',
    `--precision takes full, quantized, fp32, fp16, q8, int8, uint8, q4, q4f16 or bnb4, not "${values.precision}".`);
  const format = values.format ?? (values.out?.toLowerCase().endsWith('.npz') ? 'npz' : 'json');
  if (format !== 'json' && format !== 'npz') throw new QkvError('bad-argument', `--format takes "json" or "npz", not "${format}".`);
  if (values['cache-dir'] === '') throw new QkvError('bad-argument', '--cache-dir needs a folder.');
  for (const flag of ['target-lang', 'source-lang'] as const) {
    if (values[flag] !== undefined && !/^[A-Za-z][\w-]{0,31}$/.test(values[flag])) throw new QkvError('bad-argument',
      `--${flag} takes a language code such as fr or fra_Latn, not "${values[flag]}".`);
  }
  return {
    help: false,
    text: values.text,
    file: values.file,
    model: values.model ?? 'embedded',
    out: values.out,
    format,
    layers: values.layers === undefined ? undefined : parseIndexList(values.layers, '--layers'),
    heads: values.heads === undefined ? undefined : parseIndexList(values.heads, '--heads'),
    maxTokens: values['max-tokens'] === undefined ? DEFAULT_MAX_TOKENS : parsePositive(values['max-tokens'], '--max-tokens'),
    precision: values.precision,
    hubEndpoint: values['hub-endpoint'],
    cacheDir: values['cache-dir'],
    offline: values.offline ?? false,
    maxDownloadBytes: values['max-download'] === undefined ? undefined : parsePositive(values['max-download'], '--max-download') * 1e6,
    ...(values['target-lang'] !== undefined ? { targetLang: values['target-lang'] } : {}),
    ...(values['source-lang'] !== undefined ? { sourceLang: values['source-lang'] } : {}),
  };
}

/** No model has this many layers or heads; a bigger index is a typo, and a range to it is never expanded. */
export const MAX_INDEX = 9999;

/** "0,2-4" → [0, 2, 3, 4]. */
export function parseIndexList(text: string, flag: string): number[] {
  const result: number[] = [];
  for (const part of text.split(',')) {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!match) throw new QkvError('bad-argument', `${flag} takes numbers and ranges such as 0,2-4; "${part}" is neither.`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from) throw new QkvError('bad-argument', `${flag}: the range ${part} runs backwards.`);
    if (to > MAX_INDEX) throw new QkvError('bad-argument', `${flag}: ${part.trim()} goes past ${MAX_INDEX}; no model has that many.`);
    for (let i = from; i <= to; i++) result.push(i);
  }
  return result;
}

function parsePositive(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new QkvError('bad-argument',
    `${flag} takes a whole number of at least 1, not "${text}".`);
  return value;
}
