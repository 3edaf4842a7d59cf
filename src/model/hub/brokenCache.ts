// Runs in the engine worker (Node): a model from the hub cache that fails to load is most likely a damaged
// download; say how to clear it, since every later run (even offline) would otherwise fail the same way.
import * as path from 'node:path';
import { QkvError } from '../../../shared/errors';
import type { ModelFolder } from '../modelFolder';

export const DELETE_CACHED_MODEL_COMMAND = 'QKV Scope: Delete Cached Model';

export function explainBrokenCache(error: unknown, folder: ModelFolder, cacheDir: string): unknown {
  const inCache = path.resolve(folder.dir).startsWith(path.resolve(cacheDir) + path.sep);
  if (!(error instanceof QkvError) || error.code !== 'model-invalid' || !inCache) return error;
  return new QkvError('model-invalid',
    `${error.message} The cached copy of "${folder.id}" looks damaged: remove it with the "${DELETE_CACHED_MODEL_COMMAND}" command ` +
    `(outside VS Code, delete the folder ${folder.dir}) and run again to download it afresh.`);
}
