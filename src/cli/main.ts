// Runs in Node: the `qkv-scope` command. Exit codes: 0 done, 1 the run failed, 2 bad arguments or input,
// 130/143 interrupted (SIGINT/SIGTERM). Everything printed passes through forTerminal; no stack trace is shown.
import * as path from 'node:path';
import { QkvError } from '../../shared/errors';
import { AttentionEngine } from '../attention/attentionEngine';
import { writeExportFile } from '../export/exportJson';
import { removeTemporariesNow } from '../export/tempFiles';
import { checkCacheDir, checkOutPath, readTextFile } from './checkPaths';
import { parseCliArgs, USAGE, type CliOptions } from './cliArgs';
import { DownloadReporter } from './downloadProgress';
import { runInspect } from './inspectCommand';
import { formatSummary } from './summary';
import { forTerminal } from './terminalText';

/** Errors that mean "what you gave is wrong" rather than "the run failed". */
const USAGE_CODES = new Set(['bad-argument', 'empty-input']);

let stdoutClosed = false;
/** `qkv-scope … | head -1`: the reader went away. Keep going quietly: an --out file is still written whole. */
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  stdoutClosed = true;
});
process.stderr.on('error', () => undefined);

function print(text: string): void {
  if (!stdoutClosed) process.stdout.write(forTerminal(text));
}

function printError(text: string): void {
  process.stderr.write(forTerminal(text));
}

async function main(argv: readonly string[], engine: AttentionEngine): Promise<number> {
  if (argv[0] === 'inspect') return runInspect(argv.slice(1), process.stdout, process.stderr);
  let options: CliOptions;
  try {
    options = parseCliArgs(argv);
    if (options.out) checkOutPath(options.out);
    if (options.cacheDir) checkCacheDir(options.cacheDir);
  } catch (error) {
    printError(`qkv-scope: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    print(`${USAGE}\n`);
    return 0;
  }
  try {
    const text = options.text ?? readTextFile(options.file!);
    const downloads = new DownloadReporter(process.stderr); // our own text: bar redraws need their escapes
    const selection = { layers: options.layers, heads: options.heads };
    const result = await engine.run({
      text,
      model: options.model,
      maxTokens: options.maxTokens,
      baseDir: process.cwd(),
      precision: options.precision,
      selection: options.out ? selection : undefined,
      targetLang: options.targetLang,
      sourceLang: options.sourceLang,
      hub: {
        cacheDir: options.cacheDir && path.resolve(options.cacheDir), endpoint: options.hubEndpoint, allowRemote: !options.offline,
        limits: { maxBytes: options.maxDownloadBytes },
      },
    }, { onDownload: (progress) => downloads.report(progress) }).finally(() => downloads.finish());
    print(`${formatSummary(result)}\n`);
    if (options.out) {
      await writeExportFile(options.out, result, selection, undefined, options.format);
      print(`Wrote ${options.out}\n`);
    }
    return 0;
  } catch (error) {
    const known = error instanceof QkvError && error.code !== 'internal';
    const message = known ? error.message : `internal error: ${(error as Error).message ?? String(error)} (please report it)`;
    printError(`qkv-scope: ${message}\n`);
    return error instanceof QkvError && USAGE_CODES.has(error.code) ? 2 : 1;
  }
}

// The WASM fallback is slower; say so once, on stderr, so that stdout stays the summary.
const engine = new AttentionEngine(undefined, (backend) => {
  if (backend.name === 'wasm') printError(`qkv-scope: running on ${backend.description}\n`);
});

/** Ctrl-C or SIGTERM: no temporary file is left, downloads stop (removing their partial file), then exit. */
function interrupted(signal: NodeJS.Signals, code: number): void {
  removeTemporariesNow();
  printError(`\nqkv-scope: interrupted (${signal}).\n`);
  const exit = () => process.exit(code);
  setTimeout(exit, 5_000).unref();
  void engine.dispose().then(exit, exit);
}
process.once('SIGINT', () => interrupted('SIGINT', 130));
process.once('SIGTERM', () => interrupted('SIGTERM', 143));

main(process.argv.slice(2), engine)
  .then(async (code) => {
    await engine.dispose();
    process.exitCode = code;
  });
