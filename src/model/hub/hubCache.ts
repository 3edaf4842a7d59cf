// Runs in Node (engine worker, CLI, extension host): where downloaded hub models live, and what is there.
// Layout: <cacheRoot>/<owner>/<name>/<revision>/ holds the repository's files under their own paths,
// so a cached model is an ordinary model folder and loads exactly like one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { graphCandidates, type Precision } from '../graphFile';
import { hubModelName } from '../modelSpec';

/** Files being downloaded carry this infix; they never count as cached. */
export const PARTIAL_INFIX = '.part-';

export function hubModelDir(cacheRoot: string, repo: string, revision: string): string {
  const [owner, name] = repo.split('/');
  // A revision may be a branch such as "refs/pr/1": one folder level, whatever it contains.
  return path.join(cacheRoot, owner, name, encodeURIComponent(revision));
}

export interface CachedModel {
  /** "owner/name" or "owner/name@revision", as the user would type it. */
  readonly name: string;
  readonly dir: string;
  readonly bytes: number;
}

/** True when the files a run needs are all in the cache, so the model loads with no network. */
export function isHubModelCached(cacheRoot: string, repo: string, revision: string, precision: Precision): boolean {
  const dir = hubModelDir(cacheRoot, repo, revision);
  return ['config.json', 'tokenizer.json', 'tokenizer_config.json'].every((f) => isFile(path.join(dir, f))) &&
    graphCandidates(precision).some((f) => isFile(path.join(dir, f)));
}

export function listCachedModels(cacheRoot: string): CachedModel[] {
  const models: CachedModel[] = [];
  for (const owner of subdirs(cacheRoot)) {
    for (const name of subdirs(path.join(cacheRoot, owner))) {
      for (const revision of subdirs(path.join(cacheRoot, owner, name))) {
        const dir = path.join(cacheRoot, owner, name, revision);
        if (!isFile(path.join(dir, 'config.json'))) continue;
        models.push({ name: hubModelName(`${owner}/${name}`, decodeURIComponent(revision)), dir, bytes: folderBytes(dir) });
      }
    }
  }
  return models.sort((a, b) => a.name.localeCompare(b.name));
}

/** Removes a cached model's folder, and its parents when they are left empty. */
export async function deleteCachedModel(cacheRoot: string, model: CachedModel): Promise<void> {
  const root = path.resolve(cacheRoot);
  if (!path.resolve(model.dir).startsWith(root + path.sep)) throw new Error(`${model.dir} is not inside the model cache ${root}`);
  await fs.promises.rm(model.dir, { recursive: true, force: true });
  for (let dir = path.dirname(model.dir); dir !== root && dir.startsWith(root); dir = path.dirname(dir)) {
    if ((await fs.promises.readdir(dir)).length > 0) break;
    await fs.promises.rmdir(dir);
  }
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  return total;
}

function subdirs(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}

export function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
