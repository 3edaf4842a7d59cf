// Runs in Node: writes an AttentionResult as the JSON export (or the .npz, exportNpz.ts), streamed, atomically.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { scaleOf, type AttentionResult, type LayerTensors, type TensorKind, type Translation } from '../../shared/attentionResult';
import { QkvError } from '../../shared/errors';
import {
  EXPORT_FORMAT, EXPORT_VERSION, type ExportModel, type ExportSelection, type ExportToken, type ExportTranslation,
} from '../../shared/exportSchema';
import { float32Text } from '../../shared/float32Text';
import { npzChunks } from './exportNpz';

/** json: the qkv-scope.attention document; npz: NumPy arrays (exportNpz.ts). */
export type ExportFormat = 'json' | 'npz';
import { exportTemporaryName, sweepStaleExportTemporaries, trackTemporary, untrackTemporary } from './tempFiles';

/** Checks a selection against the result and fills in "all" for missing lists. */
export function resolveSelection(result: AttentionResult, selection: ExportSelection = {}): { layers: number[]; heads: number[] } {
  const pick = (wanted: readonly number[] | undefined, count: number, what: string) => {
    const all = Array.from({ length: count }, (_, i) => i);
    if (!wanted) return all;
    const bad = wanted.filter((i) => !Number.isInteger(i) || i < 0 || i >= count);
    if (bad.length > 0) throw new QkvError('bad-argument', `No ${what} ${bad.join(', ')}: the model has ${what}s 0 to ${count - 1}.`);
    return [...new Set(wanted)].sort((a, b) => a - b);
  };
  return { layers: pick(selection.layers, result.model.layers, 'layer'), heads: pick(selection.heads, result.model.heads, 'head') };
}

export function exportModelFacts(result: AttentionResult): ExportModel {
  const m = result.model;
  return {
    id: m.id, architecture: m.architecture, layers: m.layers, heads: m.heads, head_dim: m.headDim,
    hidden_size: m.hiddenSize, causal: m.causal, max_positions: m.maxPositions, quantized_scores: m.quantizedScores,
    ...(m.onnxFile ? { onnx_file: m.onnxFile } : {}),
    ...(m.kvHeadOf ? { kv_head_of: m.kvHeadOf } : {}),
    scale: scaleOf(m),
    ...(m.softcap ? { softcap: m.softcap } : {}),
    ...(m.additiveTerm ? { additive_term: m.additiveTerm } : {}),
    ...(m.fused ? { fused: m.fused } : {}),
    ...(m.notes ? { notes: m.notes } : {}),
  };
}

export function exportTokens(result: AttentionResult): ExportToken[] {
  return result.tokens.map((t, index) => ({
    index, id: t.id, piece: t.piece, display: t.display, start: t.start, end: t.end, special: t.special,
  }));
}

/** The translation's facts and tokens, as both exports write them (without the matrices). */
export function exportTranslationFacts(t: Translation): Omit<ExportTranslation, 'decoder_layers' | 'cross_layers'> {
  return {
    text: t.text, stopped: t.stopped, layers: t.layers, heads: t.heads, head_dim: t.headDim,
    scale: t.scale ?? 1 / Math.sqrt(t.headDim), cross_scale: t.crossScale ?? t.scale ?? 1 / Math.sqrt(t.headDim),
    ...(t.additiveTerm ? { additive_term: t.additiveTerm } : {}),
    ...(t.targetLang ? { target_lang: t.targetLang } : {}),
    tokens: t.tokens.map((x, index) =>
      ({ index, id: x.id, piece: x.piece, display: x.display, start: x.start, end: x.end, special: x.special })),
  };
}

/**
 * The export as a sequence of text chunks, one matrix row at a time, so a 512-token 12×12 export
 * (hundreds of MB of text) never has to exist as one string.
 */
export function* exportChunks(result: AttentionResult, selection: ExportSelection = {}): Generator<string> {
  const { layers, heads } = resolveSelection(result, selection);
  const n = result.tokens.length;
  yield `{"format":${JSON.stringify(EXPORT_FORMAT)},"version":${EXPORT_VERSION},\n`;
  yield `"model":${JSON.stringify(exportModelFacts(result))},\n`;
  yield `"text":${JSON.stringify(result.text)},\n`;
  yield `"tokens":[${exportTokens(result).map((t) => JSON.stringify(t)).join(',\n')}],\n`;
  yield '"layers":';
  yield* layerChunks({ layers: result.layers, rows: n, keys: n, headDim: result.model.headDim }, layers, heads);
  const t = result.translation;
  if (t) {
    const decoder = { rows: t.tokens.length, headDim: t.headDim };
    const pick = (all: readonly number[], count: number) => all.filter((i) => i < count);
    const { tokens, ...facts } = exportTranslationFacts(t);
    yield `,\n"translation":${JSON.stringify(facts).slice(0, -1)},\n`;
    yield `"tokens":[${tokens.map((x) => JSON.stringify(x)).join(',\n')}],\n"decoder_layers":`;
    yield* layerChunks({ layers: t.decoder, ...decoder, keys: decoder.rows }, pick(layers, t.decoder.length), pick(heads, t.heads));
    yield ',\n"cross_layers":';
    yield* layerChunks({ layers: t.cross, ...decoder, keys: n }, pick(layers, t.cross.length), pick(heads, t.heads));
    yield '}';
  }
  yield '}\n';
}

/** Attention blocks of one kind: probs and scores [rows × keys], q [rows × headDim], k and v [keys × headDim] per head. */
interface BlockGrid {
  readonly layers: readonly LayerTensors[];
  readonly rows: number;
  readonly keys: number;
  readonly headDim: number;
}

function* layerChunks(grid: BlockGrid, layers: readonly number[], heads: readonly number[]): Generator<string> {
  yield '[';
  for (const [li, layer] of layers.entries()) {
    yield `${li ? ',' : ''}\n{"layer":${layer},"heads":[`;
    for (const [hi, head] of heads.entries()) {
      yield `${hi ? ',' : ''}\n{"head":${head}`;
      const kinds: (TensorKind | 'scores')[] = ['probs', 'q', 'k', 'v'];
      if (grid.layers[layer].scores) kinds.push('scores');
      for (const kind of kinds) {
        yield `,\n"${kind === 'probs' ? 'attention' : kind}":[`;
        const rows = kind === 'k' || kind === 'v' ? grid.keys : grid.rows;
        const width = kind === 'probs' || kind === 'scores' ? grid.keys : grid.headDim;
        const data = grid.layers[layer][kind]!.subarray(head * rows * width, (head + 1) * rows * width);
        for (let row = 0; row < rows; row++) yield `${row ? ',' : ''}${matrixRow(data, row, width)}`;
        yield ']';
      }
      yield '}';
    }
    yield ']}';
  }
  yield '\n]';
}

function matrixRow(data: Float32Array, row: number, width: number): string {
  const parts = new Array<string>(width);
  for (let j = 0; j < width; j++) parts[j] = float32Text(data[row * width + j]);
  return `[${parts.join(',')}]`;
}

/** A hidden file beside the target, so the final rename stays on one file system. */
export function temporaryPathFor(target: string): string {
  return path.join(path.dirname(target), exportTemporaryName(target));
}

/**
 * Writes the export to a temporary file beside the target and renames it into place,
 * so a failure or a crash never leaves a half-written export (and never touches an existing file).
 * Replacing an export keeps its file mode; a symlink is written through, to its target.
 */
export async function writeExportFile(
  target: string, result: AttentionResult, selection: ExportSelection = {}, temporary?: string,
  format: ExportFormat = 'json',
): Promise<void> {
  resolveSelection(result, selection); // fail on a bad selection before creating anything
  const chunks = format === 'npz' ? npzChunks(result, selection) : exportChunks(result, selection);
  const destination = await realDestination(target);
  const temp = temporary ?? temporaryPathFor(destination);
  await sweepStaleExportTemporaries(destination);
  trackTemporary(temp);
  try {
    const mode = await fs.promises.stat(destination).then((s) => s.mode & 0o7777, () => undefined);
    await pipeline(Readable.from(chunks), fs.createWriteStream(temp, { flags: 'wx', ...(mode === undefined ? {} : { mode }) }));
    if (mode !== undefined) await fs.promises.chmod(temp, mode); // the umask may have narrowed it
    await fs.promises.rename(temp, destination);
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    if (error instanceof QkvError) throw error;
    throw new QkvError('write-failed', `Could not write ${target}: ${describeFsError(error)}`);
  } finally {
    untrackTemporary(temp);
  }
}

/** The file a write to `target` should replace: through a symlink, its target (so the link stays a link). */
async function realDestination(target: string, hops = 0): Promise<string> {
  const link = await fs.promises.lstat(target).catch(() => undefined);
  if (!link?.isSymbolicLink()) return target;
  if (hops >= 32) throw new QkvError('write-failed', `Could not write ${target}: too many symbolic links.`);
  const pointed = await fs.promises.readlink(target);
  return realDestination(path.resolve(path.dirname(target), pointed), hops + 1);
}

/** "ENOTDIR: not a directory" rather than the raw "ENOTDIR: not a directory, open '/a/b/.c.123.tmp'". */
export function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    ENOENT: 'the folder does not exist', ENOTDIR: 'a part of the path is a file, not a folder', EISDIR: 'it is a folder',
    EACCES: 'permission denied', EPERM: 'permission denied', ENOSPC: 'the disk is full', EROFS: 'the file system is read-only',
  };
  return (e.code && known[e.code]) ?? e.code ?? e.message;
}
