// Runs in Node (CLI, engine worker): the model cache outside VS Code, in the user's cache folder
// ($XDG_CACHE_HOME/qkv-scope/models, else ~/.cache/qkv-scope/models). The extension passes its global storage instead.
import * as os from 'node:os';
import * as path from 'node:path';

export function defaultModelCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'qkv-scope', 'models');
}
