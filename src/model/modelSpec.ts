// Runs in Node (engine worker, CLI, extension host): what kind of model a qkvScope.model / --model value names.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const EMBEDDED_MODEL = 'embedded';
export const DEFAULT_REVISION = 'main';

export type ModelSpec =
  | { readonly kind: 'embedded' }
  | { readonly kind: 'folder'; readonly dir: string }
  | { readonly kind: 'hub'; readonly repo: string; readonly revision: string };

/**
 * "owner/name", optionally "@revision". The characters and the ".."/"--" rule are the Hub's own
 * (transformers.js checks ids the same way); we require the owner so a bare word is never sent to the network.
 */
const HUB_ID = /^([\w.-]{1,96})\/([\w.-]{1,96})(?:@([\w./-]{1,200}))?$/;

/**
 * A value that names an existing folder, or looks like a path (absolute, "./", "~/", a backslash), is a folder.
 * Otherwise "owner/name[@revision]" is a hub id. Anything else is a folder that does not exist, and the
 * caller says so.
 */
export function parseModelSpec(value: string, baseDir: string = process.cwd()): ModelSpec {
  const spec = value.trim();
  if (spec === '' || spec === EMBEDDED_MODEL) return { kind: 'embedded' };
  const dir = spec === '~' || spec.startsWith('~/') ? path.join(os.homedir(), spec.slice(1)) : path.resolve(baseDir, spec);
  const looksLikePath = path.isAbsolute(spec) || /^\.{1,2}(\/|\\|$)/.test(spec) || spec.startsWith('~') || spec.includes('\\');
  if (looksLikePath || isDirectory(dir)) return { kind: 'folder', dir };
  const match = HUB_ID.exec(spec);
  if (match && !spec.includes('..') && !spec.includes('--')) {
    return { kind: 'hub', repo: `${match[1]}/${match[2]}`, revision: match[3] ?? DEFAULT_REVISION };
  }
  return { kind: 'folder', dir };
}

/** "Xenova/gpt2" for the main revision, "Xenova/gpt2@v2" otherwise: how a hub model is named to the user. */
export function hubModelName(repo: string, revision: string): string {
  return revision === DEFAULT_REVISION ? repo : `${repo}@${revision}`;
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
