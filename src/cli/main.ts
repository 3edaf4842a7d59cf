// Runs in Node: the `qkv-scope` command. Exit codes: 0 done, 1 the run failed, 2 bad arguments.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QkvError } from '../../shared/errors';
import { AttentionEngine } from '../attention/attentionEngine';
import { writeExportFile } from '../export/exportJson';
import { parseCliArgs, USAGE, type CliOptions } from './cliArgs';
import { DownloadReporter } from './downloadProgress';
import { runInspect } from './inspectCommand';
import { formatSummary } from './summary';

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'inspect') return runInspect(argv.slice(1), process.stdout, process.stderr);
  let options: CliOptions;
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    process.stderr.write(`qkv-scope: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // The WASM fallback is slower; say so once, on stderr, so that stdout stays the summary.
  const engine = new AttentionEngine(undefined, (backend) => {
    if (backend.name === 'wasm') process.stderr.write(`qkv-scope: running on ${backend.description}\n`);
  });
  try {
    const text = options.text ?? readTextFile(options.file!);
    const downloads = new DownloadReporter(process.stderr);
    const result = await engine.run({
      text,
      model: options.model,
      maxTokens: options.maxTokens,
      baseDir: process.cwd(),
      precision: options.precision,
      hub: { cacheDir: options.cacheDir && path.resolve(options.cacheDir), endpoint: options.hubEndpoint, allowRemote: !options.offline },
    }, { onDownload: (progress) => downloads.report(progress) }).finally(() => downloads.finish());
    process.stdout.write(`${formatSummary(result)}\n`);
    if (options.out) {
      await writeExportFile(options.out, result, { layers: options.layers, heads: options.heads }, undefined, options.format);
      process.stdout.write(`Wrote ${options.out}\n`);
    }
    return 0;
  } catch (error) {
    const known = error instanceof QkvError && error.code !== 'internal';
    process.stderr.write(`qkv-scope: ${known ? error.message : (error as Error).stack ?? String(error)}\n`);
    return error instanceof QkvError && error.code === 'bad-argument' ? 2 : 1;
  } finally {
    await engine.dispose();
  }
}

/** The file's text without its single final newline: the POSIX line terminator, not a token the user meant. */
function readTextFile(file: string): string {
  try {
    return fs.readFileSync(file === '-' ? 0 : file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new QkvError('bad-argument', `Cannot read --file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
