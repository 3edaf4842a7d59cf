// Runs in Node (CLI): checks the paths on the command line before anything runs, so a typo in --out is
// reported at once, not after a model has been downloaded and run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QkvError } from '../../shared/errors';
import { MAX_INPUT_BYTES } from '../../shared/limits';

function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

/** --out must name a file in an existing folder; an existing file is replaced, a folder is refused. */
export function checkOutPath(out: string): void {
  const target = statOf(out);
  if (target?.isDirectory()) throw new QkvError('bad-argument', `--out ${out} is a folder; give a file name.`);
  const dir = path.dirname(path.resolve(out));
  const parent = statOf(dir);
  if (!parent) throw new QkvError('bad-argument', `--out ${out}: the folder ${dir} does not exist.`);
  if (!parent.isDirectory()) throw new QkvError('bad-argument', `--out ${out}: ${dir} is a file, not a folder.`);
}

/** --cache-dir may not exist yet, but may not be a file. */
export function checkCacheDir(dir: string): void {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const stat = statOf(at);
    if (stat && !stat.isDirectory()) throw new QkvError('bad-argument', `--cache-dir ${dir}: ${at} is a file, not a folder.`);
    if (stat || at === path.dirname(at)) return;
  }
}

/**
 * Reads --file (or standard input for "-"), refusing more than the limit without reading it whole. A single final
 * newline is dropped: it is the POSIX line terminator, not a token the user meant.
 */
export function readTextFile(file: string): string {
  const tooBig = (size: string) => new QkvError('too-long',
    `--file ${file} is ${size}; QKV Scope reads at most ${MAX_INPUT_BYTES / (1 << 20)} MiB of text. Give a shorter file.`);
  let fd: number;
  try {
    fd = file === '-' ? 0 : fs.openSync(file, 'r');
  } catch (error) {
    throw new QkvError('bad-argument', `Cannot read --file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new QkvError('bad-argument', `Cannot read --file ${file}: it is a folder.`);
    if (stat.isFile() && stat.size > MAX_INPUT_BYTES) throw tooBig(`${(stat.size / 1e6).toFixed(1)} MB`);
    // Pipes and terminals have no size: read at most one byte past the limit.
    const buffer = Buffer.alloc(MAX_INPUT_BYTES + 1);
    let length = 0;
    for (;;) {
      let read: number;
      try {
        read = fs.readSync(fd, buffer, length, buffer.length - length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        if ((error as NodeJS.ErrnoException).code === 'EOF') break;
        throw new QkvError('bad-argument',
          `Cannot read --file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      if (read === 0) break;
      length += read;
      if (length > MAX_INPUT_BYTES) throw tooBig(`more than ${MAX_INPUT_BYTES / (1 << 20)} MiB`);
    }
    return buffer.toString('utf8', 0, length).replace(/\r?\n$/, '');
  } finally {
    if (fd !== 0) fs.closeSync(fd);
  }
}
