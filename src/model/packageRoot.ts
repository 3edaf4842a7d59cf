// Runs in Node: finds the extension's install folder, whether this code runs from dist/ (bundled) or out/ (tests).
import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'qkv-scope') {
      cached = dir;
      return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`qkv-scope package.json not found above ${__dirname}`);
  }
}

/** The embedded default model ships in the package's models/ folder. */
export function embeddedModelDir(): string {
  return path.join(packageRoot(), 'models');
}
