// Runs in Node (CLI): `qkv-scope inspect PATH [--json] [--probe [--tokens N] --out F]` — for people with their own
// exports: which file would run, how each input is fed, every attention block, and what cannot be shown.
// Exit 0 when at least one block is found (and, with --probe, the probe ran); 1 with the one-line reason; 2 for bad arguments.
import { parseArgs } from 'node:util';
import { QkvError } from '../../shared/errors';
import { inspectModel, type InspectedBlock, type Inspection } from '../attention/inspectModel';
import { writeExportFile } from '../export/exportJson';
import { isPrecision, type Precision } from '../model/graphFile';
import { forTerminal } from './terminalText';

export const INSPECT_USAGE = `Usage: qkv-scope inspect PATH [--json] [--probe [--tokens N] --out F] [--precision P]

Says what QKV Scope would do with a model folder or a bare .onnx file: the file that would run, how each input is fed,
one line per attention block, and what cannot be shown. Shapes are measured by one run on synthetic inputs.
  --json        print the same facts as one JSON object {file, inputs, blocks, refusal}
  --probe       run on synthetic inputs and write the standard export (synthetic tokens, empty text) to --out
  --tokens N    length of the synthetic run (default 8)
  --out F       where --probe writes the export
  --precision P which graph of a folder: full (default), quantized, or a transformers.js dtype (fp16, q4…)`;

interface InspectOptions {
  readonly target: string;
  readonly json: boolean;
  readonly probe: boolean;
  readonly tokens: number;
  readonly out?: string;
  readonly precision: Precision;
}

export function parseInspectArgs(argv: readonly string[]): InspectOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv], strict: true, allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false }, probe: { type: 'boolean', default: false }, tokens: { type: 'string' },
        out: { type: 'string' }, precision: { type: 'string', default: 'full' },
      },
    });
  } catch (error) {
    throw new QkvError('bad-argument', (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new QkvError('bad-argument', 'inspect takes one PATH: a model folder or an .onnx file.');
  if (!values.probe && (values.out !== undefined || values.tokens !== undefined)) throw new QkvError('bad-argument',
    '--out and --tokens go with --probe.');
  if (values.probe && !values.out) throw new QkvError('bad-argument', '--probe needs --out F, the file to write the export to.');
  const tokens = values.tokens === undefined ? 8 : Number(values.tokens);
  if (!Number.isInteger(tokens) || tokens < 1 || tokens > 4096) throw new QkvError('bad-argument',
    `--tokens takes a whole number from 1 to 4096, not "${values.tokens}".`);
  if (!isPrecision(values.precision)) throw new QkvError('bad-argument', `--precision does not know "${values.precision}".`);
  return { target: positionals[0], json: values.json ?? false, probe: values.probe ?? false, tokens, out: values.out,
    precision: values.precision };
}

export async function runInspect(argv: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  let options: InspectOptions;
  try {
    options = parseInspectArgs(argv);
  } catch (error) {
    err.write(`qkv-scope inspect: ${forTerminal((error as Error).message)}\n\n${INSPECT_USAGE}\n`);
    return 2;
  }
  try {
    const inspection = await inspectModel(options.target, options.tokens, options.precision);
    const { probe, ...facts } = inspection;
    // JSON escapes control characters itself; the text form shows names and refusals from the graph escaped.
    out.write(options.json ? `${JSON.stringify(facts, null, 2)}\n` : `${forTerminal(formatInspection(inspection))}\n`);
    if (inspection.blocks.length === 0) {
      if (options.json) err.write(`qkv-scope inspect: ${forTerminal(inspection.refusal ?? 'no attention block found.')}\n`);
      return 1;
    }
    if (options.probe) {
      if (!probe) {
        if (options.json) err.write(`qkv-scope inspect: ${forTerminal(inspection.refusal ?? '')}\n`);
        return 1;
      }
      await writeExportFile(options.out!, probe);
      if (!options.json) out.write(`Wrote ${forTerminal(options.out!)}\n`);
    }
    return 0;
  } catch (error) {
    const known = error instanceof QkvError && error.code !== 'internal';
    err.write(`qkv-scope inspect: ${forTerminal(known ? error.message : (error as Error).stack ?? String(error))}\n`);
    return error instanceof QkvError && error.code === 'bad-argument' ? 2 : 1;
  }
}

export function formatInspection(inspection: Inspection): string {
  const lines = [`File: ${inspection.file}`, 'Inputs:'];
  for (const input of inspection.inputs) lines.push(`  ${input.name}: ${input.type} [${input.shape.join(', ')}] → ${input.feed}`);
  lines.push(`Attention blocks (${inspection.blocks.length}):`);
  for (const block of inspection.blocks) lines.push(`  ${blockLine(block)}`);
  lines.push(inspection.refusal ? `Cannot show: ${inspection.refusal}` : 'Cannot show: nothing; every block above can be shown.');
  return lines.join('\n');
}

function blockLine(b: InspectedBlock): string {
  const known = (x: number | null) => (x === null ? '?' : String(x));
  const scale = b.scale === null ? 'scale ?' : `scale ${Number(b.scale.toPrecision(6))}`;
  const causal = b.causal === null ? 'causal ?' : b.causal ? 'causal' : 'not causal';
  const window = b.window === null ? '' : `, local window ${b.window}`;
  return `layer ${b.layer}: ${b.kind}-attention, ${known(b.heads)} heads, ${known(b.kv_heads)} K/V heads, head_dim ${known(b.head_dim)}, ` +
    `${b.layout ?? '?-D'}, ${scale}, + ${b.additive.length ? b.additive.join(' + ') : 'nothing'}, ` +
    `${causal}${window}, ${b.fused ? `opened from ${b.fused}` : 'not fused'}`;
}
