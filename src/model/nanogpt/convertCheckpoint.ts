// Runs in the extension host (Node): turns a nanoGPT checkpoint into a model folder by running
// tools/from_nanogpt.py with the person's own Python and torch (they have both, having trained the model).
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { QkvError } from '../../../shared/errors';
import { packageRoot } from '../packageRoot';

export interface ConvertRequest {
  /** qkvScope.pythonPath, or "python3". */
  readonly python: string;
  readonly checkpoint: string;
  /** nanoGPT's meta.pkl for a character model; GPT-2 tokens without it. */
  readonly meta?: string;
  readonly outDir: string;
  readonly signal?: AbortSignal;
  /** Each line the converter prints, for progress. */
  readonly onLine?: (line: string) => void;
}

export interface Converted {
  readonly outDir: string;
  /** Largest |logit difference| between torch and onnxruntime on the converter's check tokens. */
  readonly largestDifference: number;
}

/** Exit code of tools/from_nanogpt.py for a character model given without its meta.pkl. */
const NEEDS_META = 3;
const REQUIRED_MODULES = ['torch', 'numpy'];

export function converterScript(): string {
  return path.join(packageRoot(), 'tools', 'from_nanogpt.py');
}

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs Python; the converter checks its exported graph in onnxruntime-node, run by this very Node. */
function runPython(python: string, args: string[], signal?: AbortSignal, onLine?: (line: string) => void): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, {
      env: { ...process.env, QKV_NODE: process.execPath, ELECTRON_RUN_AS_NODE: '1', PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      for (const line of chunk.split('\n')) if (line.trim()) onLine?.(line.trim());
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError') reject(new QkvError('cancelled', 'The nanoGPT conversion was cancelled.'));
      else if (error.code === 'ENOENT') reject(pythonMissing(python));
      else reject(new QkvError('conversion-failed', `Python (${python}) could not be started: ${error.message}`));
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function pythonMissing(python: string): QkvError {
  return new QkvError('conversion-failed',
    `Python was not found at "${python}". Install Python 3 with torch and numpy (pip install torch numpy), ` +
    `or set qkvScope.pythonPath to the Python you trained with.`);
}

/** Checks that Python runs and has torch and numpy, before anything is converted. */
export async function checkPython(python: string, signal?: AbortSignal): Promise<void> {
  const probe = `import importlib.util, sys; missing = [m for m in ${JSON.stringify(REQUIRED_MODULES)} if importlib.util.find_spec(m) is ` +
    `None]; print(" ".join(missing)); sys.exit(1 if missing else 0)`;
  const done = await runPython(python, ['-c', probe], signal);
  if (done.code === 0) return;
  const missing = done.stdout.trim();
  if (!missing) throw pythonMissing(python);
  throw new QkvError('conversion-failed',
    `The Python at "${python}" has no ${missing.split(' ').join(' or ')}: install it there (pip install ${missing}), ` +
    `or set qkvScope.pythonPath to the Python you trained with.`);
}

export class MetaNeeded extends QkvError {
  constructor(message: string) {
    super('conversion-failed', message);
  }
}

export async function convertCheckpoint(request: ConvertRequest): Promise<Converted> {
  await checkPython(request.python, request.signal);
  const args = [converterScript(), request.checkpoint, '--out', request.outDir, '--force',
    ...(request.meta ? ['--meta', request.meta] : [])];
  const done = await runPython(request.python, args, request.signal, request.onLine);
  const message = lastLine(done.stderr).replace(/^from_nanogpt: /, '');
  if (done.code === NEEDS_META) throw new MetaNeeded(message);
  if (done.code !== 0) {
    throw new QkvError('conversion-failed', message || `The nanoGPT converter stopped with exit code ${done.code}.`);
  }
  const m = /largest logit difference \(torch vs onnxruntime, \d+ tokens\): (\S+)/.exec(done.stdout);
  return { outDir: request.outDir, largestDifference: m ? Number(m[1]) : Number.NaN };
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.trim() ?? '';
}
